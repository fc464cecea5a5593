import { PassThrough } from 'node:stream';
import { formatPythonTimestamp } from '@receipt-chroma/dynamo-stream';
import { packSnapshot } from '../archives/packSnapshot.js';
import type { PackedSnapshot, PackSnapshotOptions } from '../archives/packTypes.js';
import { errorMessage, PreconditionFailedError } from '../errors.js';
import { checkedInteger } from '../options/checkedInteger.js';
import { PRODUCER } from '../packageVersion.js';
import type { ObjectStore, PutOptions } from '../ports/objectStore.js';
import { NOOP_LOGGER, NOOP_METRICS } from '../ports/observability.js';
import { SnapshotConflictError, SnapshotLockError } from './errors.js';
import { type SnapshotManifest, serializeSnapshotManifest } from './manifest.js';
import { pruneVersions } from './pruneVersions.js';
import {
  nextVersionId,
  SNAPSHOT_HASH,
  SNAPSHOT_MANIFEST,
  SNAPSHOT_TARBALL,
  type SnapshotKeys,
  snapshotKeys,
} from './snapshotKeys.js';
import { deleteVersion, readPointer, stringMetadata } from './snapshotObjects.js';
import type { PublishedSnapshot, PublishSnapshotOptions } from './types.js';

// The Python publisher's default (spec §12.3).
/** Versions {@link publishSnapshot} keeps when not given `keepVersions`. */
export const DEFAULT_KEEP_VERSIONS = 4;

/**
 * Packs `dir` and streams it into the store as `snapshot.tar.gz` (packing overlaps the
 * upload); either side failing stops the other.
 */
const uploadTarball = async (
  store: ObjectStore,
  key: string,
  dir: string,
  put: PutOptions,
  pack: Omit<PackSnapshotOptions, 'signal'> | undefined,
): Promise<PackedSnapshot> => {
  const body = new PassThrough();
  // A packing failure destroys the body, possibly before the store listens to it (a store
  // may await a lock first): the error stays on the stream for the store to see, and this
  // listener keeps it from being an uncaught 'error' event.
  body.on('error', () => {});
  const abort = new AbortController();
  // Whichever side fails first is the cause; the other side's error is its consequence.
  let firstFailure: { readonly error: unknown } | undefined;
  const packing = packSnapshot(dir, body, { ...pack, signal: abort.signal }).catch(
    (error: unknown) => {
      firstFailure ??= { error };
      body.destroy(error instanceof Error ? error : new Error(String(error)));
      throw error;
    },
  );
  const uploading = store.put(key, body, put).catch((error: unknown) => {
    firstFailure ??= { error };
    abort.abort(error);
    throw error;
  });
  const [packed] = await Promise.allSettled([packing, uploading]);
  if (firstFailure !== undefined) throw firstFailure.error;
  if (packed.status === 'rejected') throw packed.reason;
  return packed.value;
};

// The publish protocol is described in DESIGN §4; it replaces the Python one (spec §12.3).
/**
 * Publishes a Chroma persist directory as a new version of the collection's snapshot, so
 * that readers only ever see complete, verified versions.
 *
 * 1. with a `lock`, refuses to start unless `validateOwnership()` holds;
 * 2. reads the pointer (the new version's parent) and picks a version id later than it;
 * 3. streams `snapshot.tar.gz` (packed in worker threads while it uploads), then
 *    `.snapshot_hash` (`md5:<hex>`, what Python readers check) and `manifest.json` (sha256,
 *    size, gzip members, files, parent, record counts, the lock's fence, producer);
 * 4. checks the lock again, then moves `latest-pointer.txt` with a compare-and-swap on the
 *    ETag read in step 2 (`ifNoneMatch: '*'` when there was no pointer): of two publishers,
 *    one wins; the other's version is deleted and it gets {@link SnapshotConflictError};
 * 5. prunes to `keepVersions` complete versions, never the current one or anything newer
 *    (a failure to prune is logged, not thrown: the version is published).
 *
 * Every object carries `metadata` with string values. Nothing may write to `dir` meanwhile
 * (close a local Chroma server on it first: `openSnapshot().close()`). Whenever the publish
 * fails after the upload began, the uploaded objects are deleted (best effort; pruning
 * removes what is left) and the pointer is untouched.
 *
 * @param options - The store, collection, directory, lock, versions kept, metadata and
 *   packing.
 * @returns The new version, its tarball's key, size and digests, and its parent.
 * @throws {@link SnapshotLockError} when the lock is not held, before the upload or before
 *   the pointer moves (then the uploaded version is deleted)
 * @throws {@link SnapshotConflictError} when another publisher moved the pointer first
 * @throws {@link SnapshotSourceError} when `dir` is not a directory, holds a link or special
 *   file, or a file changes while it is packed
 * @throws {@link ObjectStoreError} when the store fails
 * @throws {RangeError} when `keepVersions` is not a positive integer (checked before
 *   anything is read) or a `pack` option is out of range
 * @example
 * ```ts
 * import {
 *   type LockManager,
 *   type ObjectStore,
 *   publishSnapshot,
 * } from '@receipt-chroma/chroma-compaction';
 *
 * declare const store: ObjectStore;
 * declare const lock: LockManager;
 *
 * const published = await publishSnapshot({
 *   store,
 *   collection: 'lines',
 *   dir: '/tmp/chroma/lines',
 *   lock,
 *   metadata: { update_type: 'batch_compaction' },
 * });
 * console.log(published.version, published.parent);
 * ```
 */
