import { randomUUID } from 'node:crypto';
import { type ReceiptPlace, receiptMetadataToItem } from '@receipt-chroma/dynamo-stream';
import { describe, expect, it } from 'vitest';
import {
  InvalidReceiptItemError,
  ReceiptStoreError,
  VectorStoreError,
} from '../../../src/errors.js';
import { lineChromaId } from '../../../src/ids/chromaIds.js';
import { placeMetadataPatch, syncReceiptPlace } from '../../../src/operations/receiptPlace.js';
import type { WordRef } from '../../../src/ports/receiptStore.js';
import type { Metadata } from '../../../src/ports/vectorCollection.js';
import { InMemoryReceiptStore } from '../../../src/testing/InMemoryReceiptStore.js';
import { InMemoryVectorCollection } from '../../../src/testing/InMemoryVectorCollection.js';
import {
  CountingCollection,
  metadataOf,
  RecordingMetrics,
  seedWords,
} from '../../helpers/compactionFixture.js';
import { makeLegacyMetadata, makeLine, makePlace, makeWord } from '../../helpers/factories.js';
import { FlakyCollection } from '../../helpers/flakyCollection.js';

const NOW = '2026-01-04T12:34:56.123456+00:00';
const now = (): string => NOW;

/** The place keys {@link makePlace}'s default place writes. */
const PLACE_METADATA = {
  merchant_name: 'Target',
  merchant_category: 'department_store',
  address: '1 Main St',
  phone_number: '(818) 661-4064',
  place_id: 'ChIJN1t_tDeuEmsRUsoyG83frY4',
};

/**
 * A receipt with `count` words (5 per line) in the table and in a `words` collection, and
 * the given place in the table.
 */
const receiptWithWords = async (
  count: number,
  { place, extra = {} }: { place?: Partial<ReceiptPlace> | null; extra?: Metadata } = {},
) => {
  const imageId = randomUUID();
  const refs: WordRef[] = Array.from({ length: count }, (_, index) => ({
    imageId,
    receiptId: 1,
    lineId: Math.floor(index / 5) + 1,
    wordId: (index % 5) + 1,
  }));
  const receipts = new InMemoryReceiptStore({
    words: refs.map((ref) => makeWord(imageId, 1, ref.lineId, ref.wordId)),
    places: place === null ? [] : [makePlace(imageId, 1, place)],
  });
  const words = new InMemoryVectorCollection('words');
  const ids = await seedWords(words, refs, extra);
  return { imageId, receipts, words, ids };
};

describe('Function: placeMetadataPatch', () => {
  it('maps the place onto every place key, formatted_address as address, empty fields as null', () => {
    // Act
    const patch = placeMetadataPatch(
      makePlace(randomUUID(), 1, { merchant_category: '', place_id: '' }),
    );

    // Assess
    expect(patch).toEqual({
      canonical_merchant_name: null,
      merchant_name: 'Target',
      merchant_category: null,
      address: '1 Main St',
      formatted_address: null,
      phone_number: '(818) 661-4064',
      place_id: null,
    });
  });

  it('removes every place key when the receipt has no place', () => {
    // Act
    const patch = placeMetadataPatch(undefined);

    // Assess
    expect(Object.values(patch)).toEqual([null, null, null, null, null, null, null]);
    expect(Object.keys(patch)).toHaveLength(7);
  });
});

