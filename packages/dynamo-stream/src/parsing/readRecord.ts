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

/**
 * Reads a stream record of unknown shape without throwing: anything missing or of the
 * wrong type reads as `undefined`.
 * @internal
 */
export const readRecord = (record: unknown, recordIndex?: number): RecordFields => {
  const envelope = asObject(record);
  const data = asObject(envelope?.['dynamodb']);
  const keys = asObject(data?.['Keys']);
  return {
    recordIndex,
    eventId: asString(envelope?.['eventID']),
    sequenceNumber: asString(data?.['SequenceNumber']),
    eventName: asString(envelope?.['eventName']),
    awsRegion: asString(envelope?.['awsRegion']),
    pk: keyString(keys, 'PK'),
    sk: keyString(keys, 'SK'),
    oldImage: asObject(data?.['OldImage']) as DynamoDBItem | undefined,
    newImage: asObject(data?.['NewImage']) as DynamoDBItem | undefined,
  };
};
