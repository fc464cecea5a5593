import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSystemObjectStore } from '../../../src/adapters/fs/FileSystemObjectStore.js';
import { serializeSnapshotManifest } from '../../../src/snapshots/manifest.js';
import { pruneVersions } from '../../../src/snapshots/pruneVersions.js';
import {
  newVersionId,
  nextVersionId,
  snapshotKeys,
  VERSION_ID_PATTERN,
  versionMicros,
} from '../../../src/snapshots/snapshotKeys.js';
import { useTempRoot } from '../../helpers/snapshotTrees.js';

const keys = snapshotKeys('words');
const id = (n: number): string => `2026010${n}_000000_000000_0000000${n}`;

/** Stores a version: a tarball, and (when complete) its hash, with a manifest naming `parent`. */
const putVersion = async (
  store: FileSystemObjectStore,
  version: string,
  options: { complete?: boolean; parent?: string | null; manifest?: boolean } = {},
): Promise<void> => {
  await store.put(keys.object(version, 'snapshot.tar.gz'), 'tar');
  if (options.complete === false) return;
  await store.put(keys.object(version, '.snapshot_hash'), `md5:${'0'.repeat(32)}`);
  if (options.manifest === false) return;
  await store.put(
    keys.object(version, 'manifest.json'),
    serializeSnapshotManifest({
      format: 'chroma-snapshot',
      formatVersion: 1,
      collection: 'words',
      version,
      parent: options.parent ?? null,
      createdAt: '2026-01-01T00:00:00.000000+00:00',
      producer: 'test',
      fence: null,
      tarball: { size: 3, sha256: '0'.repeat(64), md5: '0'.repeat(32) },
      members: [],
      files: [],
      recordCounts: null,
      metadata: {},
    }),
  );
};

const versionsIn = async (store: FileSystemObjectStore): Promise<string[]> =>
  (await store.list({ prefix: keys.versions, delimiter: '/' })).prefixes.map((prefix) =>
    prefix.slice(keys.versions.length, -1),
  );

describe('pruneVersions', () => {
  const temp = useTempRoot('prune-versions-');
  const storeIn = (): FileSystemObjectStore =>
    new FileSystemObjectStore({ root: join(temp.root, 'store') });

  it('keeps the current version and its ancestors, deleting versions that never were current', async () => {
    // Prepare: 1 <- 2 <- 4 <- 6 through the pointer; 3 and 5 are orphans (complete).
    const store = storeIn();
    await putVersion(store, id(1));
    await putVersion(store, id(2), { parent: id(1) });
    await putVersion(store, id(3), { parent: id(2) });
    await putVersion(store, id(4), { parent: id(2) });
    await putVersion(store, id(5), { parent: id(4) });
    await putVersion(store, id(6), { parent: id(4) });

    // Act
    const result = await pruneVersions(store, keys, id(6), 3);

    // Assess
    expect(result.kept).toEqual([id(4), id(2)]);
    expect(result.removed).toEqual([id(5), id(3), id(1)]);
    expect(await versionsIn(store)).toEqual([id(2), id(4), id(6)]);
  });

  it('never deletes versions newer than the current one, nor names that are not ids', async () => {
    // Prepare
    const store = storeIn();
    await putVersion(store, id(1));
    await putVersion(store, id(2), { parent: id(1) });
    await putVersion(store, id(3), { complete: false });
    await putVersion(store, 'not_found');

    // Act
    const result = await pruneVersions(store, keys, id(2), 1);

    // Assess
    expect(result.removed).toEqual([id(1)]);
    expect(await versionsIn(store)).toEqual([id(2), id(3), 'not_found']);
  });

  it('fills the places below a version without a manifest with the newest complete ones', async () => {
    // Prepare: Python-written versions (no manifest), one incomplete.
    const store = storeIn();
    for (const n of [1, 2, 3]) await putVersion(store, id(n), { manifest: false });
    await putVersion(store, id(4), { complete: false });
    await putVersion(store, id(5), { manifest: false });

    // Act
    const result = await pruneVersions(store, keys, id(5), 3);

    // Assess
    expect(result.kept).toEqual([id(3), id(2)]);
    expect(await versionsIn(store)).toEqual([id(2), id(3), id(5)]);
  });

  it('deletes what first publishes killed before promotion left, below the first version', async () => {
    // Prepare: 1 and 2 are first publishes killed after their hash (2 also after its
    // manifest); 3 is the first version the pointer named, 4 the current one.
    const store = storeIn();
    await putVersion(store, id(1), { manifest: false });
    await putVersion(store, id(2));
    await putVersion(store, id(3));
    await putVersion(store, id(4), { parent: id(3) });

    // Act
    const result = await pruneVersions(store, keys, id(4), 4);

    // Assess
    expect(result).toEqual({ kept: [id(3)], removed: [id(2), id(1)] });
    expect(await versionsIn(store)).toEqual([id(3), id(4)]);
  });
});

describe('version ids', () => {
  it('are UTC time to the microsecond plus 8 random hex digits', () => {
    // Prepare
    const micros = Date.UTC(2026, 6, 14, 12, 34, 56) * 1000 + 123_456;

    // Act
    const version = newVersionId(micros);

    // Assess
    expect(version).toMatch(/^20260714_123456_123456_[0-9a-f]{8}$/);
    expect(version).toMatch(VERSION_ID_PATTERN);
    expect(versionMicros(version)).toBe(micros);
    expect(versionMicros('20250101_120000')).toBe(Date.UTC(2025, 0, 1, 12) * 1000);
  });

  it('always sort after the version they follow, even from a host whose clock is behind', () => {
    // Prepare
    const after = '20991231_235959_999998_ffffffff';

    // Act
    const next = nextVersionId(after, Date.UTC(2026, 0, 1) * 1000);

    // Assess
    expect(next).toMatch(/^20991231_235959_999999_/);
    expect([next, after].toSorted()).toEqual([after, next]);
  });
});
