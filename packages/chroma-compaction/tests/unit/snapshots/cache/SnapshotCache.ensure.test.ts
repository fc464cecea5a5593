import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  InvalidSnapshotVersionError,
  NoSnapshotError,
  SnapshotCacheError,
  SnapshotIntegrityError,
} from '../../../../src/snapshots/errors.js';
import {
  catchError,
  fakeDownload,
  MARKER,
  useSnapshotCacheWorld,
  V1,
  V2,
} from '../../../helpers/snapshotCacheWorld.js';

describe('Class: SnapshotCache', () => {
  const world = useSnapshotCacheWorld();

  describe('Method: ensure', () => {
    it('downloads a missing version into its folder, then serves it from the cache', async () => {
      // Prepare
      const fake = fakeDownload();
      const cache = world.cache({ downloadSnapshot: fake.download, tempDir: world.base });

      // Act
      const first = await cache.ensure(V1);
      const second = await cache.ensure(V1);

      // Assess
      const path = join(world.dir, V1);
      expect(first).toEqual({ version: V1, path, source: 'download' });
      expect(second).toEqual({ version: V1, path, source: 'cache' });
      expect(await world.marker(V1)).toBe(V1);
      expect(fake.calls).toHaveLength(1);
      expect(fake.calls[0]).toMatchObject({
        collection: 'lines',
        version: V1,
        tempDir: world.base,
        logger: world.logger,
        metrics: world.metrics,
      });
      expect(fake.calls[0]?.dest).toMatch(new RegExp(`^${world.dir}/\\.tmp-${V1}-[0-9a-f]{8}$`));
      expect(await world.entries()).toEqual(['.locks', V1]);
      expect(world.metrics.names()).toEqual([
        'SnapshotCacheDownload',
        'SnapshotCacheDownloadTime',
        'SnapshotCacheHit',
      ]);
      expect(new Set(world.metrics.recorded.map((m) => m.dimensions?.['collection']))).toEqual(
        new Set(['lines']),
      );
    });

    it('downloads the version the pointer names when none is given', async () => {
      // Prepare
      const fake = fakeDownload();
      await world.setPointer(`${V2}\n`);

      // Act
      const result = await world.cache({ downloadSnapshot: fake.download }).ensure();

      // Assess
      expect(result).toMatchObject({ version: V2, source: 'download' });
      expect(fake.calls.map((call) => call.version)).toEqual([V2]);
    });

    it('downloads exactly the version asked for, not the one the pointer names (spec §15.1)', async () => {
      // Prepare
      const fake = fakeDownload();
      await world.setPointer(V2);

      // Act
      const result = await world.cache({ downloadSnapshot: fake.download }).ensure(V1);

      // Assess
      expect(result).toMatchObject({ version: V1, source: 'download' });
      expect(fake.calls.map((call) => call.version)).toEqual([V1]);
      expect(await world.marker(V1)).toBe(V1);
      expect(await world.entries()).toEqual(['.locks', V1]);
    });

    it('throws NoSnapshotError when no version is given and the pointer is absent', async () => {
      // Prepare
      const fake = fakeDownload();

      // Act
      const error = await catchError(world.cache({ downloadSnapshot: fake.download }).ensure());

      // Assess
      expect(error).toBeInstanceOf(NoSnapshotError);
      expect(error).toMatchObject({ collection: 'lines' });
      expect(fake.calls).toEqual([]);
      expect(await world.entries()).toEqual([]);
    });

    it.each([
      ['a parent folder', '../escape'],
      ['a dot name', '.version'],
      ['a separator', 'a/b'],
      ['an empty id', ''],
    ])('refuses %s as a version id before downloading anything', async (_, version) => {
      // Prepare
      const fake = fakeDownload();

      // Act
      const error = await catchError(
        world.cache({ downloadSnapshot: fake.download }).ensure(version),
      );

      // Assess
      expect(error).toBeInstanceOf(InvalidSnapshotVersionError);
      expect(error).toMatchObject({ version, operation: 'ensure', dir: world.dir });
      expect(fake.calls).toEqual([]);
      expect(await world.entries()).toEqual([]);
    });

    it('refuses a pointer naming a path outside the cache', async () => {
      // Prepare
      const fake = fakeDownload();
      await world.setPointer('../../elsewhere');

      // Act
      const error = await catchError(world.cache({ downloadSnapshot: fake.download }).ensure());

      // Assess
      expect(error).toBeInstanceOf(InvalidSnapshotVersionError);
      expect(fake.calls).toEqual([]);
    });

    it('passes a download error through and leaves no folder or temporary', async () => {
      // Prepare
      const failure = new SnapshotIntegrityError('bad tarball', {
        collection: 'lines',
        version: V1,
        check: 'sha256',
      });
      const cache = world.cache({
        downloadSnapshot: async (options) => {
          await mkdir(options.dest, { recursive: true });
          await writeFile(join(options.dest, MARKER), 'half');
          throw failure;
        },
      });

      // Act
      const error = await catchError(cache.ensure(V1));

      // Assess
      expect(error).toBe(failure);
      expect(await world.entries()).toEqual(['.locks']);
      expect(world.metrics.names()).toEqual([]);
    });

    it('refuses a download that returned another version, and keeps nothing of it', async () => {
      // Prepare
      const fake = fakeDownload();
      const cache = world.cache({
        downloadSnapshot: (options) => fake.download({ ...options, version: V2 }),
      });

      // Act
      const error = await catchError(cache.ensure(V1));

      // Assess
      expect(error).toBeInstanceOf(SnapshotCacheError);
      expect(error).toMatchObject({ version: V1, operation: 'ensure' });
      expect(await world.entries()).toEqual(['.locks']);
    });

    it('ignores and removes a temporary left half-written by a dead process', async () => {
      // Prepare
      const fake = fakeDownload();
      const leftover = join(world.dir, `.tmp-${V1}-0badf00d`);
      await mkdir(join(leftover, 'segment'), { recursive: true });
      await writeFile(join(leftover, MARKER), 'half-writ');

      // Act
      const result = await world.cache({ downloadSnapshot: fake.download }).ensure(V1);

      // Assess
      expect(result.source).toBe('download');
      expect(await world.marker(V1)).toBe(V1);
      expect(await world.entries()).toEqual(['.locks', V1]);
      expect(world.metrics.names()).toContain('SnapshotCacheTemporaryRemoved');
    });

    it('does not count a temporary of the version as a cached version', async () => {
      // Prepare
      const fake = fakeDownload();
      await mkdir(join(world.dir, `.tmp-${V1}-12345678`), { recursive: true });

      // Act
      const result = await world.cache({ downloadSnapshot: fake.download }).ensure(V1);

      // Assess
      expect(result.source).toBe('download');
      expect(fake.calls).toHaveLength(1);
    });

    it('downloads once for concurrent calls on one instance and on two instances', async () => {
      // Prepare
      const fake = fakeDownload();
      let open = (): void => {};
      fake.gate = new Promise((resolve) => {
        open = resolve;
      });
      const one = world.cache({ downloadSnapshot: fake.download });
      const other = world.cache({ downloadSnapshot: fake.download });

      // Act
      const pending = Promise.all([one.ensure(V1), one.ensure(V1), other.ensure(V1)]);
      while (fake.calls.length === 0) await new Promise((resolve) => setImmediate(resolve));
      open();
      const results = await pending;

      // Assess
      expect(fake.calls).toHaveLength(1);
      expect(results.map((result) => result.source).sort()).toEqual(['cache', 'cache', 'download']);
      expect(new Set(results.map((result) => result.path))).toEqual(new Set([join(world.dir, V1)]));
      expect(await world.entries()).toEqual(['.locks', V1]);
    });

    it('wraps a file-system failure in SnapshotCacheError with the cause', async () => {
      // Prepare: a file where the cache folder should be
      await mkdir(join(world.root, 'snapshots'), { recursive: true });
      await writeFile(join(world.root, 'snapshots', 'lines'), 'not a folder');
      const fake = fakeDownload();

      // Act
      const error = await catchError(world.cache({ downloadSnapshot: fake.download }).ensure(V1));

      // Assess
      expect(error).toBeInstanceOf(SnapshotCacheError);
      expect(error).toMatchObject({ operation: 'ensure', version: V1, dir: world.dir });
      expect((error as Error).cause).toMatchObject({ code: 'ENOTDIR' });
      expect(fake.calls).toEqual([]);
      expect((await stat(join(world.root, 'snapshots', 'lines'))).isFile()).toBe(true);
    });
  });
});
