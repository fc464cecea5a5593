/**
 * A DynamoDB attribute value as it arrives in a Lambda stream event. Structurally the same
 * as `@types/aws-lambda`'s `AttributeValue`: binary values arrive as base64 strings.
 */
export interface AttributeValue {
  /** A binary value, base64-encoded. */
  B?: string | undefined;
  /** A binary set, each value base64-encoded. */
  BS?: string[] | undefined;
  /** A boolean. */
  BOOL?: boolean | undefined;
  /** A list of attribute values. */
  L?: AttributeValue[] | undefined;
  /** A map of attribute names to attribute values. */
  M?: { [key: string]: AttributeValue } | undefined;
  /** A number, as its decimal text (e.g. `"42"`, `"0.5"`). */
  N?: string | undefined;
  /** A number set, each number as its decimal text. */
  NS?: string[] | undefined;
  /** `true` for a NULL value. */
  NULL?: boolean | undefined;
  /** A string. */
  S?: string | undefined;
  /** A string set. */
  SS?: string[] | undefined;
}

/** A DynamoDB item or stream image: attribute names mapped to attribute values. */
export type DynamoDBItem = { [key: string]: AttributeValue };

/** The `dynamodb` part of a stream record, compatible with `@types/aws-lambda`'s `StreamRecord`. */
export interface StreamRecordData {
  /** When the change was made, in epoch seconds (approximate). */
  ApproximateCreationDateTime?: number | undefined;
  /** The item's primary key; this package reads `PK.S` and `SK.S`. */
  Keys?: { [key: string]: AttributeValue } | undefined;
  /** The item after the change (INSERT, MODIFY). */
  NewImage?: { [key: string]: AttributeValue } | undefined;
  /** The item before the change (MODIFY, REMOVE). */
  OldImage?: { [key: string]: AttributeValue } | undefined;
  /** The record's position in its shard; reported with every failure. */
  SequenceNumber?: string | undefined;
  /** The record's size in bytes. */
  SizeBytes?: number | undefined;
  /**
   * Which images the stream writes. This package needs `NEW_AND_OLD_IMAGES`; a record
   * missing an image its event needs is reported as malformed, naming this value.
   */
  StreamViewType?: 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | undefined;
}

/** One record of a DynamoDB stream event, compatible with `@types/aws-lambda`'s `DynamoDBRecord`. */
export interface DynamoDBStreamRecord {
  /** The region of the table; copied into each message's context. */
  awsRegion?: string | undefined;
  /** The keys, images and position of the change. */
  dynamodb?: StreamRecordData | undefined;
  /** The record's unique id; copied into each message's context and reported with failures. */
  eventID?: string | undefined;
  /** What happened to the item. */
  eventName?: 'INSERT' | 'MODIFY' | 'REMOVE' | undefined;
  /** `aws:dynamodb`. */
  eventSource?: string | undefined;
  /** The ARN of the stream. */
  eventSourceARN?: string | undefined;
  /** The version of the record format. */
  eventVersion?: string | undefined;
  /** Who made the change, for changes made by DynamoDB itself (TTL deletions). */
  userIdentity?: unknown;
}

/** A DynamoDB stream event, compatible with `@types/aws-lambda`'s `DynamoDBStreamEvent`. */
export interface DynamoDBStreamEvent {
  /** The batch of stream records, in shard order. */
  Records: DynamoDBStreamRecord[];
}

/** Dimensions attached to a metric data point. */
export type MetricDimensions = Readonly<Record<string, string>>;

/**
 * Receives this package's counters. Structurally compatible with a thin wrapper over
 * Powertools `Metrics` (`addMetric` + dimensions) or any EMF recorder.
 */
export interface Metrics {
  /** Adds `value` to the counter `name` with optional dimensions. */
  count(name: string, value: number, dimensions?: MetricDimensions): void;
}

/**
 * Structured logger; the signature is compatible with Powertools `Logger`
 * (`logger.info(message, extra)`) and with `console`.
 */
export interface Logger {
  /** Logs detail (e.g. a skipped irrelevant record); `extra` holds structured fields. */
  debug(message: string, extra?: Record<string, unknown>): void;
  /** Logs progress (e.g. messages sent to a queue); `extra` holds structured fields. */
  info(message: string, extra?: Record<string, unknown>): void;
  /** Logs a recoverable problem (a skipped record, a retry); `extra` holds structured fields. */
  warn(message: string, extra?: Record<string, unknown>): void;
  /** Logs a failure (a message not built or not sent); `extra` holds structured fields. */
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Options shared by every function that can log or count. */
export interface ObservabilityOptions {
  /**
   * Where logs go.
   * @default a no-op logger
   */
  logger?: Logger | undefined;
  /**
   * Where counters go.
   * @default no metrics are recorded
   */
  metrics?: Metrics | undefined;
}
