import { describe, expect, it, vi } from 'vitest';
import { PublishFailureError, QueueMessageTooLargeError } from '../../../src/errors.js';
import { buildStreamMessages } from '../../../src/messages/buildStreamMessages.js';
import { decodeStreamMessage } from '../../../src/messages/wire.js';
import { TRUNCATION_MARKER } from '../../../src/publish/fitMessageBody.js';
import { publishMessages } from '../../../src/publish/publishMessages.js';
import type { SendMessageBatchInput } from '../../../src/publish/types.js';
import {
  cjkText,
  placeItem,
  receiptWordItem,
  receiptWordLabelItem,
  streamRecord,
  wordLabelMessage,
} from '../../helpers/factories.js';
import { FIXED_NOW, recordingLogger, recordingMetrics } from '../../helpers/recorders.js';

const URLS = {
  lines: 'https://sqs.test/lines',
  words: 'https://sqs.test/words',
  receipt_summary: 'https://sqs.test/summary',
  line_items: 'https://sqs.test/line-items',
} as const;

const SQS_LIMIT = 256 * 1024;

/** A fake SendMessageBatch that accepts everything and keeps every request. */
const acceptAll = () => {
  const calls: SendMessageBatchInput[] = [];
  const send = vi.fn(async (input: SendMessageBatchInput) => {
    calls.push(input);
    return { Successful: input.Entries.map((entry) => ({ Id: entry.Id })), Failed: [] };
  });
  return { send, calls };
};

/** A label validation whose reasoning, old and new, is `length` CJK characters. */
const longReasoningRecord = (length: number) =>
  streamRecord({
    eventName: 'MODIFY',
    eventID: 'long-reasoning',
    oldImage: receiptWordLabelItem(
      { validationStatus: 'PENDING' },
      { reasoning: { S: cjkText(length, 0) } },
    ),
    newImage: receiptWordLabelItem(
      { validationStatus: 'VALID' },
      { reasoning: { S: cjkText(length, 1) } },
    ),
  });

/** A batch around the long label: a place rename and a word removal. */
const batchAround = (length: number) =>
  buildStreamMessages(
    [
      streamRecord({
        eventName: 'MODIFY',
        oldImage: placeItem({ merchantName: 'Target Store' }),
        newImage: placeItem({ merchantName: 'Target' }),
      }),
      longReasoningRecord(length),
      streamRecord({ eventName: 'REMOVE', oldImage: receiptWordItem() }),
    ],
    { now: FIXED_NOW },
  ).messages;

const entriesFor = (calls: readonly SendMessageBatchInput[], entityType: string) =>
  calls.flatMap((call) =>
    call.Entries.filter(
      (entry) => entry.MessageAttributes?.['entity_type']?.StringValue === entityType,
    ),
  );

describe('Function: publishMessages (messages over the size limit)', () => {
  it('sends a label with a 25,000-character CJK reasoning with its old values dropped', async () => {
    // Prepare: a 76 KB item, whose message body is 300 KB (6 bytes per escaped character)
    const messages = batchAround(25_000);
    const { send, calls } = acceptAll();
    const metrics = recordingMetrics();
    const logger = recordingLogger();

    // Act
    const result = await publishMessages(messages, { send, queueUrls: URLS, metrics, logger });

    // Assess: all three messages reach all their queues (3 + 3 + 1 entries)
    expect(result.sent).toBe(7);
    const labels = entriesFor(calls, 'RECEIPT_WORD_LABEL');
    expect(labels).toHaveLength(3);
    for (const entry of labels) {
      expect(Buffer.byteLength(entry.MessageBody)).toBeLessThan(SQS_LIMIT);
      expect(entry.MessageAttributes?.['truncated']).toEqual({
        StringValue: 'true',
        DataType: 'String',
      });
      const decoded = decodeStreamMessage(entry.MessageBody);
      expect(decoded.changes['reasoning']).toEqual({ old: null, new: cjkText(25_000, 1) });
      expect(decoded.changes['validation_status']).toEqual({ old: null, new: 'VALID' });
      expect(decoded.entityData).toMatchObject({ line_id: 2, word_id: 3, label: 'GRAND_TOTAL' });
    }
    expect(entriesFor(calls, 'RECEIPT_PLACE')[0]?.MessageAttributes?.['truncated']).toBeUndefined();
    expect(metrics.calls).toContainEqual(['SQSMessagesTruncated', 1, { collection: 'words' }]);
    expect(logger.lines.map((line) => line.level)).toContain('warn');
  });

  it('cuts the new reasoning too when it alone is over the limit, ending it with a marker', async () => {
    // Prepare: 50,000 CJK characters escape to 300 KB
    const messages = batchAround(50_000);
    const { send, calls } = acceptAll();

    // Act
    const result = await publishMessages(messages, { send, queueUrls: URLS });

    // Assess
    expect(result.sent).toBe(7);
    for (const entry of entriesFor(calls, 'RECEIPT_WORD_LABEL')) {
      const size = Buffer.byteLength(entry.MessageBody);
      expect(size).toBeLessThan(SQS_LIMIT);
      const reasoning = String(decodeStreamMessage(entry.MessageBody).changes['reasoning']?.new);
      expect(reasoning.slice(-TRUNCATION_MARKER.length)).toBe(TRUNCATION_MARKER);
      const kept = reasoning.slice(0, -TRUNCATION_MARKER.length);
      expect(cjkText(50_000, 1).slice(0, kept.length)).toBe(kept);
      expect(entry.MessageAttributes?.['truncated']?.StringValue).toBe('true');
    }
  });

  it('sends every other message when one cannot fit, and reports exactly that one', async () => {
    // Prepare
    const huge = wordLabelMessage({ wordId: 2, entityData: { note: 'x'.repeat(SQS_LIMIT) } });
    const messages = [wordLabelMessage({ wordId: 1 }), huge, wordLabelMessage({ wordId: 3 })];
    const { send, calls } = acceptAll();
    const metrics = recordingMetrics();
    const logger = recordingLogger();

    // Act
    const error = await publishMessages(messages, { send, queueUrls: URLS, metrics, logger }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

    // Assess
    expect(calls.flatMap((call) => call.Entries.map((entry) => entry.Id))).toEqual(['0', '2']);
    expect(error).toBeInstanceOf(PublishFailureError);
    const failure = error as PublishFailureError;
    expect(failure.sent).toBe(2);
    expect(failure.failures).toHaveLength(1);
    expect(failure.failures[0]).toMatchObject({
      messageIndex: 1,
      message: huge,
      queue: 'words',
      entryId: '1',
      code: 'QueueMessageTooLargeError',
      senderFault: true,
    });
    expect(failure.failures[0]?.cause).toBeInstanceOf(QueueMessageTooLargeError);
    expect(metrics.calls).toContainEqual(['SQSMessagesFailed', 1, { collection: 'words' }]);
    expect(logger.lines.map((line) => line.level)).toContain('error');
  });
});
