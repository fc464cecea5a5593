import type { ChromaClient } from 'chromadb';
import type { CollectionName } from '../../compaction/types.js';
import type { VectorCollection } from '../../ports/vectorCollection.js';
import { SnapshotError } from '../../snapshots/errors.js';
import {
  type ChromaVectorCollectionOptions,
  chromaVectorCollection,
} from './chromaVectorCollection.js';
import { type StartLocalChromaOptions, startLocalChroma } from './startLocalChroma.js';

/**
 * Options of {@link openSnapshot}: how to start the server (those of
 * {@link startLocalChroma} but `path`), and the adapter options of the collections it opens.
 */
export interface OpenSnapshotOptions
  extends Omit<StartLocalChromaOptions, 'path'>,
    ChromaVectorCollectionOptions {}

/** A persist directory served by a local Chroma server, as {@link openSnapshot} returns it. */
export interface OpenedSnapshot {
  /** The server's base URL, e.g. `http://127.0.0.1:8123`. */
  readonly url: string;
  /** A chromadb client of the server, for what the adapter does not cover. */
  readonly client: ChromaClient;
  /**
   * Opens a collection of the directory as a {@link VectorCollection} (through
   * {@link chromaVectorCollection}, with the snapshot's adapter options).
   * @param name - The collection's name, e.g. `lines`.
   * @param create - Whether to create the collection when the directory lacks it; by
   *   default it must exist, and the chromadb client's not-found error rejects.
   * @returns The collection.
   */
  collection(name: CollectionName | string, create?: boolean): Promise<VectorCollection>;
  /**
   * Stops the server and waits until it has exited, so its files are flushed and the
   * directory can be packed. Safe to call again.
   * @throws {SnapshotError} when the server did not shut down cleanly (it had to be killed):
   *   the directory may be inconsistent and must not be published
   */
  close(): Promise<void>;
}

/**
 * Serves a Chroma persist directory (a downloaded snapshot) with a local Chroma server
 * ({@link startLocalChroma}), so the compactor can change it through the
 * {@link VectorCollection} port and then publish it. Close it before publishing.
 *
 * @param dir - The persist directory (created when missing).
 * @param options - How to start the server, and the collections' adapter options.
 * @returns The server's URL and client, the collections, and `close()`.
 * @throws {@link LocalChromaStartError} when the server cannot start (`reason` says why)
 *
 * @example
 * ```ts
 * import { type ObjectStore, publishSnapshot } from '@receipt-chroma/chroma-compaction';
 * import { openSnapshot } from '@receipt-chroma/chroma-compaction/chroma';
 *
 * declare const store: ObjectStore;
 * declare const ids: string[];
 * declare const embeddings: number[][];
 *
 * const dir = '/tmp/chroma/lines';
 * const snapshot = await openSnapshot(dir);
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
