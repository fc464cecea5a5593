import {
  type EntityValidationError,
  type ImageName,
  RecordParseError,
  type ValidationIssue,
} from '../errors.js';
import type { DynamoDBStreamRecord } from '../types.js';
import { findDefinitionBySortKey } from './detectEntityType.js';
import { DEFAULT_ENTITY_REGISTRY } from './entityDefinitions.js';
import { parseImageWith } from './parseEntity.js';
import { type RecordFields, readRecord } from './readRecord.js';
import type { EntityDefinition, EntityRegistry } from './registry.js';
import type { BuiltInEntityType, ImageError, ParsedStreamRecord } from './types.js';

/** Options of {@link parseStreamRecord}. */
export interface ParseStreamRecordOptions<Types extends string = string> {
  /**
   * The entity types to recognise, in matching order. Definitions declared with
   * `defineEntity` type the parsed records by their names.
   * @default DEFAULT_ENTITY_REGISTRY
   */
  registry?: readonly EntityDefinition<unknown, Types>[] | undefined;
  /**
   * The record's index in its batch; prefixes issue paths with `['Records', index, …]` and
   * is reported as the error's `recordIndex`.
   * @default none: issue paths start at `dynamodb`
   */
  recordIndex?: number | undefined;
}

/** The result of {@link safeParseStreamRecord}. */
export type SafeParseStreamRecordResult<Types extends string = BuiltInEntityType> =
  | {
      /** The record was parsed. */
      readonly success: true;
      /** The parsed record, typed by its `entityType`. */
      readonly data: ParsedStreamRecord<Types>;
    }
  | {
      /** The record was skipped. */
      readonly success: false;
      /** Why: its `reason`, location and issues. */
      readonly error: RecordParseError;
    };

const locate = (fields: RecordFields, entityType?: string) => ({
  recordIndex: fields.recordIndex,
  eventId: fields.eventId,
  sequenceNumber: fields.sequenceNumber,
  entityType,
});

const recordPath = (fields: RecordFields): (string | number)[] =>
  fields.recordIndex === undefined ? [] : ['Records', fields.recordIndex];

/** The attribute of the stream record that holds each image. */
const IMAGE_ATTRIBUTE = { old: 'OldImage', new: 'NewImage' } as const;

/** Why a record's keys yield no entity type, before any error object is built. */
export interface UnresolvedRecord {
  readonly reason: 'malformed-record' | 'not-image-partition' | 'unknown-entity';
  readonly message: string;
  readonly issues?: readonly ValidationIssue[];
}

/** A record whose keys matched an entity definition. */
export interface ResolvedRecord {
  readonly pk: string;
  readonly sk: string;
  readonly definition: EntityDefinition;
}

/**
 * Recognises a record's keys and returns its definition, or why it has none. Skipping is
 * the common case (other partitions, unknown sort keys), so it builds no `Error` (whose
 * stack capture dominates the cost of a skipped record); see {@link unresolvedError}.
 * @internal
 */
export const resolveRecord = (
  fields: RecordFields,
  registry: EntityRegistry,
): ResolvedRecord | UnresolvedRecord => {
  if (fields.recordType !== 'object') {
    return {
      reason: 'malformed-record',
      message: `Stream record must be an object, got ${fields.recordType}`,
    };
  }
  const { pk, sk } = fields;
  if (pk === undefined || sk === undefined) {
    const missing = pk === undefined ? 'PK' : 'SK';
    return {
      reason: 'malformed-record',
      message: `Stream record has no dynamodb.Keys.${missing}.S`,
      issues: [
        {
          code: 'custom',
          path: [...recordPath(fields), 'dynamodb', 'Keys', missing, 'S'],
          message: 'expected a string key',
        },
      ],
    };
  }
  if (!pk.startsWith('IMAGE#')) {
    return { reason: 'not-image-partition', message: `Not an IMAGE# partition: ${pk}` };
  }
  const definition = findDefinitionBySortKey(sk, registry);
  if (definition === undefined) {
    return { reason: 'unknown-entity', message: `No entity type matches sort key ${sk}` };
  }
  return { pk, sk, definition };
};

/** True when {@link resolveRecord} found no entity type. @internal */
export const isUnresolved = (
  resolved: ResolvedRecord | UnresolvedRecord,
): resolved is UnresolvedRecord => 'reason' in resolved;

/** The error for a record {@link resolveRecord} could not resolve. @internal */
export const unresolvedError = (
  fields: RecordFields,
  unresolved: UnresolvedRecord,
): RecordParseError =>
  new RecordParseError(unresolved.reason, unresolved.message, {
    ...locate(fields),
    issues: unresolved.issues,
  });

/**
 * The entities of a record's images, as {@link parseImagesInto} leaves them: an entity is
 * `null` when its image is absent (or empty) or invalid, and only then has an error.
 * @internal
 */
export interface ParsedImages {
  oldEntity: unknown;
  newEntity: unknown;
  oldError: EntityValidationError | undefined;
  newError: EntityValidationError | undefined;
}

