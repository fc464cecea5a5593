import type { ChromaClient } from 'chromadb';
import type { CollectionName } from '../../compaction/types.js';
import type { VectorCollection } from '../../ports/vectorCollection.js';
import { SnapshotError } from '../../snapshots/errors.js';
import {
  type ChromaVectorCollectionOptions,
  chromaVectorCollection,
} from './chromaVectorCollection.js';
import { type StartLocalChromaOptions, startLocalChroma } from './startLocalChroma.js';

/** Options of {@link openSnapshot}: how to start the server, and the collections' adapter options. */
export interface OpenSnapshotOptions
  extends Omit<StartLocalChromaOptions, 'path'>,
    ChromaVectorCollectionOptions {}

/** A persist directory served by a local Chroma server. */
export interface OpenedSnapshot {
  /** The server's base URL. */
  readonly url: string;
  /** A chromadb client of the server, for what the adapter does not cover. */
  readonly client: ChromaClient;
  /**
   * The collection as a {@link VectorCollection}.
   * @param create - create it when the directory lacks it (default: it must exist)
   */
  collection(name: CollectionName | string, create?: boolean): Promise<VectorCollection>;
  /**
   * Stops the server and waits until it has exited, so its files are flushed and the
   * directory can be packed. Safe to call again.
   * @throws SnapshotError when the server did not shut down cleanly (it had to be killed):
   *   the directory may be inconsistent and must not be published
   */
  close(): Promise<void>;
}

/**
 * Serves a Chroma persist directory (a downloaded snapshot) with `startLocalChroma`, so the
 * compactor can change it through the `VectorCollection` port and then publish it.
 *
 * @example
 * ```ts
 * const snapshot = await openSnapshot(dir, { command: shimArgv });
 * try {
 *   const lines = await snapshot.collection('lines');
 *   await lines.upsert({ ids, embeddings });
 * } finally {
 *   await snapshot.close();
 * }
 * await publishSnapshot({ store, collection: 'lines', dir });
 * ```
 */
export async function openSnapshot(
  dir: string,
  options: OpenSnapshotOptions = {},
): Promise<OpenedSnapshot> {
  const chroma = await startLocalChroma({ ...options, path: dir });
  let closing: Promise<void> | undefined;
  return {
    url: chroma.url,
    client: chroma.client,
    async collection(name, create = false) {
      const collection = create
        ? await chroma.client.getOrCreateCollection({ name, embeddingFunction: null })
        : await chroma.client.getCollection({ name });
      return chromaVectorCollection(collection, options);
    },
    close() {
      closing ??= chroma.stop().then((exit) => {
        if (exit.signal === 'SIGKILL' || exit.error !== undefined) {
          throw new SnapshotError(
            `The Chroma server on ${dir} did not shut down cleanly (${exit.signal ?? exit.error?.message}); its files may be inconsistent: do not publish them.`,
            { collection: '', context: { dir } },
          );
        }
      });
      return closing;
    },
  };
}
