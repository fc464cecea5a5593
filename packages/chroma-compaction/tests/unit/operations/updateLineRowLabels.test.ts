import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidChromaIdError, ReceiptStoreError, VectorStoreError } from '../../../src/errors.js';
import { rowLabelPatch, updateLineRowLabels } from '../../../src/operations/updateLineRowLabels.js';
import {
  makeInMemoryLabelFixture,
  metadataOne,
  RecordingMetrics,
  seedRows,
} from '../../helpers/compactionFixture.js';
import { labelInput, makeLabel } from '../../helpers/factories.js';

const IMAGE = '3f52804b-2fad-4e00-92c8-b593da3a8ed3';

describe('Function: rowLabelPatch', () => {
  it('lets VALID win over INVALID for the same label on the row', () => {
    // Prepare
    const labels = [
      makeLabel(IMAGE, 1, 1, 1, 'GRAND_TOTAL', { validation_status: 'INVALID' }),
      makeLabel(IMAGE, 1, 2, 1, 'GRAND_TOTAL', { validation_status: 'VALID' }),
      makeLabel(IMAGE, 1, 2, 2, 'GRAND_TOTAL', { validation_status: 'INVALID' }),
    ];

    // Act
    const patch = rowLabelPatch(null, [1, 2], labels);

    // Assess
    expect(patch).toEqual({ label_GRAND_TOTAL: true, label_status: 'validated' });
  });

  it('sends null for every label key of the row that is no longer backed by a label', () => {
    // Act
    const patch = rowLabelPatch(
      { label_DATE: true, label_TAX: false, label_status: 'validated', text: 'x' },
      [1],
      [makeLabel(IMAGE, 1, 1, 1, 'TAX', { validation_status: 'PENDING' })],
    );

    // Assess
    expect(patch).toEqual({ label_DATE: null, label_TAX: null, label_status: 'auto_suggested' });
  });

  it('ignores labels of other lines, non-core labels and NONE statuses', () => {
    // Act
    const patch = rowLabelPatch(
      null,
      [1],
      [
        makeLabel(IMAGE, 1, 2, 1, 'GRAND_TOTAL'),
        makeLabel(IMAGE, 1, 1, 1, 'SOMETHING_ELSE'),
        makeLabel(IMAGE, 1, 1, 2, 'TAX', { validation_status: 'NONE' }),
      ],
    );

    // Assess
    expect(patch).toEqual({ label_status: 'unvalidated' });
  });
});

describe('Function: updateLineRowLabels', () => {
  const seeded = async () => {
    const fixture = makeInMemoryLabelFixture();
    const imageId = randomUUID();
    const [rowId] = await seedRows(fixture.lines, imageId, 1, [{ lineIds: [1, 2] }]);
    const label = makeLabel(imageId, 1, 2, 1, 'GRAND_TOTAL');
    fixture.receipts.addLabels(label);
    return { fixture, rowId: rowId as string, label, imageId };
  };

  it('fails on a DynamoDB error instead of writing unvalidated', async () => {
    // Prepare
    const { fixture, rowId, label } = await seeded();
    const failure = new ReceiptStoreError('throttled', { operation: 'query' });
    fixture.receipts.failNextRead(failure);

    // Act
    const [result] = await updateLineRowLabels([labelInput('r', label, 'MODIFY')], {
      vectors: fixture.lines,
      receipts: fixture.receipts,
    });

    // Assess
    expect(result).toMatchObject({ status: 'failed', recordIds: ['r'], updatedCount: 0 });
    expect(result?.error).toBe(failure);
    expect(await metadataOne(fixture.lines, rowId)).not.toHaveProperty('label_status');
  });

  it('fails on a Chroma get or update error', async () => {
    // Prepare
    const { fixture, label } = await seeded();
    const options = { vectors: fixture.lines, receipts: fixture.receipts };

    // Act
    fixture.lines.failNext('get');
    const [afterGet] = await updateLineRowLabels([labelInput(undefined, label, 'MODIFY')], options);
    fixture.lines.failNext('update');
    const [afterUpdate] = await updateLineRowLabels(
      [labelInput(undefined, label, 'MODIFY')],
      options,
    );

    // Assess
    expect(afterGet).toMatchObject({ status: 'failed', reason: 'Chroma get failed' });
    expect(afterUpdate).toMatchObject({ status: 'failed', reason: 'Chroma update failed' });
    expect(afterUpdate?.error).toBeInstanceOf(VectorStoreError);
  });

  it('does not read DynamoDB for a receipt without rows', async () => {
    // Prepare
    const fixture = makeInMemoryLabelFixture();
    const label = makeLabel(randomUUID(), 1, 1, 1, 'GRAND_TOTAL');

    // Act
    const [result] = await updateLineRowLabels([labelInput(undefined, label, 'MODIFY')], {
      vectors: fixture.lines,
      receipts: fixture.receipts,
    });

    // Assess
    expect(result).toMatchObject({ status: 'skipped', reason: 'no rows for receipt' });
    expect(fixture.receipts.reads).toBe(0);
  });

  it('fails a message without a line id, and counts two messages of one row once', async () => {
    // Prepare
    const { fixture, label, imageId } = await seeded();
    const other = makeLabel(imageId, 1, 1, 1, 'TAX');
    fixture.receipts.addLabels(other);
    const broken = labelInput('broken', label, 'MODIFY');
    const { line_id: _lineId, ...withoutLine } = broken.message.entityData;
    const metrics = new RecordingMetrics();

    // Act
    const results = await updateLineRowLabels(
      [
        { ...broken, message: { ...broken.message, entityData: withoutLine } },
        labelInput('a', label, 'MODIFY'),
        labelInput('b', other, 'MODIFY'),
      ],
      { vectors: fixture.lines, receipts: fixture.receipts, metrics },
    );

    // Assess
    expect(results.map((result) => [result.status, result.updatedCount])).toEqual([
      ['failed', 0],
      ['applied', 1],
      ['applied', 0],
    ]);
    expect(results[0]?.error).toBeInstanceOf(InvalidChromaIdError);
    expect(metrics.names().sort()).toEqual(['CompactionInvalidChromaDBID', 'RowLabelUpdated']);
  });
});
