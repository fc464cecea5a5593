import { createHash } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSystemObjectStore } from '../../../src/adapters/fs/FileSystemObjectStore.js';
import { ArchiveError } from '../../../src/archives/errors.js';
import { packSnapshot } from '../../../src/archives/packSnapshot.js';
import type { ObjectInfo, ObjectStore } from '../../../src/ports/objectStore.js';
import { downloadSnapshot } from '../../../src/snapshots/downloadSnapshot.js';
import {
  NoSnapshotError,
  type SnapshotCheck,
  SnapshotIntegrityError,
} from '../../../src/snapshots/errors.js';
import {
  MAX_SNAPSHOT_MANIFEST_BYTES,
  parseSnapshotManifest,
  serializeSnapshotManifest,
} from '../../../src/snapshots/manifest.js';
import { publishSnapshot } from '../../../src/snapshots/publishSnapshot.js';
import { snapshotKeys } from '../../../src/snapshots/snapshotKeys.js';
import { fileBytes, interceptStore, objectText } from '../../helpers/snapshotStores.js';
import { exists, readTree, useTempRoot, writeChromaLikeTree } from '../../helpers/snapshotTrees.js';

const keys = snapshotKeys('lines');

describe('downloadSnapshot', () => {
  const temp = useTempRoot('download-snapshot-');
  const setUp = async (): Promise<{ store: FileSystemObjectStore; dir: string; dest: string }> => {
    const dir = join(temp.root, 'persist');
    await writeChromaLikeTree(dir);
    return {
      store: new FileSystemObjectStore({ root: join(temp.root, 'store') }),
      dir,
      dest: join(temp.root, 'dest'),
    };
  };

  /** Runs a download that must fail its check, and asserts nothing was left at `dest`. */
  const expectCheck = async (
    run: Promise<unknown>,
    dest: string,
    check: SnapshotCheck,
  ): Promise<SnapshotIntegrityError> => {
    const error = await run.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SnapshotIntegrityError);
    expect((error as SnapshotIntegrityError).check).toBe(check);
    expect(await exists(dest)).toBe(false);
    return error as SnapshotIntegrityError;
  };

  it('extracts the version the pointer names, verified against its manifest', async () => {
    // Prepare
    const { store, dir, dest } = await setUp();
    const published = await publishSnapshot({
      store,
      collection: 'lines',
      dir,
      pack: { workers: 2, memberBytes: 64 * 1024 },
    });

    // Act
    const downloaded = await downloadSnapshot({ store, collection: 'lines', dest });

    // Assess
    expect(downloaded.version).toBe(published.version);
    expect(downloaded.manifest?.members.length).toBeGreaterThan(1);
    expect(downloaded.layout).toBe('tarball');
    expect(downloaded.manifest?.tarball.sha256).toBe(published.sha256);
    expect(await readTree(dest)).toEqual(await readTree(dir));
  });

  it('extracts the version asked for, not the pointer’s', async () => {
    // Prepare
    const { store, dir, dest } = await setUp();
    const first = await publishSnapshot({ store, collection: 'lines', dir });
    await writeFile(join(dir, 'added-later.txt'), 'new');
    await publishSnapshot({ store, collection: 'lines', dir });

    // Act
    const downloaded = await downloadSnapshot({
      store,
      collection: 'lines',
      dest,
      version: first.version,
    });

    // Assess
    expect(downloaded.version).toBe(first.version);
    expect(await exists(join(dest, 'added-later.txt'))).toBe(false);
  });

  it('says "no snapshot yet" only when the pointer is absent', async () => {
    // Prepare
    const { store, dest } = await setUp();

    // Act
    const error = await downloadSnapshot({ store, collection: 'lines', dest }).catch(
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toBeInstanceOf(NoSnapshotError);
  });

  it('fails on a pointer naming a missing version, and re-points nothing', async () => {
    // Prepare
    const { store, dest } = await setUp();
    await store.put(keys.pointer, '20260101_000000_000000_0badc0de');

    // Act
    await expectCheck(
      downloadSnapshot({ store, collection: 'lines', dest }),
      dest,
      'missing-version',
    );

    // Assess
    expect(await objectText(store, keys.pointer)).toBe('20260101_000000_000000_0badc0de');
    expect((await store.list({ prefix: keys.versions })).objects).toEqual([]);
  });

  it('detects a flipped byte in the tarball (sha256)', async () => {
    // Prepare
    const { store, dir, dest } = await setUp();
    const published = await publishSnapshot({ store, collection: 'lines', dir });
    const bytes = Buffer.concat(await (await store.get(published.key)).body.toArray());
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] ?? 0) ^ 0x01;
    await store.put(published.key, bytes);

    // Act / Assess
    await expectCheck(downloadSnapshot({ store, collection: 'lines', dest }), dest, 'sha256');
  });

  it('detects a truncated tarball (size)', async () => {
    // Prepare
    const { store, dir, dest } = await setUp();
    const published = await publishSnapshot({ store, collection: 'lines', dir });
    const bytes = Buffer.concat(await (await store.get(published.key)).body.toArray());
    await store.put(published.key, bytes.subarray(0, bytes.length - 10));

    // Act / Assess
    await expectCheck(downloadSnapshot({ store, collection: 'lines', dest }), dest, 'size');
  });

  it('detects a manifest that disagrees with the tarball’s files, hashes consistent', async () => {
    // Prepare: a tarball with an extra file, and a manifest with its true digests but the
    // original file list.
    const { store, dir, dest } = await setUp();
    const published = await publishSnapshot({ store, collection: 'lines', dir });
    const parsed = parseSnapshotManifest(
      await objectText(store, keys.object(published.version, 'manifest.json')),
    );
    if (!('manifest' in parsed)) throw new Error(parsed.problem);
    await writeFile(join(dir, 'smuggled.bin'), 'x');
    const tarPath = join(temp.root, 'other.tar.gz');
    const packed = await packSnapshot(dir, tarPath);
    await store.put(published.key, await fileBytes(temp.root, 'other.tar.gz'));
    await store.put(keys.object(published.version, '.snapshot_hash'), `md5:${packed.md5}`);
    await store.put(
      keys.object(published.version, 'manifest.json'),
      serializeSnapshotManifest({
        ...parsed.manifest,
        tarball: { size: packed.size, sha256: packed.sha256, md5: packed.md5 },
        members: packed.members,
      }),
    );

    // Act / Assess
    const error = await expectCheck(
      downloadSnapshot({ store, collection: 'lines', dest }),
      dest,
      'files',
    );
    expect(error.message).toContain('smuggled.bin');
  });

  it('refuses gzip members that do not tile the tarball (archive)', async () => {
    // Prepare: a manifest whose member list skips a byte, digests unchanged.
    const { store, dir, dest } = await setUp();
    const published = await publishSnapshot({
      store,
      collection: 'lines',
      dir,
      pack: { memberBytes: 64 * 1024 },
    });
    const key = keys.object(published.version, 'manifest.json');
    const parsed = parseSnapshotManifest(await objectText(store, key));
    if (!('manifest' in parsed)) throw new Error(parsed.problem);
    const [first, second, ...rest] = parsed.manifest.members;
    if (first === undefined || second === undefined) throw new Error('expected 2+ members');
    const shifted = { ...second, offset: second.offset + 1, size: second.size - 1 };
    await store.put(
      key,
      serializeSnapshotManifest({ ...parsed.manifest, members: [first, shifted, ...rest] }),
    );

    // Act / Assess
    await expectCheck(downloadSnapshot({ store, collection: 'lines', dest }), dest, 'archive');
  });

  it('checks a version without a manifest (Python-written) against .snapshot_hash', async () => {
    // Prepare
    const { store, dir, dest } = await setUp();
    const published = await publishSnapshot({ store, collection: 'lines', dir });
    await store.delete([keys.object(published.version, 'manifest.json')]);
    const good = await downloadSnapshot({ store, collection: 'lines', dest });
    await store.put(keys.object(published.version, '.snapshot_hash'), `md5:${'0'.repeat(32)}`);
    const dest2 = join(temp.root, 'dest2');

    // Act / Assess
    expect(good.manifest).toBeNull();
    expect(await readTree(dest)).toEqual(await readTree(dir));
    await expectCheck(
      downloadSnapshot({ store, collection: 'lines', dest: dest2 }),
      dest2,
      'snapshot-hash',
    );
  });

  it('leaves an existing empty destination empty when a check fails', async () => {
    // Prepare
    const { store, dir, dest } = await setUp();
    const published = await publishSnapshot({ store, collection: 'lines', dir });
    await store.put(keys.object(published.version, '.snapshot_hash'), 'md5:not-hex');
    await mkdir(dest);

    // Act
    const error = await downloadSnapshot({ store, collection: 'lines', dest }).catch(
      (caught: unknown) => caught,
    );

    // Assess
    expect((error as SnapshotIntegrityError).check).toBe('snapshot-hash');
    expect(await readdir(dest)).toEqual([]);
  });

  describe('the older layout (one object per file)', () => {
    const putFiles = async (store: FileSystemObjectStore, dir: string, version: string) => {
      const files = (await readTree(dir)).filter((entry) => entry.type === 'file');
      for (const file of files) {
        await store.put(keys.object(version, file.path), await fileBytes(dir, file.path));
      }
      const hash = createHash('md5').update('size-and-mtime, not content').digest('hex');
      await store.put(keys.object(version, '.snapshot_hash'), `md5:${hash}`);
      await store.put(keys.pointer, version);
      return files;
    };

    it('downloads every file, leaving .snapshot_hash out', async () => {
      // Prepare
      const { store, dir, dest } = await setUp();
      await putFiles(store, dir, '20250101_120000');

      // Act
      const downloaded = await downloadSnapshot({ store, collection: 'lines', dest });

      // Assess
      expect(downloaded).toEqual({ version: '20250101_120000', manifest: null, layout: 'files' });
      const expected = (await readTree(dir)).filter((entry) => entry.path !== 'empty');
      expect(await readTree(dest)).toEqual(expected);
    });

    it('fails when a listed object is missing by the time it is read', async () => {
      // Prepare
      const { store, dir, dest } = await setUp();
      await putFiles(store, dir, '20250101_120000');
      const vanishing = interceptStore(store, {});
      const original = vanishing.list.bind(vanishing);
      vanishing.list = async (options) => {
        const listing = await original(options);
        await store.delete([keys.object('20250101_120000', 'chroma.sqlite3')]);
        return listing;
      };

      // Act / Assess
      await expectCheck(
        downloadSnapshot({ store: vanishing, collection: 'lines', dest }),
        dest,
        'missing-object',
      );
    });

    /** A store whose listing of the version also holds `extra` (or reports `size` for every file). */
    const listingWith = (
      store: FileSystemObjectStore,
      change: (objects: ObjectInfo[]) => ObjectInfo[],
    ): ObjectStore => {
      const changed = interceptStore(store, {});
      changed.list = async (options) => {
        const listing = await store.list(options);
        return { ...listing, objects: change([...listing.objects]) };
      };
      return changed;
    };

    it('fails when the version holds only .snapshot_hash', async () => {
      // Prepare
      const { store, dest } = await setUp();
      await store.put(keys.object('20250101_120000', '.snapshot_hash'), 'md5:x');

      // Act
      const error = await expectCheck(
        downloadSnapshot({ store, collection: 'lines', version: '20250101_120000', dest }),
        dest,
        'missing-object',
      );

      // Assess
      expect(error.message).toBe(
        `Snapshot lines/20250101_120000: ${keys.version('20250101_120000')} holds no snapshot files`,
      );
    });

    it('refuses a destination that is not empty, and leaves it as it was', async () => {
      // Prepare
      const { store, dir, dest } = await setUp();
      await putFiles(store, dir, '20250101_120000');
      await mkdir(dest);
      await writeFile(join(dest, 'kept.txt'), 'kept');

      // Act
      const error = await downloadSnapshot({ store, collection: 'lines', dest }).catch(
        (caught: unknown) => caught,
      );

      // Assess
      expect(error).toBeInstanceOf(ArchiveError);
      expect(error).toMatchObject({ reason: 'destination-not-empty' });
      expect(await readdir(dest)).toEqual(['kept.txt']);
    });

    it('refuses an object whose name is not a path inside the snapshot', async () => {
      // Prepare
      const { store, dir, dest } = await setUp();
      await putFiles(store, dir, '20250101_120000');
      const escaping = `${keys.version('20250101_120000')}../escape.txt`;
      const listing = listingWith(store, (objects) => [
        ...objects,
        { key: escaping, size: 1 } as ObjectInfo,
      ]);

      // Act
      const error = await expectCheck(
        downloadSnapshot({ store: listing, collection: 'lines', dest }),
        dest,
        'archive',
      );

      // Assess
      expect(error.message).toBe(
        `Snapshot lines/20250101_120000: object ${escaping} does not name a file inside the snapshot`,
      );
    });

    it('fails when a file has another size than its listing', async () => {
      // Prepare
      const { store, dir, dest } = await setUp();
      await putFiles(store, dir, '20250101_120000');
      const listing = listingWith(store, (objects) =>
        objects.map((object) =>
          object.key.endsWith('/chroma.sqlite3') ? { ...object, size: object.size + 1 } : object,
        ),
      );

      // Act
      const error = await expectCheck(
        downloadSnapshot({ store: listing, collection: 'lines', dest }),
        dest,
        'size',
      );

      // Assess
      expect(error.message).toMatch(/: chroma\.sqlite3 has \d+ bytes; the listing says \d+$/);
    });

    it('rethrows a read error other than a missing object, removing what it wrote', async () => {
      // Prepare
      const { store, dir, dest } = await setUp();
      await putFiles(store, dir, '20250101_120000');
      const failing = interceptStore(store, {});
      const failure = new Error('read refused');
      failing.get = async (key) => {
        if (key.endsWith('/chroma.sqlite3')) throw failure;
        return store.get(key);
      };

      // Act
      const error = await downloadSnapshot({ store: failing, collection: 'lines', dest }).catch(
        (caught: unknown) => caught,
      );

      // Assess
      expect(error).toBe(failure);
      expect(await exists(dest)).toBe(false);
    });
  });

  describe('checks before the download', () => {
    it.each(['..', 'a/b', 'a\\b'])('refuses the version name %j', async (version) => {
      // Prepare
      const { store, dest } = await setUp();

      // Act
      const error = await expectCheck(
        downloadSnapshot({ store, collection: 'lines', version, dest }),
        dest,
        'missing-version',
      );

      // Assess
      expect(error.message).toBe(`Snapshot lines/${version}: "${version}" is not a version name`);
    });

    /** Publishes a snapshot and replaces its manifest with `text`. */
    const withManifest = async (text: (version: string) => string) => {
      const { store, dir, dest } = await setUp();
      const { version } = await publishSnapshot({ store, collection: 'lines', dir });
      await store.put(keys.object(version, 'manifest.json'), text(version));
      return { store, dest, version };
    };

    it('fails on a manifest that does not parse', async () => {
      // Prepare
      const { store, dest } = await withManifest(() => '{"not": "a manifest"}');

      // Act & Assess
      await expectCheck(downloadSnapshot({ store, collection: 'lines', dest }), dest, 'manifest');
    });

    it('fails on a manifest larger than the limit', async () => {
      // Prepare
      const { store, dest } = await withManifest(() => ' '.repeat(MAX_SNAPSHOT_MANIFEST_BYTES + 1));

      // Act
      const error = await expectCheck(
        downloadSnapshot({ store, collection: 'lines', dest }),
        dest,
        'manifest',
      );

      // Assess
      expect(error.message).toContain(
        `manifest.json is larger than ${MAX_SNAPSHOT_MANIFEST_BYTES} bytes`,
      );
    });

    it('fails on a manifest describing another collection', async () => {
      // Prepare
      const { store, dir, dest } = await setUp();
      const { version } = await publishSnapshot({ store, collection: 'lines', dir });
      const words = await publishSnapshot({ store, collection: 'words', dir });
      const wordsManifest = await objectText(
        store,
        snapshotKeys('words').object(words.version, 'manifest.json'),
      );
      await store.put(keys.object(version, 'manifest.json'), wordsManifest);

      // Act
      const error = await expectCheck(
        downloadSnapshot({ store, collection: 'lines', dest }),
        dest,
        'manifest',
      );

      // Assess
      expect(error.message).toBe(
        `Snapshot lines/${version}: manifest.json describes words/${words.version}, not this version`,
      );
    });

    it('fails on a tarball with neither manifest nor .snapshot_hash', async () => {
      // Prepare
      const { store, dir, dest } = await setUp();
      const { version } = await publishSnapshot({ store, collection: 'lines', dir });
      await store.delete([
        keys.object(version, 'manifest.json'),
        keys.object(version, '.snapshot_hash'),
      ]);

      // Act
      const error = await expectCheck(
        downloadSnapshot({ store, collection: 'lines', dest }),
        dest,
        'missing-object',
      );

      // Assess
      expect(error.message).toBe(
        `Snapshot lines/${version}: snapshot.tar.gz has neither manifest.json nor .snapshot_hash to check it`,
      );
    });

    it('rethrows the refusal of a non-empty destination as it is', async () => {
      // Prepare
      const { store, dir, dest } = await setUp();
      await publishSnapshot({ store, collection: 'lines', dir });
      await mkdir(dest);
      await writeFile(join(dest, 'kept.txt'), 'kept');

      // Act
      const error = await downloadSnapshot({ store, collection: 'lines', dest }).catch(
        (caught: unknown) => caught,
      );

      // Assess
      expect(error).toBeInstanceOf(ArchiveError);
      expect(error).toMatchObject({ reason: 'destination-not-empty' });
      expect(await readdir(dest)).toEqual(['kept.txt']);
    });
  });
});
