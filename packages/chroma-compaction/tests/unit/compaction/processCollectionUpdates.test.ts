import { randomUUID } from 'node:crypto';
import { receiptKeys, receiptWordKeys } from '@receipt-chroma/dynamo-stream';
import { describe, expect, it } from 'vitest';
import {
  CompactionConfigurationError,
  InvalidStreamMessageError,
} from '../../../src/compaction/errors.js';
import { processCollectionUpdates } from '../../../src/compaction/processCollectionUpdates.js';
import type {
  CollectionName,
  DeltaMergeRequest,
  MergeDeltas,
} from '../../../src/compaction/types.js';
import { ReceiptStoreError } from '../../../src/errors.js';
import { lineChromaId, wordChromaId } from '../../../src/ids/chromaIds.js';
import { InMemoryReceiptStore } from '../../../src/testing/InMemoryReceiptStore.js';
import { InMemoryVectorCollection } from '../../../src/testing/InMemoryVectorCollection.js';
import {
  makeInMemoryLabelFixture,
  metadataOne,
  RecordingMetrics,
} from '../../helpers/compactionFixture.js';
import { seedWordsWorld, statuses } from '../../helpers/compactionWorld.js';
import {
  at,
  deltaInput,
  input,
  makeLine,
  makePlace,
  makeReceipt,
  makeWord,
  merchantNameInput,
  placeInput,
  removalInput,
  sectionInput,
} from '../../helpers/factories.js';
import { fakeDeltaMerger } from '../../helpers/fakeDeltaMerger.js';

/**
 * Cases that need the doubles' failure injection, read counts or a fake delta merger. The
 * cases that hold for any backend are in the processCollectionUpdates contract, run on the
 * doubles by processCollectionUpdates.contract.test.ts and on real services by the
 * integration tests.
 */

const NOW = '2026-01-04T13:00:00.000000+00:00';
const now = (): string => NOW;

/** Two receipts of one image, 4 words each (2 lines of 2), in the in-memory table and `words`. */
const wordsWorld = async () => {
  const fixture = makeInMemoryLabelFixture();
  const world = await seedWordsWorld(fixture);
  return { ...world, receipts: fixture.receipts, words: fixture.words };
};

/** Deletes a receipt of {@link wordsWorld} from the table: its words, then the receipt. */
const deleteReceiptFromTable = (
  receipts: InMemoryReceiptStore,
  imageId: string,
  receiptId: number,
): void => {
  for (const lineId of [1, 2]) {
    for (const wordId of [1, 2]) {
      receipts.deleteItem(
        `IMAGE#${imageId}`,
        receiptWordKeys(makeWord(imageId, receiptId, lineId, wordId)).SK,
      );
    }
  }
  receipts.deleteItem(`IMAGE#${imageId}`, receiptKeys(makeReceipt(imageId, receiptId)).SK);
};

