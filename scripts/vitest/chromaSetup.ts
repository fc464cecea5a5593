import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { chromaNodeCommand } from '../../packages/chroma-compaction/src/adapters/chroma/glibcShimNodeCommand.js';
import {
  type LocalChroma,
  startLocalChroma,
} from '../../packages/chroma-compaction/src/adapters/chroma/startLocalChroma.js';

declare module 'vitest' {
  /** Values the integration global setup hands to tests through `inject`. */
  export interface ProvidedContext {
    /** Base URL of the shared Chroma server, e.g. `http://127.0.0.1:5123`. Its data is temporary. */
    chromaUrl: string;
    /**
     * The argv prefix that runs Node.js able to load Chroma's native binding (with the glibc
     * shim where needed): pass it as `command` to `startLocalChroma` to start more servers.
     */
    chromaCommand: string[];
  }
}

const LOG_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '.test-services');
/** Where the test runs keep the glibc shim (CI caches this folder). */
const GLIBC_SHIM_DIR = join(LOG_DIR, 'glibc-shim');

/** The shared server, its persist directory, and the command that started it. */
interface RunningChroma {
  readonly server: LocalChroma;
  readonly dataDir: string;
  readonly command: string[];
}

/**
 * One Chroma server shared by every integration project in this vitest process; each project
 * that uses this setup holds a reference, and the last teardown stops the server.
 */
interface SharedChroma {
  running: Promise<RunningChroma> | undefined;
  users: number;
}

const KEY = Symbol.for('receipt-chroma.vitest.chroma');
const registry = globalThis as Record<symbol, SharedChroma | undefined>;
const shared: SharedChroma = registry[KEY] ?? { running: undefined, users: 0 };
registry[KEY] = shared;

const start = async (): Promise<RunningChroma> => {
  const { command } = await chromaNodeCommand({ cacheDir: GLIBC_SHIM_DIR });
  const dataDir = mkdtempSync(join(tmpdir(), 'receipt-chroma-tests-'));
  try {
    const server = await startLocalChroma({
      path: dataDir,
      command,
      logFile: join(LOG_DIR, `chroma-${process.pid}-${Date.now()}.log`),
      startupTimeoutMs: 60_000,
    });
    return { server, dataDir, command };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
};

/**
 * Starts a Chroma server (once; builds the glibc shim first where the system's glibc is too
 * old) and provides `inject('chromaUrl')` and `inject('chromaCommand')`. Throws when Chroma
 * cannot start, so the run fails instead of skipping tests.
 */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  shared.users += 1;
  shared.running ??= start();
  let chroma: RunningChroma;
  try {
    chroma = await shared.running;
  } catch (error) {
    shared.users -= 1;
    shared.running = undefined;
    throw new Error(
      `Integration tests need a local Chroma server and it could not start: ${(error as Error).message}`,
      { cause: error },
    );
  }
  project.provide('chromaUrl', chroma.server.url);
  project.provide('chromaCommand', chroma.command);

  let released = false;
  return async () => {
    if (released) return;
    released = true;
    shared.users -= 1;
    if (shared.users === 0 && shared.running !== undefined) {
      const running = shared.running;
      shared.running = undefined;
      const { server, dataDir } = await running;
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
}
