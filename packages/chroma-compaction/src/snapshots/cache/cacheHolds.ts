/**
 * Holds: "a process is reading this version". proper-lockfile locks are exclusive, so each
 * `acquire` gets a lock of its own, `.holds/{version}/{pid}-{8 hex}`, which its process
 * keeps fresh. `cleanup` in any process keeps a version while one of its holds is live, and
 * treats a hold not refreshed for `staleMs` as released (its process died). Holds are
 * created, counted and pruned only under the version's lock, so a hold cannot appear
 * between `cleanup`'s count and its removal of the version.
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode } from './cacheFiles.js';
import type { CacheLayout } from './cacheLayout.js';
import { type CacheLockSettings, type HeldLock, isLockLive, tryLock } from './cacheLocks.js';

/**
 * Registers a hold on `version` for this process. Call under the version's lock.
 * @internal
 */
export async function createHold(
  layout: CacheLayout,
  version: string,
  settings: CacheLockSettings,
): Promise<HeldLock> {
  const path = join(
    layout.versionHolds(version),
    `${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  const held = await tryLock(path, settings);
  // The name is new, so only a file-system failure (reported by tryLock) can refuse it.
  if (held === undefined) throw new Error(`A new hold is already locked: ${path}`);
  return {
    path,
    release: async () => {
      await held.release();
      await rmdir(layout.versionHolds(version)).catch(() => {
        // Another hold remains (ENOTEMPTY) or the folder is gone: nothing to tidy.
      });
    },
  };
}

/**
 * Counts the live holds of `version` and removes the stale ones. Call under the version's
 * lock.
 * @returns the number of holds whose owners are alive
 * @internal
 */
export async function countLiveHolds(
  layout: CacheLayout,
  version: string,
  staleMs: number,
): Promise<number> {
  const dir = layout.versionHolds(version);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 0;
    throw error;
  }
  let live = 0;
  for (const name of names) {
    const path = join(dir, name);
    if (await isLockLive(path, staleMs)) live += 1;
    else await rm(path, { recursive: true, force: true });
  }
  if (live === 0) await rm(dir, { recursive: true, force: true });
  return live;
}
