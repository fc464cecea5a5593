/**
 * A DynamoDB attribute value as it arrives in a Lambda stream event. Structurally the same
 * as `@types/aws-lambda`'s `AttributeValue`: binary values arrive as base64 strings.
 */
export interface AttributeValue {
  B?: string | undefined;
  BS?: string[] | undefined;
  BOOL?: boolean | undefined;
  L?: AttributeValue[] | undefined;
  M?: { [key: string]: AttributeValue } | undefined;
  N?: string | undefined;
  NS?: string[] | undefined;
  NULL?: boolean | undefined;
  S?: string | undefined;
  SS?: string[] | undefined;
}

/** A DynamoDB item or stream image: attribute names mapped to attribute values. */
export type DynamoDBItem = { [key: string]: AttributeValue };

/** The `dynamodb` part of a stream record, compatible with `@types/aws-lambda`'s `StreamRecord`. */
export interface StreamRecordData {
  ApproximateCreationDateTime?: number | undefined;
  Keys?: { [key: string]: AttributeValue } | undefined;
  NewImage?: { [key: string]: AttributeValue } | undefined;
  OldImage?: { [key: string]: AttributeValue } | undefined;
  SequenceNumber?: string | undefined;
  SizeBytes?: number | undefined;
  StreamViewType?: 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | undefined;
}

/** One record of a DynamoDB stream event, compatible with `@types/aws-lambda`'s `DynamoDBRecord`. */
export interface DynamoDBStreamRecord {
  awsRegion?: string | undefined;
  dynamodb?: StreamRecordData | undefined;
  eventID?: string | undefined;
  eventName?: 'INSERT' | 'MODIFY' | 'REMOVE' | undefined;
  eventSource?: string | undefined;
  eventSourceARN?: string | undefined;
  eventVersion?: string | undefined;
  userIdentity?: unknown;
}

/** A DynamoDB stream event, compatible with `@types/aws-lambda`'s `DynamoDBStreamEvent`. */
export interface DynamoDBStreamEvent {
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
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
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
