import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidChromaIdError, ReceiptStoreError, VectorStoreError } from '../../../src/errors.js';
import { lineChromaId, wordChromaId } from '../../../src/ids/chromaIds.js';
import {
  deleteLineEmbeddings,
  deleteWordEmbeddings,
} from '../../../src/operations/embeddingDeletions.js';
import {
  deleteReceiptEmbeddings,
  pruneReceiptEmbeddings,
} from '../../../src/operations/receiptEmbeddingDeletions.js';
import type { WordRef } from '../../../src/ports/receiptStore.js';
import { InMemoryReceiptStore } from '../../../src/testing/InMemoryReceiptStore.js';
import { InMemoryVectorCollection } from '../../../src/testing/InMemoryVectorCollection.js';
import {
  CountingCollection,
  RecordingMetrics,
  seedRows,
  seedWords,
} from '../../helpers/compactionFixture.js';
import { makeLine, makeReceipt, makeWord } from '../../helpers/factories.js';
import { FlakyCollection, namesId } from '../../helpers/flakyCollection.js';

const wordsOf = (imageId: string, receiptId: number, count: number): WordRef[] =>
  Array.from({ length: count }, (_, index) => ({
    imageId,
    receiptId,
    lineId: Math.floor(index / 4) + 1,
    wordId: (index % 4) + 1,
  }));

const remainingIds = async (collection: InMemoryVectorCollection): Promise<string[]> =>
  (await collection.get({ include: [] })).ids;

