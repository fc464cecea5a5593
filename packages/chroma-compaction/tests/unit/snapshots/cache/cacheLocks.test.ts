import { mkdir, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLockLive, tryLock, waitForLock } from '../../../../src/snapshots/cache/cacheLocks.js';
import { useSnapshotCacheWorld } from '../../../helpers/snapshotCacheWorld.js';
import { exists } from '../../../helpers/snapshotTrees.js';

const SETTINGS = { staleMs: 2000, waitMs: 0, onCompromised: () => {} };

describe('Function: tryLock', () => {
  const world = useSnapshotCacheWorld();

  it('refuses a lock a live owner holds, and frees it on release', async () => {
    // Prepare
    const path = join(world.base, 'locks', 'a');
    const owner = await tryLock(path, SETTINGS);

    // Act
    const second = await tryLock(path, SETTINGS);
    const liveWhileHeld = await isLockLive(path, SETTINGS.staleMs);
    await owner?.release();
    await owner?.release();
    const liveAfterRelease = await isLockLive(path, SETTINGS.staleMs);
    const third = await tryLock(path, SETTINGS);
    await third?.release();

    // Assess
    expect(owner).toBeDefined();
    expect(second).toBeUndefined();
    expect(liveWhileHeld).toBe(true);
    expect(liveAfterRelease).toBe(false);
    expect(third).toBeDefined();
    expect(await exists(path)).toBe(false);
  });

  it('gives a stale lock to exactly one of several callers in this process', async () => {
    // Prepare: a lock a dead process left a minute ago
    const path = join(world.base, 'locks', 'stale');
    await mkdir(path, { recursive: true });
    const minuteAgo = new Date(Date.now() - 60_000);
    await utimes(path, minuteAgo, minuteAgo);

    // Act
    const attempts = await Promise.all(Array.from({ length: 8 }, () => tryLock(path, SETTINGS)));
    const winner = attempts.find((attempt) => attempt !== undefined);
    const liveWhileHeld = await isLockLive(path, SETTINGS.staleMs);
    await winner?.release();

    // Assess
    expect(attempts.filter((attempt) => attempt !== undefined)).toHaveLength(1);
    expect(liveWhileHeld).toBe(true);
    expect(await exists(path)).toBe(false);
  });
});

describe('Function: waitForLock', () => {
  const world = useSnapshotCacheWorld();

  it('gives up after waitMs while the owner keeps the lock', async () => {
    // Prepare
    const path = join(world.base, 'locks', 'b');
    const owner = await tryLock(path, SETTINGS);

    // Act
    const waited = await waitForLock(path, { ...SETTINGS, waitMs: 100 });
    await owner?.release();
    const afterRelease = await waitForLock(path, SETTINGS);
    await afterRelease?.release();

    // Assess
    expect(waited).toBeUndefined();
    expect(afterRelease).toBeDefined();
  });
});