describe('Function: syncReceiptPlace', () => {
  it("writes the table's place to every word, replacing baked and stale values", async () => {
    // Prepare
    const { imageId, receipts, words, ids } = await receiptWithWords(3, {
      place: { phone_number: '' },
      extra: {
        merchant_name: 'Baked Mart',
        phone_number: '555',
        canonical_merchant_name: 'OLD',
        formatted_address: 'stale',
      },
    });

    // Act
    const result = await syncReceiptPlace(
      { imageId, receiptId: 1 },
      { vectors: words, receipts, now, recordIds: ['m1'] },
    );

    // Assess
    expect(result).toEqual({
      kind: 'place',
      collection: 'words',
      imageId,
      receiptId: 1,
      recordIds: ['m1'],
      status: 'applied',
      updatedCount: 3,
    });
    for (const metadata of await metadataOf(words, ids)) {
      const { phone_number: _, ...kept } = PLACE_METADATA;
      expect(metadata).toMatchObject({ ...kept, last_place_update: NOW });
      for (const key of ['phone_number', 'canonical_merchant_name', 'formatted_address']) {
        expect(metadata).not.toHaveProperty(key);
      }
    }
  });

  it('removes every place key when the table has no place, stamping place_removed_at', async () => {
    // Prepare
    const { imageId, receipts, words, ids } = await receiptWithWords(2, {
      place: null,
      extra: { ...PLACE_METADATA, canonical_merchant_name: 'T', formatted_address: 'x' },
    });
    const metrics = new RecordingMetrics();

    // Act
    const result = await syncReceiptPlace(
      { imageId, receiptId: 1 },
      { vectors: words, receipts, now, metrics },
    );

    // Assess
    expect(result).toMatchObject({ status: 'applied', updatedCount: 2 });
    for (const metadata of await metadataOf(words, ids)) {
      expect(Object.keys(metadata ?? {}).sort()).toEqual([
        'image_id',
        'line_id',
        'place_removed_at',
        'receipt_id',
        'text',
        'word_id',
      ]);
    }
    expect(metrics.names()).toEqual([
      'CompactionDynamoDBWords',
      'CompactionChromaDBRecordsFound',
      'CompactionPlaceRemovalTime',
      'CompactionPlaceRemovedRecords',
    ]);
  });

  it('reads a legacy RECEIPT_METADATA row as the place when there is no RECEIPT_PLACE', async () => {
    // Prepare
    const { imageId, receipts, words, ids } = await receiptWithWords(1, { place: null });
    receipts.putItems(receiptMetadataToItem(makeLegacyMetadata(imageId, 1)));

    // Act
    const result = await syncReceiptPlace(
      { imageId, receiptId: 1 },
      { vectors: words, receipts, now },
    );

    // Assess
    expect(result).toMatchObject({ status: 'applied', updatedCount: 1 });
    expect((await metadataOf(words, ids))[0]).toMatchObject({
      merchant_name: 'Legacy Mart',
      merchant_category: 'grocery',
      address: '2 Old Rd',
      phone_number: '555-0100',
      place_id: 'legacy-place',
    });
  });

  it('writes nothing the second time: the records already hold the place', async () => {
    // Prepare
    const { imageId, receipts, words, ids } = await receiptWithWords(2);
    await syncReceiptPlace({ imageId, receiptId: 1 }, { vectors: words, receipts, now });
    const before = await metadataOf(words, ids);
    const counting = new CountingCollection(words);

    // Act
    const result = await syncReceiptPlace(
      { imageId, receiptId: 1 },
      { vectors: counting, receipts, now: () => 'later' },
    );

    // Assess
    expect(result).toMatchObject({ status: 'skipped', reason: 'unchanged', updatedCount: 0 });
    expect(counting.calls.update).toBe(0);
    expect(await metadataOf(words, ids)).toEqual(before);
  });

  it('writes the rows of a lines collection, found from the receipt lines', async () => {
    // Prepare
    const imageId = randomUUID();
    const receipts = new InMemoryReceiptStore({
      lines: [makeLine(imageId, 1, 1), makeLine(imageId, 1, 2), makeLine(imageId, 1, 3)],
      places: [makePlace(imageId, 1)],
    });
    const lines = new InMemoryVectorCollection('lines');
    const rowIds = [1, 3].map((lineId) => lineChromaId({ imageId, receiptId: 1, lineId }));
    await lines.upsert({
      ids: rowIds,
      embeddings: [
        [1, 0],
        [0, 1],
      ],
      metadatas: [{ line_id: 1 }, { line_id: 3 }],
    });

    // Act
    const result = await syncReceiptPlace(
      { imageId, receiptId: 1 },
      { vectors: lines, receipts, now },
    );

    // Assess
    expect(result).toMatchObject({ status: 'applied', updatedCount: 2 });
    expect(await metadataOf(lines, rowIds)).toEqual([
      { line_id: 1, ...PLACE_METADATA, last_place_update: NOW },
      { line_id: 3, ...PLACE_METADATA, last_place_update: NOW },
    ]);
  });

  it('splits reads and writes of a large receipt into batches within the write limit', async () => {
    // Prepare
    const { imageId, receipts, words, ids } = await receiptWithWords(600);
    const counting = new CountingCollection(words);

    // Act
    const result = await syncReceiptPlace(
      { imageId, receiptId: 1 },
      { vectors: counting, receipts, now },
    );

    // Assess
    expect(result).toMatchObject({ status: 'applied', updatedCount: 600 });
    expect(counting.updateSizes).toEqual([250, 250, 100]);
    expect(counting.calls.get).toBe(3);
    const stored = await metadataOf(words, ids);
    expect(new Set(stored.map((metadata) => metadata?.['merchant_name']))).toEqual(
      new Set(['Target']),
    );
  });

  it('honours a smaller maxBatchSize', async () => {
    // Prepare
    const { imageId, receipts, words } = await receiptWithWords(7);
    const counting = new CountingCollection(words);

    // Act
    await syncReceiptPlace(
      { imageId, receiptId: 1 },
      { vectors: counting, receipts, now, maxBatchSize: 3 },
    );

    // Assess
    expect(counting.updateSizes).toEqual([3, 3, 1]);
  });

  it('skips a receipt whose words have no embeddings, and records the metric', async () => {
    // Prepare
    const imageId = randomUUID();
    const receipts = new InMemoryReceiptStore({
      words: [makeWord(imageId, 1, 1, 1)],
      places: [makePlace(imageId, 1)],
    });
    const words = new InMemoryVectorCollection('words');
    const metrics = new RecordingMetrics();

    // Act
    const result = await syncReceiptPlace(
      { imageId, receiptId: 1 },
      { vectors: words, receipts, now, metrics },
    );

    // Assess
    expect(result).toMatchObject({
      status: 'skipped',
      reason: 'no embeddings found',
      updatedCount: 0,
    });
    expect(metrics.names()).toContain('CompactionPlaceEmbeddingNotFound');
    expect(await words.count()).toBe(0);
  });

  it('skips a receipt with no words in the receipt store', async () => {
    // Act
    const result = await syncReceiptPlace(
      { imageId: randomUUID(), receiptId: 1 },
      { vectors: new InMemoryVectorCollection('words'), receipts: new InMemoryReceiptStore(), now },
    );

    // Assess
    expect(result).toMatchObject({
      status: 'skipped',
      reason: 'the receipt has no words in the receipt store',
    });
  });

  it('fails with the ReceiptStore error instead of reporting 0 updated', async () => {
    // Prepare
    const { imageId, receipts, words, ids } = await receiptWithWords(2);
    const failure = new ReceiptStoreError('throttled', { operation: 'query' });
    receipts.failNextRead(failure);
    const metrics = new RecordingMetrics();
    const before = await metadataOf(words, ids);

    // Act
    const result = await syncReceiptPlace(
      { imageId, receiptId: 1 },
      { vectors: words, receipts, now, metrics, recordIds: ['m1'] },
    );

    // Assess
    expect(result).toMatchObject({ status: 'failed', recordIds: ['m1'], updatedCount: 0 });
    expect(result.error).toBe(failure);
    expect(metrics.recorded).toContainEqual({
      kind: 'count',
      name: 'CompactionDynamoDBQueryError',
      value: 1,
      dimensions: { collection: 'words', entity_type: 'words', error_type: 'ReceiptStoreError' },
    });
    expect(await metadataOf(words, ids)).toEqual(before);
  });

  it('fails with InvalidReceiptItemError on an invalid place item, writing nothing', async () => {
    // Prepare
    const { imageId, receipts, words, ids } = await receiptWithWords(2, { place: null });
    receipts.putItems({
      PK: { S: `IMAGE#${imageId}` },
      SK: { S: 'RECEIPT#00001#PLACE' },
      TYPE: { S: 'RECEIPT_PLACE' },
      merchant_name: { N: '42' },
    });
    const before = await metadataOf(words, ids);

    // Act
    const result = await syncReceiptPlace(
      { imageId, receiptId: 1 },
      { vectors: words, receipts, now },
    );

    // Assess
    expect(result).toMatchObject({ status: 'failed', updatedCount: 0 });
    expect(result.error).toBeInstanceOf(InvalidReceiptItemError);
    expect((result.error as InvalidReceiptItemError).items[0]?.sk).toBe('RECEIPT#00001#PLACE');
    expect(await metadataOf(words, ids)).toEqual(before);
  });

  it('fails with the VectorCollection error when the read fails', async () => {
    // Prepare
    const { imageId, receipts, words } = await receiptWithWords(2);
    words.failNext('get');
    const metrics = new RecordingMetrics();

    // Act
    const result = await syncReceiptPlace(
      { imageId, receiptId: 1 },
      { vectors: words, receipts, now, metrics },
    );

    // Assess
    expect(result).toMatchObject({ status: 'failed', reason: 'could not read the embeddings' });
    expect(result.error).toBeInstanceOf(VectorStoreError);
    expect(metrics.names()).toContain('CompactionChromaDBQueryError');
  });

  it('fails when a later write batch fails, saying how far it got', async () => {
    // Prepare
    const { imageId, receipts, words } = await receiptWithWords(6);
    const metrics = new RecordingMetrics();
    const flaky = new FlakyCollection(words).failCall('update', 2);

    // Act
    const result = await syncReceiptPlace(
      { imageId, receiptId: 1 },
      { vectors: flaky, receipts, now, metrics, maxBatchSize: 4 },
    );

    // Assess
    expect(result).toMatchObject({
      status: 'failed',
      reason: 'could not write the embeddings after 4 of 6 records',
    });
    expect(result.error).toBeInstanceOf(VectorStoreError);
    expect(metrics.recorded).toContainEqual({
      kind: 'count',
      name: 'CompactionChromaDBUpdateError',
      value: 1,
      dimensions: { collection: 'words', error_type: 'VectorStoreError' },
    });
  });

  it('fails on a collection that is neither words nor lines', async () => {
    // Prepare
    const { imageId, receipts } = await receiptWithWords(1);
    const metrics = new RecordingMetrics();

    // Act
    const result = await syncReceiptPlace(
      { imageId, receiptId: 1 },
      { vectors: new InMemoryVectorCollection('receipts'), receipts, now, metrics },
    );

    // Assess
    expect(result).toMatchObject({ status: 'failed', reason: 'unknown collection type' });
    expect(metrics.recorded).toContainEqual({
      kind: 'count',
      name: 'CompactionUnknownCollectionType',
      value: 1,
      dimensions: { collection_name: 'receipts' },
    });
  });

  it('records the spec metrics of a successful update', async () => {
    // Prepare
    const { imageId, receipts, words } = await receiptWithWords(2);
    const metrics = new RecordingMetrics();

    // Act
    await syncReceiptPlace({ imageId, receiptId: 1 }, { vectors: words, receipts, now, metrics });

    // Assess
    expect(metrics.recorded.map(({ kind, name }) => `${kind}:${name}`)).toEqual([
      'gauge:CompactionDynamoDBWords',
      'gauge:CompactionChromaDBRecordsFound',
      'timer:CompactionPlaceUpdateTime',
      'count:CompactionPlaceUpdatedRecords',
    ]);
    expect(metrics.recorded.at(-1)).toMatchObject({
      value: 2,
      dimensions: { collection: 'words' },
    });
  });
});
