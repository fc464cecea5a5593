import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TARGET_QUEUE_ORDER, type TargetQueue } from '../../../src/constants.js';
import { PublishFailureError, QueueServiceError } from '../../../src/errors.js';
import { buildStreamMessages } from '../../../src/messages/buildStreamMessages.js';
import type { StreamMessage } from '../../../src/messages/types.js';
import { decodeStreamMessage, encodeStreamMessage } from '../../../src/messages/wire.js';
import { publishMessages } from '../../../src/publish/publishMessages.js';
import type { SendMessageBatch } from '../../../src/publish/types.js';
import {
  cjkText,
  placeMessage,
  receiptWordLabelItem,
  streamRecord,
  wordLabelMessage,
} from '../../helpers/factories.js';
import { motoClientConfig, motoEndpoint } from '../helpers/services.js';

let sqs: SQSClient;
let send: SendMessageBatch;

/** Creates a fresh Standard queue per target and returns their URLs. */
const createQueues = async (
  targets: readonly TargetQueue[] = TARGET_QUEUE_ORDER,
): Promise<Record<TargetQueue, string>> => {
  const run = randomUUID().slice(0, 8);
  const urls: Partial<Record<TargetQueue, string>> = {};
  for (const target of targets) {
    const created = await sqs.send(new CreateQueueCommand({ QueueName: `ds-it-${target}-${run}` }));
    if (created.QueueUrl === undefined) throw new Error(`moto returned no URL for ${target}`);
    urls[target] = created.QueueUrl;
  }
  return urls as Record<TargetQueue, string>;
};

/** Receives until `expected` messages arrived, then checks nothing else is waiting. */
const receiveAll = async (queueUrl: string, expected: number): Promise<Message[]> => {
  const received: Message[] = [];
  for (let emptyPolls = 0; received.length < expected && emptyPolls < 5; ) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        VisibilityTimeout: 300,
        WaitTimeSeconds: 0,
      }),
    );
    received.push(...Messages);
    emptyPolls = Messages.length === 0 ? emptyPolls + 1 : 0;
  }
  const extra = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  received.push(...(extra.Messages ?? []));
  return received;
};

const attributesOf = (message: Message): Record<string, string | undefined> =>
  Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => {
      expect(value.DataType).toBe('String');
      return [name, value.StringValue];
    }),
  );

beforeAll(() => {
  sqs = new SQSClient(motoClientConfig());
  send = (input) => sqs.send(new SendMessageBatchCommand(input));
});

afterAll(() => {
  sqs.destroy();
});

