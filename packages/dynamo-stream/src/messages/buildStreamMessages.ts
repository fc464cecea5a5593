import { diffFields } from '../changes/getChromaDBRelevantChanges.js';
import { jsonEqual } from '../changes/jsonValue.js';
import { EntityType, MetricName, STREAM_SOURCE, TargetQueue } from '../constants.js';
import { DynamoStreamError, EntityValidationError, RecordParseError } from '../errors.js';
import { type Observability, resolveObservability } from '../observability.js';
import { isCompactionRun, parseCompactionRun } from '../parsing/compactionRunImage.js';
import { DEFAULT_ENTITY_REGISTRY } from '../parsing/entityDefinitions.js';
import {
  isUnresolved,
  type ParsedImages,
  parsedImagesScratch,
  parseImagesInto,
  type ResolvedRecord,
  resolveRecord,
  unresolvedError,
} from '../parsing/parseStreamRecord.js';
import {
  type RecordFields,
  type RecordFieldsScratch,
  readRecord,
  readRecordInto,
  recordFieldsScratch,
} from '../parsing/readRecord.js';
import type { EntityExtraction, EntityRegistry } from '../parsing/registry.js';
import type {
  DynamoDBItem,
  DynamoDBStreamRecord,
  MetricDimensions,
  ObservabilityOptions,
} from '../types.js';
import { pythonUtcNow } from './timestamp.js';
import type { FieldChanges, JsonValue, StreamMessage, StreamRecordContext } from './types.js';

/** Options of {@link buildStreamMessages} and {@link buildMessagesFromRecords}. */
export interface BuildMessagesOptions extends ObservabilityOptions {
  /**
   * The entity types to recognise, in matching order.
   * @default DEFAULT_ENTITY_REGISTRY
   */
  registry?: EntityRegistry | undefined;
  /**
   * The clock for `context.timestamp`, in Python isoformat.
   * @default the current UTC time with microseconds, e.g. `2026-01-04T12:34:56.123456+00:00`
   */
  now?: (() => string) | undefined;
}

/** Messages built from a batch, plus the records that could not be used. */
export interface BuildMessagesResult {
  /** The messages, in record order. */
  readonly messages: StreamMessage[];
  /**
   * Records that were malformed, invalid or failed to build, each with its index,
   * `eventID` and `SequenceNumber`. Records that are simply irrelevant (other
   * partitions, unknown sort keys, unchanged fields) are not failures.
   */
  readonly failures: RecordParseError[];
}

