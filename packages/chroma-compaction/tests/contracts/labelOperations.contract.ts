import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidChromaIdError } from '../../src/errors.js';
import { recomputeSectionLabels } from '../../src/operations/recomputeSectionLabels.js';
import { removeWordLabels } from '../../src/operations/removeWordLabels.js';
import { updateLineRowLabels } from '../../src/operations/updateLineRowLabels.js';
import { updateWordLabels } from '../../src/operations/updateWordLabels.js';
import {
  CountingCollection,
  expectLabelCycleStates,
  LABEL_CYCLE,
  type LabelOperationsFixture,
  metadataOf,
  metadataOne,
  seedRows,
  seedWords,
  wordTarget,
} from '../helpers/compactionFixture.js';
import { labelInput, makeLabel, makeSection, sectionInput } from '../helpers/factories.js';

/** Builds a fresh fixture for one test. */
export type MakeLabelOperationsFixture = () => Promise<LabelOperationsFixture>;

const NOW = '2026-02-01T10:00:00.000001+00:00';
const LATER = '2026-02-01T11:00:00.000002+00:00';
const clock = (value: string) => () => value;

/**
 * The behaviour of the word label, line row label and section operations against any
 * `VectorCollection` + `ReceiptStore` pair: called from the unit tests with the in-memory
 * doubles and from the integration tests with a real Chroma server and DynamoDB.
 */
