import type { SQSBatchResponse } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { toBatchItemFailures } from '../../../src/compaction/toBatchItemFailures.js';
import type { RecordOutcome } from '../../../src/compaction/types.js';

const outcome = (recordId: string, status: string): RecordOutcome =>
  ({ recordId, status }) as RecordOutcome;

describe('Function: toBatchItemFailures', () => {
  it('lists only the failed records', () => {
    // Prepare
    const result = {
      outcomes: [outcome('a', 'applied'), outcome('b', 'failed'), outcome('c', 'skipped')],
    };

    // Act
    const response: SQSBatchResponse = toBatchItemFailures(result);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'b' }] });
  });

  it('returns an empty list when nothing failed', () => {
    // Act
    const response = toBatchItemFailures({ outcomes: [outcome('a', 'applied')] });

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
  });

  it('counts a record without an outcome, or with an unknown status, as failed', () => {
    // Prepare
    const result = { outcomes: [outcome('a', 'applied'), outcome('b', 'pending')] };
    const records = [{ messageId: 'a' }, { messageId: 'b' }, { messageId: 'lost' }];

    // Act
    const response = toBatchItemFailures(result, { records });

    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: 'b' },
      { itemIdentifier: 'lost' },
    ]);
  });

  it('merges several results and extra failures, failing a record if any outcome failed, once', () => {
    // Prepare
    const lines = { outcomes: [outcome('a', 'applied'), outcome('b', 'failed')] };
    const words = { outcomes: [outcome('a', 'failed'), outcome('b', 'failed')] };
    const failures = [outcome('c', 'failed')];
    const records = [{ messageId: 'c' }, { messageId: 'b' }, { messageId: 'a' }];

    // Act
    const response = toBatchItemFailures([lines, words], { failures, records });

    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: 'c' },
      { itemIdentifier: 'b' },
      { itemIdentifier: 'a' },
    ]);
  });

  it('leaves out failed ids that are not records of the batch, so Lambda does not fail it whole', () => {
    // Prepare
    const result = { outcomes: [outcome('a', 'failed'), outcome('fetched-by-hand', 'failed')] };

    // Act
    const response = toBatchItemFailures(result, { records: [{ messageId: 'a' }] });

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'a' }]);
  });
});
