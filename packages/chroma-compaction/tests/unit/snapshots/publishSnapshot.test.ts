import { createHash } from 'node:crypto';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSystemObjectStore } from '../../../src/adapters/fs/FileSystemObjectStore.js';
import { SnapshotSourceError } from '../../../src/archives/errors.js';
import { SnapshotConflictError, SnapshotLockError } from '../../../src/snapshots/errors.js';
import { parseSnapshotManifest, type SnapshotManifest } from '../../../src/snapshots/manifest.js';
import { publishSnapshot } from '../../../src/snapshots/publishSnapshot.js';
import { snapshotKeys, VERSION_ID_PATTERN } from '../../../src/snapshots/snapshotKeys.js';
import type { PublishedSnapshot } from '../../../src/snapshots/types.js';
import { allKeys, interceptStore, lockDouble, objectText } from '../../helpers/snapshotStores.js';
import { useTempRoot, writeChromaLikeTree } from '../../helpers/snapshotTrees.js';

const keys = snapshotKeys('lines');

const manifestOf = async (
  store: FileSystemObjectStore,
  version: string,
): Promise<SnapshotManifest> => {
  const parsed = parseSnapshotManifest(
    await objectText(store, keys.object(version, 'manifest.json')),
  );
  if (!('manifest' in parsed)) throw new Error(parsed.problem);
  return parsed.manifest;
};

