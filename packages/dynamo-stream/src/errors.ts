import type { TargetQueue } from './constants.js';
import type { StreamMessage } from './messages/types.js';

/**
 * One problem found in an item, an image or a queue body: where it is, what kind it is and
 * why.
 */
export interface ValidationIssue {
  /**
   * The kind of problem: `invalid_type` (a value of the wrong type), `unrecognized_keys`
   * (keys the value may not have), `invalid_union` (none of an attribute's accepted forms)
   * or `custom` (an entity rule). Issues of the queue-body schemas, which are zod schemas,
   * carry zod's codes.
   */
  readonly code: string;
  /** Where: the attribute and the keys below it, e.g. `['top_left', 'M', 'x']`; `[]` for the whole value. */
  readonly path: readonly PropertyKey[];
  /** Why, in words, e.g. `receipt_id must be positive`. */
  readonly message: string;
}

const formatIssues = (issues: readonly ValidationIssue[]): string =>
  issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ') + (issues.length > 5 ? `; and ${issues.length - 5} more` : '');

/**
 * The base class of every error this package throws; catch it to handle all of them.
 */
export class DynamoStreamError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DynamoStreamError';
  }
}

/**
 * A DynamoDB item or stream image does not satisfy an entity's schema.
 * `issues` holds every problem found, with paths relative to the item.
 */
export class EntityValidationError extends DynamoStreamError {
  /** The entity type whose schema rejected the item. */
  public readonly entityType: string;
  /** Every validation problem, with attribute paths. */
  public readonly issues: readonly ValidationIssue[];

  public constructor(
    entityType: string,
    issues: readonly ValidationIssue[],
    options?: ErrorOptions,
  ) {
    super(`Invalid ${entityType} item: ${formatIssues(issues)}`, options);
    this.name = 'EntityValidationError';
    this.entityType = entityType;
    this.issues = issues;
  }
}

/** Which image of a stream record: `old` (`dynamodb.OldImage`) or `new` (`dynamodb.NewImage`). */
export type ImageName = 'old' | 'new';

/** Why a stream record produced no parsed entity. */
export type RecordSkipReason =
  /**
   * The record is not an object, lacks `dynamodb.Keys.PK.S` / `SK.S`, has an unsupported
   * `eventName`, or lacks an image its event needs (its stream view type is not
   * `NEW_AND_OLD_IMAGES`).
   */
  | 'malformed-record'
  /** The partition key does not start with `IMAGE#`. */
  | 'not-image-partition'
  /** No registered matcher recognises the sort key. */
  | 'unknown-entity'
  /**
   * An image the event needs is present but fails the entity's schema or is not an
   * attribute map; `image` says which.
   */
  | 'invalid-entity'
  /** Building the message threw unexpectedly (a bug, or a custom definition that threw). */
  | 'build-error';

/** Where a failing record sits in its batch, for logs and partial-batch responses. */
export interface RecordLocation {
  /** Index of the record in the batch, when parsed as part of one. */
  readonly recordIndex?: number | undefined;
  /** The record's `eventID`, when it has one. */
  readonly eventId?: string | undefined;
  /** The record's `dynamodb.SequenceNumber`, when it has one. */
  readonly sequenceNumber?: string | undefined;
}

/**
 * A stream record could not be turned into a parsed entity. `reason` says why; for
 * `invalid-entity` and `malformed-record`, `issues` carries the problems found with paths
 * prefixed by `['Records', recordIndex, 'dynamodb', …]` when the index is known.
 */
export class RecordParseError extends DynamoStreamError {
  /** Why the record was skipped. */
  public readonly reason: RecordSkipReason;
  /** Validation problems, when the record or one of its images was invalid. */
  public readonly issues: readonly ValidationIssue[];
  /** Index of the record in its batch, when known. */
  public readonly recordIndex: number | undefined;
  /** The record's `eventID`, when it has one. */
  public readonly eventId: string | undefined;
  /** The record's `dynamodb.SequenceNumber`, when it has one. */
  public readonly sequenceNumber: string | undefined;
  /** The entity type detected from the sort key, when one was. */
  public readonly entityType: string | undefined;
  /** For `invalid-entity`: the image whose failure made the record unusable. */
  public readonly image: ImageName | undefined;

  public constructor(
    reason: RecordSkipReason,
    message: string,
    details: RecordLocation & {
      readonly issues?: readonly ValidationIssue[] | undefined;
      readonly entityType?: string | undefined;
      readonly image?: ImageName | undefined;
    } = {},
    options?: ErrorOptions,
  ) {
    const issues = details.issues ?? [];
    super(issues.length > 0 ? `${message}: ${formatIssues(issues)}` : message, options);
    this.name = 'RecordParseError';
    this.reason = reason;
    this.issues = issues;
    this.recordIndex = details.recordIndex;
    this.eventId = details.eventId;
    this.sequenceNumber = details.sequenceNumber;
    this.entityType = details.entityType;
    this.image = details.image;
  }
}

/** A queue message body is not valid JSON or does not match `StreamMessageWireSchema`. */
export class MessageDecodeError extends DynamoStreamError {
  /** Validation problems; empty when the body was not JSON at all. */
  public readonly issues: readonly ValidationIssue[];

  public constructor(message: string, issues: readonly ValidationIssue[], options?: ErrorOptions) {
    super(issues.length > 0 ? `${message}: ${formatIssues(issues)}` : message, options);
    this.name = 'MessageDecodeError';
    this.issues = issues;
  }
}

