import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CompactionConfigurationError,
  InvalidStreamMessageError,
} from '../../../src/compaction/errors.js';
import { processCollectionUpdates } from '../../../src/compaction/processCollectionUpdates.js';
import type {
  CollectionUpdateInput,
  DeltaMergeRequest,
  MergeDeltas,
} from '../../../src/compaction/types.js';
import { InvalidChromaIdError, ReceiptStoreError, VectorStoreError } from '../../../src/errors.js';
import { lineChromaId, wordChromaId } from '../../../src/ids/chromaIds.js';
import type { WordRef } from '../../../src/ports/receiptStore.js';
import type { VectorCollection } from '../../../src/ports/vectorCollection.js';
import { InMemoryReceiptStore } from '../../../src/testing/inMemoryReceiptStore.js';
import { InMemoryVectorCollection } from '../../../src/testing/inMemoryVectorCollection.js';
import { FlakyCollection, namesId } from '../../helpers/flakyCollection.js';
import {
  CountingCollection,
  metadataOf,
  metadataOne,
  RecordingMetrics,
  seedRows,
  seedWords,
} from '../../helpers/operationFixtures.js';
import { makeLabel, makeLine, makeSection, makeWord } from '../../helpers/receiptEntities.js';
import {
  at,
  deltaInput,
  input,
  placeInput,
  removalInput,
  sectionMessageInput,
  wordLabelInput,
} from '../../helpers/streamInputs.js';

const NOW = '2026-01-04T13:00:00.000000+00:00';
const now = (): string => NOW;

/** Two receipts of one image, 4 words each (2 lines of 2), in the table and in `words`. */
const wordsWorld = async () => {
  const imageId = randomUUID();
  const refs = (receiptId: number): WordRef[] =>
    [1, 2].flatMap((lineId) => [1, 2].map((wordId) => ({ imageId, receiptId, lineId, wordId })));
  const all = [...refs(1), ...refs(2)];
  const receipts = new InMemoryReceiptStore({
    words: all.map((ref) => makeWord(imageId, ref.receiptId, ref.lineId, ref.wordId)),
    lines: [1, 2].flatMap((receiptId) =>
      [1, 2].map((lineId) => makeLine(imageId, receiptId, lineId)),
    ),
  });
  const words = new InMemoryVectorCollection('words');
  await seedWords(words, all);
  const id = (receiptId: number, lineId: number, wordId: number): string =>
    wordChromaId({ imageId, receiptId, lineId, wordId });
  return {
    imageId,
    receipts,
    words,
    id,
    word: (r: number, l: number, w: number) => ({ imageId, receiptId: r, lineId: l, wordId: w }),
  };
};

const statuses = (result: { outcomes: readonly { recordId: string; status: string }[] }) =>
  Object.fromEntries(result.outcomes.map(({ recordId, status }) => [recordId, status]));

const snapshot = async (collection: VectorCollection) =>
  collection.get({ include: ['metadatas', 'documents', 'embeddings'] });

/** A delta merger that upserts the vectors a test registered under each prefix. */
const fakeMerger = (
  deltas: Record<string, { ids: string[]; metadatas: Record<string, string | number>[] }>,
) => {
  const calls: DeltaMergeRequest[][] = [];
  const mergeDeltas: MergeDeltas = async (runs, { vectors }) => {
    calls.push([...runs]);
    const results = [];
    for (const run of runs) {
      const delta = deltas[run.deltaPrefix];
      if (delta === undefined) {
        results.push({
          ...run,
          status: 'failed' as const,
          mergedCount: 0,
          reason: 'delta download failed',
          error: new Error('NoSuchKey'),
        });
        continue;
      }
      await vectors.upsert({
        ids: delta.ids,
        embeddings: delta.ids.map(() => [0.5, 0.5]),
        metadatas: delta.metadatas,
      });
      results.push({
        recordId: run.recordId,
        runId: run.runId,
        imageId: run.imageId,
        receiptId: run.receiptId,
        status: 'applied' as const,
        mergedCount: delta.ids.length,
      });
    }
    return results;
  };
  return { mergeDeltas, calls };
};

