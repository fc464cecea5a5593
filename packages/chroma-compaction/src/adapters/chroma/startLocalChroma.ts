import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import { ChromaClient } from 'chromadb';
import { LocalChromaStartError } from './errors.js';
import { type ChromaNodeCommandOptions, chromaNodeCommand } from './glibcShimNodeCommand.js';
import {
  addressFailure,
  exitFailure,
  type LocalChromaExit,
  type LocalChromaFailureInput,
  nativeBindingFailure,
  timeoutFailure,
} from './localChromaFailures.js';
import { resolveChromaCli } from './resolveChromaCli.js';

/** Options of {@link startLocalChroma}. */
export interface StartLocalChromaOptions {
  /** The persist directory the server reads and writes (created when missing). */
  readonly path: string;
  /** The port to listen on. @default a free port picked by the OS */
  readonly port?: number | undefined;
  /** The address to listen on. @default '127.0.0.1' */
  readonly host?: string | undefined;
  /**
   * The argv prefix that runs the CLI script: the server runs as
   * `[...command, cliPath, 'run', '--path', path, '--port', port, '--host', host]`.
   * Use it to start Node.js through another loader, e.g. a glibc >= 2.38 shim:
   * `['<shim>/ld-linux-x86-64.so.2', '--library-path', '<shim>', process.execPath]`.
   * Not together with `glibcShim`.
   * @default [process.execPath]
   */
  readonly command?: readonly string[] | undefined;
  /**
   * Start Node.js through the glibc shim (Debian 13's C and C++ runtime, fetched once with
   * apt into a cache folder; see {@link chromaNodeCommand}), for systems whose glibc is older
   * than the 2.38 Chroma's native binding needs (Debian 12, Ubuntu 22.04):
   * - `'auto'`: check first (in a child process) and use the shim only when the binding
   *   does not load with the system's glibc; elsewhere nothing is downloaded;
   * - `true`: always use the shim;
   * - an object: `'auto'` (or `when: 'always'`) with the shim's cache folder, mirror, …;
   * - `false`: never (run `command` as given).
   *
   * The check and the shim are kept for the process. Not together with `command`.
   * @default false
   */
  readonly glibcShim?: boolean | 'auto' | ChromaNodeCommandOptions | undefined;
  /**
   * The `chroma` CLI script put after `command`; `false` when `command` itself is a
   * `chroma` executable (e.g. `['chroma']` of the Python package).
   * @default the `chroma` bin of the installed chromadb package ({@link resolveChromaCli})
   */
  readonly cliPath?: string | false | undefined;
  /** How long to wait for `GET /api/v2/heartbeat` to answer. @default 30000 */
  readonly startupTimeoutMs?: number | undefined;
  /** How long {@link LocalChroma.stop} waits after SIGINT before SIGKILL. @default 10000 */
  readonly stopTimeoutMs?: number | undefined;
  /** A file that receives the server's stdout and stderr (appended). @default none */
  readonly logFile?: string | undefined;
  /** The server's environment. @default process.env */
  readonly env?: NodeJS.ProcessEnv | undefined;
}

/** A running local Chroma server. */
export interface LocalChroma {
  /** The base URL, e.g. `http://127.0.0.1:8123`. */
  readonly url: string;
  /** A chromadb client for {@link LocalChroma.url}. */
  readonly client: ChromaClient;
  /** The port the server listens on. */
  readonly port: number;
  /** The server's process id. */
  readonly pid: number;
  /** The full argv the server runs as. */
  readonly command: readonly string[];
  /**
   * Stops the server: SIGINT (Chroma's clean shutdown; it does not stop on SIGTERM), then
   * SIGKILL after `stopTimeoutMs`. Resolves once the process has ended, with how it ended
   * (`signal: 'SIGKILL'` means it did not shut down cleanly); safe to call again.
   */
  stop(): Promise<LocalChromaExit>;
}

const DEFAULT_HOST = '127.0.0.1';
const STDERR_TAIL_CHARS = 16_384;
const POLL_INTERVAL_MS = 100;
const LOAD_ERROR_GRACE_MS = 1_000;

