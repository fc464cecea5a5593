/**
 * Errors of the `./chroma` subpath. Each extends {@link ChromaCompactionError}, so a caller
 * can catch the package's base class and still tell these apart.
 */
import { CompactionConfigurationError } from '../../compaction/errors.js';
import { ChromaCompactionError, type ChromaCompactionErrorOptions } from '../../errors.js';

/**
 * Why a local Chroma server could not start:
 * - `native-binding`: Chroma's native binding did not load (glibc older than 2.38, or no
 *   binding package for this platform);
 * - `cli-not-found`: the `chroma` CLI script of the `chromadb` package could not be found;
 * - `spawn-failed`: the command could not be run at all (e.g. `ENOENT`);
 * - `address-unavailable`: the host/port cannot be listened on (e.g. the port is taken);
 * - `exited`: the server process ended before it answered its heartbeat;
 * - `timeout`: the server did not answer its heartbeat within `startupTimeoutMs`;
 * - `invalid-options`: the options contradict each other (`command` together with
 *   `glibcShim`), so nothing was started.
 */
export type LocalChromaStartFailure =
  | 'native-binding'
  | 'cli-not-found'
  | 'spawn-failed'
  | 'address-unavailable'
  | 'exited'
  | 'timeout'
  | 'invalid-options';

/** Options of {@link LocalChromaStartError}. */
export interface LocalChromaStartErrorOptions extends ChromaCompactionErrorOptions {
  /** Why the server could not start. */
  readonly reason: LocalChromaStartFailure;
  /** The full argv that was (or would have been) run. */
  readonly command: readonly string[];
  /** The last part of the process's standard error, ANSI colours removed. @default '' */
  readonly stderrTail?: string | undefined;
  /** The exit code, when the process ended with one. */
  readonly exitCode?: number | null | undefined;
  /** The signal that ended the process, when one did. */
  readonly signal?: string | null | undefined;
}

/**
 * A local Chroma server (`chroma run`) did not start. `reason` says why; `stderrTail` keeps
 * the end of the server's standard error for logs. The message names the way out.
 */
export class LocalChromaStartError extends ChromaCompactionError {
  /** Why the server could not start. */
  readonly reason: LocalChromaStartFailure;
  /** The full argv that was (or would have been) run. */
  readonly command: readonly string[];
  /** The last part of the process's standard error, ANSI colours removed. */
  readonly stderrTail: string;
  /** The exit code, when the process ended with one; otherwise `null`. */
  readonly exitCode: number | null;
  /** The signal that ended the process, when one did; otherwise `null`. */
  readonly signal: string | null;

  constructor(message: string, options: LocalChromaStartErrorOptions) {
    super(message, {
      cause: options.cause,
      context: {
        ...options.context,
        reason: options.reason,
        exitCode: options.exitCode ?? undefined,
      },
    });
    this.reason = options.reason;
    this.command = options.command;
    this.stderrTail = options.stderrTail ?? '';
    this.exitCode = options.exitCode ?? null;
    this.signal = options.signal ?? null;
  }
}

/**
 * Why the glibc shim could not be prepared or used:
 * - `unsupported-platform`: not Linux on x64 or arm64, where Debian's packages do not apply;
 * - `missing-tool`: `apt-get` or `dpkg` is not installed (not a Debian or Ubuntu system);
 * - `download-failed`: apt could not fetch the packages (no network, mirror unreachable,
 *   index not signed by a key it trusts);
 * - `unpack-failed`: `dpkg -x` failed, or the unpacked files lack the loader;
 * - `unusable`: the shim is in place but Chroma's native binding still does not load through it.
 */
export type GlibcShimFailure =
  | 'unsupported-platform'
  | 'missing-tool'
  | 'download-failed'
  | 'unpack-failed'
  | 'unusable';

/** Options of {@link GlibcShimError}. */
export interface GlibcShimErrorOptions extends ChromaCompactionErrorOptions {
  /** Why the shim could not be prepared or used. */
  readonly reason: GlibcShimFailure;
  /** The cache folder the shim was to be kept in, when one was chosen. */
  readonly cacheDir?: string | undefined;
  /** The last part of the failing command's output (apt-get, dpkg, the probe). @default '' */
  readonly output?: string | undefined;
}

/**
 * The glibc shim (Debian 13's C and C++ runtime, unpacked to start Node.js through) could
 * not be prepared or does not make Chroma's native binding load. `reason` says why; the
 * message names what to install or do, including the manual steps for systems without apt.
 */
export class GlibcShimError extends ChromaCompactionError {
  /** Why the shim could not be prepared or used. */
  readonly reason: GlibcShimFailure;
  /** The cache folder the shim was to be kept in, when one was chosen. */
  readonly cacheDir: string | undefined;
  /** The last part of the failing command's output; empty when there was none. */
  readonly output: string;

  constructor(message: string, options: GlibcShimErrorOptions) {
    super(message, {
      cause: options.cause,
      context: { ...options.context, reason: options.reason, cacheDir: options.cacheDir },
    });
    this.reason = options.reason;
    this.cacheDir = options.cacheDir;
    this.output = options.output ?? '';
  }
}

/** Chroma Cloud is enabled but a setting it needs is missing or blank; `variable` names it. */
export class ChromaCloudConfigError extends CompactionConfigurationError {
  /** The environment variable that is missing or blank, e.g. `CHROMA_CLOUD_API_KEY`. */
  readonly variable: string;

  constructor(message: string, options: ChromaCompactionErrorOptions & { variable: string }) {
    super(message, { ...options, context: { ...options.context, variable: options.variable } });
    this.variable = options.variable;
  }
}
