import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tryLock } from '../../../../src/snapshots/cache/cacheLocks.js';
import { SnapshotCacheLockTimeoutError } from '../../../../src/snapshots/errors.js';
import { pollUntil } from '../../../helpers/cacheChildren.js';
import {
  catchError,
  fakeDownload,
  useSnapshotCacheWorld,
  V1,
} from '../../../helpers/snapshotCacheWorld.js';

const LOCKS = { staleMs: 30_000, waitMs: 0, onCompromised: () => {} };

describe('Class: SnapshotCache', () => {
  const world = useSnapshotCacheWorld();

  describe('Constructor', () => {
    it.each([
      ['lockStaleMs', { lockStaleMs: 1999 }, /^lockStaleMs must be an integer >= 2000, got 1999$/],
      ['lockWaitMs', { lockWaitMs: -1 }, /^lockWaitMs must be an integer >= 0, got -1$/],
    ])('throws RangeError for an out-of-range %s', (_, options, message) => {
      // Act
      const act = () => world.cache(options);

      // Assess
      expect(act).toThrow(RangeError);
      expect(act).toThrow(message);
    });
  });

  describe('Locks', () => {
    it('gives up with SnapshotCacheLockTimeoutError when a live owner keeps the version lock', async () => {
      // Prepare
      const lockPath = join(world.dir, '.locks', `version-${V1}`);
      const owner = await tryLock(lockPath, LOCKS);
      const fake = fakeDownload();
      const cache = world.cache({ lockWaitMs: 0, downloadSnapshot: fake.download });

      // Act
      const error = await catchError(cache.ensure(V1));
      await owner?.release();

      // Assess
      expect(error).toBeInstanceOf(SnapshotCacheLockTimeoutError);
      expect(error).toMatchObject({
        collection: 'lines',
        version: V1,
        operation: 'ensure',
        lockPath,
        waitedMs: 0,
      });
      expect(fake.calls).toEqual([]);
      expect(await world.entries()).toEqual(['.locks']);
    });

    it('waits for a version lock held in this process, then serves the version', async () => {
      // Prepare
      const owner = await tryLock(join(world.dir, '.locks', `version-${V1}`), LOCKS);
      const fake = fakeDownload();
      const cache = world.cache({ downloadSnapshot: fake.download });

      // Act
      const pending = cache.ensure(V1);
      await world.putVersion(V1);
      await owner?.release();
      const result = await pending;

      // Assess
      expect(result.source).toBe('cache');
      expect(fake.calls).toEqual([]);
    });

    it('reports a hold it lost (its lock removed) through the logger and metrics', async () => {
      // Prepare
      await world.putVersion(V1);
      const cache = world.cache({ lockStaleMs: 2000 });
      const handle = await cache.acquire(V1);

      // Act
      await rm(join(world.dir, '.holds'), { recursive: true, force: true });
      await pollUntil('the lost hold is reported', async () =>
        world.metrics.names().includes('SnapshotCacheLockLost'),
      );
      await handle.release();

      // Assess
      expect(world.logger.lines).toContainEqual(
        expect.objectContaining({ level: 'error', message: 'Lost a snapshot cache lock' }),
      );
      expect(world.metrics.recorded).toContainEqual(
        expect.objectContaining({
          name: 'SnapshotCacheLockLost',
          dimensions: { collection: 'lines' },
        }),
      );
    });
  });
});
