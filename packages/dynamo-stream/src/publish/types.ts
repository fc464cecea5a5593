import type { TargetQueue } from '../constants.js';
import type { QueueMessageTooLargeError } from '../errors.js';
import type { StreamMessage } from '../messages/types.js';
import type { ObservabilityOptions } from '../types.js';

/**
 * A string message attribute; structurally a subset of `@aws-sdk/client-sqs`'s
 * `MessageAttributeValue`.
 */
export interface MessageAttributeValue {
  /** Always `String` here. */
  DataType: string;
  /** The attribute's value. */
  StringValue?: string | undefined;
}

/** One entry of a `SendMessageBatch` request; a subset of the SDK's `SendMessageBatchRequestEntry`. */
export interface SendMessageBatchRequestEntry {
  /** Unique within the request; here the index of the message within its queue's list. */
  Id: string;
  /** The queue body, as `encodeStreamMessage` writes it (shrunk when too large). */
  MessageBody: string;
  /**
   * The string attributes `source`, `entity_type`, `event_name` and `collection`, plus
   * `truncated` = `true` on a shrunk body.
   */
  MessageAttributes?: Record<string, MessageAttributeValue> | undefined;
}

/**
 * The input of a `SendMessageBatch` call; assignable to the SDK's
 * `SendMessageBatchCommandInput`, so it can be passed to `new SendMessageBatchCommand(input)`.
 */
export interface SendMessageBatchInput {
  /** The URL of the target queue. */
  QueueUrl: string;
  /** The messages to send: at most 10, and at most the size limit in total. */
  Entries: SendMessageBatchRequestEntry[];
}

/** An entry SQS reports as sent; a subset of the SDK's `SendMessageBatchResultEntry`. */
export interface SendMessageBatchResultEntry {
  /** The batch entry id of the message. */
  Id?: string | undefined;
  /** The id SQS gave the message. */
  MessageId?: string | undefined;
}

/** An entry SQS reports as failed; a subset of the SDK's `BatchResultErrorEntry`. */
export interface BatchResultErrorEntry {
  /** The batch entry id of the message. */
  Id?: string | undefined;
  /** SQS's error code. */
  Code?: string | undefined;
  /** SQS's explanation. */
  Message?: string | undefined;
  /** `true` when the request itself was wrong; such entries are not retried. */
  SenderFault?: boolean | undefined;
}

/** What a `SendMessageBatch` call returns; the SDK's `SendMessageBatchCommandOutput` fits. */
export interface SendMessageBatchOutput {
  /** The entries SQS accepted. */
  Successful?: readonly SendMessageBatchResultEntry[] | undefined;
  /** The entries SQS rejected; an entry listed in neither list counts as failed. */
  Failed?: readonly BatchResultErrorEntry[] | undefined;
}

/**
 * The caller's `SendMessageBatch` call. The core never imports the AWS SDK; with it, pass
 * `(input) => sqs.send(new SendMessageBatchCommand(input))`.
 */
export type SendMessageBatch = (input: SendMessageBatchInput) => Promise<SendMessageBatchOutput>;

/** The URL of each target queue; only the queues messages are routed to are required. */
export type QueueUrls = Readonly<Partial<Record<TargetQueue, string>>>;

/** Options of `planQueueBatches`. */
export interface PlanQueueBatchesOptions {
  /** The URL of every queue that messages are routed to. */
  queueUrls: QueueUrls;
  /**
   * The most entries per `SendMessageBatch` request: an integer from 1 to 10.
   * @default 10 (the SQS limit)
   */
  maxBatchEntries?: number | undefined;
  /**
   * The most bytes per message and per request (bodies plus attribute names, types and
   * values); a larger message is shrunk to fit (see `planQueueBatches`). An integer
   * from 1 to 1048576; above 262144 only for queues whose `MaximumMessageSize` allows it.
   * @default 262144 (256 KiB, the classic SQS limit)
   */
  maxBatchBytes?: number | undefined;
}

/** One message planned for one queue: the request entry plus where it came from. */
export interface PlannedQueueEntry {
  /** The entry as sent; the same object appears in the batch's `input.Entries`. */
  readonly entry: SendMessageBatchRequestEntry;
  /** Index of the message in the list given to the planner. */
  readonly messageIndex: number;
  /** The message itself. */
  readonly message: StreamMessage;
  /** The entry's size as SQS counts it: body plus attribute names, types and values (UTF-8). */
  readonly byteSize: number;
  /**
   * True when the body was shrunk to fit the size limit (the entry then carries the
   * attribute `truncated` = `true`).
   */
  readonly truncated: boolean;
}

/** A message that does not fit the size limit even shrunk, so it is not sent. */
export interface OversizedQueueEntry {
  /** Index of the message in the list given to the planner. */
  readonly messageIndex: number;
  /** The message itself. */
  readonly message: StreamMessage;
  /** The entry id it would have been sent under. */
  readonly entryId: string;
  /** Its size and the limit. */
  readonly error: QueueMessageTooLargeError;
}

/** One `SendMessageBatch` request to make. */
export interface PlannedQueueBatch {
  /** The queue the request goes to. */
  readonly queue: TargetQueue;
  /** The request; pass it to the `send` function as is. */
  readonly input: SendMessageBatchInput;
  /** The entries of the request, in order, with their origin. */
  readonly entries: readonly PlannedQueueEntry[];
  /** The sum of the entries' byte sizes. */
  readonly byteSize: number;
}

/** Everything to send to one queue. */
export interface QueuePlan {
  /** The queue. */
  readonly queue: TargetQueue;
  /** Its URL, from the options' `queueUrls`. */
  readonly queueUrl: string;
  /** The requests, in order; entry ids run on across them (`0`–`9`, `10`–`19`, …). */
  readonly batches: readonly PlannedQueueBatch[];
  /** Messages too large to send even shrunk; their entry ids are skipped. */
  readonly oversized: readonly OversizedQueueEntry[];
  /** How many entries go to this queue in total. */
  readonly entryCount: number;
}

/** Options of `publishMessages`. */
export interface PublishMessagesOptions extends ObservabilityOptions {
  /** The caller's `SendMessageBatch` call. */
  send: SendMessageBatch;
  /** The URL of every queue that messages are routed to. */
  queueUrls: QueueUrls;
  /**
   * How many times an entry is tried in total, a positive integer (1 disables retries).
   * @default 3
   */
  maxAttempts?: number | undefined;
  /**
   * The delay before the first retry, in milliseconds (a non-negative number); it doubles on
   * each further retry, with jitter (each delay is drawn between half and all of its nominal
   * value), and no single delay exceeds 20 seconds.
   * @default 100
   */
  baseDelayMs?: number | undefined;
  /**
   * The most bytes per message and per request (see
   * {@link PlanQueueBatchesOptions.maxBatchBytes}); a larger message is shrunk to fit, and one
   * that cannot fit fails alone.
   * @default 262144 (256 KiB, the classic SQS limit)
   */
  maxBatchBytes?: number | undefined;
}

/** The outcome of a publish in which every entry was accepted. */
export interface PublishResult {
  /** Entries accepted; a message routed to three queues counts three times, as in Python. */
  readonly sent: number;
  /** Entries accepted per queue; queues nothing was sent to count 0. */
  readonly byQueue: Readonly<Record<TargetQueue, number>>;
}
