import type { RecordLocation } from '../errors.js';
import type { AttributeValue, DynamoDBItem } from '../types.js';

/** The fields of a stream record this package reads, checked for shape. */
export interface RecordFields extends RecordLocation {
  readonly eventName: string | undefined;
  readonly awsRegion: string | undefined;
  readonly pk: string | undefined;
  readonly sk: string | undefined;
  readonly oldImage: DynamoDBItem | undefined;
  readonly newImage: DynamoDBItem | undefined;
}

const asObject = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

const asString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

const keyString = (keys: Record<string, unknown> | undefined, name: string): string | undefined =>
  asString(asObject(keys?.[name] as AttributeValue | undefined)?.['S']);

/** {@link RecordFields} that {@link readRecordInto} may overwrite. @internal */
export type RecordFieldsScratch = { -readonly [Key in keyof RecordFields]: RecordFields[Key] };

/** An empty {@link RecordFieldsScratch}. @internal */
export const recordFieldsScratch = (): RecordFieldsScratch => ({
  recordIndex: undefined,
  eventId: undefined,
  sequenceNumber: undefined,
  eventName: undefined,
  awsRegion: undefined,
  pk: undefined,
  sk: undefined,
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
  fields.recordIndex = recordIndex;
  fields.eventId = asString(envelope?.['eventID']);
  fields.sequenceNumber = asString(data?.['SequenceNumber']);
  fields.eventName = asString(envelope?.['eventName']);
  fields.awsRegion = asString(envelope?.['awsRegion']);
  fields.pk = keyString(keys, 'PK');
  fields.sk = keyString(keys, 'SK');
  fields.oldImage = asObject(data?.['OldImage']) as DynamoDBItem | undefined;
  fields.newImage = asObject(data?.['NewImage']) as DynamoDBItem | undefined;
  return fields;
};

/**
 * Reads a stream record of unknown shape without throwing: anything missing or of the
 * wrong type reads as `undefined`.
 * @internal
 */
export const readRecord = (record: unknown, recordIndex?: number): RecordFields =>
  readRecordInto(recordFieldsScratch(), record, recordIndex);