export async function publishSnapshot(options: PublishSnapshotOptions): Promise<PublishedSnapshot> {
  const { store, collection, dir, lock } = options;
  const keepVersions = checkedInteger(
    'keepVersions',
    options.keepVersions ?? DEFAULT_KEEP_VERSIONS,
    1,
  );
  const logger = options.logger ?? NOOP_LOGGER;
  const metrics = options.metrics ?? NOOP_METRICS;
  const dimensions = { collection };
  const keys = snapshotKeys(collection);
  const started = performance.now();

  const ensureLock = async (stage: 'before-upload' | 'before-promotion', version?: string) => {
    if (lock === undefined || (await lock.validateOwnership())) return;
    metrics.count('SnapshotLockLost', 1, dimensions);
    throw new SnapshotLockError(
      `publishSnapshot of "${collection}" refused: the lock is not held (${stage}).${
        version === undefined ? ' Nothing was uploaded.' : ` Version ${version} was deleted.`
      }`,
      { collection, version, stage },
    );
  };

  await ensureLock('before-upload');
  const pointer = await readPointer(store, keys);
  const parent = pointer?.version ?? null;
  const version = nextVersionId(pointer?.version);
  const metadata = stringMetadata(options.metadata);
  let uploaded = false;
  try {
    uploaded = true;
    const packed = await uploadTarball(
      store,
      keys.object(version, SNAPSHOT_TARBALL),
      dir,
      { contentType: 'application/gzip', metadata },
      options.pack,
    );
    const manifest: SnapshotManifest = {
      format: 'chroma-snapshot',
      formatVersion: 1,
      collection,
      version,
      parent,
      createdAt: formatPythonTimestamp(Date.now() * 1000),
      producer: PRODUCER,
      fence: lock?.fence ?? null,
      tarball: { size: packed.size, sha256: packed.sha256, md5: packed.md5 },
      members: packed.members,
      files: packed.files,
      recordCounts: options.recordCounts ?? null,
      metadata,
    };
    await store.put(keys.object(version, SNAPSHOT_HASH), `md5:${packed.md5}`, {
      contentType: 'text/plain',
      metadata,
    });
    await store.put(keys.object(version, SNAPSHOT_MANIFEST), serializeSnapshotManifest(manifest), {
      contentType: 'application/json',
      metadata,
    });
    await ensureLock('before-promotion', version);
    await promote(store, keys, version, pointer?.etag, metadata, collection);
    uploaded = false;
    const published: PublishedSnapshot = {
      version,
      key: keys.object(version, SNAPSHOT_TARBALL),
      size: packed.size,
      sha256: packed.sha256,
      md5: packed.md5,
      parent,
    };
    metrics.count('SnapshotPublished', 1, dimensions);
    metrics.timer('SnapshotPublishTime', performance.now() - started, dimensions);
    logger.info('snapshot published', { collection, version, parent, size: packed.size });
    await pruneAfterPublish(store, keys, keepVersions, version, options);
    return published;
  } finally {
    if (uploaded) await discard(store, keys, version, options);
  }
}

/** Moves the pointer from the version read earlier (its ETag) to `version`. */
const promote = async (
  store: ObjectStore,
  keys: SnapshotKeys,
  version: string,
  etag: string | undefined,
  metadata: Readonly<Record<string, string>>,
  collection: string,
): Promise<void> => {
  try {
    await store.put(keys.pointer, version, {
      contentType: 'text/plain',
      metadata,
      ...(etag === undefined ? { ifNoneMatch: '*' } : { ifMatch: etag }),
    });
  } catch (error) {
    if (!(error instanceof PreconditionFailedError)) throw error;
    throw new SnapshotConflictError(
      `publishSnapshot of "${collection}" lost the race for the pointer: another publisher moved ${keys.pointer} first. Version ${version} was deleted.`,
      { collection, version, cause: error },
    );
  }
};

/** Deletes a version that will not be promoted; a failure is logged (pruning removes it later). */
const discard = async (
  store: ObjectStore,
  keys: SnapshotKeys,
  version: string,
  options: PublishSnapshotOptions,
): Promise<void> => {
  try {
    await deleteVersion(store, keys, version);
  } catch (error) {
    (options.logger ?? NOOP_LOGGER).warn('snapshot version not deleted', {
      collection: options.collection,
      version,
      error: errorMessage(error),
    });
  }
};

const pruneAfterPublish = async (
  store: ObjectStore,
  keys: SnapshotKeys,
  keepVersions: number,
  version: string,
  options: PublishSnapshotOptions,
): Promise<void> => {
  const logger = options.logger ?? NOOP_LOGGER;
  try {
    // The pointer as it is now: another publisher may have moved it past this version.
    const current = (await readPointer(store, keys))?.version ?? version;
    const { removed } = await pruneVersions(store, keys, current, keepVersions);
    if (removed.length > 0) {
      (options.metrics ?? NOOP_METRICS).count('SnapshotVersionsPruned', removed.length, {
        collection: options.collection,
      });
      logger.info('snapshot versions pruned', {
        collection: options.collection,
        removed: removed.join(','),
      });
    }
  } catch (error) {
    logger.warn('snapshot pruning failed', {
      collection: options.collection,
      error: errorMessage(error),
    });
  }
};
