import type { TestProject } from 'vitest/node';
import { type MotoServer, startMoto } from '../services/moto.mjs';

declare module 'vitest' {
  /** Values the integration global setup hands to tests through `inject`. */
  export interface ProvidedContext {
    /** Base URL of the moto server (S3, DynamoDB, SQS), e.g. `http://127.0.0.1:5123`. */
    motoEndpoint: string;
  }
}

/**
 * One moto server shared by every integration project in this vitest process; each project
 * that uses this setup holds a reference, and the last teardown stops the server.
 */
interface SharedMoto {
  server: Promise<MotoServer> | undefined;
  users: number;
}

const KEY = Symbol.for('receipt-chroma.vitest.moto');
const registry = globalThis as Record<symbol, SharedMoto | undefined>;
const shared: SharedMoto = registry[KEY] ?? { server: undefined, users: 0 };
registry[KEY] = shared;

/**
 * Starts moto's server (once) and provides its endpoint as `inject('motoEndpoint')`.
 * Throws when moto cannot start, so the run fails instead of skipping tests.
 */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  shared.users += 1;
  shared.server ??= startMoto();
  let moto: MotoServer;
  try {
    moto = await shared.server;
  } catch (error) {
    shared.users -= 1;
    shared.server = undefined;
    throw new Error(
      `Integration tests need moto's server and it could not start: ${(error as Error).message}`,
      { cause: error },
    );
  }
  project.provide('motoEndpoint', moto.endpoint);

  let released = false;
  return async () => {
    if (released) return;
    released = true;
    shared.users -= 1;
    if (shared.users === 0 && shared.server !== undefined) {
      const server = shared.server;
      shared.server = undefined;
      await (await server).stop();
    }
  };
}
