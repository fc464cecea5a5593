import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tryLock } from '../../../../src/snapshots/cache/cacheLocks.js';
import {
  catchError,
  fakeDownload,
  useSnapshotCacheWorld,
  V1,
  V2,
  V3,
  V4,
} from '../../../helpers/snapshotCacheWorld.js';

const LOCKS = { staleMs: 30_000, waitMs: 0, onCompromised: () => {} };

describe('Class: SnapshotCache', () => {
  const world = useSnapshotCacheWorld();

  describe('Method: cleanup', () => {
    it('keeps the newest versions by id, not by modification time (spec §15.1)', async () => {
      // Prepare: written newest first, so the oldest id has the newest mtime
      for (const version of [V4, V3, V2, V1]) await world.putVersion(version);
      const cache = world.cache();

      // Act
      const result = await cache.cleanup({ keep: 2 });

      // Assess
      expect(result).toEqual({ removed: [V1, V2] });
      expect(await world.entries()).toEqual(['.locks', V3, V4]);
      expect(world.metrics.names()).toEqual(['SnapshotCacheRemoved', 'SnapshotCacheRemoved']);
    });

    it('never removes the current version, however old', async () => {
      // Prepare
      for (const version of [V1, V2, V3]) await world.putVersion(version);
      const cache = world.cache();
      await cache.setCurrentVersion(V1);

      // Act
      const result = await cache.cleanup({ keep: 0 });

      // Assess
      expect(result).toEqual({ removed: [V2, V3] });
      expect(await world.entries()).toEqual(['.locks', '.version', V1]);
      expect(await cache.currentVersion()).toBe(V1);
    });

    it('keeps a version this process acquired until it is released', async () => {
      // Prepare
      for (const version of [V1, V2]) await world.putVersion(version);
      const cache = world.cache();
      const handle = await cache.acquire(V1);

      // Act
      const whileHeld = await cache.cleanup({ keep: 0 });
      await handle.release();
      await handle.release();
      const afterRelease = await cache.cleanup({ keep: 0 });

      // Assess
      expect(handle).toMatchObject({ version: V1, path: join(world.dir, V1), source: 'cache' });
      expect(whileHeld).toEqual({ removed: [V2] });
      expect(afterRelease).toEqual({ removed: [V1] });
      expect(await world.entries()).toEqual(['.holds', '.locks']);
      expect(await readdir(join(world.dir, '.holds'))).toEqual([]);
    });

    it('keeps a version while any of its holds is live', async () => {
      // Prepare
      await world.putVersion(V1);
      const cache = world.cache();
      const first = await cache.acquire(V1);
      const second = await world.cache().acquire(V1);

      // Act
      await first.release();
      const oneLeft = await cache.cleanup({ keep: 0 });
      await second.release();
      const noneLeft = await cache.cleanup({ keep: 0 });

      // Assess
      expect(oneLeft).toEqual({ removed: [] });
      expect(noneLeft).toEqual({ removed: [V1] });
    });

    it('leaves a version whose lock is busy for a later cleanup', async () => {
      // Prepare
      await world.putVersion(V1);
      const cache = world.cache();
      const busy = await tryLock(join(world.dir, '.locks', `version-${V1}`), LOCKS);

      // Act
      const whileBusy = await cache.cleanup({ keep: 0 });
      await busy?.release();
      const afterwards = await cache.cleanup({ keep: 0 });

      // Assess
      expect(busy).toBeDefined();
      expect(whileBusy).toEqual({ removed: [] });
      expect(afterwards).toEqual({ removed: [V1] });
    });

    it('removes temporaries whose version lock is free, and keeps one being written', async () => {
      // Prepare
      await world.putVersion(V2);
      const abandoned = `.tmp-${V1}-0badf00d`;
      const inProgress = `.tmp-${V3}-0000beef`;
      await mkdir(join(world.dir, abandoned, 'segment'), { recursive: true });
      await writeFile(join(world.dir, inProgress), 'being written');
      const writer = await tryLock(join(world.dir, '.locks', `version-${V3}`), LOCKS);

      // Act
      const result = await world.cache().cleanup({ keep: 5 });
      await writer?.release();

      // Assess
      expect(result).toEqual({ removed: [] });
      expect(await world.entries()).toEqual(['.locks', inProgress, V2]);
      expect(world.metrics.names()).toEqual(['SnapshotCacheTemporaryRemoved']);
    });

    it('lets two concurrent cleanups remove each version once, between them', async () => {
      // Prepare
      for (const version of [V1, V2, V3, V4]) await world.putVersion(version);

      // Act
      const [one, other] = await Promise.all([
        world.cache().cleanup({ keep: 1 }),
        world.cache().cleanup({ keep: 1 }),
      ]);

      // Assess
      expect([...one.removed, ...other.removed].sort()).toEqual([V1, V2, V3]);
      expect(await world.entries()).toEqual(['.locks', V4]);
      expect(world.metrics.names()).toEqual(Array(3).fill('SnapshotCacheRemoved'));
    });

    it('ignores names that are not versions', async () => {
      // Prepare
      await world.putVersion(V1);
      await mkdir(join(world.dir, '.python-cache'), { recursive: true });
      await writeFile(join(world.dir, 'notes.txt'), 'not a version');

      // Act
      const result = await world.cache().cleanup({ keep: 0 });

      // Assess
      expect(result).toEqual({ removed: [V1] });
      expect(await world.entries()).toEqual(['.locks', '.python-cache', 'notes.txt']);
    });

    it('does nothing on a cache that does not exist yet', async () => {
      // Act
      const result = await world.cache().cleanup({ keep: 1 });

      // Assess
      expect(result).toEqual({ removed: [] });
    });

    it.each([-1, 1.5, Number.NaN])('throws RangeError for keep %s', async (keep) => {
      // Act
      const error = await catchError(world.cache().cleanup({ keep }));

      // Assess
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toMatch(/^keep must be an integer >= 0/);
    });
  });

  describe('Method: acquire', () => {
    it('downloads a missing version and holds it', async () => {
      // Prepare
      const fake = fakeDownload();
      await world.setPointer(V2);
      const cache = world.cache({ downloadSnapshot: fake.download });

      // Act
      const handle = await cache.acquire();
      const whileHeld = await cache.cleanup({ keep: 0 });
      await handle.release();

      // Assess
      expect(handle).toMatchObject({ version: V2, path: join(world.dir, V2), source: 'download' });
      expect(fake.calls.map((call) => call.version)).toEqual([V2]);
      expect(whileHeld).toEqual({ removed: [] });
    });

    it('leaves no hold when the download fails', async () => {
      // Prepare
      const failure = new Error('store unreachable');
      const cache = world.cache({
        downloadSnapshot: async () => {
          throw failure;
        },
      });

      // Act
      const error = await catchError(cache.acquire(V1));

      // Assess
      expect((error as Error).cause).toBe(failure);
      expect(await readdir(join(world.dir, '.holds')).catch(() => [])).toEqual([]);
    });
  });
});