/** An empty {@link ParsedImages}. @internal */
export const parsedImagesScratch = (): ParsedImages => ({
  oldEntity: null,
  newEntity: null,
  oldError: undefined,
  newError: undefined,
});

/**
 * Parses the present images of a recognised record into `into` (which the batch builder
 * reuses; nothing is allocated for a record whose images parse), with the definition whose
 * matcher took the sort key. An image that is not an attribute map is invalid.
 * @internal
 */
export const parseImagesInto = (
  into: ParsedImages,
  fields: RecordFields,
  resolved: ResolvedRecord,
): void => {
  const oldResult = parseImageWith(resolved.definition, fields.oldImage, resolved);
  const newResult = parseImageWith(resolved.definition, fields.newImage, resolved);
  into.oldEntity = oldResult.success ? oldResult.data : null;
  into.oldError = oldResult.success ? undefined : oldResult.error;
  into.newEntity = newResult.success ? newResult.data : null;
  into.newError = newResult.success ? undefined : newResult.error;
};

const errorOf = (images: ParsedImages, image: ImageName): EntityValidationError | undefined =>
  image === 'old' ? images.oldError : images.newError;

const isAbsent = (images: ParsedImages, image: ImageName): boolean =>
  (image === 'old' ? images.oldEntity : images.newEntity) === null &&
  errorOf(images, image) === undefined;

/** The invalid images of a record, as {@link ParsedStreamRecord.imageErrors} lists them. @internal */
export const imageErrorsOf = (images: ParsedImages): readonly ImageError[] => {
  const errors: ImageError[] = [];
  if (images.oldError !== undefined) errors.push({ image: 'old', error: images.oldError });
  if (images.newError !== undefined) errors.push({ image: 'new', error: images.newError });
  return errors;
};

const invalidImage = (
  fields: RecordFields,
  entityType: string,
  images: ParsedImages,
  image: ImageName,
): RecordParseError => {
  const imageErrors = imageErrorsOf(images);
  const issues = imageErrors.flatMap(({ image: name, error }) =>
    error.issues.map((issue) => ({
      ...issue,
      path: [...recordPath(fields), 'dynamodb', IMAGE_ATTRIBUTE[name], ...issue.path],
    })),
  );
  return new RecordParseError(
    'invalid-entity',
    `Invalid ${entityType} ${IMAGE_ATTRIBUTE[image]} in ${fields.eventName ?? 'stream'} record`,
    { ...locate(fields, entityType), issues, image },
    { cause: errorOf(images, image) },
  );
};

const missingImages = (
  fields: RecordFields,
  entityType: string,
  missing: readonly ImageName[],
  why = '',
): RecordParseError => {
  const names = missing.map((image) => IMAGE_ATTRIBUTE[image]).join(' and ');
  const viewType = fields.streamViewType ?? 'not given';
  return new RecordParseError(
    'malformed-record',
    `${fields.eventName} record of ${entityType} has no ${names}${why} (StreamViewType ${viewType}); the table's stream must use NEW_AND_OLD_IMAGES`,
    {
      ...locate(fields, entityType),
      issues: missing.map((image) => ({
        code: 'custom' as const,
        path: [...recordPath(fields), 'dynamodb', IMAGE_ATTRIBUTE[image]],
        message: `required for a ${fields.eventName}`,
      })),
    },
  );
};

// The Python package diffs a missing or invalid image as all-null: spec §5.2 and §8.4.
/**
 * Checks a recognised record's parsed images against what its event needs, so no message
 * is ever built from a missing or invalid image (the Python package diffs a missing or
 * invalid image as all-null):
 *
 * - INSERT needs a valid NewImage; MODIFY needs both images and a valid NewImage (an
 *   invalid OldImage is tolerated: the new values stand);
 * - REMOVE needs a valid OldImage unless `keysSuffice()` (the keys identify the entity);
 * - any other event fails only when no present image is valid.
 *
 * A missing image is `malformed-record` (the stream view type is not
 * `NEW_AND_OLD_IMAGES`); an invalid one `invalid-entity` naming the image. Types without an
 * item schema (compaction runs) never have entities, so nothing is checked for them.
 * @internal
 */
export const checkRecordImages = (
  fields: RecordFields,
  resolved: ResolvedRecord,
  images: ParsedImages,
  keysSuffice: () => boolean,
): RecordParseError | undefined => {
  const { entityType, itemSchema } = resolved.definition;
  if (itemSchema === undefined) return undefined;
  switch (fields.eventName) {
    case 'INSERT':
      if (isAbsent(images, 'new')) return missingImages(fields, entityType, ['new']);
      return images.newError ? invalidImage(fields, entityType, images, 'new') : undefined;
    case 'MODIFY': {
      const noOld = isAbsent(images, 'old');
      const noNew = isAbsent(images, 'new');
      if (noOld || noNew) {
        const missing: ImageName[] = noOld && noNew ? ['old', 'new'] : [noOld ? 'old' : 'new'];
        return missingImages(fields, entityType, missing);
      }
      return images.newError ? invalidImage(fields, entityType, images, 'new') : undefined;
    }
    case 'REMOVE':
      if (images.oldEntity !== null || keysSuffice()) return undefined;
      return images.oldError
        ? invalidImage(fields, entityType, images, 'old')
        : missingImages(fields, entityType, ['old'], ' and its keys do not identify the entity');
    default:
      if (images.oldEntity !== null || images.newEntity !== null) return undefined;
      if (images.newError) return invalidImage(fields, entityType, images, 'new');
      return images.oldError ? invalidImage(fields, entityType, images, 'old') : undefined;
  }
};

