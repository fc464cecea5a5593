import { beforeEach, describe, expect, it } from 'vitest';
import { DeltaNotFoundError } from '../../../src/deltas/errors.js';
import { readDelta } from '../../../src/deltas/readDelta.js';
import { writeDelta } from '../../../src/deltas/writeDelta.js';
import {
  type ArchiveEntry,
  catchError,
  collectBatches,
  contentOf,
  deltaRecords,
  expectFilesClosed,
  expectIntegrityFailure,
  IMAGE_ID,
  RECEIPT_ID,
  recordId,
  replaceContent,
  tamperDelta,
  useDeltaWorkspace,
} from '../../helpers/deltaArchives.js';

const PREFIX = 'lines/delta/run-1/';

/** Replaces line `index` of records.ndjson; the manifest is then rehashed. */
const withLine =
  (index: number, line: (record: Record<string, unknown>) => string) =>
  (entries: ArchiveEntry[]): ArchiveEntry[] => {
    const lines = contentOf(entries, 'records.ndjson').toString('utf8').split('\n');
    lines[index] = line(JSON.parse(lines[index] as string) as Record<string, unknown>);
    return replaceContent(entries, 'records.ndjson', lines.join('\n'));
  };

/** Writes `value` as float32 number `index` of embeddings.f32; the manifest is then rehashed. */
const withVectorValue =
  (index: number, value: number) =>
  (entries: ArchiveEntry[]): ArchiveEntry[] => {
    const bytes = Buffer.from(contentOf(entries, 'embeddings.f32'));
    bytes.writeFloatLE(value, index * 4);
    return replaceContent(entries, 'embeddings.f32', bytes);
  };

const json = (value: unknown): string => JSON.stringify(value);

describe('Function: readDelta', () => {
  const workspace = useDeltaWorkspace();

  /** Writes 10 line records of receipt 7, naming the receipt in the manifest or not. */
  const writeTen = async (namesReceipt: boolean): Promise<void> => {
    await writeDelta(workspace.store, PREFIX, {
      collection: 'lines',
      records: deltaRecords({ count: 10, dimension: 3 }),
      tempDir: workspace.tempDir,
      ...(namesReceipt ? { imageId: IMAGE_ID, receiptId: RECEIPT_ID } : {}),
    });
  };

  describe('records with a consistent manifest', () => {
    beforeEach(() => writeTen(true));

    it.each<
      [string, (record: Record<string, unknown>) => string, 'record' | 'duplicate-id' | 'receipt']
    >([
      ['a line that is not JSON', () => '{"id": "IMAGE#', 'record'],
      ['an empty line', () => '', 'record'],
      ['a line that is a list', (r) => json([r]), 'record'],
      ['a line that is null', () => 'null', 'record'],
      ['an id that is not a Chroma id', (r) => json({ ...r, id: 'garbage' }), 'record'],
      ['a missing id', (r) => json({ ...r, id: undefined }), 'record'],
      ['a word id in lines', (r) => json({ ...r, id: `${r['id']}#WORD#00001` }), 'record'],
      ['a duplicate id', (r) => json({ ...r, id: recordId('lines', 1) }), 'duplicate-id'],
      [
        'an id of another receipt',
        (r) => json({ ...r, id: recordId('lines', 4, IMAGE_ID, 8) }),
        'receipt',
      ],
      [
        'an id of another image',
        (r) => json({ ...r, id: recordId('lines', 4, 'other-image') }),
        'receipt',
      ],
      ['a nested metadata value', (r) => json({ ...r, metadata: { a: { b: 1 } } }), 'record'],
      ['a null metadata value', (r) => json({ ...r, metadata: { a: null } }), 'record'],
      ['a metadata key starting with $', (r) => json({ ...r, metadata: { $in: 'x' } }), 'record'],
      ['a document that is a number', (r) => json({ ...r, document: 12 }), 'record'],
    ])('fails %s in records.ndjson', async (_label, line, check) => {
      // Prepare
      await tamperDelta(workspace.store, PREFIX, withLine(4, line), { rehash: true });

      // Act
      const error = await expectIntegrityFailure(workspace, PREFIX, check);

      // Assess
      expect(error.entry).toBe('records.ndjson');
      expect(error.message).toContain('line 5');
    });

    it.each([
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['-Infinity', Number.NEGATIVE_INFINITY],
    ])('fails %s in embeddings.f32 (record)', async (_label, value) => {
      // Prepare
      await tamperDelta(workspace.store, PREFIX, withVectorValue(13, value), { rehash: true });

      // Act
      const error = await expectIntegrityFailure(workspace, PREFIX, 'record');

      // Assess
      expect(error.entry).toBe('embeddings.f32');
      expect(error.message).toContain('record 4');
    });
  });

  describe('open files', () => {
    it('closes records.ndjson when an early record of a large delta fails', async () => {
      // Prepare
      await writeDelta(workspace.store, PREFIX, {
        collection: 'lines',
        records: deltaRecords({ count: 3_000, dimension: 3 }),
        tempDir: workspace.tempDir,
      });
      await tamperDelta(
        workspace.store,
        PREFIX,
        withLine(1, () => 'not json'),
        { rehash: true },
      );

      // Act
      await expectIntegrityFailure(workspace, PREFIX, 'record');

      // Assess
      await expectFilesClosed(workspace.tempDir);
    });
  });

  describe('collection and receipt', () => {
    it('fails a delta of the other collection (collection)', async () => {
      // Prepare
      await writeTen(true);

      // Act & Assess
      await expectIntegrityFailure(workspace, PREFIX, 'collection', { collection: 'words' });
    });

    it.each([
      ['another receipt', { imageId: IMAGE_ID, receiptId: RECEIPT_ID + 1 }],
      ['another image', { imageId: 'other-image', receiptId: RECEIPT_ID }],
    ])('fails a delta written for %s than the receipt option (receipt)', async (_l, receipt) => {
      // Prepare
      await writeTen(true);

      // Act & Assess
      await expectIntegrityFailure(workspace, PREFIX, 'receipt', { receipt });
    });

    it('fails records of another receipt than the option when the manifest names none', async () => {
      // Prepare
      await writeTen(false);

      // Act
      const error = await expectIntegrityFailure(workspace, PREFIX, 'receipt', {
        receipt: { imageId: IMAGE_ID, receiptId: RECEIPT_ID + 1 },
      });

      // Assess
      expect(error.entry).toBe('records.ndjson');
    });

    it('reads a delta of the receipt and collection asked for', async () => {
      // Prepare
      await writeTen(false);

      // Act
      const delta = await readDelta(workspace.store, PREFIX, {
        collection: 'lines',
        receipt: { imageId: IMAGE_ID, receiptId: RECEIPT_ID },
        tempDir: workspace.tempDir,
      });
      const { records } = await collectBatches(delta);

      // Assess
      expect(records).toHaveLength(10);
    });
  });

  describe('missing deltas', () => {
    it('fails with DeltaNotFoundError when nothing is stored under the prefix', async () => {
      // Act
      const error = await catchError(
        readDelta(workspace.store, 'lines/delta/run-404', { tempDir: workspace.tempDir }),
      );

      // Assess
      expect(error).toBeInstanceOf(DeltaNotFoundError);
      expect((error as DeltaNotFoundError).prefix).toBe('lines/delta/run-404/');
      expect(await workspace.staged()).toEqual([]);
    });
  });
});