/** Servers still running, stopped with SIGINT when this process exits. */
const running = new Set<() => void>();
const interruptAll = (): void => {
  for (const interrupt of running) interrupt();
};
const track = (interrupt: () => void): (() => void) => {
  if (running.size === 0) process.on('exit', interruptAll);
  running.add(interrupt);
  return () => {
    running.delete(interrupt);
    if (running.size === 0) process.removeListener('exit', interruptAll);
  };
};

/** Resolves `true` after `ms`, or `false` as soon as `promise` settles. */
const timedOut = (promise: Promise<unknown>, ms: number): Promise<boolean> =>
  new Promise((done) => {
    const timer = setTimeout(() => done(true), ms);
    void promise.then(() => {
      clearTimeout(timer);
      done(false);
    });
  });

/** Listens on `port` (0: any free one) and closes again; resolves with the port. */
const probePort = (host: string, port: number): Promise<number> =>
  new Promise((done, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => done(port));
    });
  });

/** The host to put in URLs: a wildcard address is reached through loopback. */
const urlHost = (host: string): string => {
  if (host === '0.0.0.0') return DEFAULT_HOST;
  if (host === '::') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
};

const heartbeat = async (url: string, timeoutMs: number): Promise<boolean> => {
  try {
    const response = await fetch(`${url}/api/v2/heartbeat`, {
      signal: AbortSignal.timeout(Math.max(1, timeoutMs)),
    });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
};

/** The option `glibcShim` as options of {@link chromaNodeCommand}, or `undefined` when off. */
const shimOptions = (
  glibcShim: StartLocalChromaOptions['glibcShim'],
): ChromaNodeCommandOptions | undefined => {
  if (glibcShim === undefined || glibcShim === false) return undefined;
  if (glibcShim === true) return { when: 'always' };
  if (glibcShim === 'auto') return { when: 'auto' };
  return glibcShim;
};

/** The argv prefix that runs Node.js: `command`, or the one `glibcShim` chooses. */
const nodeCommand = async (options: StartLocalChromaOptions): Promise<readonly string[]> => {
  const shim = shimOptions(options.glibcShim);
  if (shim === undefined) return options.command ?? [process.execPath];
  if (options.command !== undefined) {
    throw new LocalChromaStartError(
      'Pass either `command` or `glibcShim`, not both: `glibcShim` builds the command itself. To run your own Node.js through the shim, pass `glibcShim: { node }`, or build the command with glibcShimCommand(await prepareGlibcShim()).',
      { reason: 'invalid-options', command: [...options.command] },
    );
  }
  return (await chromaNodeCommand(shim)).command;
};

const openLog = (logFile: string, argv: readonly string[]): WriteStream => {
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: 'a' });
  log.on('error', () => undefined); // a failing log must not take the server down
  log.write(`$ ${argv.join(' ')}\n`);
  return log;
};

/**
 * Starts a local Chroma server (`chroma run`, the CLI shipped with `chromadb`) on a persist
 * directory in a child process and resolves once `GET /api/v2/heartbeat` answers. The
 * server does not keep the Node.js process alive, and it gets SIGINT when the process exits.
 *
 * Chroma's native binding needs glibc >= 2.38 (Debian 12 has 2.36, Amazon Linux 2023 2.34);
 * on Debian and Ubuntu pass `glibcShim: 'auto'` to start it through a newer glibc fetched
 * on first use; elsewhere pass `command` with a shim built by hand (the `native-binding`
 * error's message gives the steps), or use a remote server.
 *
 * @param options - the persist directory and how to run the server
 * @returns the server's URL, a `ChromaClient` for it, and `stop()`
 * @throws {LocalChromaStartError} `reason` says why: `native-binding` (fails fast, as soon
 *   as the binding's load error shows), `cli-not-found`, `spawn-failed`,
 *   `address-unavailable` (checked before spawning), `exited`, `timeout`,
 *   `invalid-options` (`command` with `glibcShim`)
 * @throws {GlibcShimError} when `glibcShim` asks for the shim and it cannot be prepared
 * @example
 * ```ts
 * import { startLocalChroma } from '@receipt-chroma/chroma-compaction/chroma';
 *
 * const path = '/mnt/efs/snapshots/lines/v1';
 * const chroma = await startLocalChroma({ path, glibcShim: 'auto' });
 * try {
 *   const lines = await chroma.client.getCollection({ name: 'lines' });
 *   await lines.count();
 * } finally {
 *   await chroma.stop();
 * }
 * ```
 */