/** The base class of publishing errors; `queueName` names the target queue. */
export class QueuePublishError extends DynamoStreamError {
  /** The target queue (`lines`, `words`, `receipt_summary`, `line_items`). */
  public readonly queueName: string;

  public constructor(message: string, queueName: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'QueuePublishError';
    this.queueName = queueName;
  }
}

/**
 * Messages target a queue whose URL was not given. Raised before anything is sent.
 */
export class QueueConfigurationError extends QueuePublishError {
  public constructor(queueName: string, options?: ErrorOptions) {
    super(
      `Queue URL for '${queueName}' is not configured; pass queueUrls.${queueName}`,
      queueName,
      options,
    );
    this.name = 'QueueConfigurationError';
  }
}

/** The SQS call itself failed (network, permissions, throttling after retries). */
export class QueueServiceError extends QueuePublishError {
  /** How many entries the failed call carried. */
  public readonly batchSize: number;

  public constructor(queueName: string, batchSize: number, options?: ErrorOptions) {
    super(
      `Failed to send batch of ${batchSize} message(s) to '${queueName}' queue`,
      queueName,
      options,
    );
    this.name = 'QueueServiceError';
    this.batchSize = batchSize;
  }
}

/** One entry SQS reported in a batch response's `Failed` list. */
export interface FailedQueueEntry {
  /** The batch entry id of the message. */
  readonly Id: string;
  /**
   * SQS's error code, e.g. `InternalError`; `MissingFromResponse` when the response listed
   * the entry neither as sent nor as failed.
   */
  readonly Code?: string | undefined;
  /** SQS's explanation. */
  readonly Message?: string | undefined;
  /** `true` when SQS blamed the message itself (such entries are not retried). */
  readonly SenderFault?: boolean | undefined;
}

/** SQS rejected some entries of a batch, and retries did not get them through. */
export class QueueBatchFailureError extends QueuePublishError {
  /** The raw `Failed` entries of the last attempt. */
  public readonly failedEntries: readonly FailedQueueEntry[];

  public constructor(
    queueName: string,
    failedEntries: readonly FailedQueueEntry[],
    options?: ErrorOptions,
  ) {
    super(
      `SQS rejected ${failedEntries.length} message(s) for '${queueName}' queue`,
      queueName,
      options,
    );
    this.name = 'QueueBatchFailureError';
    this.failedEntries = failedEntries;
  }
}

/**
 * One message, with its attributes, is larger than SQS accepts in a single message, even
 * with the `old` values of its `changes` dropped and its long strings cut (so its
 * `entity_data` alone is too large). It is not sent; `publishMessages` reports it in
 * `PublishFailureError.failures` (as the `cause`, with `senderFault: true`) and sends every
 * other message. Retrying cannot help.
 */
export class QueueMessageTooLargeError extends QueuePublishError {
  /** Index of the message in the list given to the publisher. */
  public readonly messageIndex: number;
  /** The entry's size: body plus attribute names, types and values, in UTF-8 bytes. */
  public readonly byteSize: number;
  /** The limit it exceeds. */
  public readonly maxBytes: number;

  public constructor(
    queueName: string,
    messageIndex: number,
    byteSize: number,
    maxBytes: number,
    options?: ErrorOptions,
  ) {
    super(
      `Message ${messageIndex} for '${queueName}' queue is ${byteSize} bytes, over the ${maxBytes}-byte SQS limit even with its changes shrunk; shrink its entity_data`,
      queueName,
      options,
    );
    this.name = 'QueueMessageTooLargeError';
    this.messageIndex = messageIndex;
    this.byteSize = byteSize;
    this.maxBytes = maxBytes;
  }
}

/** One message that did not reach one of its queues. */
export interface PublishFailure {
  /** Index of the message in the list given to the publisher. */
  readonly messageIndex: number;
  /** The message itself. */
  readonly message: StreamMessage;
  /** The queue it did not reach. */
  readonly queue: TargetQueue;
  /** The batch entry id it was sent under. */
  readonly entryId: string;
  /** SQS's error code (`Failed[].Code`), or the error's name. */
  readonly code: string | undefined;
  /** True when SQS, or the size check, blamed the message (such entries are not retried). */
  readonly senderFault: boolean;
  /**
   * Why: rejected entries, the failed call with the SDK error as its cause, or a message
   * too large to send at all (never sent; retrying it cannot help).
   */
  readonly cause: QueueBatchFailureError | QueueServiceError | QueueMessageTooLargeError;
}

/**
 * Some entries could not be published after retries. Everything else was still sent;
 * `sent` counts what went through and `failures` lists each message and queue that did
 * not, so a partial failure is never mistaken for success.
 */
export class PublishFailureError extends DynamoStreamError {
  /** Entries SQS accepted (a message routed to k queues counts k times). */
  public readonly sent: number;
  /** One item per message and queue that failed, in send order. */
  public readonly failures: readonly PublishFailure[];

  public constructor(sent: number, failures: readonly PublishFailure[], options?: ErrorOptions) {
    const queues = [...new Set(failures.map((failure) => failure.queue))].join(', ');
    super(
      `Failed to publish ${failures.length} message(s) to queue(s) ${queues} (${sent} sent); see failures for each message`,
      options,
    );
    this.name = 'PublishFailureError';
    this.sent = sent;
    this.failures = failures;
  }
}
