/**
 * A child process that puts objects into a `FileSystemObjectStore` when its parent asks, for
 * the multi-process race tests. Not imported by tests: `racingProcesses.ts` bundles it with
 * esbuild (from source, so it always runs the code under test) and forks it with the store
 * root as its only argument. Each message is one {@link RacerPut}; each reply one
 * {@link RacerReply}.
 */
import { FileSystemObjectStore } from '../../src/adapters/fs/FileSystemObjectStore.js';
import { PreconditionFailedError } from '../../src/errors.js';

/** A put the parent asks for. */
export interface RacerPut {
  readonly id: number;
  readonly key: string;
  readonly body: string;
  readonly ifMatch?: string | undefined;
  readonly ifNoneMatch?: '*' | undefined;
}

/** What became of a put: stored, refused by its precondition, or failed otherwise. */
export type RacerOutcome =
  | { readonly outcome: 'won'; readonly etag: string }
  | { readonly outcome: 'lost' }
  | { readonly outcome: 'failed'; readonly message: string };

/** A reply to the put with the same `id`. */
export type RacerReply = RacerOutcome & { readonly id: number };

const outcomeOf = async (store: FileSystemObjectStore, put: RacerPut): Promise<RacerOutcome> => {
  try {
    const { etag } = await store.put(put.key, put.body, {
      ifMatch: put.ifMatch,
      ifNoneMatch: put.ifNoneMatch,
    });
    return { outcome: 'won', etag };
  } catch (error) {
    if (error instanceof PreconditionFailedError) return { outcome: 'lost' };
    return { outcome: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
};

const main = (): void => {
  const root = process.argv[2];
  if (root === undefined || process.send === undefined) {
    throw new Error('usage: fork(racer, [root]) with an IPC channel');
  }
  const store = new FileSystemObjectStore({ root, fsync: false });
  process.on('message', (message: RacerPut) => {
    void outcomeOf(store, message).then((outcome) => {
      process.send?.({ ...outcome, id: message.id } satisfies RacerReply);
    });
  });
  process.on('disconnect', () => process.exit(0));
};

main();