export async function startLocalChroma(options: StartLocalChromaOptions): Promise<LocalChroma> {
  const host = options.host ?? DEFAULT_HOST;
  const startupTimeoutMs = options.startupTimeoutMs ?? 30_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const prefix = await nodeCommand(options);
  const cliPath = options.cliPath === undefined ? resolveChromaCli() : options.cliPath;
  const probed = await probePort(host, options.port ?? 0).then(
    (port) => ({ port, error: undefined }),
    (error: NodeJS.ErrnoException) => ({ port: options.port ?? 0, error }),
  );
  const port = probed.port;
  let stderr = '';
  const argv = [
    ...prefix,
    ...(cliPath === false ? [] : [cliPath]),
    ...['run', '--path', resolve(options.path), '--port', String(port), '--host', host],
  ];
  const url = `http://${urlHost(host)}:${port}`;
  const [file, ...args] = argv;
  if (file === undefined || file === '') {
    throw new LocalChromaStartError(
      'The `command` option is empty: give at least an executable (e.g. [process.execPath]).',
      { reason: 'spawn-failed', command: argv },
    );
  }

  const failure = (): LocalChromaFailureInput => ({ argv, url, stderr, logFile: options.logFile });
  // Checked before spawning: another server answering on a taken port would pass for this one.
  if (probed.error !== undefined) {
    const why = probed.error.code === 'EADDRINUSE' ? 'in use' : probed.error.message;
    throw addressFailure(failure(), `${host}:${options.port ?? 'a free port'}`, why);
  }

  const log = options.logFile === undefined ? undefined : openLog(options.logFile, argv);
  const child = spawn(file, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
  });
  child.stdout.on('data', (chunk: Buffer) => log?.write(chunk));
  child.stderr.on('data', (chunk: Buffer) => {
    log?.write(chunk);
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
  });
  // The server lives as long as its owner wants it, not as long as its pipes are open.
  child.unref();
  (child.stdout as Socket).unref();
  (child.stderr as Socket).unref();

  let ended: LocalChromaExit | undefined;
  const exited = new Promise<LocalChromaExit>((done) => {
    child.once('close', (code, signal) => done({ code, signal }));
    child.once('error', (error) => done({ code: null, signal: null, error }));
  }).then(async (exit) => {
    ended = exit;
    if (log !== undefined) await new Promise<void>((done) => log.end(done));
    return exit;
  });
  const send = (signal: NodeJS.Signals): void => {
    if (ended !== undefined || child.pid === undefined) return;
    try {
      process.kill(child.pid, signal);
    } catch {
      // already gone
    }
  };
  const untrack = track(() => send('SIGINT'));

  let stopping: Promise<LocalChromaExit> | undefined;
  const stop = (): Promise<LocalChromaExit> => {
    stopping ??= (async () => {
      send('SIGINT');
      if (ended === undefined && (await timedOut(exited, stopTimeoutMs))) send('SIGKILL');
      const exit = await exited;
      untrack();
      return exit;
    })();
    return stopping;
  };

  const deadline = Date.now() + startupTimeoutMs;
  for (;;) {
    if (ended !== undefined) {
      untrack();
      throw exitFailure(failure(), ended);
    }
    const native = nativeBindingFailure(failure());
    if (native !== undefined) {
      // Node.js exits right after printing a load error; stop it only if it lingers.
      if (await timedOut(exited, LOAD_ERROR_GRACE_MS)) await stop();
      untrack();
      throw nativeBindingFailure(failure(), ended) ?? native;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      await stop();
      throw timeoutFailure(failure(), startupTimeoutMs);
    }
    if (await heartbeat(url, Math.min(1_000, remaining))) break;
    await timedOut(exited, Math.min(POLL_INTERVAL_MS, Math.max(0, deadline - Date.now())));
  }

  const client = new ChromaClient({ host: urlHost(host), port, ssl: false });
  return { url, client, port, pid: child.pid ?? -1, command: argv, stop };
}
