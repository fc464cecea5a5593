import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { RacerOutcome, RacerPut, RacerReply } from './objectStoreRacer.js';

const RACER_ENTRY = fileURLToPath(new URL('./objectStoreRacer.ts', import.meta.url));

/** Child processes, each with its own `FileSystemObjectStore` on one root. */
export interface RacingProcesses {
  /** Sends one put to every process at once; resolves with their outcomes, in process order. */
  readonly race: (puts: readonly Omit<RacerPut, 'id'>[]) => Promise<RacerOutcome[]>;
  /** Stops the processes and removes the bundle. */
  readonly close: () => Promise<void>;
}

/**
 * Bundles `objectStoreRacer.ts` from source with esbuild (one self-contained CommonJS file,
 * so it runs the code under test without a build of the package) and forks `count` processes
 * on `root`.
 */
export const startRacingProcesses = async (
  root: string,
  count: number,
): Promise<RacingProcesses> => {
  const dir = await mkdtemp(join(tmpdir(), 'object-store-racer-'));
  const bundle = join(dir, 'racer.cjs');
  await build({
    entryPoints: [RACER_ENTRY],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
  });
  const children: ChildProcess[] = [];
  /** Puts sent and not answered yet, by id. */
  const pending = new Map<number, { resolve: (reply: RacerReply) => void; reject: () => void }>();
  const stderr: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const child = fork(bundle, [root], {
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
    child.on('message', (reply: RacerReply) => {
      pending.get(reply.id)?.resolve(reply);
      pending.delete(reply.id);
    });
    // A racer that dies fails the race instead of leaving it waiting.
    child.on('exit', () => {
      for (const waiter of pending.values()) waiter.reject();
      pending.clear();
    });
    children.push(child);
  }
  let nextId = 0;
  const send = (child: ChildProcess, put: Omit<RacerPut, 'id'>): Promise<RacerOutcome> =>
    new Promise((resolve, reject) => {
      const id = nextId;
      nextId += 1;
      const fail = (): void => reject(new Error(`a racer stopped: ${stderr.join('')}`));
      pending.set(id, { resolve: ({ id: _id, ...outcome }) => resolve(outcome), reject: fail });
      child.send({ ...put, id } satisfies RacerPut, (error) => {
        if (error !== null) fail();
      });
    });
  return {
    race: (puts) => {
      if (puts.length !== children.length) {
        throw new Error(`race needs one put per process (${children.length})`);
      }
      return Promise.all(puts.map((put, index) => send(children[index] as ChildProcess, put)));
    },
    close: async () => {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) resolve();
              else {
                child.once('exit', () => resolve());
                child.disconnect();
              }
            }),
        ),
      );
      await rm(dir, { recursive: true, force: true });
    },
  };
};
