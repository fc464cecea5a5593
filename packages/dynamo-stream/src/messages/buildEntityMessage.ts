import { diffFields } from '../changes/getChromaDBRelevantChanges.js';
import { jsonEqual } from '../changes/jsonValue.js';
import { MetricName } from '../constants.js';
import type { RecordParseError } from '../errors.js';
import {
  checkRecordImages,
  parseImagesInto,
  type ResolvedRecord,
} from '../parsing/parseStreamRecord.js';
import type { RecordFields } from '../parsing/readRecord.js';
import type { EntityExtraction } from '../parsing/registry.js';
import { isObject } from '../validation/attributes.js';
import { type BuildContext, contextOf, targetDimension, typeDimension } from './buildContext.js';
import type { FieldChanges, JsonValue } from './types.js';

/**
 * True when no relevant attribute differs between the raw images, so the decoded fields
 * cannot differ either and the images need not be parsed. Fields derived from the keys
 * (a label's name, ids) are absent from both images and compare equal.
 */
const sameRelevantAttributes = (
  fields: readonly string[],
  oldImage: Record<string, unknown>,
  newImage: Record<string, unknown>,
): boolean => {
  for (const field of fields) {
    const before = oldImage[field] as JsonValue | undefined;
    const after = newImage[field] as JsonValue | undefined;
    if (before !== after && !jsonEqual(before ?? null, after ?? null)) return false;
  }
  return true;
};

/** Counts and queues one entity message for every target of `extraction`. */
const pushEntityMessage = (
  fields: RecordFields,
  entityType: string,
  eventName: string,
  extraction: EntityExtraction,
  changes: FieldChanges,
  recordSnapshot: Record<string, unknown> | undefined,
  build: BuildContext,
): void => {
  if (extraction.targets.length === 0) return;
  if (build.observability.counting) {
    for (const target of extraction.targets) {
      build.observability.count(
        MetricName.STREAM_MESSAGE_CREATED,
        1,
        targetDimension(entityType, target),
      );
    }
  }
  build.messages.push({
    entityType,
    entityData: extraction.entityData,
    changes,
    eventName,
    collections: extraction.targets,
    context: contextOf(fields, build),
    recordSnapshot,
  });
};

/** Counts every invalid image and logs the ones the record could do without. */
const reportInvalidImages = (
  fields: RecordFields,
  entityType: string,
  failure: RecordParseError | undefined,
  build: BuildContext,
): void => {
  const { oldError, newError } = build.images;
  if (oldError === undefined && newError === undefined) return;
  const { count, logger } = build.observability;
  for (const [image, error] of [
    ['old', oldError],
    ['new', newError],
  ] as const) {
    if (error === undefined) continue;
    count(MetricName.ENTITY_PARSING_ERROR, 1, { entity_type: entityType, image_type: image });
    if (failure !== undefined) continue;
    logger.warn('Ignoring an invalid image of a stream record', {
      eventId: fields.eventId,
      recordIndex: fields.recordIndex,
      entityType,
      image,
      error: error.message,
    });
  }
};

// spec §8.4, with its data-loss bugs fixed.
/**
 * The entity path: diff the relevant fields and route one message to the type's queues. A
 * message is only ever built from the images the event needs, present and valid
 * ({@link checkRecordImages}); a REMOVE whose old image is absent or invalid is built from
 * the keys, with empty `changes`.
 *
 * Work is skipped where it cannot change the outcome: a MODIFY whose relevant attributes
 * are byte-for-byte equal is not parsed (it yields no message whatever its images hold),
 * and a REMOVE of a type without relevant fields (receipt, line, word) is built from the
 * keys without parsing its old image.
 * @internal
 */
export const buildEntityMessage = (
  fields: RecordFields,
  resolved: ResolvedRecord,
  eventName: string,
  build: BuildContext,
): RecordParseError | undefined => {
  const { definition } = resolved;
  const { entityType, relevantFields, extract } = definition;
  if (extract === undefined) return undefined;
  if (eventName === 'INSERT' && definition.syncOnInsert !== true) return undefined;
  if (eventName === 'MODIFY' && relevantFields.length === 0) return undefined;

  const { count, logger } = build.observability;
  const { oldImage, newImage } = fields;
  if (
    eventName === 'MODIFY' &&
    isObject(oldImage) &&
    isObject(newImage) &&
    sameRelevantAttributes(relevantFields, oldImage, newImage)
  ) {
    count(MetricName.CHROMADB_RELEVANT_CHANGES, 0, typeDimension(entityType));
    return undefined;
  }
  if (eventName === 'REMOVE' && relevantFields.length === 0) {
    const extraction = definition.extractFromKeys?.(resolved);
    if (extraction !== undefined) {
      count(MetricName.CHROMADB_RELEVANT_CHANGES, 0, typeDimension(entityType));
      pushEntityMessage(fields, entityType, eventName, extraction, {}, undefined, build);
      return undefined;
    }
  }

  const images = build.images;
  parseImagesInto(images, fields, resolved);
  const fromKeys =
    eventName === 'REMOVE' && images.oldEntity === null
      ? definition.extractFromKeys?.(resolved)
      : undefined;
  const failure = checkRecordImages(fields, resolved, images, () => fromKeys !== undefined);
  reportInvalidImages(fields, entityType, failure, build);
  if (failure !== undefined) {
    if (failure.reason === 'malformed-record') count(MetricName.STREAM_RECORD_PARSING_ERROR, 1);
    logger.warn('Skipping a stream record without a usable image', {
      eventId: fields.eventId,
      recordIndex: fields.recordIndex,
      entityType,
      reason: failure.reason,
      error: failure.message,
    });
    return failure;
  }

  const { oldEntity, newEntity } = images;
  const changes = diffFields(relevantFields, oldEntity, newEntity);
  const changeCount = Object.keys(changes).length;
  count(MetricName.CHROMADB_RELEVANT_CHANGES, changeCount, typeDimension(entityType));
  if (changeCount === 0 && eventName !== 'REMOVE') return undefined;

  // The old entity when there is one, so a MODIFY's ids come from the old image (spec §8.4).
  const entity = oldEntity ?? newEntity;
  const extraction = entity === null ? fromKeys : extract(entity);
  if (extraction === undefined || extraction === null) return undefined;
  const recordSnapshot = isObject(newEntity) ? newEntity : undefined;
  pushEntityMessage(fields, entityType, eventName, extraction, changes, recordSnapshot, build);
  return undefined;
};
