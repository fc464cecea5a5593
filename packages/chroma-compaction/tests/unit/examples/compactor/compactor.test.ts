import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { routeRecords } from '../../../../../../examples/compactor/compactor.js';

/** An SQS record with only what routing reads. */
const record = (messageId: string, collection?: string): SQSRecord =>
  ({
    messageId,
    body: '{}',
    messageAttributes:
      collection === undefined
        ? {}
        : { collection: { stringValue: collection, dataType: 'String' } },
  }) as unknown as SQSRecord;

describe('Function: routeRecords (example compactor)', () => {
  it('groups records by their collection attribute, in order, and sets apart the others', () => {
    // Prepare
    const records = [
      record('1', 'lines'),
      record('2', 'words'),
      record('3'),
      record('4', 'lines'),
      record('5', 'receipt_summary'),
    ];

    // Act
    const { batches, unrouted } = routeRecords(records, undefined);

    // Assess
    expect([...batches.keys()]).toEqual(['lines', 'words']);
    expect(batches.get('lines')?.map(({ messageId }) => messageId)).toEqual(['1', '4']);
    expect(batches.get('words')?.map(({ messageId }) => messageId)).toEqual(['2']);
    expect(unrouted.map(({ messageId }) => messageId)).toEqual(['3', '5']);
  });

  it('sends every record to COLLECTION when it is set', () => {
    // Act
    const { batches, unrouted } = routeRecords([record('1', 'words'), record('2')], 'lines');

    // Assess
    expect(batches.get('lines')?.map(({ messageId }) => messageId)).toEqual(['1', '2']);
    expect([...batches.keys()]).toEqual(['lines']);
    expect(unrouted).toEqual([]);
  });
});
