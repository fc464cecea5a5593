// @ts-check
/**
 * Starts moto's server (S3, DynamoDB, SQS and the rest of the AWS APIs, in memory) for
 * integration tests: `python3 -m moto.server -H 127.0.0.1 -p PORT`, output in a log file
 * under `.test-services/`. Plain ESM with JSDoc types so it runs without a build step.
 *
 * Usage: `const moto = await startMoto(); … await moto.stop();`
 * or from a shell: `node scripts/services/moto.mjs [port]` (stops on Ctrl-C).
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEFAULT_LOG_DIR = join(ROOT, '.test-services');
const HOST = '127.0.0.1';
const INSTALL_HINT = 'Install it with: pip install "moto[server]"';

/**
 * @typedef {object} StartMotoOptions
 * @property {number} [port] The port to listen on. Default: a free port picked by the OS.
 * @property {string} [logDir] Where the server's log file goes. Default: `<repo>/.test-services`.
 * @property {string} [python] The Python interpreter. Default: `python3`.
 * @property {number} [startTimeoutMs] How long to wait for the server to answer HTTP. Default: 30000.
 */

/**
 * @typedef {object} MotoServer
 * @property {string} endpoint The base URL, e.g. `http://127.0.0.1:5123`, for every AWS client.
 * @property {number} port The port it listens on.
 * @property {string} logFile The file receiving the server's output.
 * @property {number} pid The server's process id.
 * @property {() => Promise<void>} stop Stops the server (SIGTERM, then SIGKILL after 5 s); safe to call again.
 */

/**
 * Fails with an install hint unless `python -c "import moto, flask"` succeeds.
 * @param {string} python
 * @returns {void}
 */
export const checkMotoInstalled = (python) => {
  const result = spawnSync(python, ['-c', 'import moto, flask'], { encoding: 'utf8' });
  if (result.error) {
    throw new Error(
      `Cannot run ${python} to start moto's server (${result.error.message}). Install Python 3, then moto. ${INSTALL_HINT}`,
    );
  }
  if (result.status !== 0) {
    const reason = (result.stderr || '').trim().split('\n').at(-1) || `exit code ${result.status}`;
    throw new Error(`moto's server is not available to ${python} (${reason}). ${INSTALL_HINT}`);
  }
};

/**
 * Asks the OS for a free TCP port on 127.0.0.1.
 * @returns {Promise<number>}
 */
export const findFreePort = () =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });

/**
 * @param {number} ms
 * @returns {Promise<void>}
 */
const delay = (ms) => new Promise((done) => setTimeout(done, ms));

/**
 * The last lines of a log file, for error messages.
 * @param {string} file
 * @returns {string}
 */
const tail = (file) => {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-15).join('\n');
  } catch {
    return '(no log output)';
  }
};

/**
 * Starts moto's server and resolves once it answers HTTP.
 * @param {StartMotoOptions} [options]
 * @returns {Promise<MotoServer>}
 */
export const startMoto = async (options = {}) => {
  const python = options.python ?? 'python3';
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  checkMotoInstalled(python);
  const port = options.port ?? (await findFreePort());
  const logDir = options.logDir ?? DEFAULT_LOG_DIR;
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `moto-${port}.log`);
  const logFd = openSync(logFile, 'w');
  const child = spawn(python, ['-m', 'moto.server', '-H', HOST, '-p', String(port)], {
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) {
    throw new Error(`Could not spawn ${python} -m moto.server; see ${logFile}`);
  }

  /** @type {Promise<void>} */
  const exited = new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done();
    else {
      child.once('exit', () => done());
      child.once('error', () => done());
    }
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });

  const killOnExit = () => {
    if (!hasExited) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', killOnExit);

  /** @type {Promise<void> | undefined} */
  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (hasExited) return;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        return;
      }
      const timer = delay(5_000).then(() => 'timeout');
      if ((await Promise.race([exited.then(() => 'exited'), timer])) === 'timeout') {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await exited;
      }
    })();
    return stopping;
  };

  const endpoint = `http://${HOST}:${port}`;
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (hasExited) {
      await stop();
      throw new Error(
        `moto's server exited before answering on ${endpoint} (exit code ${child.exitCode}). Log ${logFile}:\n${tail(logFile)}`,
      );
    }
    try {
      // Any HTTP answer (even a 404) means the server is up.
      await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(
          `moto's server did not answer on ${endpoint} within ${startTimeoutMs} ms. Log ${logFile}:\n${tail(logFile)}`,
        );
      }
      await delay(100);
    }
  }
  return { endpoint, port, logFile, pid, stop };
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = process.argv[2] ? Number(process.argv[2]) : undefined;
  const moto = await startMoto(port === undefined ? {} : { port });
  console.log(`moto server on ${moto.endpoint} (pid ${moto.pid}, log ${moto.logFile})`);
  const shutdown = () => {
    void moto.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