interface BuildContext {
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

/** `{ entity_type }`, one frozen object per type (metrics run once or more per record). */
const typeDimension = (entityType: string): MetricDimensions => {
  let dimensions = typeDimensions.get(entityType);
  if (dimensions === undefined) {
    dimensions = Object.freeze({ entity_type: entityType });
    typeDimensions.set(entityType, dimensions);
  }
  return dimensions;
};

/** `{ entity_type, collection }`, one frozen object per pair. */
const targetDimension = (entityType: string, collection: string): MetricDimensions => {
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

const contextOf = (fields: RecordFields, build: BuildContext): StreamRecordContext => ({
  source: STREAM_SOURCE,
  timestamp: build.now(),
  recordId: fields.eventId ?? 'unknown',
  awsRegion: fields.awsRegion ?? 'unknown',
});

const fail = (fields: RecordFields, reason: RecordParseError['reason'], message: string) =>
  new RecordParseError(reason, message, {
    recordIndex: fields.recordIndex,
    eventId: fields.eventId,
    sequenceNumber: fields.sequenceNumber,
  });

/** The INSERT fast path: one delta-merge message per collection. */
const buildCompactionRunMessages = (
  fields: RecordFields,
  pk: string,
  sk: string,
  build: BuildContext,
): RecordParseError | undefined => {
  const image = fields.newImage;
  if (image === undefined) {
    build.observability.count(MetricName.COMPACTION_RUN_MESSAGE_BUILD_ERROR, 1);
    return fail(
      fields,
      'malformed-record',
      'Compaction run INSERT has no NewImage; the stream view type must include new images',
    );
  }
  let run: ReturnType<typeof parseCompactionRun>;
  try {
    run = parseCompactionRun(image, pk, sk);
  } catch (error) {
    if (!(error instanceof EntityValidationError)) throw error;
    build.observability.count(MetricName.COMPACTION_RUN_MESSAGE_BUILD_ERROR, 1);
    return new RecordParseError(
      'invalid-entity',
      'Failed to build compaction run messages',
      { ...fields, entityType: EntityType.COMPACTION_RUN, issues: error.issues },
      { cause: error },
    );
  }
  const context = contextOf(fields, build);
  for (const [collection, prefix] of [
    [TargetQueue.LINES, run.lines_delta_prefix],
    [TargetQueue.WORDS, run.words_delta_prefix],
  ] as const) {
    build.messages.push({
      entityType: EntityType.COMPACTION_RUN,
      entityData: { entity_type: EntityType.COMPACTION_RUN, ...run, delta_s3_prefix: prefix },
      changes: {},
      eventName: 'INSERT',
      collections: [collection],
      context,
      recordSnapshot: image,
    });
  }
  if (build.observability.logging) {
    build.observability.logger.info('Created compaction run messages', {
      run_id: run.run_id,
      image_id: run.image_id,
      eventId: fields.eventId,
    });
  }
  return undefined;
};

/**
 * True when no relevant attribute differs between the raw images, so the decoded fields
 * cannot differ either and the images need not be parsed. Fields derived from the keys
 * (a label's name, ids) are absent from both images and compare equal.
 */
const sameRelevantAttributes = (
  fields: readonly string[],
  oldImage: DynamoDBItem,
  newImage: DynamoDBItem,
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

/**
 * The entity path: diff the relevant fields and route one message to the type's targets.
 * Work is skipped where it cannot change the outcome: a MODIFY whose relevant attributes
 * are byte-for-byte equal is not parsed, and a REMOVE of a type whose message carries only
 * ids (receipt, line, word) is built from the keys.
 */
const buildEntityMessage = (
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
  if (
    eventName === 'MODIFY' &&
    fields.oldImage !== undefined &&
    fields.newImage !== undefined &&
    sameRelevantAttributes(relevantFields, fields.oldImage, fields.newImage)
  ) {
    count(MetricName.CHROMADB_RELEVANT_CHANGES, 0, typeDimension(entityType));
    return undefined;
  }
  if (eventName === 'REMOVE' && relevantFields.length === 0) {
    const extraction = definition.extractFromKeys?.(resolved);
    if (extraction !== undefined) {
      count(MetricName.CHROMADB_RELEVANT_CHANGES, 0, typeDimension(entityType));
      if (extraction.targets.length > 0) {
        pushEntityMessage(fields, entityType, eventName, extraction, {}, undefined, build);
      }
      return undefined;
    }
  }

  const parsed = build.images;
  const failure = parseImagesInto(parsed, fields, resolved);
  const { imageErrors } = parsed;
  const failedImages =
    failure === undefined
      ? imageErrors.map(({ image }) => image)
      : (['OldImage', 'NewImage'] as const).filter(
          (image) => fields[image === 'OldImage' ? 'oldImage' : 'newImage'],
        );
  for (const image of failedImages) {
    count(MetricName.ENTITY_PARSING_ERROR, 1, {
      entity_type: entityType,
      image_type: image === 'OldImage' ? 'old' : 'new',
    });
  }
  if (failure !== undefined) {
    logger.warn('Skipping stream record with an invalid image', {
      eventId: fields.eventId,
      recordIndex: fields.recordIndex,
      entityType,
      error: failure.message,
    });
    return failure;
  }
  for (const { image, error } of imageErrors) {
    logger.warn('Ignoring an invalid image of a stream record', {
      eventId: fields.eventId,
      recordIndex: fields.recordIndex,
      entityType,
      image,
      error: error.message,
    });
  }

  const { oldEntity, newEntity } = parsed;
  const changes = diffFields(relevantFields, oldEntity, newEntity);
  const changeCount = Object.keys(changes).length;
  count(MetricName.CHROMADB_RELEVANT_CHANGES, changeCount, typeDimension(entityType));
  if (changeCount === 0 && eventName !== 'REMOVE') return undefined;

  const entity = oldEntity ?? newEntity;
  if (entity === null) return undefined;
  const extraction = extract(entity);
  if (extraction === null || extraction.targets.length === 0) return undefined;
  const recordSnapshot =
    newEntity !== null && typeof newEntity === 'object'
      ? (newEntity as Record<string, unknown>)
      : undefined;
  pushEntityMessage(fields, entityType, eventName, extraction, changes, recordSnapshot, build);
  return undefined;
};

const buildRecord = (record: unknown, recordIndex: number, build: BuildContext) => {
  const fields = readRecordInto(build.fields, record, recordIndex);
  const { eventName } = fields;
  const { count, logger } = build.observability;
  if (eventName !== 'INSERT' && eventName !== 'MODIFY' && eventName !== 'REMOVE') {
    count(MetricName.STREAM_RECORD_PARSING_ERROR, 1);
    const error = fail(
      fields,
      'malformed-record',
      `Unsupported stream eventName: ${String(eventName)}`,
    );
    logger.warn('Skipping malformed stream record', {
      eventId: fields.eventId,
      recordIndex,
      error: error.message,
    });
    return error;
  }
  const resolved = resolveRecord(fields, build.registry);
  if (isUnresolved(resolved)) {
    if (resolved.reason !== 'malformed-record') {
      if (!build.observability.logging) return undefined;
      logger.debug('Skipping irrelevant stream record', {
        eventId: fields.eventId,
        reason: resolved.reason,
      });
      return undefined;
    }
    count(MetricName.STREAM_RECORD_PARSING_ERROR, 1);
    logger.warn('Skipping malformed stream record', {
      eventId: fields.eventId,
      recordIndex,
      error: resolved.message,
    });
    return unresolvedError(fields, resolved);
  }
  if (eventName === 'INSERT' && isCompactionRun(resolved.pk, resolved.sk)) {
    return buildCompactionRunMessages(fields, resolved.pk, resolved.sk, build);
  }
  return buildEntityMessage(fields, resolved, eventName, build);
};

/**
 * Turns a batch of DynamoDB stream records into queue messages and reports, per record,
 * the ones that could not be used. It never throws for bad input: a malformed record, an
 * invalid image or a failing custom definition is counted, logged with its `eventID`, and
 * skipped, and the rest of the batch is processed.
 *
 * Rules (spec §8, with fixes): a compaction-run INSERT gives one delta-merge message per
 * collection; section, summary, place and word-label INSERTs (Python sent the first two
 * only), MODIFYs that change a relevant field, and every REMOVE of a known entity give one
 * message routed to the type's queues. Records that cannot yield a message (e.g. a word
 * MODIFY) are not parsed at all.
 *
 * @example
 * ```ts
 * const { messages, failures } = buildStreamMessages(event.Records, { logger, metrics });
 * await publishMessages(messages, { send, queueUrls });
 * ```
 */
export const buildStreamMessages = (
  records: readonly DynamoDBStreamRecord[],
  options?: BuildMessagesOptions,
): BuildMessagesResult => {
  const build: BuildContext = {
    fields: recordFieldsScratch(),
    images: parsedImagesScratch(),
    observability: resolveObservability(options),
    registry: options?.registry ?? DEFAULT_ENTITY_REGISTRY,
    now: options?.now ?? pythonUtcNow,
    messages: [],
  };
  const failures: RecordParseError[] = [];
  const list: readonly unknown[] = Array.isArray(records) ? records : [];
  for (let index = 0; index < list.length; index += 1) {
    let failure: RecordParseError | undefined;
    try {
      failure = buildRecord(list[index], index, build);
    } catch (error) {
      build.observability.count(MetricName.ENTITY_MESSAGE_BUILD_ERROR, 1);
      const fields = readRecord(list[index], index);
      failure = new RecordParseError(
        'build-error',
        `Failed to build a message: ${error instanceof Error ? error.message : String(error)}`,
        fields,
        { cause: error },
      );
      build.observability.logger.error('Failed to build entity change message', {
        eventId: fields.eventId,
        recordIndex: index,
        error: failure.message,
        expected: error instanceof DynamoStreamError,
      });
    }
    if (failure !== undefined) failures.push(failure);
  }
  return { messages: build.messages, failures };
};

/**
 * Turns a batch of DynamoDB stream records into queue messages; bad records are counted,
 * logged and skipped (use {@link buildStreamMessages} to also get them back).
 *
 * @example
 * ```ts
 * const messages = buildMessagesFromRecords(event.Records, { metrics });
 * ```
 */
export const buildMessagesFromRecords = (
  records: readonly DynamoDBStreamRecord[],
  options?: BuildMessagesOptions,
): StreamMessage[] => buildStreamMessages(records, options).messages;