/**
 * Parses the images of a recognised record and applies {@link checkRecordImages}.
 * @internal
 */
export const parseRecordImages = <Types extends string>(
  fields: RecordFields,
  resolved: ResolvedRecord,
): SafeParseStreamRecordResult<Types> => {
  const images = parsedImagesScratch();
  parseImagesInto(images, fields, resolved);
  const { definition } = resolved;
  const error = checkRecordImages(
    fields,
    resolved,
    images,
    () => definition.extractFromKeys?.(resolved) !== undefined,
  );
  if (error !== undefined) return { success: false, error };
  const data = {
    entityType: definition.entityType,
    oldEntity: images.oldEntity,
    newEntity: images.newEntity,
    pk: resolved.pk,
    sk: resolved.sk,
    eventName: fields.eventName,
    eventId: fields.eventId,
    sequenceNumber: fields.sequenceNumber,
    imageErrors: imageErrorsOf(images),
  };
  // The entities are what the definition of `entityType` parses; the types say so.
  return { success: true, data: data as ParsedStreamRecord<Types> };
};

/**
 * Like {@link parseStreamRecord}, but never throws: it returns the parsed record or a
 * {@link RecordParseError} whose `reason` says why the record was skipped
 * (`malformed-record`, `not-image-partition`, `unknown-entity`, `invalid-entity`).
 *
 * @param record - one stream record, e.g. an item of `event.Records`
 * @param options - the registry and the record's index in its batch
 * @returns `{ success: true, data }` with the parsed record, or `{ success: false, error }`
 * @example
 * ```ts
 * import { type DynamoDBStreamEvent, safeParseStreamRecord } from '@receipt-chroma/dynamo-stream';
 *
 * declare const event: DynamoDBStreamEvent;
 * event.Records.forEach((record, recordIndex) => {
 *   const result = safeParseStreamRecord(record, { recordIndex });
 *   if (!result.success) {
 *     if (result.error.reason === 'invalid-entity') console.warn(result.error.issues);
 *     return;
 *   }
 *   if (result.data.entityType === 'RECEIPT_WORD_LABEL') console.log(result.data.newEntity?.label);
 * });
 * ```
 */
export const safeParseStreamRecord = <Types extends string = BuiltInEntityType>(
  record: DynamoDBStreamRecord | unknown,
  options?: ParseStreamRecordOptions<Types>,
): SafeParseStreamRecordResult<Types> => {
  const registry: EntityRegistry = options?.registry ?? DEFAULT_ENTITY_REGISTRY;
  const fields = readRecord(record, options?.recordIndex);
  const resolved = resolveRecord(fields, registry);
  if (isUnresolved(resolved)) return { success: false, error: unresolvedError(fields, resolved) };
  return parseRecordImages(fields, resolved);
};

/**
 * Parses a DynamoDB stream record of the receipts table: detects the entity type from the
 * sort key and parses the old and new images into typed entities. The record must come
 * from a stream whose view type is `NEW_AND_OLD_IMAGES`: an INSERT needs its NewImage, a
 * MODIFY both images, and a REMOVE its OldImage unless its keys identify the entity (they
 * do for every built-in type). The result is typed by `entityType`.
 *
 * @param record - one stream record, e.g. an item of `event.Records`
 * @param options - the registry and the record's index in its batch
 * @returns the parsed record, typed by its `entityType`
 * @throws {@link RecordParseError} when the record is malformed or lacks an image its event
 *   needs (`malformed-record`), lies outside an `IMAGE#` partition (`not-image-partition`),
 *   is of an unknown entity type (`unknown-entity`), or an image its event needs is invalid
 *   (`invalid-entity`)
 * @example
 * ```ts
 * import { type DynamoDBStreamEvent, parseStreamRecord } from '@receipt-chroma/dynamo-stream';
 *
 * declare const event: DynamoDBStreamEvent;
 * for (const record of event.Records) {
 *   const parsed = parseStreamRecord(record);
 *   if (parsed.entityType === 'RECEIPT_PLACE') console.log(parsed.newEntity?.merchant_name);
 * }
 * ```
 */
export const parseStreamRecord = <Types extends string = BuiltInEntityType>(
  record: DynamoDBStreamRecord | unknown,
  options?: ParseStreamRecordOptions<Types>,
): ParsedStreamRecord<Types> => {
  const result = safeParseStreamRecord(record, options);
  if (!result.success) throw result.error;
  return result.data;
};