describe('Function: deleteReceiptEmbeddings', () => {
  it('deletes every embedding of the receipt found by metadata, leaving other receipts', async () => {
    // Prepare
    const imageId = randomUUID();
    const words = new InMemoryVectorCollection('words');
    await seedWords(words, wordsOf(imageId, 1, 5));
    const kept = await seedWords(words, wordsOf(imageId, 2, 2));
    const metrics = new RecordingMetrics();

    // Act
    const result = await deleteReceiptEmbeddings(
      { imageId, receiptId: 1 },
      { vectors: words, receipts: new InMemoryReceiptStore(), metrics, recordIds: ['m1'] },
    );

    // Assess
    expect(result).toMatchObject({
      kind: 'deletion',
      entityType: 'RECEIPT',
      status: 'applied',
      deletedCount: 5,
      recordIds: ['m1'],
    });
    expect(await remainingIds(words)).toEqual(kept);
    expect(metrics.recorded).toContainEqual({
      kind: 'count',
      name: 'ReceiptEmbeddingsDeleted',
      value: 5,
      dimensions: { collection: 'words' },
    });
  });

  it('also deletes embeddings of words still in the table that lack receipt metadata', async () => {
    // Prepare
    const imageId = randomUUID();
    const words = new InMemoryVectorCollection('words');
    const bare = wordChromaId({ imageId, receiptId: 1, lineId: 9, wordId: 9 });
    await words.upsert({ ids: [bare], embeddings: [[1, 1]], metadatas: [{ text: 'x' }] });
    await seedWords(words, wordsOf(imageId, 1, 2));
    const receipts = new InMemoryReceiptStore({ words: [makeWord(imageId, 1, 9, 9)] });

    // Act
    const result = await deleteReceiptEmbeddings(
      { imageId, receiptId: 1 },
      { vectors: words, receipts },
    );

    // Assess
    expect(result).toMatchObject({ status: 'applied', deletedCount: 3 });
    expect(await words.count()).toBe(0);
  });

  it('deletes the rows of a lines collection', async () => {
    // Prepare
    const imageId = randomUUID();
    const lines = new InMemoryVectorCollection('lines');
    await seedRows(lines, imageId, 1, [{ lineIds: [1, 2] }, { lineIds: [3] }]);

    // Act
    const result = await deleteReceiptEmbeddings(
      { imageId, receiptId: 1 },
      { vectors: lines, receipts: new InMemoryReceiptStore() },
    );

    // Assess
    expect(result).toMatchObject({ status: 'applied', deletedCount: 2 });
    expect(await lines.count()).toBe(0);
  });

  it('deletes a receipt larger than one request in batches', async () => {
    // Prepare
    const imageId = randomUUID();
    const words = new InMemoryVectorCollection('words');
    await seedWords(words, wordsOf(imageId, 1, 11));
    const counting = new CountingCollection(words);

    // Act
    const result = await deleteReceiptEmbeddings(
      { imageId, receiptId: 1 },
      { vectors: counting, receipts: new InMemoryReceiptStore(), maxBatchSize: 4 },
    );

    // Assess
    expect(result).toMatchObject({ status: 'applied', deletedCount: 11 });
    expect(counting.calls.get).toBe(3);
    expect(counting.calls.delete).toBe(3);
    expect(await words.count()).toBe(0);
  });

  it('skips a receipt without embeddings', async () => {
    // Prepare
    const words = new InMemoryVectorCollection('words');

    // Act
    const result = await deleteReceiptEmbeddings(
      { imageId: randomUUID(), receiptId: 1 },
      { vectors: words, receipts: new InMemoryReceiptStore() },
    );

    // Assess
    expect(result).toMatchObject({
      status: 'skipped',
      deletedCount: 0,
      reason: 'no embeddings found',
    });
  });

  it('deletes only the embeddings of words a re-created receipt no longer has', async () => {
    // Prepare
    const imageId = randomUUID();
    const words = new InMemoryVectorCollection('words');
    const [current, gone] = wordsOf(imageId, 1, 2) as [WordRef, WordRef];
    const [currentId, goneId] = await seedWords(words, [current, gone]);
    const receipts = new InMemoryReceiptStore({
      receipts: [makeReceipt(imageId, 1)],
      words: [makeWord(imageId, 1, current.lineId, current.wordId)],
    });

    // Act
    const result = await deleteReceiptEmbeddings(
      { imageId, receiptId: 1 },
      { vectors: words, receipts, recordIds: ['late-remove'] },
    );

    // Assess
    expect(result).toMatchObject({ status: 'applied', deletedCount: 1, chromaIds: [goneId] });
    expect(await remainingIds(words)).toEqual([currentId]);
  });

  it('skips the removal of a re-created receipt whose every word is in the table', async () => {
    // Prepare
    const imageId = randomUUID();
    const words = new InMemoryVectorCollection('words');
    const refs = wordsOf(imageId, 1, 2);
    await seedWords(words, refs);
    const receipts = new InMemoryReceiptStore({
      receipts: [makeReceipt(imageId, 1)],
      words: refs.map((ref) => makeWord(imageId, 1, ref.lineId, ref.wordId)),
    });

    // Act
    const result = await deleteReceiptEmbeddings(
      { imageId, receiptId: 1 },
      { vectors: words, receipts },
    );

    // Assess
    expect(result).toMatchObject({
      status: 'skipped',
      reason: 'the receipt exists and has every word embedded',
    });
    expect(await words.count()).toBe(2);
  });

  it('fails with the ReceiptStore error and deletes nothing', async () => {
    // Prepare
    const imageId = randomUUID();
    const words = new InMemoryVectorCollection('words');
    await seedWords(words, wordsOf(imageId, 1, 2));
    const receipts = new InMemoryReceiptStore();
    const failure = new ReceiptStoreError('throttled', { operation: 'query' });
    receipts.failNextRead(failure);
    const metrics = new RecordingMetrics();

    // Act
    const result = await deleteReceiptEmbeddings(
      { imageId, receiptId: 1 },
      { vectors: words, receipts, metrics },
    );

    // Assess
    expect(result).toMatchObject({ status: 'failed', deletedCount: 0 });
    expect(result.error).toBe(failure);
    expect(await words.count()).toBe(2);
    expect(metrics.recorded).toContainEqual({
      kind: 'count',
      name: 'EmbeddingDeletionError',
      value: 1,
      dimensions: { collection: 'words', entity_type: 'RECEIPT' },
    });
  });

  it('fails with the VectorCollection error of the metadata query', async () => {
    // Prepare
    const words = new InMemoryVectorCollection('words');
    words.failNext('get');

    // Act
    const result = await deleteReceiptEmbeddings(
      { imageId: randomUUID(), receiptId: 1 },
      { vectors: words, receipts: new InMemoryReceiptStore() },
    );

    // Assess
    expect(result).toMatchObject({ status: 'failed', reason: 'could not read the embeddings' });
    expect(result.error).toBeInstanceOf(VectorStoreError);
  });

  it('fails with the VectorCollection error of the delete', async () => {
    // Prepare
    const imageId = randomUUID();
    const words = new InMemoryVectorCollection('words');
    await seedWords(words, wordsOf(imageId, 1, 2));
    words.failNext('delete');

    // Act
    const result = await deleteReceiptEmbeddings(
      { imageId, receiptId: 1 },
      { vectors: words, receipts: new InMemoryReceiptStore() },
    );

    // Assess
    expect(result).toMatchObject({
      status: 'failed',
      reason: 'could not delete the embeddings after 0 of 2 records',
    });
    expect(result.error).toBeInstanceOf(VectorStoreError);
    expect(await words.count()).toBe(2);
  });
});

