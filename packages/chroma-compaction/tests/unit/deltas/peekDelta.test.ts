import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSystemObjectStore } from '../../../src/adapters/fs/FileSystemObjectStore.js';
import { DeltaIntegrityError, DeltaNotFoundError } from '../../../src/deltas/errors.js';
import { peekDelta } from '../../../src/deltas/peekDelta.js';
import { writeDelta } from '../../../src/deltas/writeDelta.js';
import { catchError, deltaRecords } from '../../helpers/deltaArchives.js';
import { useTempRoot } from '../../helpers/snapshotTrees.js';
import { tarGz } from '../../helpers/tarballs.js';

describe('peekDelta', () => {
  const temp = useTempRoot('peek-delta-');
  const storeIn = (): FileSystemObjectStore =>
    new FileSystemObjectStore({ root: join(temp.root, 'store') });

  it('reads the manifest and the first record ids of a portable delta', async () => {
    // Prepare
    const store = storeIn();
    const records = deltaRecords({ count: 12 });
    const manifest = await writeDelta(store, 'lines/delta/run-1', {
      collection: 'lines',
      records,
      runId: 'run-1',
    });

    // Act
    const peek = await peekDelta(store, 'lines/delta/run-1/', { ids: 3 });
    const none = await peekDelta(store, 'lines/delta/run-1', { ids: 0 });

    // Assess
    expect(peek).toMatchObject({
      prefix: 'lines/delta/run-1/',
      layout: 'portable',
      manifest,
      manifestProblem: undefined,
      objects: [],
      sampleIds: records.slice(0, 3).map((record) => record.id),
    });
    expect(peek.archive?.key).toBe('lines/delta/run-1/delta.tar.gz');
    expect(peek.entries.map((entry) => entry.name)).toEqual(['manifest.json', 'records.ndjson']);
    expect(none.sampleIds).toEqual([]);
    expect(none.entries.map((entry) => entry.name)).toEqual([
      'manifest.json',
      'records.ndjson',
      'embeddings.f32',
    ]);
  });

  it('tells Python-era deltas and unknown archives apart', async () => {
    // Prepare
    const store = storeIn();
    await store.put('words/delta/dir/chroma.sqlite3', 'sqlite');
    await store.put(
      'words/delta/tar/delta.tar.gz',
      await tarGz([
        { name: 'seg/header.bin', content: 'h' },
        { name: 'chroma.sqlite3', content: 'sqlite' },
      ]),
    );
    await store.put(
      'words/delta/other/delta.tar.gz',
      await tarGz([{ name: 'a.txt', content: 'a' }]),
    );
    await store.put(
      'words/delta/bad/delta.tar.gz',
      await tarGz([{ name: 'manifest.json', content: '{"format": 1}' }]),
    );

    // Act
    const [dir, tar, other, bad] = await Promise.all(
      ['dir', 'tar', 'other', 'bad'].map((name) => peekDelta(store, `words/delta/${name}`)),
    );

    // Assess
    expect(dir?.layout).toBe('python-directory');
    expect(dir?.objects.map((object) => object.key)).toEqual(['words/delta/dir/chroma.sqlite3']);
    expect(tar?.layout).toBe('python-tarball');
    expect(other?.layout).toBe('unknown');
    expect(bad?.layout).toBe('portable');
    expect(bad?.manifest).toBeUndefined();
    expect(bad?.manifestProblem).toMatch(/^manifest\.json is invalid: /);
  });

  it('fails with DeltaNotFoundError for nothing and DeltaIntegrityError for a broken archive', async () => {
    // Prepare
    const store = storeIn();
    await store.put('lines/delta/broken/delta.tar.gz', 'not gzip at all');

    // Act
    const missing = await catchError(peekDelta(store, 'lines/delta/none'));
    const broken = await catchError(peekDelta(store, 'lines/delta/broken'));

    // Assess
    expect(missing).toBeInstanceOf(DeltaNotFoundError);
    expect(broken).toBeInstanceOf(DeltaIntegrityError);
    expect((broken as DeltaIntegrityError).check).toBe('archive');
  });
});
