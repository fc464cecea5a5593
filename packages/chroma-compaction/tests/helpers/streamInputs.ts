import type { DecodedStreamMessage, EntityData, FieldChanges } from '@receipt-chroma/dynamo-stream';
import type { CollectionUpdateInput } from '../../src/compaction/types.js';

/**
 * Builders of `processCollectionUpdates` inputs: decoded queue messages as the stream
 * processor writes them, with their SQS record ids and build timestamps.
 */

/** A timestamp `seconds` after a fixed instant, in Python's isoformat. */
export const at = (seconds: number): string =>
  `2026-01-04T12:00:${String(seconds).padStart(2, '0')}.000000+00:00`;

interface InputSpec {
  readonly recordId: string;
  readonly entityType: string;
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly entityData: Omit<EntityData, 'entity_type'> & { readonly entity_type?: string };
  readonly changes?: FieldChanges;
  readonly timestamp?: string | null;
  readonly collection?: string;
}

/** One input from its parts (timestamp `at(0)` unless given). */
export const input = (spec: InputSpec): CollectionUpdateInput => {
  const message: DecodedStreamMessage = {
    entityType: spec.entityType,
    entityData: { entity_type: spec.entityType, ...spec.entityData } as EntityData,
    changes: spec.changes ?? {},
    eventName: spec.eventName,
    context: {
      source: 'dynamodb_stream',
      timestamp: spec.timestamp === undefined ? at(0) : spec.timestamp,
      recordId: `stream-${spec.recordId}`,
      awsRegion: 'us-east-1',
    },
  };
  return spec.collection === undefined
    ? { recordId: spec.recordId, message }
    : { recordId: spec.recordId, message, collection: spec.collection };
};

/** Optional parts of an input. */
export interface InputExtras {
  readonly timestamp?: string | null;
  readonly collection?: string;
}

/** A `RECEIPT_PLACE` MODIFY (or REMOVE) message. */
export const placeInput = (
  recordId: string,
  imageId: string,
  receiptId: number,
  eventName: 'MODIFY' | 'REMOVE',
  changes: FieldChanges = {},
  extras: InputExtras = {},
): CollectionUpdateInput =>
  input({
    recordId,
    entityType: 'RECEIPT_PLACE',
    eventName,
    entityData: { image_id: imageId, receipt_id: receiptId },
    changes,
    ...extras,
  });

/** A `RECEIPT_PLACE` MODIFY whose `merchant_name` changes from `A` to `merchantName`. */
export const merchantNameInput = (
  recordId: string,
  imageId: string,
  receiptId: number,
  merchantName: string,
  extras: InputExtras = {},
): CollectionUpdateInput =>
  placeInput(
    recordId,
    imageId,
    receiptId,
    'MODIFY',
    { merchant_name: { old: 'A', new: merchantName } },
    extras,
  );

/** A `RECEIPT_WORD_LABEL` message. */
export const wordLabelInput = (
  recordId: string,
  word: { imageId: string; receiptId: number; lineId: number; wordId: number },
  label: string,
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  extras: InputExtras = {},
): CollectionUpdateInput =>
  input({
    recordId,
    entityType: 'RECEIPT_WORD_LABEL',
    eventName,
    entityData: {
      image_id: word.imageId,
      receipt_id: word.receiptId,
      line_id: word.lineId,
      word_id: word.wordId,
      label,
    },
    changes: eventName === 'REMOVE' ? {} : { validation_status: { old: 'PENDING', new: 'VALID' } },
    ...extras,
  });

/** A `RECEIPT`, `RECEIPT_LINE` or `RECEIPT_WORD` REMOVE message. */
export const removalInput = (
  recordId: string,
  entityType: 'RECEIPT' | 'RECEIPT_LINE' | 'RECEIPT_WORD',
  entityData: Omit<EntityData, 'entity_type'>,
  extras: InputExtras = {},
): CollectionUpdateInput =>
  input({ recordId, entityType, eventName: 'REMOVE', entityData, ...extras });

/** A `RECEIPT_SECTION` message. */
export const sectionMessageInput = (
  recordId: string,
  imageId: string,
  receiptId: number,
  sectionType: string,
  extras: InputExtras = {},
): CollectionUpdateInput =>
  input({
    recordId,
    entityType: 'RECEIPT_SECTION',
    eventName: 'MODIFY',
    entityData: { image_id: imageId, receipt_id: receiptId, section_type: sectionType },
    ...extras,
  });

/** A `COMPACTION_RUN` INSERT message for one collection. */
export const deltaInput = (
  recordId: string,
  imageId: string,
  receiptId: number,
  runId: string,
  deltaPrefix: string | null,
  extras: InputExtras = {},
): CollectionUpdateInput =>
  input({
    recordId,
    entityType: 'COMPACTION_RUN',
    eventName: 'INSERT',
    entityData: {
      image_id: imageId,
      receipt_id: receiptId,
      run_id: runId,
      delta_s3_prefix: deltaPrefix,
    },
    ...extras,
  });