describe('Function: pruneReceiptEmbeddings', () => {
  it('deletes the rows of lines the table lacks without reading the receipt item', async () => {
    // Prepare
    const imageId = randomUUID();
    const lines = new InMemoryVectorCollection('lines');
    const [kept, pruned] = await seedRows(lines, imageId, 1, [{ lineIds: [0] }, { lineIds: [4] }]);
    const receipts = new InMemoryReceiptStore({ lines: [makeLine(imageId, 1, 0)] });

    // Act
    const result = await pruneReceiptEmbeddings(
      { imageId, receiptId: 1 },
      { vectors: lines, receipts },
    );

    // Assess
    expect(result).toMatchObject({ status: 'applied', chromaIds: [pruned] });
    expect(await remainingIds(lines)).toEqual([kept]);
    expect(receipts.reads).toBe(1);
  });
});

describe('Function: deleteWordEmbeddings', () => {
  it('keeps the embedding of a word the table has again, and deletes word 0 of line 0', async () => {
    // Prepare
    const imageId = randomUUID();
    const words = new InMemoryVectorCollection('words');
    const recreated = { imageId, receiptId: 1, lineId: 1, wordId: 1 };
    const zero = { imageId, receiptId: 1, lineId: 0, wordId: 0 };
    const [recreatedId, zeroId] = await seedWords(words, [recreated, zero]);
    const receipts = new InMemoryReceiptStore({ words: [makeWord(imageId, 1, 1, 1)] });

    // Act
    const results = await deleteWordEmbeddings([recreated, zero], { vectors: words, receipts });

    // Assess
    expect(results).toMatchObject([
      { status: 'skipped', reason: 'the word exists in the receipts table' },
      { status: 'applied', chromaIds: [zeroId] },
    ]);
    expect(await remainingIds(words)).toEqual([recreatedId]);
  });

  it('fails the words of a receipt whose words cannot be read, deleting nothing of it', async () => {
    // Prepare
    const imageId = randomUUID();
    const words = new InMemoryVectorCollection('words');
    const refs = wordsOf(imageId, 1, 2);
    await seedWords(words, refs);
    const receipts = new InMemoryReceiptStore();
    const failure = new ReceiptStoreError('throttled', { operation: 'query' });
    receipts.failNextRead(failure);

    // Act
    const results = await deleteWordEmbeddings(refs, { vectors: words, receipts });

    // Assess
    expect(results).toMatchObject([
      { status: 'failed', reason: "could not read the receipt's words", error: failure },
      { status: 'failed', reason: "could not read the receipt's words", error: failure },
    ]);
    expect(await words.count()).toBe(2);
  });

  it('deletes existing words in one get and one delete, and skips the missing one', async () => {
    // Prepare
    const imageId = randomUUID();
    const words = new InMemoryVectorCollection('words');
    const refs = wordsOf(imageId, 1, 3);
    const ids = await seedWords(words, refs.slice(0, 2));
    const counting = new CountingCollection(words);
    const metrics = new RecordingMetrics();

    // Act
    const results = await deleteWordEmbeddings(
      refs.map((ref, index) => ({ ...ref, recordIds: [`m${index}`] })),
      { vectors: counting, receipts: new InMemoryReceiptStore(), metrics },
    );

    // Assess
    expect(results).toMatchObject([
      { status: 'applied', deletedCount: 1, chromaIds: [ids[0]], recordIds: ['m0'] },
      { status: 'applied', deletedCount: 1, chromaIds: [ids[1]], recordIds: ['m1'] },
      { status: 'skipped', deletedCount: 0, reason: 'no embedding found', recordIds: ['m2'] },
    ]);
    expect(counting.calls).toMatchObject({ get: 1, delete: 1 });
    expect(await words.count()).toBe(0);
    expect(metrics.recorded).toEqual([
      {
        kind: 'count',
        name: 'WordEmbeddingDeleted',
        value: 2,
        dimensions: { collection: 'words' },
      },
    ]);
  });

  it('fails only the word Chroma refuses, deleting the others', async () => {
    // Prepare
    const imageId = randomUUID();
    const words = new InMemoryVectorCollection('words');
    const refs = wordsOf(imageId, 1, 3);
    const ids = await seedWords(words, refs);
    const flaky = new FlakyCollection(words).failWhen('delete', namesId(ids[1] ?? ''));

    // Act
    const results = await deleteWordEmbeddings(refs, {
      vectors: flaky,
      receipts: new InMemoryReceiptStore(),
    });

    // Assess
    expect(results.map(({ status }) => status)).toEqual(['applied', 'failed', 'applied']);
    expect(results[1]?.error).toBeInstanceOf(VectorStoreError);
    expect(await remainingIds(words)).toEqual([ids[1]]);
  });

  it('fails a word whose ids are not integers, without touching the others', async () => {
    // Prepare
    const imageId = randomUUID();
    const words = new InMemoryVectorCollection('words');
    const [ref] = wordsOf(imageId, 1, 1);
    await seedWords(words, [ref as WordRef]);

    // Act
    const results = await deleteWordEmbeddings(
      [{ imageId, receiptId: 1, lineId: 1.5, wordId: 1 }, ref as WordRef],
      { vectors: words, receipts: new InMemoryReceiptStore() },
    );

    // Assess
    expect(results).toMatchObject([
      { status: 'failed', reason: 'invalid ids' },
      { status: 'applied' },
    ]);
    expect(results[0]?.error).toBeInstanceOf(InvalidChromaIdError);
  });

  it('skips words on a lines collection', async () => {
    // Prepare
    const lines = new InMemoryVectorCollection('lines');

    // Act
    const results = await deleteWordEmbeddings(wordsOf(randomUUID(), 1, 1), {
      vectors: lines,
      receipts: new InMemoryReceiptStore(),
    });

    // Assess
    expect(results).toMatchObject([
      { status: 'skipped', reason: 'words have no embeddings in the lines collection' },
    ]);
  });

  it('fails every word on a collection that is neither words nor lines', async () => {
    // Act
    const results = await deleteWordEmbeddings(wordsOf(randomUUID(), 1, 2), {
      vectors: new InMemoryVectorCollection('things'),
      receipts: new InMemoryReceiptStore(),
    });

    // Assess
    expect(results).toMatchObject([
      { status: 'failed', reason: 'unknown collection type' },
      { status: 'failed', reason: 'unknown collection type' },
    ]);
  });
});

