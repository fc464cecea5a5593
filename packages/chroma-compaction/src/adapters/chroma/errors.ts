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
 * - `timeout`: the server did not answer its heartbeat within `startupTimeoutMs`.
 */
export type LocalChromaStartFailure =
  | 'native-binding'
  | 'cli-not-found'
  | 'spawn-failed'
  | 'address-unavailable'
  | 'exited'
  | 'timeout';

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

/** Chroma Cloud is enabled but a setting it needs is missing or blank; `variable` names it. */
export class ChromaCloudConfigError extends CompactionConfigurationError {
  /** The environment variable that is missing or blank, e.g. `CHROMA_CLOUD_API_KEY`. */
  readonly variable: string;

  constructor(message: string, options: ChromaCompactionErrorOptions & { variable: string }) {
    super(message, { ...options, context: { ...options.context, variable: options.variable } });
    this.variable = options.variable;
  }
}
