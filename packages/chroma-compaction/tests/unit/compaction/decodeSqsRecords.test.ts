import { MessageDecodeError, toWireMessage } from '@receipt-chroma/dynamo-stream';
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { decodeSqsRecords } from '../../../src/compaction/decodeSqsRecords.js';
import { placeInput } from '../../helpers/factories.js';

const IMAGE = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

/** A Lambda SQS record with every field `@types/aws-lambda` requires. */
const sqsRecord = (messageId: string, body: string, collection?: string): SQSRecord => ({
  messageId,
  receiptHandle: `handle-${messageId}`,
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1767528000000',
    SenderId: 'AIDA',
    ApproximateFirstReceiveTimestamp: '1767528000001',
  },
  messageAttributes:
    collection === undefined ? {} : { collection: { stringValue: collection, dataType: 'String' } },
  md5OfBody: 'md5',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:words',
  awsRegion: 'us-east-1',
});

const placeBody = (): string => {
  const { message } = placeInput('x', IMAGE, 1, 'MODIFY', {
    merchant_name: { old: 'A', new: 'B' },
  });
  return JSON.stringify(toWireMessage({ ...message, collections: ['words'] }));
};

describe('Function: decodeSqsRecords', () => {
  it('decodes Lambda SQS records into inputs keyed by messageId, with the collection attribute', () => {
    // Prepare
    const records = [sqsRecord('m1', placeBody(), 'words'), sqsRecord('m2', placeBody())];

    // Act
    const { inputs, failures } = decodeSqsRecords(records);

    // Assess
    expect(failures).toEqual([]);
    expect(inputs).toHaveLength(2);
    expect(inputs[0]).toMatchObject({
      recordId: 'm1',
      collection: 'words',
      message: {
        entityType: 'RECEIPT_PLACE',
        eventName: 'MODIFY',
        entityData: { image_id: IMAGE, receipt_id: 1 },
        changes: { merchant_name: { old: 'A', new: 'B' } },
      },
    });
    expect(inputs[1]).not.toHaveProperty('collection');
  });

  it('turns each undecodable body into one failure and keeps the other records', () => {
    // Prepare
    const records = [
      sqsRecord('bad-json', '{not json'),
      sqsRecord('good', placeBody()),
      sqsRecord('bad-shape', JSON.stringify({ entity_type: 'RECEIPT_PLACE' })),
      sqsRecord('bad-id', placeBody().replace('"receipt_id":1', '"receipt_id":1.5')),
    ];

    // Act
    const { inputs, failures } = decodeSqsRecords(records);

    // Assess
    expect(inputs.map(({ recordId }) => recordId)).toEqual(['good']);
    expect(failures.map(({ recordId, status }) => [recordId, status])).toEqual([
      ['bad-json', 'failed'],
      ['bad-shape', 'failed'],
      ['bad-id', 'failed'],
    ]);
    for (const failure of failures) {
      expect(failure.error).toBeInstanceOf(MessageDecodeError);
      expect(failure.reason).toMatch(/^undecodable message body: /);
    }
  });

  it('fails a record whose body is not a string instead of throwing', () => {
    // Prepare
    const record = { messageId: 'm1', body: undefined as unknown as string };

    // Act
    const { inputs, failures } = decodeSqsRecords([record]);

    // Assess
    expect(inputs).toEqual([]);
    expect(failures).toMatchObject([{ recordId: 'm1', status: 'failed' }]);
  });
});