describe('Function: deleteLineEmbeddings', () => {
  it('deletes the row of a removed primary line and skips a line without a row', async () => {
    // Prepare
    const imageId = randomUUID();
    const lines = new InMemoryVectorCollection('lines');
    const [first, second] = await seedRows(lines, imageId, 1, [
      { lineIds: [1, 2] },
      { lineIds: [3] },
    ]);
    const metrics = new RecordingMetrics();

    // Act
    const results = await deleteLineEmbeddings(
      [
        { imageId, receiptId: 1, lineId: 1, recordIds: ['a'] },
        { imageId, receiptId: 1, lineId: 2, recordIds: ['b'] },
      ],
      { vectors: lines, receipts: new InMemoryReceiptStore(), metrics },
    );

    // Assess
    expect(results).toMatchObject([
      { entityType: 'RECEIPT_LINE', status: 'applied', chromaIds: [first], recordIds: ['a'] },
      { entityType: 'RECEIPT_LINE', status: 'skipped', recordIds: ['b'] },
    ]);
    expect(await remainingIds(lines)).toEqual([second]);
    expect(metrics.names()).toEqual(['LineEmbeddingDeleted']);
    expect(lineChromaId({ imageId, receiptId: 1, lineId: 1 })).toBe(first);
  });

  it('fails every line with the error when Chroma is down', async () => {
    // Prepare
    const imageId = randomUUID();
    const lines = new InMemoryVectorCollection('lines');
    await seedRows(lines, imageId, 1, [{ lineIds: [1] }, { lineIds: [2] }]);
    const flaky = new FlakyCollection(lines).failWhen('get', () => true);

    // Act
    const results = await deleteLineEmbeddings(
      [
        { imageId, receiptId: 1, lineId: 1 },
        { imageId, receiptId: 1, lineId: 2 },
      ],
      { vectors: flaky, receipts: new InMemoryReceiptStore() },
    );

    // Assess
    expect(results.map(({ status }) => status)).toEqual(['failed', 'failed']);
    expect(await lines.count()).toBe(2);
  });
});
