import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ReceiptStoreError, VectorStoreError } from '../../../src/errors.js';
import { lineChromaId } from '../../../src/ids/chromaIds.js';
import { removeReceiptPlace, updateReceiptPlace } from '../../../src/operations/receiptPlace.js';
import type { WordRef } from '../../../src/ports/receiptStore.js';
import { InMemoryReceiptStore } from '../../../src/testing/inMemoryReceiptStore.js';
import { InMemoryVectorCollection } from '../../../src/testing/inMemoryVectorCollection.js';
import { FlakyCollection } from '../../helpers/flakyCollection.js';
import {
  CountingCollection,
  metadataOf,
  RecordingMetrics,
  seedWords,
} from '../../helpers/operationFixtures.js';
import { makeLine, makeWord } from '../../helpers/receiptEntities.js';

const NOW = '2026-01-04T12:34:56.123456+00:00';
const now = (): string => NOW;

/** A receipt with `count` words (5 per line) in the table and in a `words` collection. */
const receiptWithWords = async (count: number, extra = {}) => {
  const imageId = randomUUID();
  const refs: WordRef[] = Array.from({ length: count }, (_, index) => ({
    imageId,
    receiptId: 1,
    lineId: Math.floor(index / 5) + 1,
    wordId: (index % 5) + 1,
  }));
  const receipts = new InMemoryReceiptStore({
    words: refs.map((ref) => makeWord(imageId, 1, ref.lineId, ref.wordId)),
  });
  const words = new InMemoryVectorCollection('words');
  const ids = await seedWords(words, refs, extra);
  return { imageId, receipts, words, ids };
};

