import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { processCollectionUpdates } from '../../src/compaction/processCollectionUpdates.js';
import { toBatchItemFailures } from '../../src/compaction/toBatchItemFailures.js';
import type { CollectionUpdateInput } from '../../src/compaction/types.js';
import { InvalidChromaIdError, VectorStoreError } from '../../src/errors.js';
import { lineChromaId, wordChromaId } from '../../src/ids/chromaIds.js';
import type { WordRef } from '../../src/ports/receiptStore.js';
import {
  type CompactionFixture,
  CountingCollection,
  expectLabelCycleStates,
  LABEL_CYCLE,
  metadataOf,
  metadataOne,
  seedRows,
  seedWords,
} from '../helpers/compactionFixture.js';
import { seedWordsWorld, snapshot, statuses, storedIds } from '../helpers/compactionWorld.js';
import {
  at,
  deltaInput,
  input,
  labelInput,
  makeLabel,
  makeLine,
  makePlace,
  makeReceipt,
  makeSection,
  makeWord,
  merchantNameInput,
  placeInput,
  removalInput,
  sectionInput,
} from '../helpers/factories.js';
import { fakeDeltaMerger } from '../helpers/fakeDeltaMerger.js';
import { FlakyCollection, namesId } from '../helpers/flakyCollection.js';

/** Builds a fresh fixture (new, empty collections) for one test. */
export type MakeCompactionFixture = () => Promise<CompactionFixture>;

const NOW = '2026-01-04T13:00:00.000000+00:00';
const now = (): string => NOW;

/** The records of `batch` the partial-batch response (`toBatchItemFailures`) retries. */
const retried = (
  result: Parameters<typeof toBatchItemFailures>[0],
  batch: readonly CollectionUpdateInput[],
): string[] =>
  toBatchItemFailures(result, {
    records: batch.map(({ recordId }) => ({ messageId: recordId })),
  }).batchItemFailures.map(({ itemIdentifier }) => itemIdentifier);

/**
 * The behaviour of `processCollectionUpdates` (spec §3) against any `VectorCollection` +
 * `ReceiptStore` pair: called from the unit tests with the in-memory doubles and from the
 * integration tests with a real Chroma server and a `DynamoReceiptStore` on moto.
 */
