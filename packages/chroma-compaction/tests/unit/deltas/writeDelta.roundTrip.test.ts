import { describe, expect, it } from 'vitest';
import { DEFAULT_DELTA_BATCH_SIZE, readDelta } from '../../../src/deltas/readDelta.js';
import type { DeltaRecord } from '../../../src/deltas/types.js';
import { writeDelta } from '../../../src/deltas/writeDelta.js';
import {
  asAsync,
  asRead,
  collectBatches,
  deltaRecords,
  IMAGE_ID,
  RECEIPT_ID,
  useDeltaWorkspace,
} from '../../helpers/deltaArchives.js';

const PREFIX = 'lines/delta/run-1/';

describe('Function: writeDelta', () => {
  const workspace = useDeltaWorkspace();

  /** Writes `records` (as given) and reads them back with `readDelta`. */
  const roundTrip = async (
    records: Iterable<DeltaRecord> | AsyncIterable<DeltaRecord>,
    batchSize?: number,
  ) => {
    const written = await writeDelta(workspace.store, PREFIX, {
      collection: 'lines',
      records,
      runId: 'run-1',
      imageId: IMAGE_ID,
      receiptId: RECEIPT_ID,
      tempDir: workspace.tempDir,
    });
    expect(await workspace.staged()).toEqual([]);
    const delta = await readDelta(workspace.store, PREFIX, {
      collection: 'lines',
      tempDir: workspace.tempDir,
      ...(batchSize === undefined ? {} : { batchSize }),
    });
    expect(await workspace.staged()).toHaveLength(1);
    const read = await collectBatches(delta);
    expect(await workspace.staged()).toEqual([]);
    return { written, delta, ...read };
  };

  describe('round trips on a FileSystemObjectStore', () => {
    it.each([
      ['an array', false],
      ['an async generator', true],
    ])('writes and reads back one record from %s', async (_label, async) => {
      // Prepare
      const records = deltaRecords({ count: 1, dimension: 3 });

      // Act
      const { written, delta, batches } = await roundTrip(async ? asAsync(records) : records);

      // Assess
      expect(delta.manifest).toEqual(written);
      expect(delta.layout).toBe('portable');
      expect(delta.prefix).toBe(PREFIX);
      expect(written).toMatchObject({ count: 1, dimension: 3, collection: 'lines' });
      expect(batches).toEqual([
        {
          ids: [records[0]?.id],
          embeddings: [Array.from(records[0]?.embedding ?? [], (value) => Math.fround(value))],
          documents: [records[0]?.document],
          metadatas: [records[0]?.metadata],
        },
      ]);
      expect(await workspace.storedKeys()).toEqual([`${PREFIX}delta.tar.gz`]);
    });

    it.each([
      ['an array', false],
      ['an async generator', true],
    ])('writes an empty delta from %s: dimension 0 and no batches', async (_label, async) => {
      // Act
      const { written, delta, batches } = await roundTrip(async ? asAsync([]) : []);

      // Assess
      expect(written).toMatchObject({ count: 0, dimension: 0 });
      expect(written.entries['records.ndjson'].size).toBe(0);
      expect(written.entries['embeddings.f32'].size).toBe(0);
      expect(delta.manifest).toEqual(written);
      expect(batches).toEqual([]);
    });

    it.each([
      ['an array', false],
      ['an async generator', true],
    ])('writes and reads back 50,000 records from %s in batches of 250', async (_l, async) => {
      // Prepare
      const records = deltaRecords({ count: 50_000, dimension: 8 });

      // Act
      const {
        written,
        delta,
        batches,
        records: read,
      } = await roundTrip(async ? asAsync(records) : records);

      // Assess
      expect(delta.manifest).toEqual(written);
      expect(written).toMatchObject({ count: 50_000, dimension: 8 });
      expect(written.entries['embeddings.f32'].size).toBe(50_000 * 8 * 4);
      expect(batches).toHaveLength(50_000 / DEFAULT_DELTA_BATCH_SIZE);
      for (const batch of batches) {
        expect(batch.ids).toHaveLength(DEFAULT_DELTA_BATCH_SIZE);
        expect(batch.embeddings).toHaveLength(DEFAULT_DELTA_BATCH_SIZE);
        expect(batch.documents).toHaveLength(DEFAULT_DELTA_BATCH_SIZE);
        expect(batch.metadatas).toHaveLength(DEFAULT_DELTA_BATCH_SIZE);
      }
      expect(read).toEqual(records.map(asRead));
    });

    it('hands out batches of at most batchSize, the last one holding the rest', async () => {
      // Prepare
      const records = deltaRecords({ count: 23, dimension: 2 });

      // Act
      const { batches, records: read } = await roundTrip(records, 10);

      // Assess
      expect(batches.map((batch) => batch.ids.length)).toEqual([10, 10, 3]);
      expect(read).toEqual(records.map(asRead));
    });

    it('keeps float32 values exactly, Float32Array input included', async () => {
      // Prepare
      const extremes = new Float32Array([
        3.4028234663852886e38, -3.4028234663852886e38, 1.401298464324817e-45, -0, 0.1,
      ]);
      const records: DeltaRecord[] = [
        { id: `IMAGE#${IMAGE_ID}#RECEIPT#00007#LINE#00001`, embedding: extremes },
        {
          id: `IMAGE#${IMAGE_ID}#RECEIPT#00007#LINE#00002`,
          embedding: extremes.subarray(0, 5).map((value) => value / 2),
        },
      ];

      // Act
      const { records: read } = await roundTrip(records);

      // Assess
      expect(read.map((record) => record.embedding)).toEqual([
        Array.from(extremes),
        Array.from(extremes, (value) => Math.fround(value / 2)),
      ]);
      expect(read[0]?.embedding[3]).toBe(-0);
    });

    it('writes word records to the words collection', async () => {
      // Prepare
      const records = deltaRecords({ count: 25, collection: 'words', dimension: 5 });

      // Act
      await writeDelta(workspace.store, 'words/delta/run-2', {
        collection: 'words',
        records,
        tempDir: workspace.tempDir,
      });
      const delta = await readDelta(workspace.store, 'words/delta/run-2', {
        collection: 'words',
        tempDir: workspace.tempDir,
      });
      const { records: read } = await collectBatches(delta);

      // Assess
      expect(delta.manifest).toMatchObject({
        collection: 'words',
        count: 25,
        runId: null,
        imageId: null,
        receiptId: null,
      });
      expect(read).toEqual(records.map(asRead));
    });
  });
});
