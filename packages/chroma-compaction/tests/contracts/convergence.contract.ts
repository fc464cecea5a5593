import { randomUUID } from 'node:crypto';
import { type CompactionRun, compactionRunToItem } from '@receipt-chroma/dynamo-stream';
import { describe, expect, it } from 'vitest';
import { processCollectionUpdates } from '../../src/compaction/processCollectionUpdates.js';
import type { CollectionUpdateInput } from '../../src/compaction/types.js';
import { wordChromaId } from '../../src/ids/chromaIds.js';
import type { VectorCollection } from '../../src/ports/vectorCollection.js';
import {
  type CompactionFixture,
  metadataOne,
  seedRows,
  seedWords,
} from '../helpers/compactionFixture.js';
import { seedWordsWorld, statuses, storedIds } from '../helpers/compactionWorld.js';
import {
  at,
  deltaInput,
  labelInput,
  makeCompactionRun,
  makeLabel,
  makePlace,
  makeReceipt,
  makeWord,
  merchantNameInput,
  placeInput,
  removalInput,
} from '../helpers/factories.js';
import { failingFirst, fakeDeltaMerger } from '../helpers/fakeDeltaMerger.js';
import { FlakyCollection } from '../helpers/flakyCollection.js';

/** Builds a fresh fixture (new, empty collections) for one test. */
export type MakeConvergenceFixture = () => Promise<CompactionFixture>;

const NOW = '2026-01-04T13:00:00.000000+00:00';
const now = (): string => NOW;

/**
 * The lost-update scenarios of issue 8, each on a real table and collection: every message
 * only names what to bring up to date, so reordering, redelivery and partial failures end in
 * the state DynamoDB holds (DESIGN §1). Run on the in-memory doubles and on a Chroma server
 * with DynamoDB on moto.
 */
