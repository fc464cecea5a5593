// Ids sort by time (spec §12.1); the Python cache sorted by mtime (spec §15.1) and never
// removed what dead processes left (spec §18.15).
/**
 * `SnapshotCache.cleanup`: under the collection's lock (two cleanups never race), keep the
 * `keep` newest versions by id (ids sort by time; not by mtime as the Python cache did), and
 * remove each older one unless it is the current version, a live process holds it, or its
 * lock is busy (a download, `acquire` or `setCurrentVersion` of it in progress); those are
 * left for a later cleanup. Also removes the temporaries, locks and holds that dead
 * processes left.
 * @packageDocumentation
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { errorCode } from './cacheFiles.js';
import { countLiveHolds } from './cacheHolds.js';
import { isVersionName, lockVersion, temporaryVersion } from './cacheLayout.js';
import { tryLock } from './cacheLocks.js';
import {
  type CacheContext,
  removeTemporaries,
  removeVersion,
  withLock,
} from './cacheOperations.js';

const entriesOf = async (dir: string): Promise<Dirent[]> => {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
};

/** Runs `step` under `version`'s lock if it is free now; `undefined` when it is busy. */
const whenFree = async <T>(
  context: CacheContext,
  version: string,
  step: () => Promise<T>,
): Promise<T | undefined> => {
  const held = await tryLock(context.layout.versionLock(version), context.locks);
  if (held === undefined) return undefined;
  try {
    return await step();
  } finally {
    await held.release();
  }
};

/**
 * Removes old versions and what dead processes left.
 * @returns the versions removed, sorted
 * @internal
 */
export async function cleanupCache(context: CacheContext, keep: number): Promise<string[]> {
  const { layout, logger, dimensions } = context;
  return withLock(context, layout.collectionLock, { operation: 'cleanup' }, async () => {
    const entries = await entriesOf(layout.dir);
    const abandoned = new Set(entries.map((entry) => temporaryVersion(entry.name)));
    for (const version of abandoned) {
      if (version !== undefined) {
        await whenFree(context, version, () => removeTemporaries(context, version));
      }
    }

    const versions = entries
      .filter((entry) => entry.isDirectory() && isVersionName(entry.name))
      .map((entry) => entry.name)
      .sort()
      .reverse();
    const removed: string[] = [];
    for (const version of versions.slice(keep)) {
      const outcome =
        (await whenFree(context, version, () => removeVersion(context, version))) ?? 'busy';
      if (outcome === 'removed') {
        removed.push(version);
      } else {
        logger.debug('Kept a snapshot past the cleanup limit', { ...dimensions, version, outcome });
      }
    }

    await sweepLocksAndHolds(context);
    return removed.sort();
  });
}

/**
 * Removes version locks whose owners died (taking a stale lock removes it, releasing it
 * removes the directory) and the stale holds of every version.
 */
const sweepLocksAndHolds = async (context: CacheContext): Promise<void> => {
  const { layout } = context;
  for (const entry of await entriesOf(layout.locksDir)) {
    const version = lockVersion(entry.name);
    if (version !== undefined && isVersionName(version)) {
      await whenFree(context, version, async () => {});
    }
  }
  for (const entry of await entriesOf(layout.holdsDir)) {
    const version = entry.name;
    if (isVersionName(version)) {
      await whenFree(context, version, () =>
        countLiveHolds(layout, version, context.locks.staleMs),
      );
    }
  }
};
