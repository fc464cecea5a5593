import { beforeEach, describe, expect, it } from 'vitest';
import type { DeltaCheck } from '../../../src/deltas/errors.js';
import { readDelta } from '../../../src/deltas/readDelta.js';
import { writeDelta } from '../../../src/deltas/writeDelta.js';
import {
  type ArchiveEntry,
  asRead,
  collectBatches,
  deltaRecords,
  editManifest,
  entryNamed,
  expectIntegrityFailure,
  IMAGE_ID,
  RECEIPT_ID,
  replaceContent,
  swapEntry,
  tamperDelta,
  useDeltaWorkspace,
} from '../../helpers/deltaArchives.js';

const PREFIX = 'lines/delta/run-1/';
const RECORDS = deltaRecords({ count: 20, dimension: 4 });

type Change = (entries: ArchiveEntry[]) => ArchiveEntry[];

const NOTHING = Buffer.alloc(0);
const without =
  (name: string): Change =>
  (entries) =>
    entries.filter((entry) => entry.name !== name);
const inOrder =
  (...order: number[]): Change =>
  (entries) =>
    order.map((index) => entries[index] as ArchiveEntry);
const appended =
  (entry: (entries: ArchiveEntry[]) => ArchiveEntry): Change =>
  (entries) => [...entries, entry(entries)];
const swapped =
  (name: string, replacement: Partial<ArchiveEntry>): Change =>
  (entries) =>
    swapEntry(entries, name, replacement);
const manifestField =
  (field: string, value: unknown): Change =>
  (entries) =>
    editManifest(entries, (manifest) => {
      if (value === undefined) delete manifest[field];
      else manifest[field] = value;
    });
const manifestEntries =
  (edit: (listed: Record<string, { size: number; sha256: string }>) => void): Change =>
  (entries) =>
    editManifest(entries, (manifest) => edit(manifest.entries));