describe('Function: publishMessages (moto SQS)', () => {
  it('delivers every message to each of its queues with Python-compatible bodies and the §10.2 attributes', async () => {
    // Prepare
    const queueUrls = await createQueues();
    const labels = Array.from({ length: 12 }, (_, i) =>
      wordLabelMessage({
        wordId: i + 1,
        label: i === 0 ? 'CAFÉ 😀' : 'TOTAL',
        collections: ['words', 'lines', 'receipt_summary'],
      }),
    );
    const section: StreamMessage = {
      entityType: 'RECEIPT_SECTION',
      entityData: {
        entity_type: 'RECEIPT_SECTION',
        image_id: placeMessage().entityData.image_id,
        receipt_id: 4,
        section_type: 'ITEMS',
      },
      changes: { line_ids: { old: [1, 2], new: [1, 2, 3] } },
      eventName: 'MODIFY',
      collections: ['lines', 'line_items'],
      context: {
        source: 'section_backfill',
        timestamp: '2026-01-04T12:00:00.000001+00:00',
        recordId: 'section_backfill-1',
        awsRegion: 'backfill',
      },
    };
    const messages = [...labels, placeMessage(), section];
    const byRecordId = new Map(messages.map((message) => [message.context.recordId, message]));

    // Act
    const result = await publishMessages(messages, { send, queueUrls });

    // Assess
    expect(result).toEqual({
      sent: 41,
      byQueue: { lines: 14, words: 13, receipt_summary: 13, line_items: 1 },
    });
    for (const queue of TARGET_QUEUE_ORDER) {
      const received = await receiveAll(queueUrls[queue], result.byQueue[queue]);
      expect(received).toHaveLength(result.byQueue[queue]);
      const expectedIds = messages
        .filter((message) => message.collections.includes(queue))
        .map((message) => message.context.recordId);
      const seenIds: (string | null)[] = [];
      for (const delivered of received) {
        const decoded = decodeStreamMessage(delivered.Body ?? '');
        const original = byRecordId.get(decoded.context.recordId);
        if (original === undefined) throw new Error(`unexpected message ${delivered.Body}`);
        const { collections: _collections, recordSnapshot: _snapshot, ...expected } = original;
        expect(decoded).toEqual(expected);
        expect(delivered.Body).toBe(encodeStreamMessage(original));
        expect(attributesOf(delivered)).toEqual({
          source: original.context.source,
          entity_type: original.entityType,
          event_name: original.eventName,
          collection: queue,
        });
        seenIds.push(decoded.context.recordId);
      }
      expect(seenIds.sort()).toEqual([...expectedIds].sort());
    }
  });

  it('sends large messages in byte-limited batches and every one arrives', async () => {
    // Prepare: three ~100 KB messages; AWS rejects a batch over 256 KiB by default. (moto
    // 5.2 does not enforce that limit, so the split is checked through the requests.)
    const queueUrls = await createQueues(['words']);
    const messages = [1, 2, 3].map((wordId) =>
      wordLabelMessage({ wordId, changes: { note: { old: null, new: 'x'.repeat(100_000) } } }),
    );
    const requests: number[] = [];

    // Act
    const result = await publishMessages(messages, {
      send: (input) => {
        requests.push(input.Entries.length);
        return send(input);
      },
      queueUrls,
    });

    // Assess
    expect(result.sent).toBe(3);
    expect(requests).toEqual([2, 1]);
    expect(await receiveAll(queueUrls.words, 3)).toHaveLength(3);
  });

  it('reports the messages for a queue that does not exist and still delivers to the other queue', async () => {
    // Prepare
    const { lines } = await createQueues(['lines']);
    const missing = `${motoEndpoint()}/123456789012/ds-it-missing-${randomUUID().slice(0, 8)}`;
    const messages = [1, 2, 3].map((wordId) =>
      wordLabelMessage({ wordId, collections: ['words', 'lines'] }),
    );

    // Act
    let error: unknown;
    try {
      await publishMessages(messages, {
        send,
        queueUrls: { lines, words: missing },
        baseDelayMs: 10,
      });
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(PublishFailureError);
    const failure = error as PublishFailureError;
    expect(failure.sent).toBe(3);
    expect(failure.failures.map((item) => [item.messageIndex, item.queue, item.entryId])).toEqual([
      [0, 'words', '0'],
      [1, 'words', '1'],
      [2, 'words', '2'],
    ]);
    const cause = failure.failures[0]?.cause;
    expect(cause).toBeInstanceOf(QueueServiceError);
    expect(cause?.cause).toBeInstanceOf(Error);
    expect(failure.failures[0]?.code).toMatch(/QueueDoesNotExist|NonExistentQueue/);
    const delivered = await receiveAll(lines, 3);
    expect(
      delivered.map((message) => decodeStreamMessage(message.Body ?? '').context.recordId).sort(),
    ).toEqual(['event-1', 'event-2', 'event-3']);
  });

  it('delivers a label with a 25,000-character CJK reasoning, shrunk and marked truncated', async () => {
    // Prepare: old and new reasoning escape to 150 KB each, a 300 KB body as built
    const queueUrls = await createQueues(['words', 'lines', 'receipt_summary']);
    const { messages } = buildStreamMessages([
      streamRecord({
        eventName: 'MODIFY',
        oldImage: receiptWordLabelItem({}, { reasoning: { S: cjkText(25_000, 0) } }),
        newImage: receiptWordLabelItem({}, { reasoning: { S: cjkText(25_000, 1) } }),
      }),
    ]);

    // Act
    const result = await publishMessages(messages, { send, queueUrls });

    // Assess
    expect(result.sent).toBe(3);
    const [delivered] = await receiveAll(queueUrls.words, 1);
    expect(attributesOf(delivered as Message)).toMatchObject({ truncated: 'true' });
    expect(decodeStreamMessage(delivered?.Body ?? '').changes['reasoning']).toEqual({
      old: null,
      new: cjkText(25_000, 1),
    });
  });
});
