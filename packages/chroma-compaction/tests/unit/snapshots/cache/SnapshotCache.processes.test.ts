import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildCacheChild, CacheChild, pollUntil } from '../../../helpers/cacheChildren.js';
import type { ChildConfig } from '../../../helpers/snapshotCacheChild.js';
import {
  fakeDownload,
  useSnapshotCacheWorld,
  V1,
  V2,
} from '../../../helpers/snapshotCacheWorld.js';
import { readTree, writeChromaLikeTree } from '../../../helpers/snapshotTrees.js';

/** proper-lockfile's smallest stale threshold: a dead process's lock lapses after 2 s. */
const STALE_MS = 2000;

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

describe('Class: SnapshotCache, across processes', () => {
  const world = useSnapshotCacheWorld();
  let bundleDir = '';
  let bundle = '';
  const children: CacheChild[] = [];

  const start = (config: Omit<ChildConfig, 'root' | 'storeRoot' | 'lockStaleMs'>): CacheChild => {
    const child = CacheChild.start(bundle, {
      root: world.root,
      storeRoot: join(world.base, 'store'),
      lockStaleMs: STALE_MS,
      ...config,
    });
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    bundleDir = await mkdtemp(join(tmpdir(), 'snapshot-cache-child-'));
    bundle = await buildCacheChild(bundleDir);
  });
  afterEach(async () => {
    for (const child of children.splice(0)) await child.kill();
  });
  afterAll(async () => {
    await rm(bundleDir, { recursive: true, force: true });
  });

  it('keeps a version another process holds, and removes it once that process is dead', async () => {
    // Prepare
    await world.putVersion(V1);
    await world.putVersion(V2);
    const holder = start({ action: 'acquire', version: V1 });
    await holder.next('held');
    const cache = world.cache({ lockStaleMs: STALE_MS });

    // Act
    const whileHeld = await cache.cleanup({ keep: 0 });
    const keptWhileHeld = await exists(join(world.dir, V1));
    await holder.kill();
    await pollUntil('the dead holder’s version is removed', async () =>
      (await cache.cleanup({ keep: 0 })).removed.includes(V1),
    );

    // Assess
    expect(whileHeld).toEqual({ removed: [V2] });
    expect(keptWhileHeld).toBe(true);
    expect(await world.entries()).toEqual(['.holds', '.locks']);
  });

  it('ignores and replaces a download killed half-way (SIGKILL), once its lock is stale', async () => {
    // Prepare
    const downloader = start({ action: 'ensure-hang', version: V1 });
    const { dest } = await downloader.next('downloading');
    await downloader.kill();
    const leftBehind = await world.entries();
    const fake = fakeDownload();

    // Act
    const result = await world
      .cache({ lockStaleMs: STALE_MS, downloadSnapshot: fake.download })
      .ensure(V1);

    // Assess
    expect(leftBehind).toEqual(['.locks', dest.slice(world.dir.length + 1)]);
    expect(result).toEqual({ version: V1, path: join(world.dir, V1), source: 'download' });
    expect(await world.marker(V1)).toBe(V1);
    expect(await world.entries()).toEqual(['.locks', V1]);
    expect(fake.calls).toHaveLength(1);
  });

  it('lets cleanup remove the temporary of a killed download once its lock is stale', async () => {
    // Prepare
    const downloader = start({ action: 'ensure-hang', version: V1 });
    const { dest } = await downloader.next('downloading');
    const cache = world.cache({ lockStaleMs: STALE_MS });

    // Act
    const whileAlive = await cache.cleanup({ keep: 0 });
    const keptWhileAlive = await exists(dest);
    await downloader.kill();
    await pollUntil('the dead download’s temporary is removed', async () => {
      await cache.cleanup({ keep: 0 });
      return !(await exists(dest));
    });

    // Assess
    expect(whileAlive).toEqual({ removed: [] });
    expect(keptWhileAlive).toBe(true);
    expect(await world.entries()).toEqual(['.locks']);
    expect(await world.cache().currentVersion()).toBeUndefined();
  });

  it('downloads a version once when two processes ensure it at the same time', async () => {
    // Prepare
    const downloads = join(world.base, 'downloads.log');
    const config = { action: 'ensure', version: V1, downloads, downloadMs: 500 } as const;
    const pair = [start(config), start(config)];
    await Promise.all(pair.map((child) => child.next('ready')));

    // Act
    for (const child of pair) child.send('go');
    const results = await Promise.all(pair.map((child) => child.next('done')));

    // Assess
    expect((await readFile(downloads, 'utf8')).trim().split('\n')).toHaveLength(1);
    expect(results.map((result) => result.source).sort()).toEqual(['cache', 'download']);
    expect(results.map((result) => result.path)).toEqual([
      join(world.dir, V1),
      join(world.dir, V1),
    ]);
    expect(await world.marker(V1)).toBe(V1);
    expect(await world.entries()).toEqual(['.locks', V1]);
  });

  it('downloads a published version once when two processes ensure it with the real download', async () => {
    // Prepare
    const source = join(world.base, 'persist');
    await writeChromaLikeTree(source);
    const published = await world
      .cache({ root: join(world.base, 'publisher'), tempDir: world.base })
      .publish(source);
    const config = { action: 'ensure', version: published.version, real: true } as const;
    const pair = [start(config), start(config)];
    await Promise.all(pair.map((child) => child.next('ready')));

    // Act
    for (const child of pair) child.send('go');
    const results = await Promise.all(pair.map((child) => child.next('done')));

    // Assess
    expect(results.map((result) => result.source).sort()).toEqual(['cache', 'download']);
    expect(await readTree(join(world.dir, published.version))).toEqual(await readTree(source));
    expect(await world.entries()).toEqual(['.locks', published.version]);
  });
});