describe('Function: readDelta', () => {
  const workspace = useDeltaWorkspace();

  beforeEach(async () => {
    await writeDelta(workspace.store, PREFIX, {
      collection: 'lines',
      records: RECORDS,
      runId: 'run-1',
      imageId: IMAGE_ID,
      receiptId: RECEIPT_ID,
      tempDir: workspace.tempDir,
    });
  });

  describe('entries', () => {
    const unknown = { name: 'notes.txt', type: 'file', content: Buffer.from('hi') } as const;
    it.each<[string, Change, DeltaCheck]>([
      ['starts with records.ndjson', without('manifest.json'), 'manifest-missing'],
      ['starts with embeddings.f32', inOrder(2, 0, 1), 'manifest-missing'],
      ['has the manifest second', inOrder(1, 0, 2), 'manifest-missing'],
      ['is empty', () => [], 'manifest-missing'],
      ['lacks embeddings.f32', without('embeddings.f32'), 'entry-missing'],
      ['lacks both data entries', inOrder(0), 'entry-missing'],
      ['holds an unknown entry last', appended(() => unknown), 'entry-unknown'],
      [
        'holds an unknown entry first after the manifest',
        (e) => [e[0] as ArchiveEntry, unknown, ...e.slice(1)],
        'entry-unknown',
      ],
      [
        'holds records.ndjson twice',
        appended((e) => entryNamed(e, 'records.ndjson')),
        'entry-duplicate',
      ],
      [
        'holds embeddings.f32 and ./embeddings.f32',
        appended((e) => ({ ...entryNamed(e, 'embeddings.f32'), name: './embeddings.f32' })),
        'entry-duplicate',
      ],
      [
        'holds manifest.json twice',
        appended((e) => entryNamed(e, 'manifest.json')),
        'entry-duplicate',
      ],
      [
        'holds ../records.ndjson',
        swapped('records.ndjson', { name: '../records.ndjson' }),
        'entry-path',
      ],
      [
        'holds x/../../records.ndjson',
        swapped('records.ndjson', { name: 'x/../../records.ndjson' }),
        'entry-path',
      ],
      [
        'holds /records.ndjson',
        swapped('records.ndjson', { name: '/records.ndjson' }),
        'entry-path',
      ],
      [
        'holds a symlink records.ndjson',
        swapped('records.ndjson', { type: 'symlink', linkname: '/etc/passwd', content: NOTHING }),
        'entry-type',
      ],
      [
        'holds a hard link embeddings.f32',
        swapped('embeddings.f32', { type: 'link', linkname: 'records.ndjson', content: NOTHING }),
        'entry-type',
      ],
      [
        'holds a directory records.ndjson',
        swapped('records.ndjson', { type: 'directory', content: NOTHING }),
        'entry-type',
      ],
      [
        'holds a FIFO embeddings.f32',
        swapped('embeddings.f32', { type: 'fifo', content: NOTHING }),
        'entry-type',
      ],
      [
        'has a symlink manifest.json',
        swapped('manifest.json', { type: 'symlink', linkname: 'x', content: NOTHING }),
        'entry-type',
      ],
    ])('fails an archive that %s', async (_label, change, check) => {
      // Prepare
      await tamperDelta(workspace.store, PREFIX, change);

      // Act & Assess
      await expectIntegrityFailure(workspace, PREFIX, check);
    });

    it('names the entry at fault', async () => {
      // Prepare
      await tamperDelta(
        workspace.store,
        PREFIX,
        swapped('records.ndjson', { name: '../records.ndjson' }),
      );

      // Act
      const error = await expectIntegrityFailure(workspace, PREFIX, 'entry-path');

      // Assess
      expect(error.entry).toBe('../records.ndjson');
      expect(error.message).toContain('../records.ndjson');
    });

    it.each<[string, Change]>([
      ['with the data entries swapped', inOrder(0, 2, 1)],
      [
        'with ./ prefixes (Python arcname=".")',
        (e) => e.map((x) => ({ ...x, name: `./${x.name}` })),
      ],
    ])('reads an archive %s', async (_label, change) => {
      // Prepare
      await tamperDelta(workspace.store, PREFIX, change);

      // Act
      const delta = await readDelta(workspace.store, PREFIX, { tempDir: workspace.tempDir });
      const { records } = await collectBatches(delta);

      // Assess
      expect(records).toEqual(RECORDS.map(asRead));
    });
  });

  describe('manifest', () => {
    it.each<[string, Change]>([
      ['that is not JSON', (e) => replaceContent(e, 'manifest.json', '{"format": "chroma-delta",')],
      ['that is a JSON list', (e) => replaceContent(e, 'manifest.json', '[]')],
      ['that is empty', (e) => replaceContent(e, 'manifest.json', '')],
      ['of version 2', manifestField('version', 2)],
      ['of another format', manifestField('format', 'chroma-snapshot')],
      ['of another dtype', manifestField('dtype', 'float16-le')],
      ['without a count', manifestField('count', undefined)],
      ['without entries', manifestField('entries', undefined)],
      ['with a fractional count', manifestField('count', 1.5)],
      ['with a negative receipt id', manifestField('receipt_id', -1)],
      ['with an empty run id', manifestField('run_id', '')],
      ['with dimension 0 and records', manifestField('dimension', 0)],
      ['with an unknown collection', manifestField('collection', 'receipts')],
      [
        'with an upper-case SHA-256',
        manifestEntries((listed) => {
          const info = listed['embeddings.f32'];
          if (info) info.sha256 = info.sha256.toUpperCase();
        }),
      ],
      [
        'with a negative size',
        manifestEntries((listed) => {
          const info = listed['records.ndjson'];
          if (info) info.size = -1;
        }),
      ],
      [
        'listing a third entry',
        manifestEntries((listed) => {
          listed['notes.txt'] = { size: 0, sha256: '0'.repeat(64) };
        }),
      ],
      [
        'not listing embeddings.f32',
        manifestEntries((listed) => {
          delete listed['embeddings.f32'];
        }),
      ],
      ['larger than 64 KiB', manifestField('padding', 'x'.repeat(70_000))],
    ])('fails a manifest %s (manifest-invalid)', async (_label, change) => {
      // Prepare
      await tamperDelta(workspace.store, PREFIX, change);

      // Act
      const error = await expectIntegrityFailure(workspace, PREFIX, 'manifest-invalid');

      // Assess
      expect(error.entry).toBe('manifest.json');
    });

    it('ignores unknown manifest fields a later producer may add', async () => {
      // Prepare
      await tamperDelta(workspace.store, PREFIX, manifestField('compression', 'none'));

      // Act
      const delta = await readDelta(workspace.store, PREFIX, { tempDir: workspace.tempDir });
      await delta.close();

      // Assess
      expect(delta.manifest.count).toBe(RECORDS.length);
      expect(await workspace.staged()).toEqual([]);
    });
  });
});
