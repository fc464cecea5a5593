/**
 * The two Chroma collections kept in step with the table.
 */
export const ChromaDBCollection = {
  LINES: 'lines',
  WORDS: 'words',
} as const;
/** A Chroma collection name: `lines` or `words`. */
export type ChromaDBCollection = (typeof ChromaDBCollection)[keyof typeof ChromaDBCollection];

/**
 * Every queue a stream message can be routed to: the two Chroma collections plus the
 * receipt-summary and line-item updaters.
 */
export const TargetQueue = {
  LINES: 'lines',
  WORDS: 'words',
  RECEIPT_SUMMARY: 'receipt_summary',
  LINE_ITEMS: 'line_items',
} as const;
/** A queue a message is routed to. */
export type TargetQueue = (typeof TargetQueue)[keyof typeof TargetQueue];

/** The order in which queues are published to, matching the Python publisher. */
export const TARGET_QUEUE_ORDER: readonly TargetQueue[] = [
  TargetQueue.LINES,
  TargetQueue.WORDS,
  TargetQueue.RECEIPT_SUMMARY,
  TargetQueue.LINE_ITEMS,
];

/**
 * The entity types this package knows, named as the table's `TYPE` attribute names them.
 */
export const EntityType = {
  RECEIPT: 'RECEIPT',
  RECEIPT_LINE: 'RECEIPT_LINE',
  RECEIPT_WORD: 'RECEIPT_WORD',
  RECEIPT_WORD_LABEL: 'RECEIPT_WORD_LABEL',
  RECEIPT_PLACE: 'RECEIPT_PLACE',
  RECEIPT_METADATA: 'RECEIPT_METADATA',
  RECEIPT_SECTION: 'RECEIPT_SECTION',
  RECEIPT_SUMMARY: 'RECEIPT_SUMMARY',
  COMPACTION_RUN: 'COMPACTION_RUN',
  COMPACTION_LOCK: 'COMPACTION_LOCK',
} as const;
/** A built-in entity type name. */
export type EntityType = (typeof EntityType)[keyof typeof EntityType];

/** The `source` of messages built from stream records. */
export const STREAM_SOURCE = 'dynamodb_stream';

/** The largest number of entries SQS accepts in one `SendMessageBatch` call. */
export const SQS_MAX_BATCH_ENTRIES = 10;

/** The largest total payload SQS accepts in one message or one batch (256 KiB). */
export const SQS_MAX_BATCH_BYTES: number = 256 * 1024;

/**
 * The metric names this package emits, identical to the Python package's so dashboards
 * and alarms carry over (`SQSMessagesRetried` and `SQSMessagesTruncated` are new).
 */
export const MetricName = {
  ENTITY_PARSING_ERROR: 'EntityParsingError',
  ENTITY_PARSING_UNEXPECTED_ERROR: 'EntityParsingUnexpectedError',
  STREAM_RECORD_PARSING_ERROR: 'StreamRecordParsingError',
  CHROMADB_RELEVANT_CHANGES: 'ChromaDBRelevantChanges',
  STREAM_MESSAGE_CREATED: 'StreamMessageCreated',
  ENTITY_MESSAGE_BUILD_ERROR: 'EntityMessageBuildError',
  COMPACTION_RUN_MESSAGE_BUILD_ERROR: 'CompactionRunMessageBuildError',
  SQS_MESSAGES_SUCCESSFUL: 'SQSMessagesSuccessful',
  SQS_MESSAGES_FAILED: 'SQSMessagesFailed',
  SQS_MESSAGES_RETRIED: 'SQSMessagesRetried',
  SQS_MESSAGES_TRUNCATED: 'SQSMessagesTruncated',
} as const;
/** A metric name emitted by this package. */
export type MetricName = (typeof MetricName)[keyof typeof MetricName];
