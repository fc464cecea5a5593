import {
  SQS_MAX_BATCH_BYTES,
  SQS_MAX_BATCH_ENTRIES,
  TARGET_QUEUE_ORDER,
  type TargetQueue,
} from '../constants.js';
import { QueueConfigurationError, QueueMessageTooLargeError } from '../errors.js';
import type { StreamMessage } from '../messages/types.js';
import { encodeStreamMessage } from '../messages/wire.js';
import { fitMessageBody } from './fitMessageBody.js';
import type {
  MessageAttributeValue,
  OversizedQueueEntry,
  PlannedQueueBatch,
  PlannedQueueEntry,
  PlanQueueBatchesOptions,
  QueuePlan,
} from './types.js';

const STRING = 'String';
const KNOWN_QUEUES: ReadonlySet<string> = new Set(TARGET_QUEUE_ORDER);

/** UTF-8 length of a string without allocating (a lone surrogate counts 3, as U+FFFD would). */
const utf8Length = (text: string): number => {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) {
      bytes += 1;
      continue;
    }
    bytes += 2;
    // A surrogate pair is two code units and four bytes: skip the low half.
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return bytes;
};

const attribute = (value: string): MessageAttributeValue => ({
  StringValue: value,
  DataType: STRING,
});

/** Name + type + value, as SQS counts an attribute towards the message size. */
const attributeSize = (name: string, value: string): number =>
  name.length + STRING.length + utf8Length(value);

// The names are ASCII, so their byte size is their length.
const FIXED_ATTRIBUTE_BYTES = 'source'.length + 'entity_type'.length + 'event_name'.length;

/** The attribute on a message whose body was shrunk to fit: `truncated` = `true`. */
const TRUNCATED = 'truncated';
const TRUNCATED_BYTES = attributeSize(TRUNCATED, 'true');

/** SQS has accepted payloads of up to 1 MiB since August 2025, where the queue allows it. */
const LARGEST_PAYLOAD_BYTES = 1024 * 1024;

const checkLimit = (
  name: string,
  value: number | undefined,
  fallback: number,
  largest: number,
): number => {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > largest) {
    throw new RangeError(`${name} must be an integer from 1 to ${largest}, got ${value}`);
  }
  return value;
};

interface Bucket {
  readonly queue: TargetQueue;
  readonly messageIndexes: number[];
}

/** A message's body and the bytes its attributes take, but for `collection`. */
interface EncodedMessage {
  readonly body: string;
  readonly truncated: boolean;
  /** Body plus every attribute but `collection`; 0 when the message cannot fit. */
  readonly fixedBytes: number;
}

/** The largest `collection` attribute among a message's queues. */
const largestCollectionBytes = (queues: readonly TargetQueue[]): number => {
  let largest = 0;
  for (const queue of queues) largest = Math.max(largest, attributeSize('collection', queue));
  return largest;
};

/** The bytes of a message's attributes but `collection` (and `truncated`). */
const attributeBytesOf = (message: StreamMessage): number =>
  FIXED_ATTRIBUTE_BYTES +
  3 * STRING.length +
  utf8Length(message.context.source) +
  utf8Length(message.entityType) +
  utf8Length(message.eventName);

/**
 * Encodes a message once for all its queues, shrunk when it does not fit `maxBytes` with
 * the largest of its `collection` attributes (see `fitMessageBody`); `undefined` when even
 * the shrunk body does not fit.
 */
const encodeWithin = (message: StreamMessage, maxBytes: number): EncodedMessage | undefined => {
  const attributeBytes = attributeBytesOf(message);
  const room = maxBytes - attributeBytes - largestCollectionBytes(message.collections);
  const fitted = fitMessageBody(message, room, room - TRUNCATED_BYTES);
  if (fitted === undefined) return undefined;
  const { body, truncated } = fitted;
  // Bodies are ASCII (ensure_ascii), so their length is their byte size.
  const fixedBytes = body.length + attributeBytes + (truncated ? TRUNCATED_BYTES : 0);
  return { body, truncated, fixedBytes };
};

/** The error for a message that cannot fit, with its size as built (unshrunk). */
const tooLarge = (
  message: StreamMessage,
  queue: TargetQueue,
  messageIndex: number,
  maxBytes: number,
): QueueMessageTooLargeError => {
  const byteSize =
    encodeStreamMessage(message).length +
    attributeBytesOf(message) +
    attributeSize('collection', queue);
  return new QueueMessageTooLargeError(queue, messageIndex, byteSize, maxBytes);
};

