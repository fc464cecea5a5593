import { describe, expect, it } from 'vitest';
import { InvalidDeltaRecordError } from '../../../src/deltas/errors.js';
import type { DeltaRecord } from '../../../src/deltas/types.js';
import { writeDelta } from '../../../src/deltas/writeDelta.js';
import { wordChromaId } from '../../../src/ids/chromaIds.js';
import {
  catchError,
  deltaRecords,
  expectFilesClosed,
  IMAGE_ID,
  RECEIPT_ID,
  recordId,
  useDeltaWorkspace,
} from '../../helpers/deltaArchives.js';

const PREFIX = 'lines/delta/run-1/';

/** Three valid line records, then `bad` (at index 3), then two more valid ones. */
const withBadRecord = (bad: (valid: DeltaRecord) => DeltaRecord): DeltaRecord[] => {
  const records = deltaRecords({ count: 6, dimension: 4 });
  return records.map((record, index) => (index === 3 ? bad(record) : record));
};

const withMetadata = (metadata: unknown) => (valid: DeltaRecord) =>
  ({ ...valid, metadata }) as DeltaRecord;

describe('Function: writeDelta', () => {
  const workspace = useDeltaWorkspace();

  /** Writes, expects the refusal of record 3, and that nothing was stored or left staged. */
  const expectRefused = async (
    records: DeltaRecord[],
    check: string,
    options: { imageId?: string; receiptId?: number } = {},
  ): Promise<InvalidDeltaRecordError> => {
    const error = await catchError(
      writeDelta(workspace.store, PREFIX, {
        collection: 'lines',
        records,
        tempDir: workspace.tempDir,
        ...options,
      }),
    );
    expect(error).toBeInstanceOf(InvalidDeltaRecordError);
    const refusal = error as InvalidDeltaRecordError;
    expect(refusal.index).toBe(3);
    expect(refusal.context['check']).toBe(check);
    expect(refusal.prefix).toBe(PREFIX);
    expect(refusal.message).toContain('nothing stored');
    expect(await workspace.storedKeys()).toEqual([]);
    expect(await workspace.staged()).toEqual([]);
    await expectFilesClosed(workspace.tempDir);
    return refusal;
  };

  describe('refused records: nothing stored, nothing staged', () => {
    it.each<[string, (valid: DeltaRecord) => DeltaRecord, string]>([
      ['a vector of another dimension', (r) => ({ ...r, embedding: [1, 2, 3] }), 'dimension'],
      ['an empty vector', (r) => ({ ...r, embedding: [] }), 'record'],
      ['a NaN component', (r) => ({ ...r, embedding: [0, Number.NaN, 0, 0] }), 'record'],
      ['an infinite component', (r) => ({ ...r, embedding: [0, 0, -Infinity, 0] }), 'record'],
      ['a component overflowing float32', (r) => ({ ...r, embedding: [0, 0, 0, 1e39] }), 'record'],
      [
        'a NaN in a Float32Array',
        (r) => ({ ...r, embedding: new Float32Array(4).fill(Number.NaN) }),
        'record',
      ],
      [
        'a vector that is not numbers',
        (r) => ({ ...r, embedding: ['1', 2, 3, 4] as unknown as number[] }),
        'record',
      ],
      [
        'a word id in lines',
        (r) => ({
          ...r,
          id: wordChromaId({ imageId: IMAGE_ID, receiptId: RECEIPT_ID, lineId: 1, wordId: 1 }),
        }),
        'record',
      ],
      ['a garbage id', (r) => ({ ...r, id: 'not-a-chroma-id' }), 'record'],
      [
        'an id with unpadded numbers',
        (r) => ({ ...r, id: `IMAGE#${IMAGE_ID}#RECEIPT#7#LINE#4` }),
        'record',
      ],
      ['an id that is not a string', (r) => ({ ...r, id: 42 as unknown as string }), 'record'],
      ['a nested metadata object', withMetadata({ nested: { a: 1 } }), 'record'],
      ['an empty metadata list', withMetadata({ labels: [] }), 'record'],
      ['a metadata list mixing types', withMetadata({ labels: ['a', 1] }), 'record'],
      ['a metadata key starting with $', withMetadata({ $and: 'x' }), 'record'],
      ['a null metadata value', withMetadata({ label: null }), 'record'],
      ['a NaN metadata value', withMetadata({ score: Number.NaN }), 'record'],
      ['metadata that is a list', withMetadata(['a']), 'record'],
      [
        'a document that is a number',
        (r) => ({ ...r, document: 42 as unknown as string }),
        'record',
      ],
      ['a record that is not an object', () => null as unknown as DeltaRecord, 'record'],
    ])('refuses %s', async (_label, bad, check) => {
      // Act & Assess
      await expectRefused(withBadRecord(bad), check);
    });

    it('refuses a duplicate id and names it', async () => {
      // Prepare
      const records = withBadRecord((valid) => ({ ...valid, id: recordId('lines', 1) }));

      // Act
      const error = await expectRefused(records, 'duplicate-id');

      // Assess
      expect(error.id).toBe(recordId('lines', 1));
      expect(error.message).toContain(recordId('lines', 1));
    });

    it('refuses an id repeated after more than a staging chunk of records', async () => {
      // Prepare: the first ids are still in the staged file's write buffer when the repeat comes.
      const records = deltaRecords({ count: 3000, dimension: 128 });
      const repeated = { ...(records[2998] as DeltaRecord), id: records[5]?.id as string };
      records[2999] = repeated;

      // Act
      const error = await catchError(
        writeDelta(workspace.store, PREFIX, {
          collection: 'lines',
          records,
          tempDir: workspace.tempDir,
        }),
      );

      // Assess
      expect(error).toBeInstanceOf(InvalidDeltaRecordError);
      expect(error).toMatchObject({ index: 2999, id: records[5]?.id });
      expect((error as InvalidDeltaRecordError).context['check']).toBe('duplicate-id');
      expect(await workspace.storedKeys()).toEqual([]);
    });

    it('refuses an id of another receipt when imageId and receiptId are given', async () => {
      // Prepare
      const other = recordId('lines', 3, IMAGE_ID, RECEIPT_ID + 1);
      const records = withBadRecord((valid) => ({ ...valid, id: other }));

      // Act
      const error = await expectRefused(records, 'receipt', {
        imageId: IMAGE_ID,
        receiptId: RECEIPT_ID,
      });

      // Assess
      expect(error.id).toBe(other);
    });

    it('accepts ids of several receipts when the producer names no receipt', async () => {
      // Prepare
      const records = withBadRecord((valid) => ({
        ...valid,
        id: recordId('lines', 3, IMAGE_ID, RECEIPT_ID + 1),
      }));

      // Act
      const manifest = await writeDelta(workspace.store, PREFIX, {
        collection: 'lines',
        records,
        imageId: IMAGE_ID,
        tempDir: workspace.tempDir,
      });

      // Assess
      expect(manifest.count).toBe(6);
    });

    it('propagates the error of an async iterable that fails mid-way and stores nothing', async () => {
      // Prepare
      const failure = new Error('DynamoDB query failed');
      const records = (async function* () {
        yield* deltaRecords({ count: 300, dimension: 4 });
        throw failure;
      })();

      // Act
      const error = await catchError(
        writeDelta(workspace.store, PREFIX, {
          collection: 'lines',
          records,
          tempDir: workspace.tempDir,
        }),
      );

      // Assess
      expect(error).toBe(failure);
      expect(await workspace.storedKeys()).toEqual([]);
      expect(await workspace.staged()).toEqual([]);
    });

    it('leaves a delta stored before under the prefix as it was', async () => {
      // Prepare
      const first = await writeDelta(workspace.store, PREFIX, {
        collection: 'lines',
        records: deltaRecords({ count: 2 }),
        tempDir: workspace.tempDir,
      });
      const before = await workspace.store.head(`${PREFIX}delta.tar.gz`);

      // Act
      const error = await catchError(
        writeDelta(workspace.store, PREFIX, {
          collection: 'lines',
          records: withBadRecord((valid) => ({ ...valid, embedding: [Number.NaN] })),
          tempDir: workspace.tempDir,
        }),
      );

      // Assess
      expect(error).toBeInstanceOf(InvalidDeltaRecordError);
      expect(first.count).toBe(2);
      expect((await workspace.store.head(`${PREFIX}delta.tar.gz`))?.etag).toBe(before?.etag);
    });
  });

  describe('refused options', () => {
    it.each([
      ['an unknown collection', { collection: 'receipts' }, TypeError],
      ['a negative receiptId', { receiptId: -1 }, TypeError],
      ['a fractional receiptId', { receiptId: 1.5 }, TypeError],
    ])('refuses %s before staging anything', async (_label, override, type) => {
      // Act
      const error = await catchError(
        writeDelta(workspace.store, PREFIX, {
          collection: 'lines',
          records: deltaRecords({ count: 1 }),
          tempDir: workspace.tempDir,
          ...(override as object),
        }),
      );

      // Assess
      expect(error).toBeInstanceOf(type);
      expect(await workspace.storedKeys()).toEqual([]);
      expect(await workspace.staged()).toEqual([]);
    });
  });
});
