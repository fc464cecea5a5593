import { STREAM_SOURCE } from '../constants.js';
import { RecordParseError, type RecordSkipReason } from '../errors.js';
import type { Observability } from '../observability.js';
import type { ParsedImages } from '../parsing/parseStreamRecord.js';
import type { RecordFields, RecordFieldsScratch } from '../parsing/readRecord.js';
import type { EntityRegistry } from '../parsing/registry.js';
import type { MetricDimensions } from '../types.js';
import type { StreamMessage, StreamRecordContext } from './types.js';

/**
 * What the message builders share while building one batch: the scratch objects reused
 * for every record, the hooks, and the messages built so far.
 * @internal
 */
export interface BuildContext {
  /** The fields of the record being built, one object reused for the whole batch. */
  readonly fields: RecordFieldsScratch;
  /** The parsed images of the record being built, reused likewise. */
  readonly images: ParsedImages;
  readonly observability: Observability;
  readonly registry: EntityRegistry;
  readonly now: () => string;
  readonly messages: StreamMessage[];
}

const typeDimensions = new Map<string, MetricDimensions>();
const targetDimensions = new Map<string, Map<string, MetricDimensions>>();

/** `{ entity_type }`, one frozen object per type (metrics run once or more per record). @internal */
export const typeDimension = (entityType: string): MetricDimensions => {
  let dimensions = typeDimensions.get(entityType);
  if (dimensions === undefined) {
    dimensions = Object.freeze({ entity_type: entityType });
    typeDimensions.set(entityType, dimensions);
  }
  return dimensions;
};

/** `{ entity_type, collection }`, one frozen object per pair. @internal */
export const targetDimension = (entityType: string, collection: string): MetricDimensions => {
  let byTarget = targetDimensions.get(entityType);
  if (byTarget === undefined) {
    byTarget = new Map();
    targetDimensions.set(entityType, byTarget);
  }
  let dimensions = byTarget.get(collection);
  if (dimensions === undefined) {
    dimensions = Object.freeze({ entity_type: entityType, collection });
    byTarget.set(collection, dimensions);
  }
  return dimensions;
};

// spec §8.7
/** The provenance of a message built now from the record in `fields`. @internal */
export const contextOf = (fields: RecordFields, build: BuildContext): StreamRecordContext => ({
  source: STREAM_SOURCE,
  timestamp: build.now(),
  recordId: fields.eventId ?? 'unknown',
  awsRegion: fields.awsRegion ?? 'unknown',
});

/** A {@link RecordParseError} located at the record in `fields`. @internal */
export const recordFailure = (
  fields: RecordFields,
  reason: RecordSkipReason,
  message: string,
): RecordParseError =>
  new RecordParseError(reason, message, {
    recordIndex: fields.recordIndex,
    eventId: fields.eventId,
    sequenceNumber: fields.sequenceNumber,
  });