export function describeLabelOperationsContract(
  label: string,
  makeFixture: MakeLabelOperationsFixture,
): void {
  describe(`Label operations contract: ${label}`, () => {
    describe('Function: updateWordLabels', () => {
      it('validates, invalidates and re-validates a label, never in both arrays', async () => {
        // Prepare
        const fixture = await makeFixture();
        const imageId = randomUUID();
        const { ref, id } = wordTarget(imageId, 1, 2, 3);
        await seedWords(fixture.words, [ref]);
        const options = { vectors: fixture.words, receipts: fixture.receipts, now: clock(NOW) };
        const states = [];

        // Act
        for (const { status, timestamp } of LABEL_CYCLE) {
          const total = makeLabel(imageId, 1, 2, 3, 'TOTAL', {
            validation_status: status,
            timestamp_added: timestamp,
          });
          await fixture.putLabels(total);
          const [result] = await updateWordLabels([labelInput('r1', total, 'MODIFY')], options);
          expect(result?.status).toBe('applied');
          states.push(await metadataOne(fixture.words, id));
        }

        // Assess
        expectLabelCycleStates(states, NOW);
        expect(states[2]).toMatchObject({ text: 'w2.3', word_id: 3 });
      });

      it('removes stale proposer, confidence and validation time when their source is gone', async () => {
        // Prepare
        const fixture = await makeFixture();
        const imageId = randomUUID();
        const { ref, id } = wordTarget(imageId, 1, 1, 1);
        await seedWords(fixture.words, [ref], {
          label_status: 'auto_suggested',
          label_confidence: 0.9,
          label_proposed_by: 'old-model',
          label_validated_at: '2025-01-01T00:00:00+00:00',
          label_TOTAL: true,
          valid_labels: ',TOTAL,',
        });
        const invalid = makeLabel(imageId, 1, 1, 1, 'TOTAL', { validation_status: 'INVALID' });
        await fixture.putLabels(invalid);

        // Act
        const [result] = await updateWordLabels([labelInput(undefined, invalid, 'MODIFY')], {
          vectors: fixture.words,
          receipts: fixture.receipts,
          now: clock(NOW),
        });

        // Assess
        expect(result?.status).toBe('applied');
        expect(await metadataOne(fixture.words, id)).toEqual({
          image_id: imageId,
          receipt_id: 1,
          line_id: 1,
          word_id: 1,
          text: 'w1.1',
          label_status: 'unvalidated',
          invalid_labels_array: ['TOTAL'],
          last_label_update: NOW,
        });
      });

      it('takes the proposer of the newest pending label', async () => {
        // Prepare
        const fixture = await makeFixture();
        const imageId = randomUUID();
        const { ref, id } = wordTarget(imageId, 1, 1, 1);
        await seedWords(fixture.words, [ref]);
        const older = makeLabel(imageId, 1, 1, 1, 'DATE', {
          validation_status: 'PENDING',
          label_proposed_by: 'first-model',
          timestamp_added: '2026-01-01T00:00:00+00:00',
        });
        const newer = makeLabel(imageId, 1, 1, 1, 'TIME', {
          validation_status: 'PENDING',
          label_proposed_by: 'second-model',
          timestamp_added: '2026-01-02T00:00:00+00:00',
        });
        await fixture.putLabels(older, newer);

        // Act
        await updateWordLabels([labelInput(undefined, newer, 'MODIFY')], {
          vectors: fixture.words,
          receipts: fixture.receipts,
        });

        // Assess
        const stored = await metadataOne(fixture.words, id);
        expect(stored).toMatchObject({
          label_status: 'auto_suggested',
          label_proposed_by: 'second-model',
        });
        expect(stored).not.toHaveProperty('valid_labels_array');
        expect(stored).not.toHaveProperty('invalid_labels_array');
      });

      it('writes comma-delimited label strings with labelFormat delimited', async () => {
        // Prepare
        const fixture = await makeFixture();
        const imageId = randomUUID();
        const { ref, id } = wordTarget(imageId, 1, 1, 1);
        await seedWords(fixture.words, [ref], { valid_labels_array: ['OLD'] });
        const labels = [
          makeLabel(imageId, 1, 1, 1, 'TOTAL'),
          makeLabel(imageId, 1, 1, 1, 'GRAND_TOTAL'),
          makeLabel(imageId, 1, 1, 1, 'TAX', { validation_status: 'PENDING' }),
        ];
        await fixture.putLabels(...labels);

        // Act
        const [result] = await updateWordLabels(
          labels.slice(0, 1).map((item) => labelInput(undefined, item, 'MODIFY')),
          { vectors: fixture.words, receipts: fixture.receipts, labelFormat: 'delimited' },
        );

        // Assess
        expect(result?.status).toBe('applied');
        const stored = await metadataOne(fixture.words, id);
        expect(stored).toMatchObject({
          valid_labels: ',GRAND_TOTAL,TOTAL,',
          invalid_labels: '',
          label_status: 'validated',
        });
        expect(stored).not.toHaveProperty('valid_labels_array');
      });

      it('skips a word that has no embedding without creating it', async () => {
        // Prepare
        const fixture = await makeFixture();
        const imageId = randomUUID();
        const label = makeLabel(imageId, 1, 4, 4, 'TOTAL');
        await fixture.putLabels(label);

        // Act
        const [result] = await updateWordLabels([labelInput('r9', label, 'MODIFY')], {
          vectors: fixture.words,
          receipts: fixture.receipts,
        });

        // Assess
        expect(result).toMatchObject({
          status: 'skipped',
          reason: 'embedding not found',
          updatedCount: 0,
          recordIds: ['r9'],
          chromaId: wordTarget(imageId, 1, 4, 4).id,
        });
        expect(await metadataOne(fixture.words, wordTarget(imageId, 1, 4, 4).id)).toBeUndefined();
      });

      it('fails a message whose ids do not form a word id, and applies the others', async () => {
        // Prepare
        const fixture = await makeFixture();
        const imageId = randomUUID();
        const { ref, id } = wordTarget(imageId, 1, 1, 1);
        await seedWords(fixture.words, [ref]);
        const good = makeLabel(imageId, 1, 1, 1, 'TOTAL');
        await fixture.putLabels(good);
        const bad = labelInput('bad', good, 'MODIFY');
        const badInput = {
          ...bad,
          message: { ...bad.message, entityData: { ...bad.message.entityData, word_id: 1.5 } },
        };

        // Act
        const results = await updateWordLabels([badInput, labelInput('good', good, 'MODIFY')], {
          vectors: fixture.words,
          receipts: fixture.receipts,
        });

        // Assess
        expect(results.map((result) => result.status)).toEqual(['failed', 'applied']);
        expect(results[0]?.error).toBeInstanceOf(InvalidChromaIdError);
        expect(results[0]?.recordIds).toEqual(['bad']);
        expect(await metadataOne(fixture.words, id)).toMatchObject({ label_status: 'validated' });
      });

      it('gives identical state when the same batch is replayed', async () => {
        // Prepare
        const fixture = await makeFixture();
        const imageId = randomUUID();
        const targets = [wordTarget(imageId, 1, 1, 1), wordTarget(imageId, 1, 1, 2)];
        await seedWords(
          fixture.words,
          targets.map(({ ref }) => ref),
        );
        const labels = [
          makeLabel(imageId, 1, 1, 1, 'TOTAL'),
          makeLabel(imageId, 1, 1, 2, 'TAX', { validation_status: 'INVALID' }),
        ];
        await fixture.putLabels(...labels);
        const inputs = labels.map((item, index) => labelInput(`r${index}`, item, 'MODIFY'));
        const ids = targets.map(({ id }) => id);

        // Act
        const first = await updateWordLabels(inputs, {
          vectors: fixture.words,
          receipts: fixture.receipts,
          now: clock(NOW),
        });
        const afterFirst = await metadataOf(fixture.words, ids);
        const second = await updateWordLabels(inputs, {
          vectors: fixture.words,
          receipts: fixture.receipts,
          now: clock(LATER),
        });
        const afterSecond = await metadataOf(fixture.words, ids);

        // Assess
        expect(first.map((result) => result.status)).toEqual(['applied', 'applied']);
        expect(second.map((result) => result.reason)).toEqual(['unchanged', 'unchanged']);
        expect(afterSecond).toEqual(afterFirst);
      });

      it('reads and writes one receipt in one get and one update per batch', async () => {
        // Prepare
        const fixture = await makeFixture();
        const words = new CountingCollection(fixture.words);
        const imageId = randomUUID();
        const targets = [1, 2, 3, 4, 5].map((wordId) => wordTarget(imageId, 1, 1, wordId));
        await seedWords(
          fixture.words,
          targets.map(({ ref }) => ref),
        );
        const labels = targets.map(({ ref }) => makeLabel(imageId, 1, 1, ref.wordId, 'TOTAL'));
        await fixture.putLabels(...labels);

        // Act
        const results = await updateWordLabels(
          labels.map((item) => labelInput(undefined, item, 'MODIFY')),
          { vectors: words, receipts: fixture.receipts, maxBatchSize: 2 },
        );

        // Assess
        expect(results.map(({ status }) => status)).toEqual(labels.map(() => 'applied'));
        expect(words.calls.get).toBe(3);
        expect(words.updateSizes).toEqual([2, 2, 1]);
      });

      it('counts a word written for two messages once', async () => {
        // Prepare
        const fixture = await makeFixture();
        const imageId = randomUUID();
        const { ref } = wordTarget(imageId, 1, 1, 1);
        await seedWords(fixture.words, [ref]);
        const labels = [makeLabel(imageId, 1, 1, 1, 'TOTAL'), makeLabel(imageId, 1, 1, 1, 'TAX')];
        await fixture.putLabels(...labels);

        // Act
        const results = await updateWordLabels(
          labels.map((item, index) => labelInput(`r${index}`, item, 'MODIFY')),
          { vectors: fixture.words, receipts: fixture.receipts },
        );

        // Assess
        expect(results.map((result) => [result.status, result.updatedCount])).toEqual([
          ['applied', 1],
          ['applied', 0],
        ]);
      });
    });

    describe('Function: removeWordLabels', () => {
      it('keeps the other label when one of two is removed', async () => {
        // Prepare
        const fixture = await makeFixture();
        const imageId = randomUUID();
        const { ref, id } = wordTarget(imageId, 1, 1, 1);
        await seedWords(fixture.words, [ref]);
        const total = makeLabel(imageId, 1, 1, 1, 'TOTAL');
        const tax = makeLabel(imageId, 1, 1, 1, 'TAX', { validation_status: 'INVALID' });
        await fixture.putLabels(total, tax);
        await updateWordLabels([labelInput(undefined, total, 'MODIFY')], {
          vectors: fixture.words,
          receipts: fixture.receipts,
          now: clock(NOW),
        });

        // Act
        await fixture.deleteLabels(tax);
        const [result] = await removeWordLabels([labelInput('rm', tax, 'REMOVE')], {
          vectors: fixture.words,
          receipts: fixture.receipts,
          now: clock(LATER),
        });

        // Assess
        expect(result).toMatchObject({ status: 'applied', updatedCount: 1, eventName: 'REMOVE' });
        const stored = await metadataOne(fixture.words, id);
        expect(stored).toMatchObject({
          valid_labels_array: ['TOTAL'],
          label_status: 'validated',
          labels_removed_at: LATER,
          last_label_update: NOW,
        });
        expect(stored).not.toHaveProperty('invalid_labels_array');
      });

      it('removes every label field when the last label is removed', async () => {
        // Prepare
        const fixture = await makeFixture();
        const imageId = randomUUID();
        const { ref, id } = wordTarget(imageId, 1, 1, 1);
        await seedWords(fixture.words, [ref]);
        const total = makeLabel(imageId, 1, 1, 1, 'TOTAL', {
          validation_status: 'PENDING',
          label_proposed_by: 'model',
        });
        await fixture.putLabels(total);
        await updateWordLabels([labelInput(undefined, total, 'MODIFY')], {
          vectors: fixture.words,
          receipts: fixture.receipts,
          now: clock(NOW),
        });

        // Act
        await fixture.deleteLabels(total);
        const [result] = await removeWordLabels([labelInput(undefined, total, 'REMOVE')], {
          vectors: fixture.words,
          receipts: fixture.receipts,
          now: clock(LATER),
        });

        // Assess
        expect(result?.status).toBe('applied');
        expect(await metadataOne(fixture.words, id)).toEqual({
          image_id: imageId,
          receipt_id: 1,
          line_id: 1,
          word_id: 1,
          text: 'w1.1',
          last_label_update: NOW,
          labels_removed_at: LATER,
        });
      });
    });

    describe('Function: updateLineRowLabels', () => {
      it('aggregates the labels of a row and removes flags of labels that are gone', async () => {
        // Prepare
        const fixture = await makeFixture();
        const imageId = randomUUID();
        const [rowId, otherRowId] = await seedRows(fixture.lines, imageId, 1, [
          { lineIds: [1, 2], extra: { label_DATE: true, label_status: 'validated' } },
          { lineIds: [3] },
        ]);
        const labels = [
          makeLabel(imageId, 1, 1, 1, 'GRAND_TOTAL', { validation_status: 'INVALID' }),
          makeLabel(imageId, 1, 2, 1, 'GRAND_TOTAL'),
          makeLabel(imageId, 1, 2, 2, 'TAX', { validation_status: 'INVALID' }),
          makeLabel(imageId, 1, 2, 3, 'NOT_A_CORE_LABEL'),
          makeLabel(imageId, 1, 3, 1, 'DATE'),
        ];
        await fixture.putLabels(...labels);

        // Act
        const results = await updateLineRowLabels(
          labels.slice(1, 2).map((item) => labelInput('r1', item, 'MODIFY')),
          { vectors: fixture.lines, receipts: fixture.receipts },
        );

        // Assess
        expect(results).toMatchObject([
          { status: 'applied', chromaId: rowId, updatedCount: 1, recordIds: ['r1'] },
        ]);
        const [row, otherRow] = await metadataOf(fixture.lines, [
          rowId as string,
          otherRowId as string,
        ]);
        expect(row).toEqual({
          image_id: imageId,
          receipt_id: 1,
          line_id: 1,
          row_line_ids: '[1, 2]',
          label_GRAND_TOTAL: true,
          label_TAX: false,
          label_status: 'validated',
        });
        // The row of line 3 has a DATE label in DynamoDB but no message: it is not written.
        expect(otherRow).not.toHaveProperty('label_status');
      });

      it('skips a line that no row contains and a receipt without rows', async () => {
        // Prepare
        const fixture = await makeFixture();
        const imageId = randomUUID();
        await seedRows(fixture.lines, imageId, 1, [{ lineIds: [1] }]);
        const orphan = makeLabel(imageId, 1, 9, 1, 'GRAND_TOTAL');
        const elsewhere = makeLabel(imageId, 2, 1, 1, 'GRAND_TOTAL');
        await fixture.putLabels(orphan, elsewhere);

        // Act
        const results = await updateLineRowLabels(
          [labelInput(undefined, orphan, 'MODIFY'), labelInput(undefined, elsewhere, 'MODIFY')],
          { vectors: fixture.lines, receipts: fixture.receipts },
        );

        // Assess
        expect(results.map((result) => [result.status, result.reason])).toEqual([
          ['skipped', 'no row contains the line'],
          ['skipped', 'no rows for receipt'],
        ]);
      });

      it('gives identical state when replayed', async () => {
        // Prepare
        const fixture = await makeFixture();
        const imageId = randomUUID();
        const [rowId] = await seedRows(fixture.lines, imageId, 1, [{ lineIds: [1] }]);
        const pending = makeLabel(imageId, 1, 1, 1, 'GRAND_TOTAL', {
          validation_status: 'PENDING',
        });
        await fixture.putLabels(pending);
        const inputs = [labelInput(undefined, pending, 'MODIFY')];
        const options = { vectors: fixture.lines, receipts: fixture.receipts };

        // Act
        const first = await updateLineRowLabels(inputs, options);
        const afterFirst = await metadataOne(fixture.lines, rowId as string);
        const second = await updateLineRowLabels(inputs, options);

        // Assess
        expect(first[0]?.status).toBe('applied');
        expect(second[0]).toMatchObject({ status: 'skipped', reason: 'unchanged' });
        expect(afterFirst).toMatchObject({ label_status: 'auto_suggested' });
        expect(await metadataOne(fixture.lines, rowId as string)).toEqual(afterFirst);
      });
    });

    describe('Function: recomputeSectionLabels', () => {
      it('sets, keeps and removes section labels, once per receipt', async () => {
        // Prepare
        const fixture = await makeFixture();
        const imageId = randomUUID();
        const ids = await seedRows(fixture.lines, imageId, 1, [
          { lineIds: [1, 2] },
          { lineIds: [3], extra: { section_label: 'ITEMS' } },
          { lineIds: [4], extra: { section_label: 'FOOTER' } },
        ]);
        await fixture.putSections(
          makeSection(imageId, 1, 'HEADER', [1, 2]),
          makeSection(imageId, 1, 'ITEMS', [3]),
        );
        const lines = new CountingCollection(fixture.lines);

        // Act
        const results = await recomputeSectionLabels(
          [sectionInput('a', imageId, 1, 'HEADER'), sectionInput('b', imageId, 1, 'ITEMS')],
          { vectors: lines, receipts: fixture.receipts },
        );

        // Assess
        expect(results).toMatchObject([
          { kind: 'section', status: 'applied', updatedCount: 2, recordIds: ['a', 'b'] },
        ]);
        expect(lines.updateSizes).toEqual([2]);
        const stored = await metadataOf(fixture.lines, ids);
        expect(stored.map((metadata) => metadata?.['section_label'])).toEqual([
          'HEADER',
          'ITEMS',
          undefined,
        ]);
      });

      it('removes the label of rows whose section was deleted', async () => {
        // Prepare
        const fixture = await makeFixture();
        const imageId = randomUUID();
        const [rowId] = await seedRows(fixture.lines, imageId, 1, [{ lineIds: [1] }]);
        const header = makeSection(imageId, 1, 'HEADER', [1]);
        await fixture.putSections(header);
        const options = { vectors: fixture.lines, receipts: fixture.receipts };
        await recomputeSectionLabels([sectionInput(undefined, imageId, 1, 'HEADER')], options);
        const before = await metadataOne(fixture.lines, rowId as string);

        // Act
        await fixture.deleteSections(header);
        const [result] = await recomputeSectionLabels(
          [sectionInput(undefined, imageId, 1, 'HEADER')],
          options,
        );

        // Assess
        expect(before).toMatchObject({ section_label: 'HEADER' });
        expect(result).toMatchObject({ status: 'applied', updatedCount: 1 });
        expect(await metadataOne(fixture.lines, rowId as string)).not.toHaveProperty(
          'section_label',
        );
      });

      it('recomputes extra receipts and skips a receipt without rows', async () => {
        // Prepare
        const fixture = await makeFixture();
        const imageId = randomUUID();
        const [rowId] = await seedRows(fixture.lines, imageId, 2, [{ lineIds: [1] }]);
        await fixture.putSections(makeSection(imageId, 2, 'TOTAL_LINE', [1]));

        // Act
        const results = await recomputeSectionLabels([sectionInput('x', imageId, 1, 'HEADER')], {
          vectors: fixture.lines,
          receipts: fixture.receipts,
          extraReceipts: [{ imageId, receiptId: 2 }],
        });

        // Assess
        expect(results).toMatchObject([
          { receiptId: 1, status: 'skipped', reason: 'no rows for receipt', recordIds: ['x'] },
          { receiptId: 2, status: 'applied', updatedCount: 1, recordIds: [] },
        ]);
        expect(await metadataOne(fixture.lines, rowId as string)).toMatchObject({
          section_label: 'TOTAL_LINE',
        });
      });
    });
  });
}
