import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FileSystemObjectStore } from '../../../src/adapters/fs/FileSystemObjectStore.js';
import { publishSnapshot } from '../../../src/snapshots/publishSnapshot.js';
import { snapshotKeys } from '../../../src/snapshots/snapshotKeys.js';
import {
  currentSnapshotVersion,
  listSnapshotVersions,
  readSnapshotVersion,
} from '../../../src/snapshots/snapshotVersions.js';
import { useTempRoot, writeChromaLikeTree } from '../../helpers/snapshotTrees.js';

const keys = snapshotKeys('lines');
const id = (n: number): string => `2026010${n}_000000_000000_0000000${n}`;

describe('snapshotVersions', () => {
  const temp = useTempRoot('snapshot-versions-');
  const storeIn = (): FileSystemObjectStore =>
    new FileSystemObjectStore({ root: join(temp.root, 'store') });

  it('lists every version, newest first, with its layout, state, size and manifest', async () => {
    // Prepare: a real publish (current), then (older ids) 1 the per-file layout, 2 a Python
    // tarball without manifest, 3 an incomplete upload, 4 an invalid manifest.
    const store = storeIn();
    const dir = join(temp.root, 'persist');
    await writeChromaLikeTree(dir);
    const published = await publishSnapshot({
      store,
      collection: 'lines',
      dir,
      recordCounts: { lines: 12 },
    });
    await store.put(keys.object(id(1), 'chroma.sqlite3'), 'x'.repeat(10));
    await store.put(keys.object(id(1), 'seg/data.bin'), 'y'.repeat(5));
    await store.put(keys.object(id(1), '.snapshot_hash'), 'md5:whatever');
    await store.put(keys.object(id(2), 'snapshot.tar.gz'), 'z'.repeat(42));
    await store.put(keys.object(id(2), '.snapshot_hash'), `md5:${'0'.repeat(32)}`);
    await store.put(keys.object(id(3), 'snapshot.tar.gz'), 'partial');
    await store.put(keys.object(id(4), 'snapshot.tar.gz'), 'tar');
    await store.put(keys.object(id(4), '.snapshot_hash'), `md5:${'0'.repeat(32)}`);
    await store.put(keys.object(id(4), 'manifest.json'), '{"format": "other"}');

    // Act
    const { current, versions } = await listSnapshotVersions(store, 'lines');

    // Assess
    expect(current).toBe(published.version);
    expect(versions.map((v) => [v.version, v.current, v.layout, v.complete])).toEqual([
      [published.version, true, 'tarball', true],
      [id(4), false, 'tarball', true],
      [id(3), false, 'tarball', false],
      [id(2), false, 'tarball', true],
      [id(1), false, 'files', true],
    ]);
    const [latest, invalid, , python, files] = versions;
    expect(latest?.size).toBe(published.size);
    expect(latest?.manifest?.recordCounts).toEqual({ lines: 12 });
    expect(latest?.createdAt?.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(invalid?.manifest).toBeNull();
    expect(invalid?.manifestProblem).toMatch(/^manifest\.json is invalid: /);
    expect(python).toMatchObject({ size: 42, manifest: null, manifestProblem: undefined });
    expect(python?.createdAt).toEqual(new Date(Date.UTC(2026, 0, 2)));
    expect(files?.size).toBe(15);
    expect(files?.objects.map((object) => object.key.slice(keys.version(id(1)).length))).toEqual([
      '.snapshot_hash',
      'chroma.sqlite3',
      'seg/data.bin',
    ]);
  });

  it('reads one version, and says when there is none or no pointer', async () => {
    // Prepare
    const store = storeIn();
    await store.put(keys.object(id(2), 'snapshot.tar.gz'), 'tar');

    // Act
    const found = await readSnapshotVersion(store, 'lines', id(2));
    const missing = await readSnapshotVersion(store, 'lines', id(1));
    const current = await currentSnapshotVersion(store, 'lines');
    const empty = await listSnapshotVersions(store, 'words');

    // Assess
    expect(found).toMatchObject({ version: id(2), current: false, complete: false, size: 3 });
    expect(missing).toBeUndefined();
    expect(current).toBeUndefined();
    expect(empty).toEqual({ current: undefined, versions: [] });
  });

  it('dates a version by its objects when its name is no version id, and skips a huge manifest', async () => {
    // Prepare
    const store = storeIn();
    await store.put(keys.object('manual-copy', 'chroma.sqlite3'), 'sqlite');
    await store.put(keys.object(id(1), 'snapshot.tar.gz'), 'tar');
    await store.put(keys.object(id(1), 'manifest.json'), ' '.repeat(4 * 1024 * 1024 + 1));
    const stored = await store.head(keys.object('manual-copy', 'chroma.sqlite3'));

    // Act
    const manual = await readSnapshotVersion(store, 'lines', 'manual-copy');
    const huge = await readSnapshotVersion(store, 'lines', id(1));

    // Assess
    expect(manual?.createdAt).toEqual(stored?.lastModified);
    expect(manual?.layout).toBe('files');
    expect(huge?.manifest).toBeNull();
    expect(huge?.manifestProblem).toBe('manifest.json is larger than 4194304 bytes');
  });

  it('refuses a manifest that describes another version', async () => {
    // Prepare
    const store = storeIn();
    const dir = join(temp.root, 'persist');
    await writeChromaLikeTree(dir);
    const { version } = await publishSnapshot({ store, collection: 'lines', dir });
    const manifest = await store.get(keys.object(version, 'manifest.json'));
    const text = (await manifest.body.toArray()).join('');
    await store.put(keys.object(id(1), 'snapshot.tar.gz'), 'tar');
    await store.put(keys.object(id(1), 'manifest.json'), text);

    // Act
    const copied = await readSnapshotVersion(store, 'lines', id(1));

    // Assess
    expect(copied?.manifest).toBeNull();
    expect(copied?.manifestProblem).toBe(
      `manifest.json describes lines/${version}, not this version`,
    );
  });

  it('ignores an object that lies beside the versions rather than in one', async () => {
    // Prepare
    const store = storeIn();
    await store.put(keys.object(id(1), 'snapshot.tar.gz'), 'tar');
    await store.put(`${keys.versions}README.txt`, 'copied by hand');

    // Act
    const { versions } = await listSnapshotVersions(store, 'lines');

    // Assess
    expect(versions.map((v) => v.version)).toEqual([id(1)]);
    expect(versions[0]?.objects.map((object) => object.key)).toEqual([
      keys.object(id(1), 'snapshot.tar.gz'),
    ]);
  });

  it('reads a version as having no manifest when it is deleted between listing and reading', async () => {
    // Prepare: a prune removes the version's manifest right after the listing saw it
    const store = storeIn();
    await store.put(keys.object(id(1), 'snapshot.tar.gz'), 'tar');
    await store.put(keys.object(id(1), '.snapshot_hash'), `md5:${'0'.repeat(32)}`);
    await store.put(keys.object(id(1), 'manifest.json'), '{}');
    const list = store.list.bind(store);
    vi.spyOn(store, 'list').mockImplementationOnce(async (options) => {
      const listing = await list(options);
      await store.delete([keys.object(id(1), 'manifest.json')]);
      return listing;
    });

    // Act
    const info = await readSnapshotVersion(store, 'lines', id(1));

    // Assess
    expect(info).toMatchObject({ manifest: null, manifestProblem: undefined, complete: true });
    expect(info?.objects.map((object) => object.key)).toContain(
      keys.object(id(1), 'manifest.json'),
    );
  });

  it('leaves the creation time unknown when neither the id nor the store dates a version', async () => {
    // Prepare: a store that does not say when objects were written
    const store = storeIn();
    await store.put(keys.object('manual-copy', 'chroma.sqlite3'), 'sqlite');
    const list = store.list.bind(store);
    vi.spyOn(store, 'list').mockImplementation(async (options) => {
      const listing = await list(options);
      return {
        ...listing,
        objects: listing.objects.map(({ lastModified: _, ...object }) => object),
      };
    });

    // Act
    const info = await readSnapshotVersion(store, 'lines', 'manual-copy');

    // Assess
    expect(info?.layout).toBe('files');
    expect(info?.createdAt).toBeUndefined();
  });
});
