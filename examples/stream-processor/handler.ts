import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  buildStreamMessages,
  type PublishFailure,
  PublishFailureError,
  publishMessages,
  QueueMessageTooLargeError,
  type QueueUrls,
  type SendMessageBatch,
} from '@receipt-chroma/dynamo-stream';
import type {
  DynamoDBBatchItemFailure,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
} from 'aws-lambda';
import { createLogger, EmfMetrics } from './observability.js';

// Read once per execution environment and reused by every invocation.
const {
  LOG_LEVEL,
  LINES_QUEUE_URL,
  WORDS_QUEUE_URL,
  RECEIPT_SUMMARY_QUEUE_URL,
  LINE_ITEM_QUEUE_URL,
} = process.env;
// The SQS client is created on the first batch that has messages to publish, then reused by
// every later invocation of this execution environment. Batches whose records are all
// irrelevant to Chroma (about a third of the table's writes) never need it, and module load
// stays small: constructing the client resolves the SDK's configuration (about 5 ms).
let sqs: SQSClient | undefined;
const send: SendMessageBatch = (input) => {
  sqs ??= new SQSClient({});
  return sqs.send(new SendMessageBatchCommand(input));
};
const logger = createLogger(LOG_LEVEL);
const queueUrls: QueueUrls = Object.fromEntries(
  Object.entries({
    lines: LINES_QUEUE_URL,
    words: WORDS_QUEUE_URL,
    receipt_summary: RECEIPT_SUMMARY_QUEUE_URL,
    line_items: LINE_ITEM_QUEUE_URL,
  }).filter((entry): entry is [string, string] => Boolean(entry[1])),
);

/** True for a message no retry can deliver: too large for SQS even shrunk. */
const isPermanent = (failure: PublishFailure): boolean =>
  failure.cause instanceof QueueMessageTooLargeError;

/** The messages that can never be sent, which are logged and counted instead of retried. */
export const unsendableMessages = (error: unknown): PublishFailure[] =>
  error instanceof PublishFailureError ? error.failures.filter(isPermanent) : [];

/**
 * The records to retry: those with a message that did not reach SQS but could on a retry,
 * or every record when the failures cannot be traced to records (or nothing was sent).
 */
export const recordsToRetry = (
  records: readonly DynamoDBRecord[],
  error: unknown,
): DynamoDBBatchItemFailure[] => {
  let failed: readonly DynamoDBRecord[] = records;
  if (error instanceof PublishFailureError) {
    const retryable = error.failures.filter((failure) => !isPermanent(failure));
    const failedIds = new Set(retryable.map((failure) => failure.message.context.recordId));
    const traced = records.filter((record) => failedIds.has(record.eventID ?? 'unknown'));
    failed = retryable.length === 0 || traced.length > 0 ? traced : records;
  }
  return failed.map((record) => ({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }));
};

/** The DynamoDB stream handler: build the queue messages, publish them, report what failed. */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const metrics = new EmfMetrics('ReceiptChroma/StreamProcessor');
  try {
    // Invalid records are logged and counted by the package; retrying them cannot help.
    const { messages, failures } = buildStreamMessages(event.Records, { logger, metrics });
    if (messages.length === 0) return { batchItemFailures: [] };
    try {
      const { sent } = await publishMessages(messages, { send, queueUrls, logger, metrics });
      logger.info('Published stream messages', {
        records: event.Records.length,
        messages: messages.length,
        sent,
        skippedRecords: failures.length,
      });
      return { batchItemFailures: [] };
    } catch (error) {
      // A message too large for SQS even shrunk fails the same way on every retry: log it,
      // count it, and let the shard move on (alarm on the metric).
      for (const { message, queue, cause } of unsendableMessages(error)) {
        logger.error('Dropping a message too large to publish', {
          recordId: message.context.recordId,
          queue,
          entityType: message.entityType,
          imageId: message.entityData.image_id,
          receiptId: message.entityData.receipt_id,
          error: cause.message,
        });
        metrics.count('StreamMessagesUnsendable', 1, { collection: queue });
      }
      const batchItemFailures = recordsToRetry(event.Records, error);
      if (batchItemFailures.length > 0) {
        logger.error('Publishing failed; the stream will retry from the first failed record', {
          error: error instanceof Error ? error.message : String(error),
          retriedRecords: batchItemFailures.length,
        });
      }
      return { batchItemFailures };
    }
  } finally {
    metrics.flush();
  }
};