export function describeProcessCollectionUpdatesContract(
  label: string,
  makeFixture: MakeCompactionFixture,
): void {
  /** A batch of every message type for the words collection, plus what it needs. */
  const mixedWordsBatch = async () => {
    const fixture = await makeFixture();
    const world = await seedWordsWorld(fixture);
    const { imageId } = world;
    const total = makeLabel(imageId, 2, 2, 2, 'TOTAL');
    await fixture.putLabels(total);
    // The table after the changes the batch's messages announce: receipt 3 created, the
    // place of receipt 2 set, word 2.1.1 and receipt 1 removed.
    await fixture.putReceipts(makeReceipt(imageId, 3));
    await fixture.putWords(makeWord(imageId, 3, 1, 1));
    await fixture.putPlaces(makePlace(imageId, 2, { merchant_name: 'B' }));
    await fixture.deleteWords(makeWord(imageId, 2, 1, 1));
    await removeReceipt(fixture, imageId, 1);
    const newId = wordChromaId({ imageId, receiptId: 3, lineId: 1, wordId: 1 });
    const { mergeDeltas } = fakeDeltaMerger({
      'words/delta/n/': {
        ids: [newId],
        metadatas: [{ image_id: imageId, receipt_id: 3, text: 'n' }],
      },
    });
    const inputs: CollectionUpdateInput[] = [
      deltaInput('delta', imageId, 3, 'n', 'words/delta/n/', { timestamp: at(1) }),
      merchantNameInput('place', imageId, 2, 'B', { timestamp: at(2) }),
      labelInput('label', total, 'MODIFY', { timestamp: at(3) }),
      sectionInput('section', imageId, 2, 'HEADER', { timestamp: at(4) }),
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
    return { fixture, ...world, inputs, mergeDeltas, newId };
  };

  /** Deletes a receipt of the world from the table: its words, lines, then the receipt. */
  const removeReceipt = async (
    fixture: CompactionFixture,
    imageId: string,
    receiptId: number,
  ): Promise<void> => {
    await fixture.deleteWords(
      ...[1, 2].flatMap((lineId) =>
        [1, 2].map((wordId) => makeWord(imageId, receiptId, lineId, wordId)),
      ),
    );
    await fixture.deleteLines(...[1, 2].map((lineId) => makeLine(imageId, receiptId, lineId)));
    await fixture.deleteReceipts(makeReceipt(imageId, receiptId));
  };

  describe(`processCollectionUpdates contract: ${label}`, () => {
    describe('Function: processCollectionUpdates', () => {
      describe('places', () => {
        it('applies a place update and then its removal', async () => {
          // Prepare
          const fixture = await makeFixture();
          const { imageId, id } = await seedWordsWorld(fixture);
          const options = { vectors: fixture.words, receipts: fixture.receipts, now };
          const place = makePlace(imageId, 1, {
            merchant_name: 'Sprouts',
            formatted_address: '1 Main',
          });

          // Act
          await fixture.putPlaces(place);
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
          const afterUpdate = await metadataOne(fixture.words, id(1, 1, 1));
          await fixture.deletePlaces(place);
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
          expect(removed.totalMetadataUpdated).toBe(4);
          const afterRemoval = await metadataOne(fixture.words, id(1, 1, 1));
          expect(afterRemoval).not.toHaveProperty('merchant_name');
          expect(afterRemoval).not.toHaveProperty('address');
          expect(afterRemoval).toMatchObject({ place_removed_at: NOW, text: 'w1.1' });
          expect(await metadataOne(fixture.words, id(2, 1, 1))).not.toHaveProperty(
            'place_removed_at',
          );
        });

        it('keeps a place set again after its removal in the same batch', async () => {
          // Prepare
          const fixture = await makeFixture();
          const { imageId, id } = await seedWordsWorld(fixture);
          await fixture.putPlaces(makePlace(imageId, 1, { merchant_name: 'New' }));

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
            { vectors: fixture.words, receipts: fixture.receipts, now },
          );

          // Assess
          expect(statuses(result)).toEqual({ 'set-again': 'applied', removed: 'applied' });
          expect(await metadataOne(fixture.words, id(1, 2, 2))).toMatchObject({
            merchant_name: 'New',
          });
        });

        it('writes a receipt with more records than one write allows in batches', async () => {
          // Prepare
          const fixture = await makeFixture();
          const imageId = randomUUID();
          const refs: WordRef[] = Array.from({ length: 520 }, (_, index) => ({
            imageId,
            receiptId: 1,
            lineId: Math.floor(index / 10) + 1,
            wordId: (index % 10) + 1,
          }));
          await fixture.putWords(
            ...refs.map((ref) => makeWord(imageId, 1, ref.lineId, ref.wordId)),
          );
          await seedWords(fixture.words, refs);
          await fixture.putPlaces(makePlace(imageId, 1, { merchant_name: 'B' }));
          const counting = new CountingCollection(fixture.words);

          // Act
          const result = await processCollectionUpdates(
            [merchantNameInput('big', imageId, 1, 'B')],
            'words',
            { vectors: counting, receipts: fixture.receipts, now },
          );

          // Assess
          expect(statuses(result)).toEqual({ big: 'applied' });
          expect(result.totalMetadataUpdated).toBe(520);
          expect(counting.updateSizes).toEqual([250, 250, 20]);
          const last = refs.at(-1) as WordRef;
          expect(await metadataOne(fixture.words, wordChromaId(last))).toMatchObject({
            merchant_name: 'B',
          });
        });

        it('skips a place change for a receipt whose embeddings do not exist', async () => {
          // Prepare
          const fixture = await makeFixture();
          const imageId = randomUUID();
          await fixture.putWords(makeWord(imageId, 1, 1, 1));

          // Act
          const result = await processCollectionUpdates(
            [merchantNameInput('p', imageId, 1, 'B')],
            'words',
            { vectors: fixture.words, receipts: fixture.receipts, now },
          );

          // Assess
          expect(result.outcomes).toMatchObject([
            { recordId: 'p', status: 'skipped', reason: 'no embeddings found' },
          ]);
          expect(result.hasErrors).toBe(false);
        });

        it('fails only the place message whose VectorCollection write fails', async () => {
          // Prepare
          const fixture = await makeFixture();
          const { imageId, id } = await seedWordsWorld(fixture);
          await fixture.putPlaces(
            makePlace(imageId, 1, { merchant_name: 'B' }),
            makePlace(imageId, 2, { merchant_name: 'C' }),
          );
          const flaky = new FlakyCollection(fixture.words).failCall('update', 1);

          // Act
          const result = await processCollectionUpdates(
            [
              merchantNameInput('first', imageId, 1, 'B', { timestamp: at(1) }),
              merchantNameInput('second', imageId, 2, 'C', { timestamp: at(2) }),
            ],
            'words',
            { vectors: flaky, receipts: fixture.receipts, now },
          );

          // Assess
          expect(statuses(result)).toEqual({ first: 'failed', second: 'applied' });
          expect(result.outcomes[0]?.error).toBeInstanceOf(VectorStoreError);
          expect(result.metadataUpdates.map(({ status }) => status)).toEqual(['failed', 'applied']);
          expect(result.totalMetadataUpdated).toBe(4);
          expect(await metadataOne(fixture.words, id(1, 1, 1))).not.toHaveProperty('merchant_name');
          expect(await metadataOne(fixture.words, id(2, 1, 1))).toMatchObject({
            merchant_name: 'C',
          });
        });
      });

      describe('labels and sections', () => {
        it('validates, invalidates and re-validates a label, never in both arrays', async () => {
          // Prepare
          const fixture = await makeFixture();
          const { imageId, id } = await seedWordsWorld(fixture);
          const options = { vectors: fixture.words, receipts: fixture.receipts, now };
          const states = [];
          const outcomes = [];

          // Act
          for (const [step, { status, timestamp }] of LABEL_CYCLE.entries()) {
            const label = makeLabel(imageId, 1, 2, 1, 'TOTAL', {
              validation_status: status,
              timestamp_added: timestamp,
            });
            await fixture.putLabels(label);
            const result = await processCollectionUpdates(
              [labelInput(`step-${step}`, label, 'MODIFY', { timestamp: at(step) })],
              'words',
              options,
            );
            outcomes.push(...result.outcomes.map(({ status: outcome }) => outcome));
            states.push(await metadataOne(fixture.words, id(1, 2, 1)));
          }

          // Assess
          expect(outcomes).toEqual(['applied', 'applied', 'applied']);
          expectLabelCycleStates(states, NOW);
          expect(states[2]).toMatchObject({ text: 'w2.1', word_id: 1 });
        });

        it('rebuilds word labels from the table: removing one of two labels keeps the other', async () => {
          // Prepare
          const fixture = await makeFixture();
          const { imageId, id } = await seedWordsWorld(fixture);
          const total = makeLabel(imageId, 1, 1, 1, 'TOTAL');
          const tax = makeLabel(imageId, 1, 1, 1, 'TAX', { validation_status: 'INVALID' });
          await fixture.putLabels(total, tax);
          const options = { vectors: fixture.words, receipts: fixture.receipts, now };
          const added = await processCollectionUpdates(
            [labelInput('add', tax, 'MODIFY')],
            'words',
            options,
          );
          const afterAdd = await metadataOne(fixture.words, id(1, 1, 1));
          await fixture.deleteLabels(tax);

          // Act
          const result = await processCollectionUpdates(
            [labelInput('remove', tax, 'REMOVE', { timestamp: at(1) })],
            'words',
            options,
          );

          // Assess
          expect(statuses(added)).toEqual({ add: 'applied' });
          expect(afterAdd).toMatchObject({
            valid_labels_array: ['TOTAL'],
            invalid_labels_array: ['TAX'],
          });
          expect(statuses(result)).toEqual({ remove: 'applied' });
          expect(result.totalLabelsUpdated).toBe(1);
          const stored = await metadataOne(fixture.words, id(1, 1, 1));
          expect(stored).toMatchObject({
            valid_labels_array: ['TOTAL'],
            label_status: 'validated',
            labels_removed_at: NOW,
          });
          expect(stored).not.toHaveProperty('invalid_labels_array');
        });

        it('recomputes sections on lines for section messages and merged deltas', async () => {
          // Prepare
          const fixture = await makeFixture();
          const imageId = randomUUID();
          const [row1] = await seedRows(fixture.lines, imageId, 1, [{ lineIds: [1, 2] }]);
          await fixture.putSections(
            makeSection(imageId, 1, 'HEADER', [1, 2]),
            makeSection(imageId, 2, 'FOOTER', [5]),
          );
          await fixture.putReceipts(makeReceipt(imageId, 2));
          await fixture.putLines(makeLine(imageId, 2, 5));
          const row5 = lineChromaId({ imageId, receiptId: 2, lineId: 5 });
          const { mergeDeltas } = fakeDeltaMerger({
            'lines/delta/r/': {
              ids: [row5],
              metadatas: [{ image_id: imageId, receipt_id: 2, line_id: 5, row_line_ids: '[5]' }],
            },
          });

          // Act
          const result = await processCollectionUpdates(
            [
              sectionInput('section', imageId, 1, 'HEADER'),
              deltaInput('run', imageId, 2, 'r', 'lines/delta/r/'),
            ],
            'lines',
            { vectors: fixture.lines, receipts: fixture.receipts, now, mergeDeltas },
          );

          // Assess
          expect(statuses(result)).toEqual({ section: 'applied', run: 'applied' });
          expect(await metadataOf(fixture.lines, [row1 as string, row5])).toMatchObject([
            { section_label: 'HEADER' },
            { section_label: 'FOOTER' },
          ]);
          expect(result.totalSectionsUpdated).toBe(2);
        });
      });

      describe('deletions', () => {
        it('deletes the embeddings of a removed receipt, line and word', async () => {
          // Prepare
          const fixture = await makeFixture();
          const { imageId, id } = await seedWordsWorld(fixture);
          const [row1, row2] = await seedRows(fixture.lines, imageId, 2, [
            { lineIds: [1] },
            { lineIds: [2] },
          ]);
          await removeReceipt(fixture, imageId, 1);
          await fixture.deleteWords(makeWord(imageId, 2, 1, 2));
          await fixture.deleteLines(makeLine(imageId, 2, 1));

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
            { vectors: fixture.words, receipts: fixture.receipts, now },
          );
          const linesResult = await processCollectionUpdates(
            [
              removalInput('line', 'RECEIPT_LINE', {
                image_id: imageId,
                receipt_id: 2,
                line_id: 1,
              }),
            ],
            'lines',
            { vectors: fixture.lines, receipts: fixture.receipts, now },
          );

          // Assess
          expect(statuses(wordsResult)).toEqual({ receipt: 'applied', word: 'applied' });
          expect(wordsResult.totalDeletions).toBe(5);
          expect(await storedIds(fixture.words)).toEqual(
            [id(2, 1, 1), id(2, 2, 1), id(2, 2, 2)].toSorted(),
          );
          expect(statuses(linesResult)).toEqual({ line: 'applied' });
          expect(await storedIds(fixture.lines)).toEqual([row2]);
          expect(row1).toBe(lineChromaId({ imageId, receiptId: 2, lineId: 1 }));
        });

        it('skips the removal of a word whose embedding does not exist', async () => {
          // Prepare
          const fixture = await makeFixture();
          const { imageId } = await seedWordsWorld(fixture);

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
            { vectors: fixture.words, receipts: fixture.receipts, now },
          );

          // Assess
          expect(result.outcomes).toMatchObject([
            { recordId: 'gone', status: 'skipped', reason: 'no embedding found' },
          ]);
          expect(await fixture.words.count()).toBe(8);
        });

        it('fails the removals whose Chroma calls fail and keeps the others', async () => {
          // Prepare
          const fixture = await makeFixture();
          const { imageId, id } = await seedWordsWorld(fixture);
          await fixture.deleteWords(makeWord(imageId, 1, 1, 1), makeWord(imageId, 1, 1, 2));
          const flaky = new FlakyCollection(fixture.words).failWhen('delete', namesId(id(1, 1, 1)));

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
            { vectors: flaky, receipts: fixture.receipts, now },
          );

          // Assess
          expect(statuses(result)).toEqual({ bad: 'failed', good: 'applied' });
          expect(result.outcomes[0]?.error).toBeInstanceOf(VectorStoreError);
          expect(await fixture.words.count()).toBe(7);
          expect(await storedIds(fixture.words)).toContain(id(1, 1, 1));
        });
      });

      describe('batches', () => {
        it('fails exactly the two poisoned messages of a batch mixing every type', async () => {
          // Prepare
          const { fixture, imageId, id, inputs, mergeDeltas, newId } = await mixedWordsBatch();
          const poisonedLabel = labelInput(
            'poison-label',
            { image_id: imageId, receipt_id: 2, line_id: 2, word_id: 1.5, label: 'TOTAL' },
            'MODIFY',
            { timestamp: at(8) },
          );
          const poisonedRemoval = removalInput(
            'poison-removal',
            'RECEIPT_WORD',
            { image_id: imageId, receipt_id: 2, line_id: 2, word_id: 1 },
            { timestamp: at(9) },
          );
          await fixture.deleteWords(makeWord(imageId, 2, 2, 1));
          const flaky = new FlakyCollection(fixture.words).failWhen('delete', namesId(id(2, 2, 1)));
          const batch = [...inputs, poisonedLabel, poisonedRemoval];

          // Act
          const result = await processCollectionUpdates(batch, 'words', {
            vectors: flaky,
            receipts: fixture.receipts,
            now,
            mergeDeltas,
          });

          // Assess
          expect(retried(result, batch)).toEqual(['poison-label', 'poison-removal']);
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
          expect(result.outcomes[7]?.error).toBeInstanceOf(InvalidChromaIdError);
          expect(result.outcomes[8]?.error).toBeInstanceOf(VectorStoreError);
          expect(result.counts).toEqual({ applied: 5, skipped: 2, failed: 2 });
          expect(await metadataOne(fixture.words, id(2, 2, 2))).toMatchObject({
            merchant_name: 'B',
            valid_labels_array: ['TOTAL'],
          });
          expect(await storedIds(fixture.words)).toEqual(
            [id(2, 1, 2), id(2, 2, 1), id(2, 2, 2), newId].toSorted(),
          );
        });

        it('fails exactly the two poisoned messages of a mixed batch on the lines collection', async () => {
          // Prepare
          const fixture = await makeFixture();
          const imageId = randomUUID();
          const [row1, row3, row5] = await seedRows(fixture.lines, imageId, 1, [
            { lineIds: [1, 2] },
            { lineIds: [3, 4] },
            { lineIds: [5] },
          ]);
          await seedRows(fixture.lines, imageId, 2, [{ lineIds: [1] }]);
          // Line 3 and 5 of receipt 1 are gone; receipt 2 is not in the table; receipt 3 is new.
          await fixture.putLines(...[1, 2, 4].map((lineId) => makeLine(imageId, 1, lineId)));
          await fixture.putReceipts(makeReceipt(imageId, 3));
          await fixture.putLines(makeLine(imageId, 3, 1));
          await fixture.putPlaces(makePlace(imageId, 1, { merchant_name: 'B' }));
          await fixture.putLabels(makeLabel(imageId, 1, 2, 1, 'TAX'));
          await fixture.putSections(makeSection(imageId, 1, 'HEADER', [1, 2]));
          const newRow = lineChromaId({ imageId, receiptId: 3, lineId: 1 });
          const { mergeDeltas } = fakeDeltaMerger({
            'lines/delta/n/': {
              ids: [newRow],
              metadatas: [{ image_id: imageId, receipt_id: 3, line_id: 1 }],
            },
          });
          const label = labelInput(
            'label',
            { image_id: imageId, receipt_id: 1, line_id: 2, word_id: 1, label: 'TAX' },
            'MODIFY',
            { timestamp: at(3) },
          );
          const { line_id: _lineId, ...withoutLine } = label.message.entityData;
          const flaky = new FlakyCollection(fixture.lines).failWhen(
            'delete',
            namesId(row5 as string),
          );
          const batch: CollectionUpdateInput[] = [
            deltaInput('delta', imageId, 3, 'n', 'lines/delta/n/', { timestamp: at(1) }),
            merchantNameInput('place', imageId, 1, 'B', { timestamp: at(2) }),
            label,
            sectionInput('section', imageId, 1, 'HEADER', { timestamp: at(4) }),
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
          ];

          // Act
          const result = await processCollectionUpdates(batch, 'lines', {
            vectors: flaky,
            receipts: fixture.receipts,
            now,
            mergeDeltas,
          });

          // Assess
          expect(retried(result, batch)).toEqual(['poison-label', 'poison-line']);
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
          expect(await metadataOne(fixture.lines, row1 as string)).toMatchObject({
            merchant_name: 'B',
            label_TAX: true,
            section_label: 'HEADER',
          });
          expect(await storedIds(fixture.lines)).toEqual(
            [row1 as string, row5 as string, newRow].toSorted(),
          );
          expect(row3).toBe(lineChromaId({ imageId, receiptId: 1, lineId: 3 }));
        });

        it('leaves identical collection state when the same batch is replayed', async () => {
          // Prepare
          const { fixture, inputs, mergeDeltas } = await mixedWordsBatch();
          const options = { vectors: fixture.words, receipts: fixture.receipts, now, mergeDeltas };

          // Act
          const first = await processCollectionUpdates(inputs, 'words', options);
          const afterFirst = await snapshot(fixture.words);
          const second = await processCollectionUpdates(inputs, 'words', options);
          const afterSecond = await snapshot(fixture.words);

          // Assess
          expect(first.hasErrors).toBe(false);
          expect(second.hasErrors).toBe(false);
          expect(afterFirst.ids).toHaveLength(4);
          expect(afterSecond).toEqual(afterFirst);
          expect(statuses(second)).toMatchObject({
            word: 'skipped',
            receipt: 'skipped',
            label: 'skipped',
          });
        });

        it('applies a change and a later removal of the receipt in one batch from the table', async () => {
          // Prepare
          const fixture = await makeFixture();
          const { imageId } = await seedWordsWorld(fixture);
          await removeReceipt(fixture, imageId, 1);

          // Act
          const result = await processCollectionUpdates(
            [
              merchantNameInput('change', imageId, 1, 'B', { timestamp: at(1) }),
              removalInput(
                'removal',
                'RECEIPT',
                { image_id: imageId, receipt_id: 1 },
                { timestamp: at(2) },
              ),
            ],
            'words',
            { vectors: fixture.words, receipts: fixture.receipts, now },
          );

          // Assess
          expect(result.outcomes).toMatchObject([
            {
              recordId: 'change',
              status: 'skipped',
              reason: 'the receipt has no words in the receipt store',
            },
            { recordId: 'removal', status: 'applied' },
          ]);
          expect(await fixture.words.count()).toBe(4);
        });
      });

      describe('bad input', () => {
        it('fails messages with missing ids, one per phase, without touching the others', async () => {
          // Prepare
          const fixture = await makeFixture();
          const { imageId, id } = await seedWordsWorld(fixture);
          await fixture.putPlaces(makePlace(imageId, 2, { merchant_name: 'B' }));
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
            merchantNameInput('fine', imageId, 2, 'B'),
          ];

          // Act
          const result = await processCollectionUpdates(batch, 'words', {
            vectors: fixture.words,
            receipts: fixture.receipts,
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
          for (const outcome of result.outcomes.slice(0, 4)) {
            expect(outcome.error).toBeInstanceOf(InvalidChromaIdError);
          }
          expect(await fixture.words.count()).toBe(8);
          expect(await metadataOne(fixture.words, id(1, 1, 1))).not.toHaveProperty('merchant_name');
        });

        it('fails messages with non-integer ids', async () => {
          // Prepare
          const fixture = await makeFixture();
          const { imageId } = await seedWordsWorld(fixture);

          // Act
          const result = await processCollectionUpdates(
            [
              placeInput('place', imageId, 1.5, 'MODIFY', {
                merchant_name: { old: 'A', new: 'B' },
              }),
              removalInput('word', 'RECEIPT_WORD', {
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
            { vectors: fixture.words, receipts: fixture.receipts, now },
          );

          // Assess
          expect(statuses(result)).toEqual({ place: 'failed', word: 'failed', text: 'failed' });
          expect(result.outcomes.map(({ error }) => error)).toEqual([
            expect.any(InvalidChromaIdError),
            expect.any(InvalidChromaIdError),
            expect.any(InvalidChromaIdError),
          ]);
          expect(await fixture.words.count()).toBe(8);
        });

        it('skips messages that change nothing in the collection', async () => {
          // Prepare
          const fixture = await makeFixture();
          const { imageId } = await seedWordsWorld(fixture);
          const before = await snapshot(fixture.words);

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
            { vectors: fixture.words, receipts: fixture.receipts, now },
          );

          // Assess
          expect(statuses(result)).toEqual({
            'receipt-modify': 'skipped',
            'line-on-words': 'skipped',
          });
          expect(await snapshot(fixture.words)).toEqual(before);
        });
      });
    });
  });
}