describe('Function: updateReceiptPlace', () => {
  it('writes the changed fields to every word of the receipt, formatted_address as address', async () => {
    // Prepare
    const { imageId, receipts, words, ids } = await receiptWithWords(3, { phone_number: '555' });

    // Act
    const result = await updateReceiptPlace(
      {
        imageId,
        receiptId: 1,
        changes: {
          merchant_name: { old: null, new: 'Sprouts' },
          formatted_address: { old: null, new: '1 Main St' },
          phone_number: { old: '555', new: null },
        },
      },
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
    const stored = await metadataOf(words, ids);
    for (const metadata of stored) {
      expect(metadata).toMatchObject({
        merchant_name: 'Sprouts',
        address: '1 Main St',
        last_place_update: NOW,
      });
      expect(metadata).not.toHaveProperty('formatted_address');
      expect(metadata).not.toHaveProperty('phone_number');
    }
  });

  it('writes the rows of a lines collection, found from the receipt lines', async () => {
    // Prepare
    const imageId = randomUUID();
    const receipts = new InMemoryReceiptStore({
      lines: [makeLine(imageId, 1, 1), makeLine(imageId, 1, 2), makeLine(imageId, 1, 3)],
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
    const result = await updateReceiptPlace(
      { imageId, receiptId: 1, changes: { place_id: { old: null, new: 'abc' } } },
      { vectors: lines, receipts, now },
    );

    // Assess
    expect(result).toMatchObject({ status: 'applied', updatedCount: 2 });
    expect(await metadataOf(lines, rowIds)).toEqual([
      { line_id: 1, place_id: 'abc', last_place_update: NOW },
      { line_id: 3, place_id: 'abc', last_place_update: NOW },
    ]);
  });

  it('splits reads and writes of a large receipt into batches within the write limit', async () => {
    // Prepare
    const { imageId, receipts, words, ids } = await receiptWithWords(600);
    const counting = new CountingCollection(words);

    // Act
    const result = await updateReceiptPlace(
      { imageId, receiptId: 1, changes: { merchant_name: { old: 'A', new: 'B' } } },
      { vectors: counting, receipts, now },
    );

    // Assess
    expect(result).toMatchObject({ status: 'applied', updatedCount: 600 });
    expect(counting.updateSizes).toEqual([250, 250, 100]);
    expect(counting.calls.get).toBe(3);
    const stored = await metadataOf(words, ids);
    expect(stored.every((metadata) => metadata?.['merchant_name'] === 'B')).toBe(true);
  });

  it('honours a smaller maxBatchSize', async () => {
    // Prepare
    const { imageId, receipts, words } = await receiptWithWords(7);
    const counting = new CountingCollection(words);

    // Act
    await updateReceiptPlace(
      { imageId, receiptId: 1, changes: { merchant_name: { old: 'A', new: 'B' } } },
      { vectors: counting, receipts, now, maxBatchSize: 3 },
    );

    // Assess
    expect(counting.updateSizes).toEqual([3, 3, 1]);
  });

  it('skips a receipt whose words have no embeddings, and records the metric', async () => {
    // Prepare
    const imageId = randomUUID();
    const receipts = new InMemoryReceiptStore({ words: [makeWord(imageId, 1, 1, 1)] });
    const words = new InMemoryVectorCollection('words');
    const metrics = new RecordingMetrics();

    // Act
    const result = await updateReceiptPlace(
      { imageId, receiptId: 1, changes: { merchant_name: { old: 'A', new: 'B' } } },
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
    // Prepare
    const words = new InMemoryVectorCollection('words');

    // Act
    const result = await updateReceiptPlace(
      { imageId: randomUUID(), receiptId: 1, changes: { merchant_name: { old: 'A', new: 'B' } } },
      { vectors: words, receipts: new InMemoryReceiptStore(), now },
    );

    // Assess
    expect(result).toMatchObject({
      status: 'skipped',
      reason: 'the receipt has no words in the receipt store',
    });
  });

  it('skips a change without fields, without reading anything', async () => {
    // Prepare
    const { imageId, receipts, words } = await receiptWithWords(1);

    // Act
    const result = await updateReceiptPlace(
      { imageId, receiptId: 1, changes: {} },
      { vectors: words, receipts, now },
    );

    // Assess
    expect(result).toMatchObject({ status: 'skipped', reason: 'no place fields changed' });
    expect(receipts.reads).toBe(0);
  });

  it('fails with the ReceiptStore error instead of reporting 0 updated', async () => {
    // Prepare
    const { imageId, receipts, words, ids } = await receiptWithWords(2);
    const failure = new ReceiptStoreError('throttled', { operation: 'query' });
    receipts.failNextRead(failure);
    const metrics = new RecordingMetrics();
    const before = await metadataOf(words, ids);

    // Act
    const result = await updateReceiptPlace(
      { imageId, receiptId: 1, changes: { merchant_name: { old: 'A', new: 'B' } } },
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

  it('fails with the VectorCollection error when the read fails', async () => {
    // Prepare
    const { imageId, receipts, words } = await receiptWithWords(2);
    words.failNext('get');
    const metrics = new RecordingMetrics();

    // Act
    const result = await updateReceiptPlace(
      { imageId, receiptId: 1, changes: { merchant_name: { old: 'A', new: 'B' } } },
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
    const result = await updateReceiptPlace(
      { imageId, receiptId: 1, changes: { merchant_name: { old: 'A', new: 'B' } } },
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

  it('fails a change whose value Chroma cannot store, writing nothing', async () => {
    // Prepare
    const { imageId, receipts, words, ids } = await receiptWithWords(1);
    const before = await metadataOf(words, ids);

    // Act
    const result = await updateReceiptPlace(
      { imageId, receiptId: 1, changes: { merchant_name: { old: null, new: { nested: true } } } },
      { vectors: words, receipts, now },
    );

    // Assess
    expect(result).toMatchObject({ status: 'failed', reason: 'invalid place change' });
    expect(result.error?.name).toBe('InvalidPlaceChangeError');
    expect(await metadataOf(words, ids)).toEqual(before);
  });

  it('fails on a collection that is neither words nor lines', async () => {
    // Prepare
    const { imageId, receipts } = await receiptWithWords(1);
    const metrics = new RecordingMetrics();

    // Act
    const result = await updateReceiptPlace(
      { imageId, receiptId: 1, changes: { merchant_name: { old: 'A', new: 'B' } } },
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
    await updateReceiptPlace(
      { imageId, receiptId: 1, changes: { merchant_name: { old: 'A', new: 'B' } } },
      { vectors: words, receipts, now, metrics },
    );

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

describe('Function: removeReceiptPlace', () => {
  it('removes every place key after an update and stamps place_removed_at', async () => {
    // Prepare
    const { imageId, receipts, words, ids } = await receiptWithWords(2, {
      canonical_merchant_name: 'SPROUTS',
      formatted_address: 'old',
    });
    await updateReceiptPlace(
      {
        imageId,
        receiptId: 1,
        changes: {
          merchant_name: { old: null, new: 'Sprouts' },
          merchant_category: { old: null, new: 'grocery' },
          formatted_address: { old: null, new: '1 Main St' },
          phone_number: { old: null, new: '555' },
          place_id: { old: null, new: 'p1' },
        },
      },
      { vectors: words, receipts, now },
    );
    const metrics = new RecordingMetrics();

    // Act
    const result = await removeReceiptPlace(
      { imageId, receiptId: 1 },
      { vectors: words, receipts, now: () => 'later', metrics },
    );

    // Assess
    expect(result).toMatchObject({ status: 'applied', updatedCount: 2 });
    for (const metadata of await metadataOf(words, ids)) {
      for (const key of [
        'canonical_merchant_name',
        'merchant_name',
        'merchant_category',
        'address',
        'formatted_address',
        'phone_number',
        'place_id',
      ]) {
        expect(metadata).not.toHaveProperty(key);
      }
      expect(metadata).toMatchObject({
        place_removed_at: 'later',
        last_place_update: NOW,
        text: expect.any(String),
      });
    }
    expect(metrics.names()).toEqual([
      'CompactionDynamoDBWords',
      'CompactionChromaDBRecordsFound',
      'CompactionPlaceRemovalTime',
      'CompactionPlaceRemovedRecords',
    ]);
  });

  it('skips a receipt without embeddings', async () => {
    // Prepare
    const imageId = randomUUID();
    const receipts = new InMemoryReceiptStore({ words: [makeWord(imageId, 1, 1, 1)] });

    // Act
    const result = await removeReceiptPlace(
      { imageId, receiptId: 1 },
      { vectors: new InMemoryVectorCollection('words'), receipts, now },
    );

    // Assess
    expect(result).toMatchObject({ status: 'skipped', reason: 'no embeddings found' });
  });
});
