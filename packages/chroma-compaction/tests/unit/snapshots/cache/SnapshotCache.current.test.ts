import { mkdir, open, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SnapshotNotCachedError } from '../../../../src/snapshots/errors.js';
import {
  catchError,
  fakePublish,
  MARKER,
  useSnapshotCacheWorld,
  V1,
  V2,
  V3,
} from '../../../helpers/snapshotCacheWorld.js';

describe('Class: SnapshotCache', () => {
  const world = useSnapshotCacheWorld();

  describe('Method: currentVersion', () => {
    it('is undefined when no .version file exists', async () => {
      // Act
      const current = await world.cache().currentVersion();

      // Assess
      expect(current).toBeUndefined();
    });

    it('reads a .version written by the Python manager (trimmed, spec §15.1)', async () => {
      // Prepare
      await mkdir(world.dir, { recursive: true });
      await writeFile(join(world.dir, '.version'), `${V2}\n`);

      // Act
      const current = await world.cache().currentVersion();

      // Assess
      expect(current).toBe(V2);
    });
  });

  describe('Method: setCurrentVersion', () => {
    it('writes the id alone, without a newline, and leaves no temporary', async () => {
      // Prepare
      await world.putVersion(V1);
      const cache = world.cache();

      // Act
      await cache.setCurrentVersion(V1);

      // Assess
      expect(await readFile(join(world.dir, '.version'), 'utf8')).toBe(V1);
      expect(await cache.currentVersion()).toBe(V1);
      expect(await world.entries()).toEqual(['.locks', '.version', V1]);
    });

    it('refuses a version that is not in the cache and keeps the current one', async () => {
      // Prepare
      await world.putVersion(V1);
      const cache = world.cache();
      await cache.setCurrentVersion(V1);

      // Act
      const error = await catchError(cache.setCurrentVersion(V2));

      // Assess
      expect(error).toBeInstanceOf(SnapshotNotCachedError);
      expect(error).toMatchObject({
        collection: 'lines',
        version: V2,
        operation: 'setCurrentVersion',
        dir: world.dir,
      });
      expect(await cache.currentVersion()).toBe(V1);
      expect(await world.entries()).toEqual(['.locks', '.version', V1]);
    });

    it('refuses a temporary of the version as if it were the version', async () => {
      // Prepare
      await mkdir(join(world.dir, `.tmp-${V1}-abcdef12`), { recursive: true });

      // Act
      const error = await catchError(world.cache().setCurrentVersion(V1));

      // Assess
      expect(error).toBeInstanceOf(SnapshotNotCachedError);
      expect(await world.cache().currentVersion()).toBeUndefined();
    });

    it('replaces the file by a rename, so a reader sees the old id or the new one', async () => {
      // Prepare
      await world.putVersion(V1);
      await world.putVersion(V2);
      const cache = world.cache();
      await cache.setCurrentVersion(V1);
      const before = await stat(join(world.dir, '.version'));
      // Held open, the first file keeps its inode, which the file system cannot hand to a
      // later file: a new inode then proves a replacement, not an in-place write.
      const original = await open(join(world.dir, '.version'), 'r');
      const seen = new Set<string>();
      let writing = true;
      const reader = (async () => {
        while (writing) seen.add(await readFile(join(world.dir, '.version'), 'utf8'));
      })();

      // Act
      for (let round = 0; round < 40; round += 1) {
        await cache.setCurrentVersion(round % 2 === 0 ? V2 : V1);
      }
      writing = false;
      await reader;

      // Assess
      expect(new Set([...seen].filter((text) => text !== V1 && text !== V2))).toEqual(new Set());
      const after = await stat(join(world.dir, '.version'));
      await original.close();
      expect(after.ino).not.toBe(before.ino);
      expect(await world.entries()).toEqual(['.locks', '.version', V1, V2]);
    });
  });

  describe('Method: publish', () => {
    it('copies the published folder into the cache as its version and makes it current', async () => {
      // Prepare
      const source = join(world.base, 'persist');
      await mkdir(join(source, 'segment'), { recursive: true });
      await writeFile(join(source, MARKER), 'published');
      await writeFile(join(source, 'segment', 'data_level0.bin'), 'vectors');
      const cache = world.cache({ publishSnapshot: fakePublish(V2) });

      // Act
      const published = await cache.publish(source, { keepVersions: 2 });

      // Assess
      expect(published.version).toBe(V2);
      expect(await world.marker(V2)).toBe('published');
      expect(await readFile(join(world.dir, V2, 'segment', 'data_level0.bin'), 'utf8')).toBe(
        'vectors',
      );
      expect(await cache.currentVersion()).toBe(V2);
      expect(await world.entries()).toEqual(['.locks', '.version', V2]);
    });

    it('passes the store, collection, folder and options to publishSnapshot', async () => {
      // Prepare
      const source = join(world.base, 'persist');
      await mkdir(source, { recursive: true });
      const calls: unknown[] = [];
      const publish = fakePublish(V1);
      const cache = world.cache({
        tempDir: world.base,
        publishSnapshot: (options) => {
          calls.push(options);
          return publish(options);
        },
      });

      // Act
      await cache.publish(source, { keepVersions: 3, metadata: { run: 'r1' } });

      // Assess
      expect(calls).toEqual([
        expect.objectContaining({
          collection: 'lines',
          dir: source,
          keepVersions: 3,
          metadata: { run: 'r1' },
          tempDir: world.base,
          logger: world.logger,
          metrics: world.metrics,
        }),
      ]);
    });

    it('does not move .version back when a newer version is already current', async () => {
      // Prepare
      await world.putVersion(V3);
      const source = join(world.base, 'persist');
      await mkdir(source, { recursive: true });
      const cache = world.cache({ publishSnapshot: fakePublish(V2) });
      await cache.setCurrentVersion(V3);

      // Act
      await cache.publish(source);

      // Assess
      expect(await cache.currentVersion()).toBe(V3);
      expect(await world.entries()).toEqual(['.locks', '.version', V2, V3]);
    });

    it('returns the published version when the copy fails, and logs and counts the failure', async () => {
      // Prepare
      const cache = world.cache({ publishSnapshot: fakePublish(V1) });

      // Act
      const published = await cache.publish(join(world.base, 'no-such-folder'));

      // Assess
      expect(published.version).toBe(V1);
      expect(await world.entries()).toEqual(['.locks']);
      expect(world.metrics.names()).toEqual(['SnapshotCacheCopyFailed']);
      expect(world.logger.lines).toEqual([
        expect.objectContaining({
          level: 'error',
          message: 'Published snapshot not copied to the cache',
        }),
      ]);
    });

    it('passes a publish failure through and caches nothing', async () => {
      // Prepare
      const failure = new Error('upload refused');
      const cache = world.cache({
        publishSnapshot: async () => {
          throw failure;
        },
      });

      // Act
      const error = await catchError(cache.publish(world.base));

      // Assess
      expect(error).toBe(failure);
      expect(await world.entries()).toEqual([]);
    });
  });
});
