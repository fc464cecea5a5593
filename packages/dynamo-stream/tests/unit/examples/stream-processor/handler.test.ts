import { describe, expect, it } from 'vitest';
import { generateLabelledEvents } from '../../../../../../bench/data/generateEvents.mjs';
import {
  recordsToRetry,
  unsendableMessages,
} from '../../../../../../examples/stream-processor/handler.js';
import {
  type PublishFailure,
  PublishFailureError,
  QueueBatchFailureError,
  QueueConfigurationError,
  QueueMessageTooLargeError,
} from '../../../../src/errors.js';
import { buildStreamMessages } from '../../../../src/messages/buildStreamMessages.js';

// Five label validations: each record yields exactly one message (spec §8.5).
const records = generateLabelledEvents({ count: 200, seed: 5 })
  .filter((entry) => entry.kind === 'label-validation')
  .slice(0, 5)
  .map((entry) => entry.record);
const { messages } = buildStreamMessages(records);

const failureOf = (messageIndex: number): PublishFailure => {
  const message = messages[messageIndex];
  if (message === undefined) throw new Error(`no message ${messageIndex}`);
  return {
    messageIndex,
    message,
    queue: 'words',
    entryId: String(messageIndex),
    code: 'Throttled',
    senderFault: false,
    cause: new QueueBatchFailureError('words', [{ Id: String(messageIndex), Code: 'Throttled' }]),
  };
};

/** The failure of message `messageIndex` being too large to send at all. */
const tooLargeFailureOf = (messageIndex: number): PublishFailure => ({
  ...failureOf(messageIndex),
  code: 'QueueMessageTooLargeError',
  senderFault: true,
  cause: new QueueMessageTooLargeError('words', messageIndex, 300_000, 262_144),
});

const sequenceNumberOf = (index: number): string => records[index]?.dynamodb?.SequenceNumber ?? '';

describe('Function: recordsToRetry (example stream handler)', () => {
  it('reports only the records whose messages did not reach SQS, by SequenceNumber', () => {
    // Prepare
    const error = new PublishFailureError(12, [failureOf(3), failureOf(1)]);

    // Act
    const failures = recordsToRetry(records, error);

    // Assess
    expect(messages).toHaveLength(5);
    expect(failures).toEqual([
      { itemIdentifier: sequenceNumberOf(1) },
      { itemIdentifier: sequenceNumberOf(3) },
    ]);
  });

  it('reports every record when publishing failed before anything was sent', () => {
    // Act
    const failures = recordsToRetry(records, new QueueConfigurationError('lines'));

    // Assess
    expect(failures.map((failure) => failure.itemIdentifier)).toEqual(
      records.map((_, index) => sequenceNumberOf(index)),
    );
  });

  it('reports every record when no failed message can be traced to a record', () => {
    // Prepare
    const failure = failureOf(0);
    const untraceable: PublishFailure = {
      ...failure,
      message: { ...failure.message, context: { ...failure.message.context, recordId: 'other' } },
    };

    // Act
    const failures = recordsToRetry(records, new PublishFailureError(0, [untraceable]));

    // Assess
    expect(failures).toHaveLength(records.length);
  });

  it('never retries a record whose only failed message can never fit, and names it unsendable', () => {
    // Prepare
    const error = new PublishFailureError(12, [tooLargeFailureOf(2)]);

    // Act
    const failures = recordsToRetry(records, error);

    // Assess
    expect(failures).toEqual([]);
    expect(unsendableMessages(error).map((failure) => failure.messageIndex)).toEqual([2]);
  });

  it('retries only the records with a retryable failure beside an unsendable message', () => {
    // Prepare
    const error = new PublishFailureError(10, [tooLargeFailureOf(0), failureOf(4)]);

    // Act
    const failures = recordsToRetry(records, error);

    // Assess
    expect(failures).toEqual([{ itemIdentifier: sequenceNumberOf(4) }]);
    expect(unsendableMessages(error)).toHaveLength(1);
    expect(unsendableMessages(new QueueConfigurationError('lines'))).toEqual([]);
  });
});
