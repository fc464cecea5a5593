import type { CollectionName } from '../compaction/types.js';
import { LockManager } from '../locks/LockManager.js';
import type { LockManagerOptions, WithLockOptions } from '../locks/lockManagerOptions.js';
import type { LockStore } from '../ports/lockStore.js';
import {
  type SyncCollectionOptions,
  type SyncCollectionResult,
  syncCollection,
} from '../sync/syncCollection.js';
import type { StaleMirrorMark, StaleMirrorMarks } from './StaleMirrorMarks.js';

/** Options of {@link repairStaleMirror}: a sync's, and which mark to repair. */
export interface RepairStaleMirrorOptions extends SyncCollectionOptions {
  /** Where the compactor marks stale mirrors (the same as its `staleMirrorMarks`). */
  readonly marks: StaleMirrorMarks;
  /** The collection mirrored. */
  readonly collection: CollectionName;
  /** The mirror's place in the compactor's `mirrors`. */
  readonly mirror: number;
  /**
   * Takes the collection's lock around the sync, so that no compactor writes the mirror
   * while it is copied (a write between the sync's read of a record and its copy would be
   * undone). Snapshot-mode compactors always hold it; remote-mode ones when given a lock
   * store. Without it, pause the compactors during the repair. @default no lock
   */
  readonly lockStore?: LockStore | undefined;
  /** Lock settings besides the store and collection. @default the `LockManager` defaults */
  readonly lock?: Omit<LockManagerOptions, 'store' | 'collection'> | undefined;
  /** How long to wait for the lock. @default `DEFAULT_LOCK_RETRY` */
  readonly lockRetry?: Omit<WithLockOptions, 'signal'> | undefined;
  /**
   * Delete the mirror's records the source no longer has (deletions the mirror missed).
   * @default true
   */
  readonly prune?: boolean | undefined;
  /** Sync even when the mirror is not marked. @default false */
  readonly force?: boolean | undefined;
}

/** What {@link repairStaleMirror} did. */
export interface RepairStaleMirrorResult {
  /** The mark found, or `undefined` when the mirror was not marked. */
  readonly mark: StaleMirrorMark | undefined;
  /** The sync, when one ran (the mirror was marked, or `force`). */
  readonly sync: SyncCollectionResult | undefined;
  /**
   * True when the mark was cleared: the sync copied every record and pruned, and no batch
   * marked the mirror again meanwhile. Otherwise the mark stays for the next repair.
   */
  readonly cleared: boolean;
}

/**
 * Repairs a mirror a compactor marked stale: syncs it from `from` (the primary: an opened
 * snapshot, or the remote collection) with `syncCollection`, pruning by default, and clears
 * the mark when the sync was complete. A mark written during the sync (another batch failed
 * on the mirror) is kept, so the next repair runs again.
 *
 * @param options - the mark, the two collections, the lock and the sync's settings
 * @returns the mark found, the sync run, and whether the mark was cleared
 * @throws {StaleMirrorMarkError} when the mark cannot be read or cleared
 * @throws {LockHeldError} when `lockStore` is given and another owner keeps the lock
 * @throws {LockLostError} when the lock was lost during the sync
 * @throws {VectorStoreError} when counting the records of `from` or `to` fails
 * @throws {RangeError} when a numeric option of the sync is invalid
 * @example
 * ```ts
 * import {
 *   type LockStore,
 *   repairStaleMirror,
 *   type SnapshotCache,
 *   type StaleMirrorMarks,
 *   type VectorCollection,
 * } from '@receipt-chroma/chroma-compaction';
 * import { openSnapshot } from '@receipt-chroma/chroma-compaction/chroma';
 *
 * declare const cache: SnapshotCache;
 * declare const marks: StaleMirrorMarks;
 * declare const lockStore: LockStore;
 * declare const cloudLines: VectorCollection;
 *
 * const snapshot = await openSnapshot((await cache.ensure()).path);
 * try {
 *   const result = await repairStaleMirror({
 *     marks,
 *     collection: 'lines',
 *     mirror: 0,
 *     lockStore,
 *     from: await snapshot.collection('lines'),
 *     to: cloudLines,
 *   });
 *   if (!result.cleared) console.warn('the mirror is still stale; repair it again');
 * } finally {
 *   await snapshot.close();
 * }
 * ```
 */
export async function repairStaleMirror(
  options: RepairStaleMirrorOptions,
): Promise<RepairStaleMirrorResult> {
  const { marks, collection, mirror, lockStore } = options;
  const repair = async (): Promise<RepairStaleMirrorResult> => {
    const read = await marks.read(collection, mirror);
    if (read === undefined && options.force !== true) {
      return { mark: undefined, sync: undefined, cleared: false };
    }
    const sync = await syncCollection({ ...options, prune: options.prune ?? true });
    const complete = sync.failedBatches === 0 && sync.refused.length === 0;
    const cleared =
      read !== undefined && complete && (await marks.clear(collection, mirror, read.etag));
    return { mark: read?.mark, sync, cleared };
  };
  if (lockStore === undefined) return repair();
  const manager = new LockManager({
    ...options.lock,
    store: lockStore,
    collection,
  });
  return manager.withLock(repair, options.lockRetry);
}
