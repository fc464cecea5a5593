import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatPythonTimestamp } from '@receipt-chroma/dynamo-stream';
import { SnapshotConflictError } from '../../snapshots/errors.js';
import { publishSnapshot } from '../../snapshots/publishSnapshot.js';
import { snapshotKeys } from '../../snapshots/snapshotKeys.js';
import { readPointer } from '../../snapshots/snapshotObjects.js';
import type { PublishedSnapshot, PublishSnapshotOptions } from '../../snapshots/types.js';
import { openSnapshot } from './openSnapshot.js';
import type { StartLocalChromaOptions } from './startLocalChroma.js';

/**
 * Options of {@link initializeEmptySnapshot}: those of `publishSnapshot` but the directory
 * and record counts, and how to start the local Chroma server.
 */
export interface InitializeEmptySnapshotOptions
  extends Omit<PublishSnapshotOptions, 'dir' | 'recordCounts'> {
  /**
   * How to start the local Chroma server that creates the empty collection, e.g.
   * `{ glibcShim: 'auto' }` on an older glibc.
   * @default the defaults of {@link StartLocalChromaOptions}
   */
  readonly server?: Omit<StartLocalChromaOptions, 'path'> | undefined;
}

// The Python initializer's collection metadata (spec §12.5); it re-initialised on any
// download failure (spec §18.8), which this never does.
/**
 * Creates the first version of a collection's snapshot: an empty Chroma collection named
 * after it (metadata `created_by: empty_snapshot_initializer`, `created_at`,
 * `collection_type`, as the Python package's initializer wrote), published with
 * `publishSnapshot` (user metadata plus `initialized: "true"`).
 *
 * Call it only when `downloadSnapshot` threw `NoSnapshotError` (the pointer is absent);
 * nothing else in this package ever re-initialises a collection, so a broken or missing
 * version is never papered over with an empty one. The pointer is created with
 * `ifNoneMatch: '*'`, so of two first-time workers one initialises and the other gets
 * {@link SnapshotConflictError} and should download the winner's version.
 *
 * @param options - The store, collection, lock, metadata and how to start Chroma.
 * @returns What `publishSnapshot` published: the first version, with a `null` parent.
 * @throws {SnapshotConflictError} when the collection already has a snapshot, or another
 *   worker initialised it first
 * @throws {SnapshotLockError} when `lock` is given and not held
 * @throws {@link LocalChromaStartError} when the local Chroma server cannot start
 * @throws {ObjectStoreError} when the store fails
 * @example
 * ```ts
 * import {
 *   downloadSnapshot,
 *   NoSnapshotError,
 *   type ObjectStore,
 *   SnapshotConflictError,
 * } from '@receipt-chroma/chroma-compaction';
 * import { initializeEmptySnapshot } from '@receipt-chroma/chroma-compaction/chroma';
 *
 * declare const store: ObjectStore;
 *
 * const download = () =>
 *   downloadSnapshot({ store, collection: 'lines', dest: '/tmp/chroma/lines' });
 * try {
 *   await download();
 * } catch (error) {
 *   if (!(error instanceof NoSnapshotError)) throw error;
 *   await initializeEmptySnapshot({ store, collection: 'lines' }).catch((raced: unknown) => {
 *     if (!(raced instanceof SnapshotConflictError)) throw raced;
 *   });
 *   await download();
 * }
 * ```
 */
export async function initializeEmptySnapshot(
  options: InitializeEmptySnapshotOptions,
): Promise<PublishedSnapshot> {
  const { store, collection, server, ...publish } = options;
  const keys = snapshotKeys(collection);
  const pointer = await readPointer(store, keys);
  if (pointer !== undefined) {
    throw new SnapshotConflictError(
      `Collection "${collection}" already has a snapshot (version ${pointer.version}); download it instead of initialising.`,
      { collection, version: pointer.version },
    );
  }
  const createdAt = formatPythonTimestamp(Date.now() * 1000);
  const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'receipt-chroma-empty-'));
  try {
    const snapshot = await openSnapshot(dir, server);
    try {
      await snapshot.client.getOrCreateCollection({
        name: collection,
        embeddingFunction: null,
        metadata: {
          created_by: 'empty_snapshot_initializer',
          created_at: createdAt,
          collection_type: collection,
        },
      });
    } finally {
      await snapshot.close();
    }
    return await publishSnapshot({
      ...publish,
      store,
      collection,
      dir,
      recordCounts: { [collection]: 0 },
      metadata: { ...publish.metadata, initialized: 'true', collection, created_at: createdAt },
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