describe('Function: processCollectionUpdates', () => {
  describe('places', () => {
    it('fails only the place message whose ReceiptStore read fails', async () => {
      // Prepare
      const { imageId, receipts, words } = await wordsWorld();
      receipts.addPlaces(
        makePlace(imageId, 1, { merchant_name: 'B' }),
        makePlace(imageId, 2, { merchant_name: 'C' }),
      );
      const failure = new ReceiptStoreError('throttled', { operation: 'query' });
      receipts.failNextRead(failure);

      // Act
      const result = await processCollectionUpdates(
        [
          merchantNameInput('first', imageId, 1, 'B', { timestamp: at(1) }),
          merchantNameInput('second', imageId, 2, 'C', { timestamp: at(2) }),
        ],
        'words',
        { vectors: words, receipts, now },
      );

      // Assess
      expect(statuses(result)).toEqual({ first: 'failed', second: 'applied' });
      expect(result.outcomes[0]?.error).toBe(failure);
      expect(result.hasErrors).toBe(true);
    });
  });

  describe('deletions', () => {
    it('converges on a re-created receipt and a deleted one, whatever their order in the batch', async () => {
      // Prepare: receipt 1 was deleted and created again with one word; receipt 2 was
      // deleted after its delta was produced.
      const { imageId, receipts, words, id } = await wordsWorld();
      deleteReceiptFromTable(receipts, imageId, 1);
      deleteReceiptFromTable(receipts, imageId, 2);
      receipts.addReceipts(makeReceipt(imageId, 1));
      receipts.addWords(makeWord(imageId, 1, 1, 1));
      const fresh = id(1, 1, 1);
      const { mergeDeltas, calls } = fakeDeltaMerger({
        'words/delta/again/': {
          ids: [fresh],
          metadatas: [{ image_id: imageId, receipt_id: 1, text: 'new' }],
        },
        'words/delta/old/': {
          ids: [id(2, 1, 1)],
          metadatas: [{ image_id: imageId, receipt_id: 2, text: 'old' }],
        },
      });
      const batch = [
        removalInput(
          'remove-1',
          'RECEIPT',
          { image_id: imageId, receipt_id: 1 },
          { timestamp: at(1) },
        ),
        deltaInput('run-1', imageId, 1, 'again', 'words/delta/again/', { timestamp: at(2) }),
        deltaInput('run-2', imageId, 2, 'old', 'words/delta/old/', { timestamp: at(3) }),
        removalInput(
          'remove-2',
          'RECEIPT',
          { image_id: imageId, receipt_id: 2 },
          { timestamp: at(4) },
        ),
      ];

      // Act
      const result = await processCollectionUpdates(batch, 'words', {
        vectors: words,
        receipts,
        now,
        mergeDeltas,
      });
      const replayed = await processCollectionUpdates(batch.toReversed(), 'words', {
        vectors: words,
        receipts,
        now,
        mergeDeltas,
      });

      // Assess
      // The merge of run-1 already pruned the old receipt's other words, and run-2, a run of
      // a deleted receipt, merged nothing and deleted receipt 2's embeddings: the removals
      // find nothing left to delete.
      expect(statuses(result)).toEqual({
        'remove-1': 'skipped',
        'run-1': 'applied',
        'run-2': 'applied',
        'remove-2': 'skipped',
      });
      expect(result.outcomes[0]).toMatchObject({
        reason: 'the receipt exists and has every word embedded',
      });
      expect(result.deltaMergeResults).toContainEqual(
        expect.objectContaining({
          recordId: 'run-2',
          status: 'skipped',
          reason: 'receipt deleted',
        }),
      );
      expect(result.totalDeletions).toBe(7);
      expect(calls.flat().map(({ runId }) => runId)).toEqual(['again', 'again']);
      expect(statuses(replayed)).toEqual({
        'remove-2': 'skipped',
        'run-2': 'skipped',
        'run-1': 'applied',
        'remove-1': 'skipped',
      });
      expect((await words.get({ include: [] })).ids).toEqual([fresh]);
      expect(await metadataOne(words, fresh)).toMatchObject({ text: 'new' });
    });
  });

  describe('deltas', () => {
    it('hands delta messages to mergeDeltas and reports its results per message', async () => {
      // Prepare
      const { imageId, receipts, words } = await wordsWorld();
      receipts.addReceipts(makeReceipt(imageId, 3), makeReceipt(imageId, 4));
      receipts.addWords(makeWord(imageId, 3, 1, 1));
      const newId = wordChromaId({ imageId, receiptId: 3, lineId: 1, wordId: 1 });
      const { mergeDeltas, calls } = fakeDeltaMerger({
        'words/delta/a/': { ids: [newId], metadatas: [{ image_id: imageId, receipt_id: 3 }] },
      });

      // Act
      const result = await processCollectionUpdates(
        [
          deltaInput('ok', imageId, 3, 'a', 'words/delta/a/'),
          deltaInput('missing', imageId, 4, 'b', 'words/delta/b/'),
          deltaInput('no-prefix', imageId, 5, 'c', null),
        ],
        'words',
        { vectors: words, receipts, now, mergeDeltas },
      );

      // Assess
      expect(calls).toHaveLength(1);
      expect(
        calls[0]?.map(({ recordId, runId, deltaPrefix }) => [recordId, runId, deltaPrefix]),
      ).toEqual([
        ['ok', 'a', 'words/delta/a/'],
        ['missing', 'b', 'words/delta/b/'],
      ]);
      expect(statuses(result)).toEqual({
        ok: 'applied',
        missing: 'failed',
        'no-prefix': 'skipped',
      });
      expect(result.deltaMergeCount).toBe(1);
      expect(result.failedDeltaMerges.map(({ recordId }) => recordId)).toEqual(['missing']);
      expect(await words.count()).toBe(9);
    });

    it('fails delta messages with a clear reason when no mergeDeltas is given, and the receipt with them', async () => {
      // Prepare
      const { imageId, receipts, words } = await wordsWorld();
      receipts.addPlaces(makePlace(imageId, 1), makePlace(imageId, 2));

      // Act
      const result = await processCollectionUpdates(
        [
          deltaInput('run', imageId, 1, 'a', 'words/delta/a/'),
          merchantNameInput('place', imageId, 1, 'B'),
          merchantNameInput('other', imageId, 2, 'B'),
        ],
        'words',
        { vectors: words, receipts, now },
      );

      // Assess
      expect(statuses(result)).toEqual({ run: 'failed', place: 'failed', other: 'applied' });
      expect(result.outcomes[1]).toMatchObject({
        reason: "the receipt's delta merge failed in this batch; retry with it",
      });
      expect(result.outcomes[0]).toMatchObject({ reason: 'no delta merger configured' });
      expect(result.outcomes[0]?.error).toBeInstanceOf(CompactionConfigurationError);
    });

    it('fails every delta message when mergeDeltas rejects or leaves one unanswered', async () => {
      // Prepare
      const { imageId, receipts, words } = await wordsWorld();
      const rejecting: MergeDeltas = async () => {
        throw new Error('S3 down');
      };
      const forgetful: MergeDeltas = async (runs) => [
        { ...(runs[0] as DeltaMergeRequest), status: 'applied', mergedCount: 0 },
      ];
      const broken = (async () => undefined) as unknown as MergeDeltas;
      const batch = [
        deltaInput('a', imageId, 1, 'a', 'p/a/'),
        deltaInput('b', imageId, 1, 'b', 'p/b/', { timestamp: at(1) }),
      ];
      const options = { vectors: words, receipts, now };

      // Act
      const rejected = await processCollectionUpdates(batch, 'words', {
        ...options,
        mergeDeltas: rejecting,
      });
      const partial = await processCollectionUpdates(batch, 'words', {
        ...options,
        mergeDeltas: forgetful,
      });
      const garbage = await processCollectionUpdates(batch, 'words', {
        ...options,
        mergeDeltas: broken,
      });

      // Assess
      expect(statuses(rejected)).toEqual({ a: 'failed', b: 'failed' });
      expect(rejected.outcomes[0]?.error?.message).toBe('S3 down');
      expect(statuses(partial)).toEqual({ a: 'applied', b: 'failed' });
      expect(partial.outcomes[1]).toMatchObject({ reason: 'no merge result' });
      expect(statuses(garbage)).toEqual({ a: 'failed', b: 'failed' });
    });

    it('fails a compaction run without a run id', async () => {
      // Prepare
      const { imageId, receipts, words } = await wordsWorld();
      const { mergeDeltas, calls } = fakeDeltaMerger({});
      const run = input({
        recordId: 'no-run-id',
        entityType: 'COMPACTION_RUN',
        eventName: 'INSERT',
        entityData: { image_id: imageId, receipt_id: 1, delta_s3_prefix: 'words/delta/x/' },
      });

      // Act
      const result = await processCollectionUpdates([run], 'words', {
        vectors: words,
        receipts,
        now,
        mergeDeltas,
      });

      // Assess
      expect(result.outcomes).toMatchObject([
        { status: 'failed', reason: 'invalid compaction run' },
      ]);
      expect(result.outcomes[0]?.error).toBeInstanceOf(InvalidStreamMessageError);
      expect(calls).toEqual([]);
    });
  });

  describe('labels and sections', () => {
    it('fails a merged delta whose section recompute fails, so both are retried', async () => {
      // Prepare
      const imageId = randomUUID();
      const lines = new InMemoryVectorCollection('lines');
      const receipts = new InMemoryReceiptStore({
        receipts: [makeReceipt(imageId, 2)],
        lines: [makeLine(imageId, 2, 5)],
      });
      const row = lineChromaId({ imageId, receiptId: 2, lineId: 5 });
      const { mergeDeltas } = fakeDeltaMerger({
        'lines/delta/r/': {
          ids: [row],
          metadatas: [{ image_id: imageId, receipt_id: 2, line_id: 5 }],
        },
      });
      receipts.failNextRead(undefined, 'listReceiptSections');

      // Act
      const result = await processCollectionUpdates(
        [deltaInput('run', imageId, 2, 'r', 'lines/delta/r/')],
        'lines',
        { vectors: lines, receipts, now, mergeDeltas },
      );

      // Assess
      expect(result.outcomes).toMatchObject([
        {
          recordId: 'run',
          status: 'failed',
          reason: 'merged, but the section recompute of the receipt failed',
        },
      ]);
      expect(result.deltaMergeResults).toMatchObject([{ status: 'applied' }]);
      expect(result.sectionUpdates).toMatchObject([{ status: 'failed' }]);
    });

    it('skips section messages on the words collection', async () => {
      // Prepare
      const { imageId, receipts, words } = await wordsWorld();

      // Act
      const result = await processCollectionUpdates(
        [sectionInput('s', imageId, 1, 'HEADER')],
        'words',
        { vectors: words, receipts, now },
      );

      // Assess
      expect(result.outcomes).toMatchObject([
        { status: 'skipped', reason: 'section labels are kept on the lines collection only' },
      ]);
      expect(receipts.reads).toBe(0);
    });
  });

  describe('bad input', () => {
    it('fails every message of an unknown collection', async () => {
      // Prepare
      const { imageId, receipts, words } = await wordsWorld();
      const metrics = new RecordingMetrics();

      // Act
      const result = await processCollectionUpdates(
        [placeInput('a', imageId, 1, 'MODIFY'), placeInput('b', imageId, 2, 'MODIFY')],
        // A JavaScript caller or a configuration string is not held to the type.
        'receipts' as CollectionName,
        { vectors: words, receipts, now, metrics },
      );

      // Assess
      expect(statuses(result)).toEqual({ a: 'failed', b: 'failed' });
      expect(result.outcomes[0]?.error).toBeInstanceOf(CompactionConfigurationError);
      expect(metrics.names()).toEqual(['CompactionUnknownCollectionType']);
      expect(receipts.reads).toBe(0);
    });

    it('fails every message when the vectors collection holds the other collection', async () => {
      // Prepare
      const { imageId, receipts } = await wordsWorld();

      // Act
      const result = await processCollectionUpdates(
        [merchantNameInput('p', imageId, 1, 'B')],
        'words',
        { vectors: new InMemoryVectorCollection('lines'), receipts, now },
      );

      // Assess
      expect(result.outcomes).toMatchObject([
        { status: 'failed', reason: 'the vectors collection "lines" is not a words collection' },
      ]);
      expect(result.outcomes[0]?.error).toBeInstanceOf(CompactionConfigurationError);
      expect(receipts.reads).toBe(0);
    });

    it('fails a message routed to the other collection', async () => {
      // Prepare
      const { imageId, receipts, words } = await wordsWorld();

      // Act
      const result = await processCollectionUpdates(
        [merchantNameInput('p', imageId, 1, 'B', { collection: 'lines' })],
        'words',
        { vectors: words, receipts, now },
      );

      // Assess
      expect(result.outcomes).toMatchObject([
        { status: 'failed', reason: 'routed to the lines collection' },
      ]);
      expect(result.outcomes[0]?.error).toBeInstanceOf(InvalidStreamMessageError);
    });
  });

  describe('observability', () => {
    it('records the processor metrics with the collection dimension', async () => {
      // Prepare
      const { imageId, receipts, words } = await wordsWorld();
      receipts.addPlaces(makePlace(imageId, 1, { merchant_name: 'B' }));
      deleteReceiptFromTable(receipts, imageId, 2);
      const metrics = new RecordingMetrics();

      // Act
      await processCollectionUpdates(
        [
          merchantNameInput('p', imageId, 1, 'B'),
          removalInput('r', 'RECEIPT', { image_id: imageId, receipt_id: 2 }),
        ],
        'words',
        { vectors: words, receipts, now, metrics },
      );

      // Assess
      const processor = metrics.recorded.filter(({ name }) =>
        [
          'CompactionCollectionUpdatesProcessed',
          'CompactionMetadataUpdatedCount',
          'CompactionLabelsUpdatedCount',
          'CompactionDeltasMergedCount',
          'CompactionEmbeddingsDeletedCount',
        ].includes(name),
      );
      expect(processor).toEqual([
        {
          kind: 'count',
          name: 'CompactionCollectionUpdatesProcessed',
          value: 1,
          dimensions: { collection: 'words' },
        },
        {
          kind: 'gauge',
          name: 'CompactionMetadataUpdatedCount',
          value: 4,
          dimensions: { collection: 'words' },
        },
        {
          kind: 'gauge',
          name: 'CompactionLabelsUpdatedCount',
          value: 0,
          dimensions: { collection: 'words' },
        },
        {
          kind: 'gauge',
          name: 'CompactionDeltasMergedCount',
          value: 0,
          dimensions: { collection: 'words' },
        },
        {
          kind: 'gauge',
          name: 'CompactionEmbeddingsDeletedCount',
          value: 4,
          dimensions: { collection: 'words' },
        },
      ]);
    });
  });
});
