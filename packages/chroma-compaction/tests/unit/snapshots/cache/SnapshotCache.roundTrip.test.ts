import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SnapshotIntegrityError } from '../../../../src/snapshots/errors.js';
import { snapshotKeys } from '../../../../src/snapshots/snapshotKeys.js';
import { catchError, useSnapshotCacheWorld } from '../../../helpers/snapshotCacheWorld.js';
import { readTree, writeChromaLikeTree } from '../../../helpers/snapshotTrees.js';

/**
 * The cache with the real `publishSnapshot` and `downloadSnapshot` on a file store: what one
 * machine publishes through its cache, another machine's cache downloads, verified.
 */
describe('Class: SnapshotCache, with the real publish and download', () => {
  const world = useSnapshotCacheWorld();

  /** A Chroma-shaped persist folder whose `generation.txt` tells versions apart. */
  const persistFolder = async (generation: number): Promise<string> => {
    const dir = join(world.base, `persist-${generation}`);
    await writeChromaLikeTree(dir);
    await writeFile(join(dir, 'generation.txt'), String(generation));
    return dir;
  };

  it('publishes into its own cache, and another cache downloads the same tree', async () => {
    // Prepare
    const source = await persistFolder(1);
    const publisher = world.cache({ tempDir: world.base });
    const reader = world.cache({ root: join(world.base, 'other-machine'), tempDir: world.base });

    // Act
    const published = await publisher.publish(source, { metadata: { run: 'r1' } });
    const first = await reader.ensure();
    const second = await reader.ensure(published.version);

    // Assess
    const expected = await readTree(source);
    expect(await readTree(join(world.dir, published.version))).toEqual(expected);
    expect(await publisher.currentVersion()).toBe(published.version);
    expect(first).toEqual({
      version: published.version,
      path: join(world.base, 'other-machine', 'snapshots', 'lines', published.version),
      source: 'download',
    });
    expect(await readTree(first.path)).toEqual(expected);
    expect(second.source).toBe('cache');
    expect(await reader.currentVersion()).toBeUndefined();
  });

  it('downloads exactly an older version while the pointer names a newer one (spec §15.1)', async () => {
    // Prepare
    const publisher = world.cache({ tempDir: world.base });
    const older = await publisher.publish(await persistFolder(1));
    const newer = await publisher.publish(await persistFolder(2));
    const reader = world.cache({ root: join(world.base, 'other-machine'), tempDir: world.base });

    // Act
    const result = await reader.ensure(older.version);

    // Assess
    expect(newer.parent).toBe(older.version);
    expect(result).toMatchObject({ version: older.version, source: 'download' });
    expect(await readTree(result.path)).toEqual(await readTree(join(world.base, 'persist-1')));
    expect(await publisher.currentVersion()).toBe(newer.version);
  });

  it('keeps nothing of a version whose tarball fails verification', async () => {
    // Prepare
    const published = await world.cache({ tempDir: world.base }).publish(await persistFolder(1));
    await world.store.put(published.key, Buffer.alloc(published.size, 7));
    const readerRoot = join(world.base, 'other-machine');
    const reader = world.cache({ root: readerRoot, tempDir: world.base });

    // Act
    const error = await catchError(reader.ensure());

    // Assess
    expect(error).toBeInstanceOf(SnapshotIntegrityError);
    expect(error).toMatchObject({ version: published.version, check: 'sha256' });
    expect(await readTree(join(readerRoot, 'snapshots', 'lines'))).toEqual([
      { path: '.locks', type: 'directory' },
    ]);
  });

  it('acquires the pointer’s version through a real download and holds it against cleanup', async () => {
    // Prepare
    const publisher = world.cache({ tempDir: world.base });
    const older = await publisher.publish(await persistFolder(1));
    await publisher.publish(await persistFolder(2));
    await world.store.put(snapshotKeys('lines').pointer, older.version);
    const reader = world.cache({ root: join(world.base, 'other-machine'), tempDir: world.base });

    // Act
    const handle = await reader.acquire();
    const whileHeld = await reader.cleanup({ keep: 0 });
    await handle.release();
    const afterRelease = await reader.cleanup({ keep: 0 });

    // Assess
    expect(handle).toMatchObject({ version: older.version, source: 'download' });
    expect(whileHeld).toEqual({ removed: [] });
    expect(afterRelease).toEqual({ removed: [older.version] });
  });
});