describe('publishSnapshot', () => {
  const temp = useTempRoot('publish-snapshot-');
  const setUp = async (): Promise<{ store: FileSystemObjectStore; dir: string }> => {
    const dir = join(temp.root, 'persist');
    await writeChromaLikeTree(dir);
    return { store: new FileSystemObjectStore({ root: join(temp.root, 'store') }), dir };
  };

  it('uploads the tarball, its hash and manifest, then points at the new version', async () => {
    // Prepare
    const { store, dir } = await setUp();

    // Act
    const published = await publishSnapshot({
      store,
      collection: 'lines',
      dir,
      lock: lockDouble(42),
      metadata: { message_count: 3, update_type: 'batch_compaction', dry: false },
      recordCounts: { lines: 9 },
    });

    // Assess
    expect(published.version).toMatch(VERSION_ID_PATTERN);
    expect(published.parent).toBeNull();
    expect(await objectText(store, keys.pointer)).toBe(published.version);
    const tarball = (await store.get(published.key)).body;
    const bytes = Buffer.concat(await tarball.toArray());
    const md5 = createHash('md5').update(bytes).digest('hex');
    expect(published).toMatchObject({
      key: keys.object(published.version, 'snapshot.tar.gz'),
      size: bytes.length,
      md5,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    expect(await objectText(store, keys.object(published.version, '.snapshot_hash'))).toBe(
      `md5:${md5}`,
    );
    const manifest = await manifestOf(store, published.version);
    expect(manifest).toMatchObject({
      collection: 'lines',
      version: published.version,
      parent: null,
      fence: 42,
      tarball: { size: bytes.length, sha256: published.sha256, md5 },
      recordCounts: { lines: 9 },
      metadata: { message_count: '3', update_type: 'batch_compaction', dry: 'false' },
    });
    expect(manifest.files.map((file) => file.path)).toContain('chroma.sqlite3');
    expect(manifest.members.length).toBeGreaterThan(0);
  });

  it('puts the user metadata, as strings, on every object it writes', async () => {
    // Prepare
    const { store, dir } = await setUp();

    // Act
    const published = await publishSnapshot({
      store,
      collection: 'lines',
      dir,
      metadata: { message_count: 3 },
    });

    // Assess
    for (const name of ['snapshot.tar.gz', '.snapshot_hash', 'manifest.json']) {
      const info = await store.head(keys.object(published.version, name));
      expect(info?.metadata).toEqual({ message_count: '3' });
    }
    expect((await store.head(keys.pointer))?.metadata).toEqual({ message_count: '3' });
  });

  it('records the previous version as the parent, and ids only grow', async () => {
    // Prepare
    const { store, dir } = await setUp();
    const first = await publishSnapshot({ store, collection: 'lines', dir });
    // A pointer naming a version from the far future (another host's clock).
    const future = '20991231_235959_999999_abcdef01';
    const { etag } = (await store.head(keys.pointer)) ?? { etag: '' };
    await store.put(keys.pointer, future, { ifMatch: etag });

    // Act
    const second = await publishSnapshot({ store, collection: 'lines', dir });

    // Assess
    expect(first.parent).toBeNull();
    expect(second.parent).toBe(future);
    expect(second.version).not.toBe(future);
    expect([second.version, future].toSorted()).toEqual([future, second.version]);
    expect((await manifestOf(store, second.version)).parent).toBe(future);
  });

  it('refuses to start when the lock is not held, and uploads nothing', async () => {
    // Prepare
    const { store, dir } = await setUp();
    const lock = lockDouble(1, [false]);

    // Act
    const error = await publishSnapshot({ store, collection: 'lines', dir, lock }).catch(
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toBeInstanceOf(SnapshotLockError);
    expect((error as SnapshotLockError).stage).toBe('before-upload');
    expect(await allKeys(store)).toEqual([]);
  });

  it('rejects, leaving the pointer and the store empty, when packing fails before the upload reads', async () => {
    // Prepare: a symbolic link is refused by the packer at once, before the file-system
    // store (which takes its object lock first) starts reading the upload.
    const { store, dir } = await setUp();
    await symlink('/etc/hostname', join(dir, 'link'));

    // Act
    const error = await publishSnapshot({ store, collection: 'lines', dir }).catch(
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toBeInstanceOf(SnapshotSourceError);
    expect(await allKeys(store)).toEqual([]);
  });

  it('deletes its version and leaves the pointer when the lock is lost before promotion', async () => {
    // Prepare
    const { store, dir } = await setUp();
    const previous = await publishSnapshot({ store, collection: 'lines', dir });
    const lock = lockDouble(7, [true, false]);

    // Act
    const error = await publishSnapshot({ store, collection: 'lines', dir, lock }).catch(
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toBeInstanceOf(SnapshotLockError);
    expect((error as SnapshotLockError).stage).toBe('before-promotion');
    expect(lock.checks).toBe(2);
    expect(await objectText(store, keys.pointer)).toBe(previous.version);
    expect(await allKeys(store, keys.versions)).toEqual(
      (await allKeys(store, keys.version(previous.version))).sort(),
    );
  });

  it('of two publishers racing for the pointer, one wins and the loser’s version is gone', async () => {
    // Prepare
    const { store, dir } = await setUp();
    const base = await publishSnapshot({ store, collection: 'lines', dir });
    let winner: PublishedSnapshot | undefined;
    // The loser reads the pointer, uploads, and just before it moves the pointer the winner
    // publishes a whole version.
    const racing = interceptStore(store, {
      async beforePut(key) {
        if (key === keys.pointer && winner === undefined) {
          winner = await publishSnapshot({ store, collection: 'lines', dir });
        }
      },
    });

    // Act
    const error = await publishSnapshot({ store: racing, collection: 'lines', dir }).catch(
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toBeInstanceOf(SnapshotConflictError);
    const loser = (error as SnapshotConflictError).version ?? '';
    expect(winner?.parent).toBe(base.version);
    expect(await objectText(store, keys.pointer)).toBe(winner?.version);
    expect(await allKeys(store, keys.version(loser))).toEqual([]);
  });

  it('leaves the pointer on the previous version when the publisher dies before promotion', async () => {
    // Prepare: the publisher "dies" at the pointer write: nothing after it runs, not even
    // its cleanup.
    const { store, dir } = await setUp();
    const previous = await publishSnapshot({ store, collection: 'lines', dir });
    const dying = interceptStore(store, {
      beforePut(key) {
        if (key === keys.pointer) throw new Error('killed');
      },
      async delete() {},
    });

    // Act
    await publishSnapshot({ store: dying, collection: 'lines', dir }).catch(() => undefined);
    const versionsAfterCrash = (await store.list({ prefix: keys.versions, delimiter: '/' }))
      .prefixes;
    const next = await publishSnapshot({ store, collection: 'lines', dir });

    // Assess: the orphan was there after the crash, the pointer never named it, and the next
    // publish pruned it (it is not an ancestor of the current version).
    expect(versionsAfterCrash).toHaveLength(2);
    expect(next.parent).toBe(previous.version);
    const remaining = (await store.list({ prefix: keys.versions, delimiter: '/' })).prefixes;
    expect(remaining).toEqual([keys.version(previous.version), keys.version(next.version)]);
  });
});
