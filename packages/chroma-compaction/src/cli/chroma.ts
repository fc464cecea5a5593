import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Command } from 'commander';
import type { CliSession, CommandContext, CommonOptions } from './CliSession.js';
import { chromaStartOptions } from './chromaStart.js';
import { addLeaf, integerValue } from './commandOptions.js';
import { CliError } from './errors.js';

/** Options of `chroma start`. */
interface StartOptions extends CommonOptions {
  readonly path: string;
  readonly port?: number | undefined;
  readonly host?: string | undefined;
}

/** How often the foreground command checks that the server is still alive. */
const ALIVE_CHECK_MS = 500;
/** How long an ended server waits for the stop request that may have caused it. */
const STOP_GRACE_MS = 1000;

/** Resolves once process `pid` has ended (checked every {@link ALIVE_CHECK_MS}). */
const processEnded = (pid: number): { readonly ended: Promise<void>; cancel(): void } => {
  let timer: ReturnType<typeof setInterval> | undefined;
  const ended = new Promise<void>((done) => {
    timer = setInterval(() => {
      try {
        process.kill(pid, 0);
      } catch {
        done();
      }
    }, ALIVE_CHECK_MS);
  });
  return { ended, cancel: () => clearInterval(timer) };
};

const start = async (context: CommandContext, options: StartOptions): Promise<void> => {
  const path = resolve(options.path);
  const { startLocalChroma } = await import('../adapters/chroma/startLocalChroma.js');
  const server = await startLocalChroma({
    ...chromaStartOptions(context.io),
    path,
    port: options.port,
    host: options.host,
  });
  let stopped = false;
  context.defer(async () => {
    if (!stopped) await server.stop();
  });
  context.result(
    { url: server.url, port: server.port, pid: server.pid, path },
    () => `Chroma is serving ${path} at ${server.url} (pid ${server.pid}). Ctrl-C stops it.\n`,
  );
  const watch = processEnded(server.pid);
  const stopRequested = context.io.waitForStop().then(() => 'stop' as const);
  // Ctrl-C in a terminal reaches the server too, which may end before our own handler runs:
  // an end that a stop request follows closely is that stop, not a crash.
  const ended = watch.ended.then(() =>
    Promise.race([stopRequested, delay(STOP_GRACE_MS).then(() => 'ended' as const)]),
  );
  const outcome = await Promise.race([stopRequested, ended]);
  watch.cancel();
  const exit = await server.stop();
  stopped = true;
  if (outcome === 'ended') {
    throw new CliError(
      `the Chroma server on ${path} exited on its own (${exit.signal ?? `code ${exit.code}`})`,
    );
  }
  if (exit.signal === 'SIGKILL') {
    throw new CliError(`the Chroma server on ${path} did not shut down cleanly and was killed`);
  }
  context.note('Chroma stopped.');
};

/** Options of `chroma shim`. */
interface ShimOptions extends CommonOptions {
  readonly cacheDir?: string | undefined;
}

const shim = async (context: CommandContext, options: ShimOptions): Promise<void> => {
  const { glibcShimCommand, prepareGlibcShim } = await import('../adapters/chroma/glibcShim.js');
  const { needsGlibcShim } = await import('../adapters/chroma/glibcShimProbe.js');
  const cacheDir = options.cacheDir === undefined ? undefined : resolve(options.cacheDir);
  const [prepared, needed] = await Promise.all([prepareGlibcShim({ cacheDir }), needsGlibcShim()]);
  const command = glibcShimCommand(prepared);
  context.result({ ...prepared, needed, command }, () =>
    [
      `The glibc shim is ${prepared.downloaded ? 'downloaded into' : 'ready in'} ${prepared.dir}.`,
      needed
        ? "Chroma's native binding needs it on this system; `chroma start` uses it."
        : "Chroma's native binding loads without it on this system.",
      `Node.js through it: ${command.join(' ')}`,
      '',
    ].join('\n'),
  );
};

/**
 * The `chroma` command group: `start` runs a local Chroma server on a persist directory in
 * the foreground until Ctrl-C; `shim` fetches the glibc shim Chroma needs on older systems.
 * @param session - The run the commands belong to.
 */
export const chromaCommand = (session: CliSession): Command => {
  const group = new Command('chroma').description('a local Chroma server');
  addLeaf(
    group,
    new Command('start')
      .description(
        'run a Chroma server on a persist directory in the foreground; Ctrl-C stops it cleanly',
      )
      .requiredOption('--path <dir>', 'the persist directory (created when missing)')
      .option('--port <n>', 'the port (default: a free one)', integerValue(1, 65535))
      .option('--host <host>', 'the address to listen on (default: 127.0.0.1)')
      .action(session.action<StartOptions>((context, _args, options) => start(context, options))),
    {},
    ['receipt-chroma chroma start --path ./lines --port 8000'],
  );
  addLeaf(
    group,
    new Command('shim')
      .description(
        "fetch the glibc shim (Debian 13's libc6, libstdc++6, libgcc-s1, with apt) that runs Chroma where glibc is older than 2.38, and print how to use it",
      )
      .option(
        '--cache-dir <dir>',
        'where to keep it (default: $XDG_CACHE_HOME or ~/.cache, under receipt-chroma/glibc-shim)',
      )
      .action(session.action<ShimOptions>((context, _args, options) => shim(context, options))),
    {},
    ['receipt-chroma chroma shim', 'receipt-chroma chroma shim --cache-dir /opt/glibc-shim --json'],
  );
  return group;
};
