import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidChromaIdError, ReceiptStoreError } from '../../../src/errors.js';
import {
  recomputeSectionLabels,
  rowSectionFromMap,
  sectionsToLineMap,
} from '../../../src/operations/recomputeSectionLabels.js';
import {
  makeInMemoryLabelFixture,
  metadataOne,
  RecordingMetrics,
  seedRows,
} from '../../helpers/compactionFixture.js';
import { makeSection, sectionInput } from '../../helpers/factories.js';

const IMAGE = '3f52804b-2fad-4e00-92c8-b593da3a8ed3';

const section = (
  type: Parameters<typeof makeSection>[2],
  lineIds: number[],
  validationStatus: 'VALID' | 'PENDING' | 'INVALID' | null,
  confidence: number | null,
) => ({
  ...makeSection(IMAGE, 1, type, lineIds),
  validation_status: validationStatus,
  confidence,
});

describe('Function: sectionsToLineMap', () => {
  it('ranks by status, then confidence, and ignores INVALID sections', () => {
    // Act
    const map = sectionsToLineMap([
      section('HEADER', [1, 2, 3], 'PENDING', 0.9),
      section('ITEMS', [2], 'VALID', 0.1),
      section('FOOTER', [3], 'PENDING', 0.95),
      section('PAYMENT', [1, 3], 'INVALID', 1),
    ]);

    // Assess
    expect([...map].sort()).toEqual([
      [1, 'HEADER'],
      [2, 'ITEMS'],
      [3, 'FOOTER'],
    ]);
  });

  it('keeps the first section on a full tie', () => {
    // Act
    const map = sectionsToLineMap([
      section('HEADER', [1], null, null),
      section('ITEMS', [1], null, 0),
    ]);

    // Assess
    expect(map.get(1)).toBe('HEADER');
  });
});

describe('Function: rowSectionFromMap', () => {
  it('gives the plurality, or null on a tie or without mapped lines', () => {
    // Prepare
    const map = new Map([
      [1, 'HEADER'],
      [2, 'HEADER'],
      [3, 'ITEMS'],
      [4, 'FOOTER'],
    ]);

    // Act / Assess
    expect(rowSectionFromMap([1, 2, 3], map)).toBe('HEADER');
    expect(rowSectionFromMap([3, 4], map)).toBeNull();
    expect(rowSectionFromMap([9], map)).toBeNull();
  });
});

describe('Function: recomputeSectionLabels', () => {
  it('fails the receipt on a DynamoDB error and writes nothing', async () => {
    // Prepare
    const fixture = makeInMemoryLabelFixture();
    const imageId = randomUUID();
    const [rowId] = await seedRows(fixture.lines, imageId, 1, [{ lineIds: [1] }]);
    fixture.receipts.addSections(makeSection(imageId, 1, 'HEADER', [1]));
    const failure = new ReceiptStoreError('throttled', { operation: 'query' });
    fixture.receipts.failNextRead(failure);
    const metrics = new RecordingMetrics();

    // Act
    const [result] = await recomputeSectionLabels([sectionInput('r', imageId, 1, 'HEADER')], {
      vectors: fixture.lines,
      receipts: fixture.receipts,
      metrics,
    });

    // Assess
    expect(result).toMatchObject({
      status: 'failed',
      reason: 'DynamoDB read of sections failed',
      recordIds: ['r'],
      updatedCount: 0,
    });
    expect(result?.error).toBe(failure);
    expect(await metadataOne(fixture.lines, rowId as string)).not.toHaveProperty('section_label');
    expect(metrics.names()).toEqual(['SectionRecomputeProcessed', 'SectionRecomputeError']);
  });

  it('fails the receipt on a Chroma update error', async () => {
    // Prepare
    const fixture = makeInMemoryLabelFixture();
    const imageId = randomUUID();
    await seedRows(fixture.lines, imageId, 1, [{ lineIds: [1] }]);
    fixture.receipts.addSections(makeSection(imageId, 1, 'HEADER', [1]));
    fixture.lines.failNext('update');

    // Act
    const [result] = await recomputeSectionLabels([sectionInput(undefined, imageId, 1, 'HEADER')], {
      vectors: fixture.lines,
      receipts: fixture.receipts,
    });

    // Assess
    expect(result).toMatchObject({ status: 'failed', reason: 'Chroma update failed' });
  });

  it('skips an unchanged receipt and does not read DynamoDB without rows', async () => {
    // Prepare
    const fixture = makeInMemoryLabelFixture();
    const imageId = randomUUID();
    await seedRows(fixture.lines, imageId, 1, [
      { lineIds: [1], extra: { section_label: 'HEADER' } },
    ]);
    fixture.receipts.addSections(makeSection(imageId, 1, 'HEADER', [1]));

    // Act
    const results = await recomputeSectionLabels(
      [
        sectionInput(undefined, imageId, 1, 'HEADER'),
        sectionInput(undefined, imageId, 7, 'HEADER'),
      ],
      { vectors: fixture.lines, receipts: fixture.receipts },
    );

    // Assess
    expect(results.map((result) => [result.receiptId, result.reason])).toEqual([
      [1, 'unchanged'],
      [7, 'no rows for receipt'],
    ]);
    expect(fixture.receipts.reads).toBe(1);
  });

  it('fails a message without a receipt id on its own', async () => {
    // Prepare
    const fixture = makeInMemoryLabelFixture();
    const broken = sectionInput('broken', IMAGE, 1, 'HEADER');
    const { receipt_id: _receiptId, ...withoutReceipt } = broken.message.entityData;

    // Act
    const results = await recomputeSectionLabels(
      [
        {
          ...broken,
          message: {
            ...broken.message,
            // A malformed queue message: decoded JSON need not match the type.
            entityData: withoutReceipt as unknown as typeof broken.message.entityData,
          },
        },
      ],
      { vectors: fixture.lines, receipts: fixture.receipts },
    );

    // Assess
    expect(results).toMatchObject([
      {
        status: 'failed',
        imageId: IMAGE,
        receiptId: 0,
        recordIds: ['broken'],
        reason: 'invalid receipt ids',
      },
    ]);
    expect(results[0]?.error).toBeInstanceOf(InvalidChromaIdError);
  });
});
