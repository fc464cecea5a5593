/**
 * The two Chroma collections kept in step with the table.
 */
export const ChromaDBCollection = {
  /** The collection of receipt-line embeddings. */
  LINES: 'lines',
  /** The collection of receipt-word embeddings. */
  WORDS: 'words',
} as const;
/** A Chroma collection name: `lines` or `words`. */
export type ChromaDBCollection = (typeof ChromaDBCollection)[keyof typeof ChromaDBCollection];

/**
 * Every queue a stream message can be routed to: the two Chroma collections plus the
 * receipt-summary and line-item updaters.
 */
export const TargetQueue = {
  /** The compactor queue of the `lines` collection. */
  LINES: 'lines',
  /** The compactor queue of the `words` collection. */
  WORDS: 'words',
  /** The queue of the receipt-summary updater. */
  RECEIPT_SUMMARY: 'receipt_summary',
  /** The queue of the line-item updater. */
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
  /** A receipt cut out of an image (`Receipt`). */
  RECEIPT: 'RECEIPT',
  /** One OCR line of a receipt (`ReceiptLine`). */
  RECEIPT_LINE: 'RECEIPT_LINE',
  /** One OCR word of a receipt (`ReceiptWord`). */
  RECEIPT_WORD: 'RECEIPT_WORD',
  /** A label on one receipt word (`ReceiptWordLabel`). */
  RECEIPT_WORD_LABEL: 'RECEIPT_WORD_LABEL',
  /** A receipt's matched merchant place (`ReceiptPlace`). */
  RECEIPT_PLACE: 'RECEIPT_PLACE',
  /** The legacy predecessor of a place (`ReceiptMetadata`); not streamed. */
  RECEIPT_METADATA: 'RECEIPT_METADATA',
  /** A classified section of a receipt (`ReceiptSection`). */
  RECEIPT_SECTION: 'RECEIPT_SECTION',
  /** A receipt's computed summary (`ReceiptSummaryRecord`). */
  RECEIPT_SUMMARY: 'RECEIPT_SUMMARY',
  /** One delta-compaction run for a receipt (`CompactionRun`). */
  COMPACTION_RUN: 'COMPACTION_RUN',
  /** The lock that guards compaction of one collection (`CompactionLock`); not streamed. */
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
  /**
   * An image of a recognised record failed its entity's schema (dimensions `entity_type`
   * and `image_type`, `old` or `new`).
   */
  ENTITY_PARSING_ERROR: 'EntityParsingError',
  /** Kept for dashboards that name it; this package does not emit it. */
  ENTITY_PARSING_UNEXPECTED_ERROR: 'EntityParsingUnexpectedError',
  /** A record was malformed: not an object, no string keys, an unknown event or a missing image. */
  STREAM_RECORD_PARSING_ERROR: 'StreamRecordParsingError',
  /** How many relevant fields a record changed, 0 included (dimension `entity_type`). */
  CHROMADB_RELEVANT_CHANGES: 'ChromaDBRelevantChanges',
  /** One entity message built for one queue (dimensions `entity_type` and `collection`). */
  STREAM_MESSAGE_CREATED: 'StreamMessageCreated',
  /** Building a record's message threw unexpectedly; the record is a `build-error` failure. */
  ENTITY_MESSAGE_BUILD_ERROR: 'EntityMessageBuildError',
  /** A compaction-run INSERT had no NewImage or no usable ids: no delta-merge message was built. */
  COMPACTION_RUN_MESSAGE_BUILD_ERROR: 'CompactionRunMessageBuildError',
  /** Entries SQS accepted, per batch (dimension `collection`). */
  SQS_MESSAGES_SUCCESSFUL: 'SQSMessagesSuccessful',
  /** Entries that finally failed, or were too large to send (dimension `collection`). */
  SQS_MESSAGES_FAILED: 'SQSMessagesFailed',
  /** Entries sent again after a failed attempt (dimension `collection`). */
  SQS_MESSAGES_RETRIED: 'SQSMessagesRetried',
  /** Entries shrunk to fit the size limit (dimension `collection`). */
  SQS_MESSAGES_TRUNCATED: 'SQSMessagesTruncated',
} as const;
/** A metric name emitted by this package. */
export type MetricName = (typeof MetricName)[keyof typeof MetricName];