export function describeConvergenceContract(
  label: string,
  makeFixture: MakeConvergenceFixture,
): void {
  /** Applies batches in turn to the words collection; returns each batch's statuses. */
  const deliver = async (
    fixture: CompactionFixture,
    batches: readonly (readonly CollectionUpdateInput[])[],
    options: {
      vectors?: VectorCollection;
      mergeDeltas?: Parameters<typeof processCollectionUpdates>[2]['mergeDeltas'];
    } = {},
  ): Promise<Record<string, string>[]> => {
    const results = [];
    for (const batch of batches) {
      const result = await processCollectionUpdates(batch, 'words', {
        vectors: options.vectors ?? fixture.words,
        receipts: fixture.receipts,
        mergeDeltas: options.mergeDeltas,
        now,
      });
      results.push(statuses(result));
    }
    return results;
  };

  /** Receipt 3 of `imageId`, new in the table with one word, and its delta's baked record. */
  const newReceipt = async (fixture: CompactionFixture, imageId: string) => {
    await fixture.putReceipts(makeReceipt(imageId, 3));
    await fixture.putWords(makeWord(imageId, 3, 1, 1));
    const newId = wordChromaId({ imageId, receiptId: 3, lineId: 1, wordId: 1 });
    const merger = fakeDeltaMerger({
      'words/delta/new/': {
        ids: [newId],
        // Metadata baked when the delta was built, before the later edits.
        metadatas: [
          {
            image_id: imageId,
            receipt_id: 3,
            line_id: 1,
            word_id: 1,
            text: 'w1.1',
            merchant_name: 'Baked',
          },
        ],
      },
    });
    const run = deltaInput('run', imageId, 3, 'new', 'words/delta/new/', { timestamp: at(2) });
    return { newId, run, merger };
  };

  /** The RECEIPT REMOVE of receipt 3, built at `at(seconds)`. */
  const receiptThreeRemoval = (imageId: string, seconds: number): CollectionUpdateInput =>
    removalInput(
      'remove',
      'RECEIPT',
      { image_id: imageId, receipt_id: 3 },
      { timestamp: at(seconds) },
    );

  describe(`convergence on DynamoDB: ${label}`, () => {
    describe('Function: processCollectionUpdates', () => {
      it("keeps the table's place whatever a place message's changes say", async () => {
        // Prepare: a message built from an invalid new image said every field became null.
        const fixture = await makeFixture();
        const { imageId, id } = await seedWordsWorld(fixture);
        await fixture.putPlaces(makePlace(imageId, 1, { merchant_name: 'Kept' }));
        const wiping = placeInput('wipe', imageId, 1, 'MODIFY', {
          merchant_name: { old: 'Kept', new: null },
          formatted_address: { old: '1 Main St', new: null },
        });

        // Act
        const outcomes = await deliver(fixture, [[wiping]]);

        // Assess
        expect(outcomes).toEqual([{ wipe: 'applied' }]);
        expect(await metadataOne(fixture.words, id(1, 1, 1))).toMatchObject({
          merchant_name: 'Kept',
          address: '1 Main St',
        });
      });

      it('keeps the latest place when an older place change is redelivered after a newer one', async () => {
        // Prepare: A→B at t1, B→C at t2; the table holds C.
        const fixture = await makeFixture();
        const { imageId, id } = await seedWordsWorld(fixture);
        await fixture.putPlaces(makePlace(imageId, 1, { merchant_name: 'C' }));
        const older = merchantNameInput('t1', imageId, 1, 'B', { timestamp: at(1) });
        const newer = merchantNameInput('t2', imageId, 1, 'C', { timestamp: at(2) });
        const flaky = new FlakyCollection(fixture.words).failCall('update', 1);

        // Act: t1 fails once, t2 is applied, then t1 comes back, and again late.
        const outcomes = await deliver(fixture, [[older], [newer], [older], [older]], {
          vectors: flaky,
        });

        // Assess
        expect(outcomes).toEqual([
          { t1: 'failed' },
          { t2: 'applied' },
          { t1: 'skipped' },
          { t1: 'skipped' },
        ]);
        expect(await metadataOne(fixture.words, id(1, 2, 2))).toMatchObject({ merchant_name: 'C' });
      });

      it('keeps a re-created receipt when its old removal is redelivered after the new delta', async () => {
        // Prepare: receipt 1 deleted (t1) and created again with words 1.1.1 and 1.3.1 (t2).
        const fixture = await makeFixture();
        const { imageId, id } = await seedWordsWorld(fixture);
        await fixture.deleteWords(
          makeWord(imageId, 1, 1, 2),
          makeWord(imageId, 1, 2, 1),
          makeWord(imageId, 1, 2, 2),
        );
        await fixture.putWords(makeWord(imageId, 1, 3, 1));
        const fresh = [id(1, 1, 1), id(1, 3, 1)];
        const { mergeDeltas } = fakeDeltaMerger({
          'words/delta/again/': {
            ids: fresh,
            metadatas: [1, 3].map((lineId) => ({
              image_id: imageId,
              receipt_id: 1,
              line_id: lineId,
              word_id: 1,
              text: 'new',
            })),
          },
        });
        const batch = [
          removalInput(
            'remove',
            'RECEIPT',
            { image_id: imageId, receipt_id: 1 },
            { timestamp: at(1) },
          ),
          deltaInput('run', imageId, 1, 'again', 'words/delta/again/', { timestamp: at(2) }),
        ];
        const flaky = new FlakyCollection(fixture.words).failCall('delete', 1);

        // Act: the first deletion fails, so the batch is retried.
        const outcomes = await deliver(fixture, [batch, batch], { vectors: flaky, mergeDeltas });

        // Assess
        expect(outcomes).toEqual([
          { remove: 'failed', run: 'failed' },
          { remove: 'skipped', run: 'applied' },
        ]);
        expect(await storedIds(fixture.words)).toEqual(
          [...fresh, id(2, 1, 1), id(2, 1, 2), id(2, 2, 1), id(2, 2, 2)].toSorted(),
        );
      });

      it("gives a re-created receipt's words its new place whatever order the place removal comes in", async () => {
        // Prepare: the old place removed (t1), receipt 3 created with a new place (t5).
        const fixture = await makeFixture();
        const { imageId } = await seedWordsWorld(fixture);
        const { newId, run, merger } = await newReceipt(fixture, imageId);
        await fixture.putPlaces(makePlace(imageId, 3, { merchant_name: 'New Place' }));
        const removal = placeInput('place-removed', imageId, 3, 'REMOVE', {}, { timestamp: at(1) });

        // Act
        const together = await deliver(fixture, [[removal, run]], {
          mergeDeltas: merger.mergeDeltas,
        });
        const togetherState = await metadataOne(fixture.words, newId);
        const apart = await deliver(fixture, [[run], [removal]], {
          mergeDeltas: merger.mergeDeltas,
        });

        // Assess
        expect(together).toEqual([{ 'place-removed': 'skipped', run: 'applied' }]);
        expect(apart).toEqual([{ run: 'applied' }, { 'place-removed': 'skipped' }]);
        expect(togetherState).toMatchObject({ merchant_name: 'New Place' });
        expect(await metadataOne(fixture.words, newId)).toMatchObject({
          merchant_name: 'New Place',
          address: '1 Main St',
        });
      });

      it('deletes the embeddings of word 0 and line 0 once the table no longer has them', async () => {
        // Prepare
        const fixture = await makeFixture();
        const { imageId } = await seedWordsWorld(fixture);
        const zeroWord = { imageId, receiptId: 1, lineId: 0, wordId: 0 };
        const [zeroId] = await seedWords(fixture.words, [zeroWord]);
        const [zeroRow] = await seedRows(fixture.lines, imageId, 1, [{ lineIds: [0] }]);

        // Act
        const words = await deliver(fixture, [
          [
            removalInput('word-0', 'RECEIPT_WORD', {
              image_id: imageId,
              receipt_id: 1,
              line_id: 0,
              word_id: 0,
            }),
          ],
        ]);
        const lines = await processCollectionUpdates(
          [
            removalInput('line-0', 'RECEIPT_LINE', {
              image_id: imageId,
              receipt_id: 1,
              line_id: 0,
            }),
          ],
          'lines',
          { vectors: fixture.lines, receipts: fixture.receipts, now },
        );

        // Assess
        expect(words).toEqual([{ 'word-0': 'applied' }]);
        expect(statuses(lines)).toEqual({ 'line-0': 'applied' });
        expect(await storedIds(fixture.words)).not.toContain(zeroId);
        expect(await storedIds(fixture.lines)).not.toContain(zeroRow);
      });

      it("merges only the receipt's newest run: an older run delivered late changes nothing", async () => {
        // Prepare: receipt 3 embedded twice (runs at t1 and t2), the second with new text.
        const fixture = await makeFixture();
        const { imageId } = await seedWordsWorld(fixture);
        await fixture.putReceipts(makeReceipt(imageId, 3));
        await fixture.putWords(makeWord(imageId, 3, 1, 1));
        const [older, newer] = [randomUUID(), randomUUID()].map((runId, index) =>
          makeCompactionRun(imageId, 3, runId, `2026-01-0${index + 4}T12:00:00+00:00`),
        ) as [CompactionRun, CompactionRun];
        await fixture.putItems(compactionRunToItem(older), compactionRunToItem(newer));
        const newId = wordChromaId({ imageId, receiptId: 3, lineId: 1, wordId: 1 });
        const delta = (text: string) => ({
          ids: [newId],
          metadatas: [{ image_id: imageId, receipt_id: 3, line_id: 1, word_id: 1, text }],
        });
        const { mergeDeltas } = fakeDeltaMerger({
          [older.words_delta_prefix]: delta('old'),
          [newer.words_delta_prefix]: delta('new'),
        });
        const input = (run: CompactionRun) =>
          deltaInput(run.run_id, imageId, 3, run.run_id, run.words_delta_prefix);

        // Act
        const outcomes = await deliver(fixture, [[input(newer)], [input(older)]], { mergeDeltas });

        // Assess
        expect(outcomes).toEqual([{ [newer.run_id]: 'applied' }, { [older.run_id]: 'skipped' }]);
        expect(await metadataOne(fixture.words, newId)).toMatchObject({ text: 'new' });
      });

      it('fails, never skips, the label and place changes of a receipt whose merge failed, and applies them on retry', async () => {
        // Prepare
        const fixture = await makeFixture();
        const { imageId } = await seedWordsWorld(fixture);
        const { newId, run, merger } = await newReceipt(fixture, imageId);
        await fixture.putPlaces(makePlace(imageId, 3, { merchant_name: 'Fresh' }));
        const total = makeLabel(imageId, 3, 1, 1, 'TOTAL');
        await fixture.putLabels(total);
        const batch = [
          run,
          labelInput('label', total, 'MODIFY', { timestamp: at(3) }),
          merchantNameInput('place', imageId, 3, 'Fresh', { timestamp: at(4) }),
        ];

        // Act
        const outcomes = await deliver(fixture, [batch, batch], {
          mergeDeltas: failingFirst(merger.mergeDeltas),
        });

        // Assess
        expect(outcomes[0]).toEqual({ run: 'failed', label: 'failed', place: 'failed' });
        expect(outcomes[1]).toMatchObject({ run: 'applied' });
        expect(await metadataOne(fixture.words, newId)).toMatchObject({
          merchant_name: 'Fresh',
          valid_labels_array: ['TOTAL'],
          label_status: 'validated',
        });
      });

      it('writes the labels and place of edits acknowledged before the delta arrived', async () => {
        // Prepare
        const fixture = await makeFixture();
        const { imageId } = await seedWordsWorld(fixture);
        const { newId, run, merger } = await newReceipt(fixture, imageId);
        await fixture.putPlaces(makePlace(imageId, 3, { merchant_name: 'Fresh' }));
        const total = makeLabel(imageId, 3, 1, 1, 'TOTAL');
        await fixture.putLabels(total);
        const edits = [
          labelInput('label', total, 'MODIFY'),
          merchantNameInput('place', imageId, 3, 'Fresh'),
        ];

        // Act: the edits come first (nothing to write yet), the delta later.
        const outcomes = await deliver(fixture, [edits, [run]], {
          mergeDeltas: merger.mergeDeltas,
        });

        // Assess
        expect(outcomes).toEqual([{ label: 'skipped', place: 'skipped' }, { run: 'applied' }]);
        expect(await metadataOne(fixture.words, newId)).toMatchObject({
          merchant_name: 'Fresh',
          valid_labels_array: ['TOTAL'],
        });
      });

      it('never brings back a deleted receipt whose merge failed beside its removal', async () => {
        // Prepare: receipt 3 was created, then deleted before its delta was merged.
        const fixture = await makeFixture();
        const { imageId } = await seedWordsWorld(fixture);
        const { newId, run, merger } = await newReceipt(fixture, imageId);
        await fixture.deleteWords(makeWord(imageId, 3, 1, 1));
        await fixture.deleteReceipts(makeReceipt(imageId, 3));
        const removal = receiptThreeRemoval(imageId, 5);

        // Act
        const outcomes = await deliver(
          fixture,
          [
            [run, removal],
            [run, removal],
          ],
          {
            mergeDeltas: failingFirst(merger.mergeDeltas),
          },
        );

        // Assess
        expect(outcomes).toEqual([
          { run: 'skipped', remove: 'skipped' },
          { run: 'skipped', remove: 'skipped' },
        ]);
        expect(await storedIds(fixture.words)).not.toContain(newId);
        expect(merger.calls).toEqual([]);
      });

      it('never brings back a deleted receipt whose merge failed before it was deleted', async () => {
        // Prepare
        const fixture = await makeFixture();
        const { imageId } = await seedWordsWorld(fixture);
        const { newId, run, merger } = await newReceipt(fixture, imageId);
        const removal = receiptThreeRemoval(imageId, 5);
        const mergeDeltas = failingFirst(merger.mergeDeltas);

        // Act: the merge fails while the receipt exists; then it is deleted and both retried.
        const first = await deliver(fixture, [[run]], { mergeDeltas });
        await fixture.deleteWords(makeWord(imageId, 3, 1, 1));
        await fixture.deleteReceipts(makeReceipt(imageId, 3));
        const later = await deliver(fixture, [[run, removal]], { mergeDeltas });

        // Assess
        expect(first).toEqual([{ run: 'failed' }]);
        expect(later).toEqual([{ run: 'skipped', remove: 'skipped' }]);
        expect(await storedIds(fixture.words)).not.toContain(newId);
      });

      it('fails the removal of a receipt whose merge failed in the same batch, then converges', async () => {
        // Prepare: receipt 3's merge fails; in the same batch a removal of receipt 3 arrives
        // while the table still has it (a late duplicate of an older removal).
        const fixture = await makeFixture();
        const { imageId } = await seedWordsWorld(fixture);
        const { newId, run, merger } = await newReceipt(fixture, imageId);
        const removal = receiptThreeRemoval(imageId, 1);

        // Act
        const outcomes = await deliver(
          fixture,
          [
            [run, removal],
            [run, removal],
          ],
          {
            mergeDeltas: failingFirst(merger.mergeDeltas),
          },
        );

        // Assess
        expect(outcomes).toEqual([
          { run: 'failed', remove: 'failed' },
          { run: 'applied', remove: 'skipped' },
        ]);
        expect(await storedIds(fixture.words)).toContain(newId);
        expect(await metadataOne(fixture.words, newId)).not.toHaveProperty('merchant_name');
      });
    });
  });
}
