/**
 * The steps `SnapshotCache` runs under a version's lock: fill a version (download it into a
 * temporary and rename it into place), remove one (rename it to a temporary, then delete),
 * and sweep the temporaries a dead process left. Holding the version's lock across check,
 * download and rename is what makes each version download at most once across processes.
 * @packageDocumentation
 */
import { readdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { UnpackLimits } from '../../archives/types.js';
import type { CollectionName } from '../../compaction/types.js';
import type { ObjectStore } from '../../ports/objectStore.js';
import type { Logger, MetricDimensions, Metrics } from '../../ports/observability.js';
import type { downloadSnapshot } from '../downloadSnapshot.js';
import { SnapshotCacheError, SnapshotCacheLockTimeoutError } from '../errors.js';
import { isDirectory, moveIntoPlace, readTrimmed, syncDirectory } from './cacheFiles.js';
import { countLiveHolds } from './cacheHolds.js';
import { type CacheLayout, temporaryVersion } from './cacheLayout.js';
import { type CacheLockSettings, type HeldLock, waitForLock } from './cacheLocks.js';

/** What the cache's steps share. @internal */
export interface CacheContext {
  readonly collection: CollectionName;
  readonly store: ObjectStore;
  readonly layout: CacheLayout;
  readonly locks: CacheLockSettings;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** `{ collection }` */
  readonly dimensions: MetricDimensions;
  readonly limits: UnpackLimits | undefined;
  readonly tempDir: string | undefined;
  readonly download: typeof downloadSnapshot;
}

/** Where a version came from: already in the cache, or downloaded by this call. */
export type SnapshotSource = 'cache' | 'download';

/**
 * Runs `step` holding the lock at `path`, waiting for a live owner up to `lockWaitMs`.
 * @throws SnapshotCacheLockTimeoutError when the lock stayed held
 * @internal
 */
export async function withLock<T>(
  context: CacheContext,
  path: string,
  where: { readonly operation: string; readonly version?: string | undefined },
  step: () => Promise<T>,
): Promise<T> {
  const held: HeldLock | undefined = await waitForLock(path, context.locks);
  if (held === undefined) {
    throw new SnapshotCacheLockTimeoutError(
      `Gave up on the cache lock ${path} after ${context.locks.waitMs} ms: another process ` +
        'holds it and keeps it fresh; raise lockWaitMs if its downloads take longer',
      {
        ...where,
        collection: context.collection,
        dir: context.layout.dir,
        lockPath: path,
        waitedMs: context.locks.waitMs,
      },
    );
  }
  try {
    return await step();
  } finally {
    await held.release();
  }
}

// Exactly that version: the Python cache downloaded the pointer's (spec §15.1).
/**
 * Makes `version` present, downloading exactly that version (not the pointer's) into a
 * temporary sibling that only a final rename makes visible. Call under the
 * version's lock.
 * @internal
 */
export async function fillVersion(context: CacheContext, version: string): Promise<SnapshotSource> {
  const { layout, metrics, dimensions, logger } = context;
  const path = layout.versionPath(version);
  if (await isDirectory(path)) {
    metrics.count('SnapshotCacheHit', 1, dimensions);
    return 'cache';
  }
  await removeTemporaries(context, version);
  const temporary = layout.newTemporary(version);
  const started = performance.now();
  try {
    const downloaded = await context.download({
      store: context.store,
      collection: context.collection,
      dest: temporary,
      version,
      limits: context.limits,
      tempDir: context.tempDir,
      logger,
      metrics,
    });
    if (downloaded.version !== version) {
      throw new SnapshotCacheError(
        `Asked for version ${version} of ${context.collection}, the download returned ${downloaded.version}`,
        { operation: 'ensure', collection: context.collection, version, dir: layout.dir },
      );
    }
    const moved = await moveIntoPlace(temporary, path);
    if (!moved) logger.warn('Snapshot already in the cache; kept that copy', { path, version });
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
  const milliseconds = Math.round(performance.now() - started);
  metrics.count('SnapshotCacheDownload', 1, dimensions);
  metrics.timer('SnapshotCacheDownloadTime', milliseconds, dimensions);
  logger.info('Snapshot downloaded to the cache', { ...dimensions, version, milliseconds });
  return 'download';
}

/**
 * Removes the temporaries of `version`. Call under that version's lock: a temporary of a
 * version whose lock is free belongs to no live process.
 * @returns how many were removed
 * @internal
 */
export async function removeTemporaries(context: CacheContext, version: string): Promise<number> {
  const { dir } = context.layout;
  const names = (await readdir(dir).catch(() => [] as string[])).filter(
    (name) => temporaryVersion(name) === version,
  );
  for (const name of names) await rm(join(dir, name), { recursive: true, force: true });
  if (names.length > 0) {
    context.metrics.count('SnapshotCacheTemporaryRemoved', names.length, context.dimensions);
    context.logger.info('Removed abandoned snapshot temporaries', {
      ...context.dimensions,
      version,
      names,
    });
  }
  return names.length;
}

/** Why {@link removeVersion} kept a version. @internal */
export type KeptReason = 'current' | 'held' | 'absent';

/**
 * Removes `version` unless it is the current version or a live process holds it: renames it
 * to a temporary (readers never see a half-deleted version), then deletes that. Call under
 * the version's lock, which also guards `.version` writes and new holds of it.
 * @returns `'removed'`, or why it was kept
 * @internal
 */
export async function removeVersion(
  context: CacheContext,
  version: string,
): Promise<'removed' | KeptReason> {
  const { layout } = context;
  if ((await readTrimmed(layout.currentFile)) === version) return 'current';
  if ((await countLiveHolds(layout, version, context.locks.staleMs)) > 0) return 'held';
  const path = layout.versionPath(version);
  if (!(await isDirectory(path))) return 'absent';
  const temporary = layout.newTemporary(version);
  await rename(path, temporary);
  await syncDirectory(layout.dir);
  await rm(temporary, { recursive: true, force: true });
  context.metrics.count('SnapshotCacheRemoved', 1, context.dimensions);
  context.logger.info('Removed a snapshot from the cache', {
    ...context.dimensions,
    version,
    temporary: basename(temporary),
  });
  return 'removed';
}
