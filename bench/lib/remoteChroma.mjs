// @ts-check
/**
 * The remote collection of the compaction-cycle benchmark's remote mode
 * (`bench/compaction/compactionCycle.mjs`): a Chroma server of its own, the stand-in for a
 * Chroma server or Chroma Cloud, holding exactly the starting version's data. Each run gets
 * a fresh copy of the persist directory, so every run applies its batch to the same state.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './stats.mjs';

/**
 * A running remote stand-in.
 * @typedef {object} RemoteChroma
 * @property {string} url The server's base URL, e.g. `http://127.0.0.1:8123`.
 * @property {string} host The host to give a `ChromaClient`.
 * @property {number} port The port to give a `ChromaClient`.
 * @property {number} pid The server's process id (its memory is sampled by the run's child).
 * @property {number} copyMs Copying the persist directory, milliseconds (untimed setup).
 * @property {number} startMs Starting the server until its heartbeat answers, milliseconds.
 * @property {() => Promise<void>} stop Stops the server and deletes the copy; throws when the
 *   server did not shut down cleanly.
 */

/**
 * Copies the persist directory `dir` to a new temporary directory and starts a local Chroma
 * server on the copy (`startLocalChroma` through `command`, e.g. the glibc shim's).
 * @param {any} lib the bundle (with `startLocalChroma`)
 * @param {string} dir the starting version's persist directory
 * @param {readonly string[]} command the argv prefix running Node.js (`chromaNodeCommand()`)
 * @returns {Promise<RemoteChroma>}
 */
export const startRemoteChroma = async (lib, dir, command) => {
  const copy = await mkdtemp(join(tmpdir(), 'cycle-bench-remote-'));
  try {
    let clock = performance.now();
    await cp(dir, copy, { recursive: true });
    const copyMs = performance.now() - clock;
    clock = performance.now();
    const server = await lib.startLocalChroma({
      path: copy,
      command,
      startupTimeoutMs: 120_000,
      logFile: join(ROOT, '.test-services', `bench-cycle-remote-chroma-${process.pid}.log`),
    });
    const startMs = performance.now() - clock;
    const url = new URL(server.url);
    return {
      url: server.url,
      host: url.hostname,
      port: server.port,
      pid: server.pid,
      copyMs,
      startMs,
      stop: async () => {
        try {
          const exit = await server.stop();
          if (exit.signal === 'SIGKILL' || exit.error !== undefined) {
            throw new Error(
              `The remote Chroma server on ${copy} did not shut down cleanly (${exit.signal ?? exit.error?.message}).`,
            );
          }
        } finally {
          await rm(copy, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await rm(copy, { recursive: true, force: true });
    throw error;
  }
};
