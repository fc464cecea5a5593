import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FileSystemObjectStore } from '../../../src/adapters/fs/FileSystemObjectStore.js';
import { DeltaIntegrityError, DeltaNotFoundError } from '../../../src/deltas/errors.js';
import { peekDelta } from '../../../src/deltas/peekDelta.js';
import { writeDelta } from '../../../src/deltas/writeDelta.js';
import { ObjectStoreError } from '../../../src/errors.js';
import { catchError, deltaRecords, serveStream } from '../../helpers/deltaArchives.js';
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

  it('reads every id of a delta shorter than asked for, with placeholders for lines that are no record', async () => {
    // Prepare: a complete delta of 3 records, and an incomplete one whose last line was cut
    const store = storeIn();
    const records = deltaRecords({ count: 3 });
    await writeDelta(store, 'lines/delta/short', { collection: 'lines', records, runId: 'short' });
    await store.put(
      'lines/delta/cut/delta.tar.gz',
      await tarGz([
        { name: 'manifest.json', content: '{"format": 1}' },
        {
          name: 'records.ndjson',
          content: '{"id": "a"}\n[1]\nnull\n{"id": 7}\nnot json\n{"id": "b"}',
        },
      ]),
    );

    // Act
    const short = await peekDelta(store, 'lines/delta/short', { ids: 10 });
    const exact = await peekDelta(store, 'lines/delta/short', { ids: 3 });
    const cut = await peekDelta(store, 'lines/delta/cut', { ids: 10 });

    // Assess
    expect(short.layout).toBe('portable');
    expect(short.sampleIds).toEqual(records.map((record) => record.id));
    expect(exact.sampleIds).toEqual(short.sampleIds);
    expect(exact.entries.map((entry) => entry.name)).toEqual(['manifest.json', 'records.ndjson']);
    expect(cut.layout).toBe('portable');
    expect(cut.manifestProblem).toMatch(/^manifest\.json is invalid: /);
    expect(cut.sampleIds).toEqual(['a', '(no id)', '(no id)', '(no id)', '(not JSON)', 'b']);
  });

  it('gives up on an archive after 64 entries without chroma.sqlite3 (unknown)', async () => {
    // Prepare: a Python-era tarball whose database comes after 70 segment files
    const store = storeIn();
    const segments = Array.from({ length: 70 }, (_, index) => ({
      name: `seg/file-${index}.bin`,
      content: 'x',
    }));
    await store.put(
      'words/delta/late/delta.tar.gz',
      await tarGz([...segments, { name: 'chroma.sqlite3', content: 'sqlite' }]),
    );

    // Act
    const peek = await peekDelta(store, 'words/delta/late');

    // Assess
    expect(peek.layout).toBe('unknown');
    expect(peek.entries).toHaveLength(64);
    expect(peek.entries.at(-1)).toEqual({ name: 'seg/file-63.bin', size: 1 });
  });

  it("passes the store's own error through untouched, not as a broken archive", async () => {
    // Prepare: the connection drops after the first bytes of the archive
    const store = storeIn();
    const key = 'lines/delta/dropped/delta.tar.gz';
    const archive = await tarGz([{ name: 'manifest.json', content: '{"format": 1}' }]);
    await store.put(key, archive);
    const lost = new ObjectStoreError('connection reset', { operation: 'get', key });
    const body = new Readable({
      read() {
        this.push(archive.subarray(0, 10));
        this.destroy(lost);
      },
    });
    serveStream(store, key, body);

    // Act
    const error = await catchError(peekDelta(store, 'lines/delta/dropped'));

    // Assess
    expect(error).toBe(lost);
  });

  it('stops a gzip of zeros that is no tar at all (too-large)', async () => {
    // Prepare
    const store = storeIn();
    const key = 'lines/delta/bomb/delta.tar.gz';
    await store.put(key, 'placeholder');
    let generated = 0;
    const zeros = Buffer.alloc(1024 * 1024);
    serveStream(
      store,
      key,
      Readable.from(
        (function* () {
          while (generated < 1024 ** 3) {
            generated += zeros.length;
            yield zeros;
          }
        })(),
      ).pipe(createGzip({ level: 1 })),
    );

    // Act
    const error = await catchError(peekDelta(store, 'lines/delta/bomb'));

    // Assess
    expect(error).toBeInstanceOf(DeltaIntegrityError);
    expect((error as DeltaIntegrityError).check).toBe('too-large');
    expect(generated).toBeLessThan(1024 ** 3);
  });
});