describe('Function: processCollectionUpdates', () => {
  describe('places', () => {
    it('applies a place update and then its removal', async () => {
      // Prepare
      const { imageId, receipts, words, id } = await wordsWorld();
      const options = { vectors: words, receipts, now };

      // Act
      const updated = await processCollectionUpdates(
        [
          placeInput('u', imageId, 1, 'MODIFY', {
            merchant_name: { old: null, new: 'Sprouts' },
            formatted_address: { old: null, new: '1 Main' },
          }),
        ],
        'words',
        options,
      );
      const afterUpdate = await metadataOne(words, id(1, 1, 1));
      const removed = await processCollectionUpdates(
        [placeInput('r', imageId, 1, 'REMOVE', {}, { timestamp: at(5) })],
        'words',
        options,
      );

      // Assess
      expect(updated.outcomes).toEqual([
        { recordId: 'u', status: 'applied', reason: undefined, error: undefined },
      ]);
      expect(updated.totalMetadataUpdated).toBe(4);
      expect(afterUpdate).toMatchObject({
        merchant_name: 'Sprouts',
        address: '1 Main',
        last_place_update: NOW,
      });
      expect(removed.outcomes).toMatchObject([{ recordId: 'r', status: 'applied' }]);
      const afterRemoval = await metadataOne(words, id(1, 1, 1));
      expect(afterRemoval).not.toHaveProperty('merchant_name');
      expect(afterRemoval).not.toHaveProperty('address');
      expect(afterRemoval).toMatchObject({ place_removed_at: NOW });
      expect(await metadataOne(words, id(2, 1, 1))).not.toHaveProperty('place_removed_at');
    });

    it('keeps a place set again after its removal in the same batch', async () => {
      // Prepare
      const { imageId, receipts, words, id } = await wordsWorld();

      // Act
      const result = await processCollectionUpdates(
        [
          placeInput(
            'set-again',
            imageId,
            1,
            'MODIFY',
            { merchant_name: { old: null, new: 'New' } },
            { timestamp: at(2) },
          ),
          placeInput('removed', imageId, 1, 'REMOVE', {}, { timestamp: at(1) }),
        ],
        'words',
        { vectors: words, receipts, now },
      );

      // Assess
      expect(statuses(result)).toEqual({ 'set-again': 'applied', removed: 'applied' });
      expect(await metadataOne(words, id(1, 2, 2))).toMatchObject({ merchant_name: 'New' });
    });

    it('writes a receipt with more records than one write allows in batches', async () => {
      // Prepare
      const imageId = randomUUID();
      const refs: WordRef[] = Array.from({ length: 520 }, (_, index) => ({
        imageId,
        receiptId: 1,
        lineId: Math.floor(index / 10) + 1,
        wordId: (index % 10) + 1,
      }));
      const receipts = new InMemoryReceiptStore({
        words: refs.map((ref) => makeWord(imageId, 1, ref.lineId, ref.wordId)),
      });
      const words = new InMemoryVectorCollection('words');
      await seedWords(words, refs);
      const counting = new CountingCollection(words);

      // Act
      const result = await processCollectionUpdates(
        [placeInput('big', imageId, 1, 'MODIFY', { merchant_name: { old: 'A', new: 'B' } })],
        'words',
        { vectors: counting, receipts, now },
      );

      // Assess
      expect(statuses(result)).toEqual({ big: 'applied' });
      expect(result.totalMetadataUpdated).toBe(520);
      expect(counting.updateSizes).toEqual([250, 250, 20]);
    });

    it('skips a place change for a receipt whose embeddings do not exist', async () => {
      // Prepare
      const imageId = randomUUID();
      const receipts = new InMemoryReceiptStore({ words: [makeWord(imageId, 1, 1, 1)] });

      // Act
      const result = await processCollectionUpdates(
        [placeInput('p', imageId, 1, 'MODIFY', { merchant_name: { old: 'A', new: 'B' } })],
        'words',
        { vectors: new InMemoryVectorCollection('words'), receipts, now },
      );

      // Assess
      expect(result.outcomes).toMatchObject([
        { recordId: 'p', status: 'skipped', reason: 'no embeddings found' },
      ]);
      expect(result.hasErrors).toBe(false);
    });

    it('fails only the place message whose ReceiptStore read fails', async () => {
      // Prepare
      const { imageId, receipts, words } = await wordsWorld();
      const failure = new ReceiptStoreError('throttled', { operation: 'query' });
      receipts.failNextRead(failure);

      // Act
      const result = await processCollectionUpdates(
        [
          placeInput(
            'first',
            imageId,
            1,
            'MODIFY',
            { merchant_name: { old: 'A', new: 'B' } },
            { timestamp: at(1) },
          ),
          placeInput(
            'second',
            imageId,
            2,
            'MODIFY',
            { merchant_name: { old: 'A', new: 'C' } },
            { timestamp: at(2) },
          ),
        ],
        'words',
        { vectors: words, receipts, now },
      );

      // Assess
      expect(statuses(result)).toEqual({ first: 'failed', second: 'applied' });
      expect(result.outcomes[0]?.error).toBe(failure);
      expect(result.hasErrors).toBe(true);
    });

    it('fails only the place message whose VectorCollection write fails', async () => {
      // Prepare
      const { imageId, receipts, words } = await wordsWorld();
      const flaky = new FlakyCollection(words).failCall('update', 1);

      // Act
      const result = await processCollectionUpdates(
        [
          placeInput(
            'first',
            imageId,
            1,
            'MODIFY',
            { merchant_name: { old: 'A', new: 'B' } },
            { timestamp: at(1) },
          ),
          placeInput(
            'second',
            imageId,
            2,
            'MODIFY',
            { merchant_name: { old: 'A', new: 'C' } },
            { timestamp: at(2) },
          ),
        ],
        'words',
        { vectors: flaky, receipts, now },
      );

      // Assess
      expect(statuses(result)).toEqual({ first: 'failed', second: 'applied' });
      expect(result.outcomes[0]?.error).toBeInstanceOf(VectorStoreError);
      expect(result.metadataUpdates.map(({ status }) => status)).toEqual(['failed', 'applied']);
      expect(result.totalMetadataUpdated).toBe(4);
    });
  });

  describe('deletions', () => {
    it('deletes the embeddings of a removed receipt, line and word', async () => {
      // Prepare
      const { imageId, receipts, words, id, word } = await wordsWorld();
      const lines = new InMemoryVectorCollection('lines');
      const [row1, row2] = await seedRows(lines, imageId, 2, [{ lineIds: [1] }, { lineIds: [2] }]);

      // Act
      const wordsResult = await processCollectionUpdates(
        [
          removalInput('receipt', 'RECEIPT', { image_id: imageId, receipt_id: 1 }),
          removalInput('word', 'RECEIPT_WORD', {
            image_id: imageId,
            receipt_id: 2,
            line_id: 1,
            word_id: 2,
          }),
        ],
        'words',
        { vectors: words, receipts, now },
      );
      const linesResult = await processCollectionUpdates(
        [removalInput('line', 'RECEIPT_LINE', { image_id: imageId, receipt_id: 2, line_id: 1 })],
        'lines',
        { vectors: lines, receipts, now },
      );

      // Assess
      expect(statuses(wordsResult)).toEqual({ receipt: 'applied', word: 'applied' });
      expect(wordsResult.totalDeletions).toBe(5);
      expect((await words.get({ include: [] })).ids).toEqual([
        id(2, 1, 1),
        id(2, 2, 1),
        id(2, 2, 2),
      ]);
      expect(word(2, 1, 2).wordId).toBe(2);
      expect(statuses(linesResult)).toEqual({ line: 'applied' });
      expect((await lines.get({ include: [] })).ids).toEqual([row2]);
      expect(row1).toBe(lineChromaId({ imageId, receiptId: 2, lineId: 1 }));
    });

    it('skips the removal of a word whose embedding does not exist', async () => {
      // Prepare
      const { imageId, receipts, words } = await wordsWorld();

      // Act
      const result = await processCollectionUpdates(
        [
          removalInput('gone', 'RECEIPT_WORD', {
            image_id: imageId,
            receipt_id: 1,
            line_id: 7,
            word_id: 7,
          }),
        ],
        'words',
        { vectors: words, receipts, now },
      );

      // Assess
      expect(result.outcomes).toMatchObject([
        { recordId: 'gone', status: 'skipped', reason: 'no embedding found' },
      ]);
      expect(await words.count()).toBe(8);
    });

    it('fails the removals whose Chroma calls fail and keeps the others', async () => {
      // Prepare
      const { imageId, receipts, words, id } = await wordsWorld();
      const flaky = new FlakyCollection(words).failWhen('delete', namesId(id(1, 1, 1)));

      // Act
      const result = await processCollectionUpdates(
        [
          removalInput('bad', 'RECEIPT_WORD', {
            image_id: imageId,
            receipt_id: 1,
            line_id: 1,
            word_id: 1,
          }),
          removalInput('good', 'RECEIPT_WORD', {
            image_id: imageId,
            receipt_id: 1,
            line_id: 1,
            word_id: 2,
          }),
        ],
        'words',
        { vectors: flaky, receipts, now },
      );

      // Assess
      expect(statuses(result)).toEqual({ bad: 'failed', good: 'applied' });
      expect(result.outcomes[0]?.error).toBeInstanceOf(VectorStoreError);
      expect(await words.count()).toBe(7);
    });

    it('applies a removal before a later delta of the same receipt, and after an earlier one', async () => {
      // Prepare
      const { imageId, receipts, words, id } = await wordsWorld();
      const fresh = id(1, 1, 1);
      const { mergeDeltas } = fakeMerger({
        'words/delta/again/': {
          ids: [fresh],
          metadatas: [{ image_id: imageId, receipt_id: 1, text: 'new' }],
        },
        'words/delta/old/': {
          ids: [id(2, 1, 1)],
          metadatas: [{ image_id: imageId, receipt_id: 2, text: 'old' }],
        },
      });

      // Act
      const result = await processCollectionUpdates(
        [
          // Receipt 1 is deleted, then created again with a new delta.
          removalInput(
            'remove-1',
            'RECEIPT',
            { image_id: imageId, receipt_id: 1 },
            { timestamp: at(1) },
          ),
          deltaInput('run-1', imageId, 1, 'again', 'words/delta/again/', { timestamp: at(2) }),
          // Receipt 2's delta arrives in the same batch as its later deletion.
          deltaInput('run-2', imageId, 2, 'old', 'words/delta/old/', { timestamp: at(3) }),
          removalInput(
            'remove-2',
            'RECEIPT',
            { image_id: imageId, receipt_id: 2 },
            { timestamp: at(4) },
          ),
        ],
        'words',
        { vectors: words, receipts: new InMemoryReceiptStore(), now, mergeDeltas },
      );

      // Assess
      expect(statuses(result)).toEqual({
        'remove-1': 'applied',
        'run-1': 'applied',
        'run-2': 'applied',
        'remove-2': 'applied',
      });
      expect((await words.get({ include: [] })).ids).toEqual([fresh]);
      expect(await metadataOne(words, fresh)).toMatchObject({ text: 'new' });
      expect(receipts.reads).toBe(0);
    });
  });

  describe('deltas', () => {
    it('hands delta messages to mergeDeltas and reports its results per message', async () => {
      // Prepare
      const { imageId, receipts, words } = await wordsWorld();
      const newId = wordChromaId({ imageId, receiptId: 3, lineId: 1, wordId: 1 });
      const { mergeDeltas, calls } = fakeMerger({
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

    it('fails delta messages with a clear reason when no mergeDeltas is given', async () => {
      // Prepare
      const { imageId, receipts, words } = await wordsWorld();

      // Act
      const result = await processCollectionUpdates(
        [
          deltaInput('run', imageId, 1, 'a', 'words/delta/a/'),
          placeInput('place', imageId, 1, 'MODIFY', { merchant_name: { old: 'A', new: 'B' } }),
        ],
        'words',
        { vectors: words, receipts, now },
      );

      // Assess
      expect(statuses(result)).toEqual({ run: 'failed', place: 'applied' });
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
      const { mergeDeltas, calls } = fakeMerger({});
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
    it('rebuilds word labels from the table: removing one of two labels keeps the other', async () => {
      // Prepare
      const { imageId, receipts, words, id, word } = await wordsWorld();
      const total = makeLabel(imageId, 1, 1, 1, 'TOTAL');
      const tax = makeLabel(imageId, 1, 1, 1, 'TAX', { validation_status: 'INVALID' });
      receipts.addLabels(total, tax);
      const options = { vectors: words, receipts, now };
      await processCollectionUpdates(
        [wordLabelInput('add', word(1, 1, 1), 'TAX', 'MODIFY')],
        'words',
        options,
      );
      receipts.deleteItem(`IMAGE#${imageId}`, `RECEIPT#00001#LINE#00001#WORD#00001#LABEL#TAX`);

      // Act
      const result = await processCollectionUpdates(
        [wordLabelInput('remove', word(1, 1, 1), 'TAX', 'REMOVE')],
        'words',
        options,
      );

      // Assess
      expect(statuses(result)).toEqual({ remove: 'applied' });
      expect(result.totalLabelsUpdated).toBe(1);
      expect(await metadataOne(words, id(1, 1, 1))).toMatchObject({
        valid_labels_array: ['TOTAL'],
        label_status: 'validated',
      });
      expect(await metadataOne(words, id(1, 1, 1))).not.toHaveProperty('invalid_labels_array');
    });

    it('recomputes sections on lines for section messages and merged deltas', async () => {
      // Prepare
      const imageId = randomUUID();
      const lines = new InMemoryVectorCollection('lines');
      const [row1] = await seedRows(lines, imageId, 1, [{ lineIds: [1, 2] }]);
      const receipts = new InMemoryReceiptStore({
        sections: [
          makeSection(imageId, 1, 'HEADER', [1, 2]),
          makeSection(imageId, 2, 'FOOTER', [5]),
        ],
      });
      const row5 = lineChromaId({ imageId, receiptId: 2, lineId: 5 });
      const { mergeDeltas } = fakeMerger({
        'lines/delta/r/': {
          ids: [row5],
          metadatas: [{ image_id: imageId, receipt_id: 2, line_id: 5, row_line_ids: '[5]' }],
        },
      });

      // Act
      const result = await processCollectionUpdates(
        [
          sectionMessageInput('section', imageId, 1, 'HEADER'),
          deltaInput('run', imageId, 2, 'r', 'lines/delta/r/'),
        ],
        'lines',
        { vectors: lines, receipts, now, mergeDeltas },
      );

      // Assess
      expect(statuses(result)).toEqual({ section: 'applied', run: 'applied' });
      expect(await metadataOf(lines, [row1 as string, row5])).toMatchObject([
        { section_label: 'HEADER' },
        { section_label: 'FOOTER' },
      ]);
      expect(result.totalSectionsUpdated).toBe(2);
    });

    it('fails a merged delta whose section recompute fails, so both are retried', async () => {
      // Prepare
      const imageId = randomUUID();
      const lines = new InMemoryVectorCollection('lines');
      const receipts = new InMemoryReceiptStore();
      const row = lineChromaId({ imageId, receiptId: 2, lineId: 5 });
      const { mergeDeltas } = fakeMerger({
        'lines/delta/r/': {
          ids: [row],
          metadatas: [{ image_id: imageId, receipt_id: 2, line_id: 5 }],
        },
      });
      receipts.failNextRead();

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
        [sectionMessageInput('s', imageId, 1, 'HEADER')],
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

  describe('batches', () => {
    /** A batch of every message type for the words collection, plus what it needs. */
    const mixedBatch = async () => {
      const world = await wordsWorld();
      const { imageId, receipts, word } = world;
      receipts.addLabels(makeLabel(imageId, 2, 2, 2, 'TOTAL'));
      const newId = wordChromaId({ imageId, receiptId: 3, lineId: 1, wordId: 1 });
      const merger = fakeMerger({
        'words/delta/n/': {
          ids: [newId],
          metadatas: [{ image_id: imageId, receipt_id: 3, text: 'n' }],
        },
      });
      const inputs: CollectionUpdateInput[] = [
        deltaInput('delta', imageId, 3, 'n', 'words/delta/n/', { timestamp: at(1) }),
        placeInput(
          'place',
          imageId,
          2,
          'MODIFY',
          { merchant_name: { old: 'A', new: 'B' } },
          { timestamp: at(2) },
        ),
        wordLabelInput('label', word(2, 2, 2), 'TOTAL', 'MODIFY', { timestamp: at(3) }),
        sectionMessageInput('section', imageId, 2, 'HEADER', { timestamp: at(4) }),
        removalInput(
          'word',
          'RECEIPT_WORD',
          { image_id: imageId, receipt_id: 2, line_id: 1, word_id: 1 },
          { timestamp: at(5) },
        ),
        removalInput(
          'receipt',
          'RECEIPT',
          { image_id: imageId, receipt_id: 1 },
          { timestamp: at(6) },
        ),
        input({
          recordId: 'summary',
          entityType: 'RECEIPT_SUMMARY',
          eventName: 'MODIFY',
          entityData: { image_id: imageId, receipt_id: 2 },
          timestamp: at(7),
        }),
      ];
      return { ...world, inputs, mergeDeltas: merger.mergeDeltas };
    };

    it('fails exactly the two poisoned messages of a batch mixing every type', async () => {
      // Prepare
      const { imageId, receipts, words, word, id, inputs, mergeDeltas } = await mixedBatch();
      const poisonedLabel = wordLabelInput(
        'poison-label',
        { ...word(2, 2, 1), wordId: 1.5 },
        'TOTAL',
        'MODIFY',
        {
          timestamp: at(8),
        },
      );
      const poisonedRemoval = removalInput(
        'poison-removal',
        'RECEIPT_WORD',
        { image_id: imageId, receipt_id: 2, line_id: 2, word_id: 1 },
        { timestamp: at(9) },
      );
      const flaky = new FlakyCollection(words).failWhen('delete', namesId(id(2, 2, 1)));

      // Act
      const result = await processCollectionUpdates(
        [...inputs, poisonedLabel, poisonedRemoval],
        'words',
        {
          vectors: flaky,
          receipts,
          now,
          mergeDeltas,
        },
      );

      // Assess
      expect(statuses(result)).toEqual({
        delta: 'applied',
        place: 'applied',
        label: 'applied',
        section: 'skipped',
        word: 'applied',
        receipt: 'applied',
        summary: 'skipped',
        'poison-label': 'failed',
        'poison-removal': 'failed',
      });
      expect(result.outcomes).toHaveLength(9);
      expect(result.outcomes[7]?.error).toBeInstanceOf(InvalidChromaIdError);
      expect(result.outcomes[8]?.error).toBeInstanceOf(VectorStoreError);
      expect(result.counts).toEqual({ applied: 5, skipped: 2, failed: 2 });
      expect(await metadataOne(words, id(2, 2, 2))).toMatchObject({
        merchant_name: 'B',
        valid_labels_array: ['TOTAL'],
      });
    });

    it('fails exactly the two poisoned messages of a mixed batch on the lines collection', async () => {
      // Prepare
      const imageId = randomUUID();
      const lines = new InMemoryVectorCollection('lines');
      const [row1, row3, row5] = await seedRows(lines, imageId, 1, [
        { lineIds: [1, 2] },
        { lineIds: [3, 4] },
        { lineIds: [5] },
      ]);
      await seedRows(lines, imageId, 2, [{ lineIds: [1] }]);
      const receipts = new InMemoryReceiptStore({
        lines: [1, 2, 3, 4, 5].map((lineId) => makeLine(imageId, 1, lineId)),
        labels: [makeLabel(imageId, 1, 2, 1, 'TAX')],
        sections: [makeSection(imageId, 1, 'HEADER', [1, 2])],
      });
      const newRow = lineChromaId({ imageId, receiptId: 3, lineId: 1 });
      const { mergeDeltas } = fakeMerger({
        'lines/delta/n/': {
          ids: [newRow],
          metadatas: [{ image_id: imageId, receipt_id: 3, line_id: 1 }],
        },
      });
      const label = wordLabelInput(
        'label',
        { imageId, receiptId: 1, lineId: 2, wordId: 1 },
        'TAX',
        'MODIFY',
        {
          timestamp: at(3),
        },
      );
      const { line_id: _lineId, ...withoutLine } = label.message.entityData;
      const flaky = new FlakyCollection(lines).failWhen('delete', namesId(row5 as string));

      // Act
      const result = await processCollectionUpdates(
        [
          deltaInput('delta', imageId, 3, 'n', 'lines/delta/n/', { timestamp: at(1) }),
          placeInput(
            'place',
            imageId,
            1,
            'MODIFY',
            { merchant_name: { old: 'A', new: 'B' } },
            { timestamp: at(2) },
          ),
          label,
          sectionMessageInput('section', imageId, 1, 'HEADER', { timestamp: at(4) }),
          removalInput(
            'line',
            'RECEIPT_LINE',
            { image_id: imageId, receipt_id: 1, line_id: 3 },
            { timestamp: at(5) },
          ),
          removalInput(
            'receipt',
            'RECEIPT',
            { image_id: imageId, receipt_id: 2 },
            { timestamp: at(6) },
          ),
          {
            ...label,
            recordId: 'poison-label',
            message: { ...label.message, entityData: withoutLine },
          },
          removalInput(
            'poison-line',
            'RECEIPT_LINE',
            { image_id: imageId, receipt_id: 1, line_id: 5 },
            { timestamp: at(7) },
          ),
        ],
        'lines',
        { vectors: flaky, receipts, now, mergeDeltas },
      );

      // Assess
      expect(statuses(result)).toEqual({
        delta: 'applied',
        place: 'applied',
        label: 'applied',
        section: 'applied',
        line: 'applied',
        receipt: 'applied',
        'poison-label': 'failed',
        'poison-line': 'failed',
      });
      expect(await metadataOne(lines, row1 as string)).toMatchObject({
        merchant_name: 'B',
        label_TAX: true,
        section_label: 'HEADER',
      });
      expect((await lines.get({ include: [] })).ids).toEqual([row1, row5, newRow]);
      expect(row3).toBe(lineChromaId({ imageId, receiptId: 1, lineId: 3 }));
    });

    it('leaves identical collection state when the same batch is replayed', async () => {
      // Prepare
      const { receipts, words, inputs, mergeDeltas } = await mixedBatch();
      const options = { vectors: words, receipts, now, mergeDeltas };

      // Act
      const first = await processCollectionUpdates(inputs, 'words', options);
      const afterFirst = await snapshot(words);
      const second = await processCollectionUpdates(inputs, 'words', options);
      const afterSecond = await snapshot(words);

      // Assess
      expect(first.hasErrors).toBe(false);
      expect(second.hasErrors).toBe(false);
      expect(afterSecond).toEqual(afterFirst);
      expect(statuses(second)).toMatchObject({
        word: 'skipped',
        receipt: 'skipped',
        label: 'skipped',
      });
    });

    it('skips a change superseded by a later removal in the same batch', async () => {
      // Prepare
      const { imageId, receipts, words } = await wordsWorld();

      // Act
      const result = await processCollectionUpdates(
        [
          placeInput(
            'change',
            imageId,
            1,
            'MODIFY',
            { merchant_name: { old: 'A', new: 'B' } },
            { timestamp: at(1) },
          ),
          removalInput(
            'removal',
            'RECEIPT',
            { image_id: imageId, receipt_id: 1 },
            { timestamp: at(2) },
          ),
        ],
        'words',
        { vectors: words, receipts, now },
      );

      // Assess
      expect(result.outcomes).toMatchObject([
        {
          recordId: 'change',
          status: 'skipped',
          reason: 'superseded by the removal in record removal',
        },
        { recordId: 'removal', status: 'applied' },
      ]);
      expect(result.metadataUpdates).toEqual([]);
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
        'receipts',
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
        [placeInput('p', imageId, 1, 'MODIFY', { merchant_name: { old: 'A', new: 'B' } })],
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
        [
          placeInput(
            'p',
            imageId,
            1,
            'MODIFY',
            { merchant_name: { old: 'A', new: 'B' } },
            { collection: 'lines' },
          ),
        ],
        'words',
        { vectors: words, receipts, now },
      );

      // Assess
      expect(result.outcomes).toMatchObject([
        { status: 'failed', reason: 'routed to the lines collection' },
      ]);
      expect(result.outcomes[0]?.error).toBeInstanceOf(InvalidStreamMessageError);
    });

    it('fails messages with missing ids, one per phase, without touching the others', async () => {
      // Prepare
      const { imageId, receipts, words } = await wordsWorld();
      const batch = [
        input({
          recordId: 'place',
          entityType: 'RECEIPT_PLACE',
          eventName: 'MODIFY',
          entityData: { image_id: imageId } as never,
          changes: { merchant_name: { old: 'A', new: 'B' } },
        }),
        input({
          recordId: 'label',
          entityType: 'RECEIPT_WORD_LABEL',
          eventName: 'MODIFY',
          entityData: { image_id: imageId, receipt_id: 1, line_id: 1, label: 'TOTAL' },
        }),
        input({
          recordId: 'word',
          entityType: 'RECEIPT_WORD',
          eventName: 'REMOVE',
          entityData: { image_id: imageId, receipt_id: 1, line_id: 1 },
        }),
        input({
          recordId: 'receipt',
          entityType: 'RECEIPT',
          eventName: 'REMOVE',
          entityData: { receipt_id: 1 } as never,
        }),
        placeInput('fine', imageId, 2, 'MODIFY', { merchant_name: { old: 'A', new: 'B' } }),
      ];

      // Act
      const result = await processCollectionUpdates(batch, 'words', {
        vectors: words,
        receipts,
        now,
      });

      // Assess
      expect(statuses(result)).toEqual({
        place: 'failed',
        label: 'failed',
        word: 'failed',
        receipt: 'failed',
        fine: 'applied',
      });
      for (const outcome of result.outcomes.slice(0, 4))
        expect(outcome.error).toBeInstanceOf(InvalidChromaIdError);
      expect(await words.count()).toBe(8);
    });

    it('fails messages with non-integer ids', async () => {
      // Prepare
      const { imageId, receipts, words } = await wordsWorld();

      // Act
      const result = await processCollectionUpdates(
        [
          placeInput('place', imageId, 1.5, 'MODIFY', { merchant_name: { old: 'A', new: 'B' } }),
          removalInput('line', 'RECEIPT_WORD', {
            image_id: imageId,
            receipt_id: 1,
            line_id: 1,
            word_id: -1,
          }),
          input({
            recordId: 'text',
            entityType: 'RECEIPT_PLACE',
            eventName: 'REMOVE',
            entityData: { image_id: imageId, receipt_id: '1' as unknown as number },
          }),
        ],
        'words',
        { vectors: words, receipts, now },
      );

      // Assess
      expect(statuses(result)).toEqual({ place: 'failed', line: 'failed', text: 'failed' });
      expect(result.outcomes.every(({ error }) => error instanceof InvalidChromaIdError)).toBe(
        true,
      );
      expect(await words.count()).toBe(8);
    });

    it('skips messages that change nothing in the collection', async () => {
      // Prepare
      const { imageId, receipts, words } = await wordsWorld();

      // Act
      const result = await processCollectionUpdates(
        [
          input({
            recordId: 'receipt-modify',
            entityType: 'RECEIPT',
            eventName: 'MODIFY',
            entityData: { image_id: imageId, receipt_id: 1 },
          }),
          removalInput('line-on-words', 'RECEIPT_LINE', {
            image_id: imageId,
            receipt_id: 1,
            line_id: 1,
          }),
        ],
        'words',
        { vectors: words, receipts, now },
      );

      // Assess
      expect(statuses(result)).toEqual({ 'receipt-modify': 'skipped', 'line-on-words': 'skipped' });
      expect(await words.count()).toBe(8);
    });
  });

  describe('observability', () => {
    it('records the processor metrics with the collection dimension', async () => {
      // Prepare
      const { imageId, receipts, words } = await wordsWorld();
      const metrics = new RecordingMetrics();

      // Act
      await processCollectionUpdates(
        [
          placeInput('p', imageId, 1, 'MODIFY', { merchant_name: { old: 'A', new: 'B' } }),
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
