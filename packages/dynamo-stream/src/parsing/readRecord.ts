import type { RecordLocation } from '../errors.js';
import type { AttributeValue } from '../types.js';

/** The fields of a stream record this package reads, checked for shape. */
export interface RecordFields extends RecordLocation {
  /** `object` for a record that is one, else what it is (`null`, `array`, `string`, …). */
  readonly recordType: string;
  readonly eventName: string | undefined;
  readonly awsRegion: string | undefined;
  readonly pk: string | undefined;
  readonly sk: string | undefined;
  /** `dynamodb.StreamViewType`, for messages about a missing image. */
  readonly streamViewType: string | undefined;
  /**
   * `dynamodb.OldImage` as given, `undefined` when absent (or `null`). Anything else counts
   * as present: an image that is not an attribute map is invalid, not missing.
   */
  readonly oldImage: unknown;
  /** `dynamodb.NewImage`, read like {@link RecordFields.oldImage}. */
  readonly newImage: unknown;
}

const asObject = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

const asString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

const typeName = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

const keyString = (keys: Record<string, unknown> | undefined, name: string): string | undefined =>
  asString(asObject(keys?.[name] as AttributeValue | undefined)?.['S']);

/** {@link RecordFields} that {@link readRecordInto} may overwrite. @internal */
export type RecordFieldsScratch = { -readonly [Key in keyof RecordFields]: RecordFields[Key] };

/** An empty {@link RecordFieldsScratch}. @internal */
export const recordFieldsScratch = (): RecordFieldsScratch => ({
  recordType: 'undefined',
  recordIndex: undefined,
  eventId: undefined,
  sequenceNumber: undefined,
  eventName: undefined,
  awsRegion: undefined,
  pk: undefined,
  sk: undefined,
  streamViewType: undefined,
  oldImage: undefined,
  newImage: undefined,
});

/**
 * Reads a stream record of unknown shape into `fields` without throwing: anything missing
 * or of the wrong type reads as `undefined`. The batch builder reuses one object for every
 * record (nothing keeps it: errors and messages copy what they need).
 * @internal
 */
export const readRecordInto = (
  fields: RecordFieldsScratch,
  record: unknown,
  recordIndex?: number,
): RecordFields => {
  const envelope = asObject(record);
  const data = asObject(envelope?.['dynamodb']);
  const keys = asObject(data?.['Keys']);
  fields.recordType = envelope === undefined ? typeName(record) : 'object';
  fields.recordIndex = recordIndex;
  fields.eventId = asString(envelope?.['eventID']);
  fields.sequenceNumber = asString(data?.['SequenceNumber']);
  fields.eventName = asString(envelope?.['eventName']);
  fields.awsRegion = asString(envelope?.['awsRegion']);
  fields.pk = keyString(keys, 'PK');
  fields.sk = keyString(keys, 'SK');
  fields.streamViewType = asString(data?.['StreamViewType']);
  fields.oldImage = data?.['OldImage'] ?? undefined;
  fields.newImage = data?.['NewImage'] ?? undefined;
  return fields;
};

/**
 * Reads a stream record of unknown shape without throwing: anything missing or of the
 * wrong type reads as `undefined`.
 * @internal
 */
export const readRecord = (record: unknown, recordIndex?: number): RecordFields =>
  readRecordInto(recordFieldsScratch(), record, recordIndex);
