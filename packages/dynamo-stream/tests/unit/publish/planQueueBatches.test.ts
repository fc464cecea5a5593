import { describe, expect, it, vi } from 'vitest';
import { QueueConfigurationError, QueueMessageTooLargeError } from '../../../src/errors.js';
import * as wire from '../../../src/messages/wire.js';
import { planQueueBatches } from '../../../src/publish/planQueueBatches.js';
import { PLACE_MESSAGE_BODY, placeMessage, wordLabelMessage } from '../../helpers/factories.js';

const URLS = {
  lines: 'https://sqs.test/lines',
  words: 'https://sqs.test/words',
  receipt_summary: 'https://sqs.test/summary',
  line_items: 'https://sqs.test/line-items',
} as const;

/** Byte size of an entry as SQS counts it, computed independently with Buffer. */
const entrySize = (entry: {
  MessageBody: string;
  MessageAttributes?:
    | Record<string, { DataType: string; StringValue?: string | undefined }>
    | undefined;
}): number =>
  Buffer.byteLength(entry.MessageBody) +
  Object.entries(entry.MessageAttributes ?? {}).reduce(
    (sum, [name, value]) =>
      sum +
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType) +
      Buffer.byteLength(value.StringValue ?? ''),
    0,
  );

describe('Function: planQueueBatches', () => {
  it('routes each message to its queues in TARGET_QUEUE_ORDER with the §10.2 entry shape', () => {
    // Prepare
    const messages = [wordLabelMessage({ collections: ['line_items', 'words'] }), placeMessage()];

    // Act
    const plans = planQueueBatches(messages, { queueUrls: URLS });

    // Assess
    expect(plans.map((plan) => [plan.queue, plan.queueUrl, plan.entryCount])).toEqual([
      ['lines', URLS.lines, 1],
      ['words', URLS.words, 2],
      ['receipt_summary', URLS.receipt_summary, 1],
      ['line_items', URLS.line_items, 1],
    ]);
    const summary = plans[2]?.batches[0];
    expect(summary?.input).toEqual({
      QueueUrl: URLS.receipt_summary,
      Entries: [
        {
          Id: '0',
          MessageBody: PLACE_MESSAGE_BODY,
          MessageAttributes: {
            source: { StringValue: 'dynamodb_stream', DataType: 'String' },
            entity_type: { StringValue: 'RECEIPT_PLACE', DataType: 'String' },
            event_name: { StringValue: 'MODIFY', DataType: 'String' },
            collection: { StringValue: 'receipt_summary', DataType: 'String' },
          },
        },
      ],
    });
    const words = plans[1]?.batches[0];
    expect(words?.entries.map((planned) => [planned.entry.Id, planned.messageIndex])).toEqual([
      ['0', 0],
      ['1', 1],
    ]);
    expect(words?.entries[1]?.message).toBe(messages[1]);
  });

  it('splits a queue list into batches of 10 with ids numbered across the whole list', () => {
    // Prepare
    const messages = Array.from({ length: 23 }, (_, i) => wordLabelMessage({ wordId: i + 1 }));

    // Act
    const [plan] = planQueueBatches(messages, { queueUrls: URLS });

    // Assess
    expect(plan?.batches.map((batch) => batch.entries.length)).toEqual([10, 10, 3]);
    expect(plan?.batches[1]?.input.Entries.map((entry) => entry.Id)).toEqual(
      Array.from({ length: 10 }, (_, i) => String(10 + i)),
    );
    expect(plan?.batches[2]?.entries.map((planned) => planned.messageIndex)).toEqual([20, 21, 22]);
    for (const batch of plan?.batches ?? []) {
      for (const [i, entry] of batch.input.Entries.entries()) {
        expect(entry).toBe(batch.entries[i]?.entry);
      }
    }
  });

  it('takes the source attribute from the message context rather than always dynamodb_stream', () => {
    // Prepare
    const message = wordLabelMessage();
    const backfill = { ...message, context: { ...message.context, source: 'section_backfill' } };

    // Act
    const [plan] = planQueueBatches([backfill], { queueUrls: URLS });

    // Assess
    expect(plan?.batches[0]?.input.Entries[0]?.MessageAttributes).toMatchObject({
      source: { StringValue: 'section_backfill', DataType: 'String' },
    });
  });

  it('counts body and attribute names, types and values in UTF-8 bytes', () => {
    // Prepare
    const message = { ...wordLabelMessage(), eventName: 'MÖDIFY', entityType: 'LABEL_😀' };

    // Act
    const [plan] = planQueueBatches([message], { queueUrls: URLS });

    // Assess
    const planned = plan?.batches[0]?.entries[0];
    expect(planned?.byteSize).toBe(entrySize(planned?.entry ?? { MessageBody: 'x' }));
    expect(plan?.batches[0]?.byteSize).toBe(planned?.byteSize);
  });

  it('starts a new batch before the total would pass the byte limit', () => {
    // Prepare: three ~100 KB messages; two fit in 256 KiB, three do not.
    const big = (wordId: number) =>
      wordLabelMessage({ wordId, changes: { note: { old: null, new: 'x'.repeat(100_000) } } });
    const messages = [big(1), big(2), big(3)];

    // Act
    const [plan] = planQueueBatches(messages, { queueUrls: URLS });

    // Assess
    expect(plan?.batches.map((batch) => batch.entries.length)).toEqual([2, 1]);
    for (const batch of plan?.batches ?? []) {
      const total = batch.input.Entries.reduce((sum, entry) => sum + entrySize(entry), 0);
      expect(total).toBeLessThanOrEqual(256 * 1024);
      expect(batch.byteSize).toBe(total);
    }
  });

  it('honours smaller limits given as options', () => {
    // Prepare
    const messages = Array.from({ length: 5 }, (_, i) => wordLabelMessage({ wordId: i + 1 }));

    // Act
    const [plan] = planQueueBatches(messages, { queueUrls: URLS, maxBatchEntries: 2 });

    // Assess
    expect(plan?.batches.map((batch) => batch.entries.length)).toEqual([2, 2, 1]);
    expect(() => planQueueBatches(messages, { queueUrls: URLS, maxBatchEntries: 11 })).toThrow(
      RangeError,
    );
  });

  it('accepts a byte limit up to 1 MiB for queues that allow larger messages', () => {
    // Prepare
    const big = (wordId: number) =>
      wordLabelMessage({ wordId, changes: { note: { old: null, new: 'x'.repeat(300_000) } } });

    // Act
    const [plan] = planQueueBatches([big(1), big(2), big(3), big(4)], {
      queueUrls: URLS,
      maxBatchBytes: 1024 * 1024,
    });

    // Assess: three ~300 KB entries fit in 1 MiB, a fourth does not.
    expect(plan?.batches.map((batch) => batch.entries.length)).toEqual([3, 1]);
    expect(() =>
      planQueueBatches([big(1)], { queueUrls: URLS, maxBatchBytes: 1024 * 1024 + 1 }),
    ).toThrow(RangeError);
  });

  it('shrinks a message over the limit instead of throwing, and marks it truncated', () => {
    // Prepare
    const huge = wordLabelMessage({ changes: { note: { old: null, new: 'x'.repeat(262_144) } } });

    // Act
    const [plan] = planQueueBatches([wordLabelMessage(), huge], { queueUrls: URLS });

    // Assess
    const entries = plan?.batches.flatMap((batch) => batch.entries) ?? [];
    expect(entries.map((planned) => [planned.messageIndex, planned.truncated])).toEqual([
      [0, false],
      [1, true],
    ]);
    expect(entries[0]?.entry.MessageAttributes?.['truncated']).toBeUndefined();
    expect(entries[1]?.entry.MessageAttributes?.['truncated']).toEqual({
      StringValue: 'true',
      DataType: 'String',
    });
    expect(entries[1]?.byteSize).toBe(entrySize(entries[1]?.entry ?? { MessageBody: '' }));
    expect(entries[1]?.byteSize).toBeLessThanOrEqual(256 * 1024);
    expect(plan?.oversized).toEqual([]);
  });

  it('plans every other message and lists one that cannot fit even shrunk', () => {
    // Prepare: identifiers are never cut
    const huge = wordLabelMessage({ wordId: 2, entityData: { note: 'x'.repeat(262_144) } });
    const messages = [wordLabelMessage({ wordId: 1 }), huge, wordLabelMessage({ wordId: 3 })];

    // Act
    const [plan] = planQueueBatches(messages, { queueUrls: URLS });

    // Assess
    expect(plan?.batches.flatMap((batch) => batch.input.Entries.map((entry) => entry.Id))).toEqual([
      '0',
      '2',
    ]);
    expect(plan?.oversized).toHaveLength(1);
    expect(plan?.oversized[0]).toMatchObject({ messageIndex: 1, entryId: '1', message: huge });
    expect(plan?.oversized[0]?.error).toBeInstanceOf(QueueMessageTooLargeError);
    expect(plan?.oversized[0]?.error).toMatchObject({
      messageIndex: 1,
      queueName: 'words',
      maxBytes: 256 * 1024,
    });
    expect(plan?.oversized[0]?.error.byteSize).toBeGreaterThan(262_144);
  });

  it('plans no empty request for a queue whose only message cannot fit', () => {
    // Prepare
    const huge = wordLabelMessage({ entityData: { note: 'x'.repeat(262_144) } });

    // Act
    const [plan] = planQueueBatches([huge], { queueUrls: URLS });

    // Assess
    expect(plan?.batches).toEqual([]);
    expect(plan?.oversized.map((oversized) => oversized.messageIndex)).toEqual([0]);
  });

  it('raises QueueConfigurationError for a targeted queue without a URL, naming the queue', () => {
    // Prepare
    const messages = [placeMessage()];

    // Act & Assess
    expect(() =>
      planQueueBatches(messages, {
        queueUrls: { lines: URLS.lines, receipt_summary: '', words: URLS.words },
      }),
    ).toThrow(
      expect.objectContaining({ name: 'QueueConfigurationError', queueName: 'receipt_summary' }),
    );
    expect(() => planQueueBatches(messages, { queueUrls: {} })).toThrow(QueueConfigurationError);
  });

  it('does not need URLs for queues no message targets', () => {
    // Act
    const plans = planQueueBatches([wordLabelMessage()], { queueUrls: { words: URLS.words } });
    const none = planQueueBatches([], { queueUrls: {} });

    // Assess
    expect(plans).toHaveLength(1);
    expect(none).toEqual([]);
  });

  it('encodes each message once however many queues it targets, and sends a repeated queue once', () => {
    // Prepare
    const message = { ...placeMessage(), collections: ['lines', 'words', 'words'] as const };

    // Act
    const plans = planQueueBatches([message, message], { queueUrls: URLS });

    // Assess
    expect(plans.map((plan) => plan.entryCount)).toEqual([2, 2]);
    const bodies = plans.flatMap((plan) => plan.batches.flatMap((batch) => batch.input.Entries));
    expect(bodies.map((entry) => entry.MessageBody)).toEqual(
      Array.from({ length: 4 }, () => PLACE_MESSAGE_BODY),
    );
  });
});

describe('Function: planQueueBatches (encoding count)', () => {
  it('calls the encoder once per message, not once per target', () => {
    // Prepare
    const spy = vi.spyOn(wire, 'encodeStreamMessage');

    // Act
    planQueueBatches([placeMessage(), placeMessage()], { queueUrls: URLS });

    // Assess
    expect(spy).toHaveBeenCalledTimes(2);
  });
});