// Entry layout and attributes: spec §10.2.
/**
 * Plans the `SendMessageBatch` requests for a list of messages: one list per target queue
 * (in {@link TARGET_QUEUE_ORDER}), split into requests of at most 10 entries and at most
 * 256 KiB (or the limits the options set). Each entry is `{ Id, MessageBody,
 * MessageAttributes }` with `Id` the index of the message within that queue's list and the
 * string attributes `source`, `entity_type`, `event_name` and `collection`, as the Python
 * publisher writes them. Nothing is sent: `publishMessages` plans with this, then sends.
 *
 * Unlike the Python publisher, whose `source` attribute is always `dynamodb_stream`, the
 * `source` attribute here is the message's `context.source`, so it agrees with the body
 * (backfill messages say `section_backfill` in both).
 *
 * A message larger than the size limit never stops the others (the Python publisher does
 * not check sizes, so SQS rejects the whole request): it is shrunk to fit, first by
 * dropping the `old` values of its `changes` (set to `null`), then by cutting its longest
 * new string values, which end with `...[truncated]`; such an entry carries the attribute
 * `truncated` = `true`. Consumers read the entity's state from the table, so the shrunk
 * message still converges. A message that cannot fit even so (its `entity_data` alone is
 * too large) is listed in its plan's `oversized`, with a {@link QueueMessageTooLargeError},
 * and is not sent.
 *
 * Every message is encoded once, however many queues it goes to. A message listing the
 * same queue twice is sent there once.
 *
 * @param messages - the messages to send
 * @param options - the queue URLs and batch limits
 * @returns one plan per queue that messages target, in {@link TARGET_QUEUE_ORDER}
 * @throws {@link QueueConfigurationError} when a queue that messages target has no URL, or
 *   is not a known queue
 * @throws {RangeError} when `maxBatchEntries` or `maxBatchBytes` is out of range, or a
 *   message holds a number that is not finite
 * @example
 * ```ts
 * import { planQueueBatches, type SendMessageBatch, type StreamMessage } from '@receipt-chroma/dynamo-stream';
 *
 * declare const messages: StreamMessage[];
 * declare const send: SendMessageBatch;
 * declare const linesUrl: string, wordsUrl: string;
 *
 * const plans = planQueueBatches(messages, { queueUrls: { lines: linesUrl, words: wordsUrl } });
 * for (const plan of plans) {
 *   for (const batch of plan.batches) await send(batch.input);
 *   for (const oversized of plan.oversized) console.error(oversized.error.message);
 * }
 * ```
 */
export const planQueueBatches = (
  messages: readonly StreamMessage[],
  options: PlanQueueBatchesOptions,
): QueuePlan[] => {
  const maxEntries = checkLimit(
    'maxBatchEntries',
    options.maxBatchEntries,
    SQS_MAX_BATCH_ENTRIES,
    SQS_MAX_BATCH_ENTRIES,
  );
  const maxBytes = checkLimit(
    'maxBatchBytes',
    options.maxBatchBytes,
    SQS_MAX_BATCH_BYTES,
    LARGEST_PAYLOAD_BYTES,
  );

  // Route first, so configuration errors surface before any encoding work.
  const buckets = new Map<TargetQueue, Bucket>();
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index] as StreamMessage;
    for (const queue of message.collections) {
      let bucket = buckets.get(queue);
      if (bucket === undefined) {
        if (!KNOWN_QUEUES.has(queue)) throw new QueueConfigurationError(queue);
        bucket = { queue, messageIndexes: [] };
        buckets.set(queue, bucket);
      }
      if (bucket.messageIndexes.at(-1) !== index) bucket.messageIndexes.push(index);
    }
  }
  const queueUrls = options.queueUrls;
  for (const queue of TARGET_QUEUE_ORDER) {
    if (buckets.has(queue) && !queueUrls[queue]) throw new QueueConfigurationError(queue);
  }

  const bodies = new Map<number, EncodedMessage | null>();
  const encoded = (index: number, message: StreamMessage): EncodedMessage | null => {
    let found = bodies.get(index);
    if (found === undefined) {
      found = encodeWithin(message, maxBytes) ?? null;
      bodies.set(index, found);
    }
    return found;
  };

  const plans: QueuePlan[] = [];
  for (const queue of TARGET_QUEUE_ORDER) {
    const bucket = buckets.get(queue);
    if (bucket === undefined) continue;
    const queueUrl = queueUrls[queue] as string;
    const collectionBytes = attributeSize('collection', queue);
    const batches: PlannedQueueBatch[] = [];
    const oversized: OversizedQueueEntry[] = [];
    let entries: PlannedQueueEntry[] = [];
    let batchBytes = 0;
    const flush = (): void => {
      if (entries.length === 0) return;
      batches.push({
        queue,
        input: { QueueUrl: queueUrl, Entries: entries.map((planned) => planned.entry) },
        entries,
        byteSize: batchBytes,
      });
      entries = [];
      batchBytes = 0;
    };
    const indexes = bucket.messageIndexes;
    for (let position = 0; position < indexes.length; position++) {
      const messageIndex = indexes[position] as number;
      const message = messages[messageIndex] as StreamMessage;
      const fitted = encoded(messageIndex, message);
      if (fitted === null) {
        oversized.push({
          messageIndex,
          message,
          entryId: String(position),
          error: tooLarge(message, queue, messageIndex, maxBytes),
        });
        continue;
      }
      const byteSize = fitted.fixedBytes + collectionBytes;
      if (entries.length === maxEntries || batchBytes + byteSize > maxBytes) flush();
      const attributes: Record<string, MessageAttributeValue> = {
        source: attribute(message.context.source),
        entity_type: attribute(message.entityType),
        event_name: attribute(message.eventName),
        collection: attribute(queue),
      };
      if (fitted.truncated) attributes[TRUNCATED] = attribute('true');
      entries.push({
        entry: { Id: String(position), MessageBody: fitted.body, MessageAttributes: attributes },
        messageIndex,
        message,
        byteSize,
        truncated: fitted.truncated,
      });
      batchBytes += byteSize;
    }
    flush();
    plans.push({ queue, queueUrl, batches, oversized, entryCount: indexes.length });
  }
  return plans;
};
