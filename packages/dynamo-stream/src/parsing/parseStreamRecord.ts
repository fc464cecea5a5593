import { type EntityValidationError, RecordParseError, type ValidationIssue } from '../errors.js';
import type { DynamoDBStreamRecord } from '../types.js';
import { findDefinitionBySortKey } from './detectEntityType.js';
import { DEFAULT_ENTITY_REGISTRY } from './entityDefinitions.js';
import { parseImageWith } from './parseEntity.js';
import { type RecordFields, readRecord } from './readRecord.js';
import type { EntityDefinition, EntityRegistry } from './registry.js';

/** Which image of a record an entity or error comes from. */
export type ImageName = 'OldImage' | 'NewImage';

/** A stream record whose keys were recognised and whose images were parsed. */
export interface ParsedStreamRecord {
  /** The detected entity type. */
  readonly entityType: string;
  /** The entity of the old image, or `null` when there was none (or it failed, see `imageErrors`). */
  readonly oldEntity: unknown;
  /** The entity of the new image, or `null` when there was none (or it failed, see `imageErrors`). */
  readonly newEntity: unknown;
  /** The record's partition key. */
  readonly pk: string;
  /** The record's sort key. */
  readonly sk: string;
  /** `INSERT`, `MODIFY`, `REMOVE`, or whatever else the record said. */
  readonly eventName: string | undefined;
  /** The record's `eventID`. */
  readonly eventId: string | undefined;
  /** The record's `dynamodb.SequenceNumber`. */
  readonly sequenceNumber: string | undefined;
  /**
   * Images that were present but invalid while the other image parsed. When every present
   * image is invalid the record fails instead.
   */
  readonly imageErrors: readonly {
    readonly image: ImageName;
    readonly error: EntityValidationError;
  }[];
}

/** Options of {@link parseStreamRecord}. */
export interface ParseStreamRecordOptions {
  /**
   * The entity types to recognise, in matching order.
   * @default DEFAULT_ENTITY_REGISTRY
   */
  registry?: EntityRegistry | undefined;
  /** The record's index in its batch; prefixes issue paths with `['Records', index, …]`. */
  recordIndex?: number | undefined;
}

/** The result of {@link safeParseStreamRecord}. */
export type SafeParseStreamRecordResult =
  | { readonly success: true; readonly data: ParsedStreamRecord }
  | { readonly success: false; readonly error: RecordParseError };

const locate = (fields: RecordFields, entityType?: string) => ({
  recordIndex: fields.recordIndex,
  eventId: fields.eventId,
  sequenceNumber: fields.sequenceNumber,
  entityType,
});

const recordPath = (fields: RecordFields): (string | number)[] =>
  fields.recordIndex === undefined ? [] : ['Records', fields.recordIndex];

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
          input: undefined,
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

/** The entities of a record's images, as {@link parseImagesInto} leaves them. @internal */
export interface ParsedImages {
  oldEntity: unknown;
  newEntity: unknown;
  imageErrors: readonly { readonly image: ImageName; readonly error: EntityValidationError }[];
}

const NO_IMAGE_ERRORS: ParsedImages['imageErrors'] = Object.freeze([]);

/** An empty {@link ParsedImages}. @internal */
export const parsedImagesScratch = (): ParsedImages => ({
  oldEntity: null,
  newEntity: null,
  imageErrors: NO_IMAGE_ERRORS,
});

/**
 * Parses the present images of a recognised record into `into` (which the batch builder
 * reuses; nothing is allocated for a record whose images parse). Fails only when every
 * present image is invalid; a single invalid image beside a valid one is reported in
 * `imageErrors`.
 * @internal
 */
export const parseImagesInto = (
  into: ParsedImages,
  fields: RecordFields,
  resolved: ResolvedRecord,
): RecordParseError | undefined => {
  const { definition } = resolved;
  const entityType = definition.entityType;
  // The images are parsed with the definition whose matcher took the sort key.
  const oldResult = parseImageWith(definition, fields.oldImage, resolved);
  const newResult = parseImageWith(definition, fields.newImage, resolved);
  into.oldEntity = oldResult.success ? oldResult.data : null;
  into.newEntity = newResult.success ? newResult.data : null;
  if (oldResult.success && newResult.success) {
    into.imageErrors = NO_IMAGE_ERRORS;
    return undefined;
  }
  const imageErrors: { image: ImageName; error: EntityValidationError }[] = [];
  if (!oldResult.success) imageErrors.push({ image: 'OldImage', error: oldResult.error });
  if (!newResult.success) imageErrors.push({ image: 'NewImage', error: newResult.error });
  into.imageErrors = imageErrors;
  if (into.oldEntity !== null || into.newEntity !== null) return undefined;
  const issues = imageErrors.flatMap(({ image, error }) =>
    error.issues.map((issue) => ({
      ...issue,
      path: [...recordPath(fields), 'dynamodb', image, ...issue.path],
    })),
  );
  return new RecordParseError(
    'invalid-entity',
    `Invalid ${entityType} image in stream record`,
    { ...locate(fields, entityType), issues },
    { cause: imageErrors[0]?.error },
  );
};

/**
 * Parses the present images of a recognised record. Fails only when every present image
 * is invalid; a single invalid image beside a valid one is reported in `imageErrors`.
 * @internal
 */
export const parseRecordImages = (
  fields: RecordFields,
  resolved: ResolvedRecord,
): SafeParseStreamRecordResult => {
  const images = parsedImagesScratch();
  const error = parseImagesInto(images, fields, resolved);
  if (error !== undefined) return { success: false, error };
  return {
    success: true,
    data: {
      entityType: resolved.definition.entityType,
      oldEntity: images.oldEntity,
      newEntity: images.newEntity,
      pk: resolved.pk,
      sk: resolved.sk,
      eventName: fields.eventName,
      eventId: fields.eventId,
      sequenceNumber: fields.sequenceNumber,
      imageErrors: images.imageErrors,
    },
  };
};

/**
 * Like {@link parseStreamRecord}, but never throws: it returns the parsed record or a
 * {@link RecordParseError} whose `reason` says why the record was skipped
 * (`malformed-record`, `not-image-partition`, `unknown-entity`, `invalid-entity`).
 */
export const safeParseStreamRecord = (
  record: DynamoDBStreamRecord | unknown,
  options?: ParseStreamRecordOptions,
): SafeParseStreamRecordResult => {
  const registry = options?.registry ?? DEFAULT_ENTITY_REGISTRY;
  const fields = readRecord(record, options?.recordIndex);
  const resolved = resolveRecord(fields, registry);
  if (isUnresolved(resolved)) return { success: false, error: unresolvedError(fields, resolved) };
  return parseRecordImages(fields, resolved);
};

/**
 * Parses a DynamoDB stream record of the receipts table: detects the entity type from the
 * sort key and parses the old and new images into typed entities.
 *
 * @example
 * ```ts
 * for (const record of event.Records) {
 *   const parsed = parseStreamRecord(record);
 *   console.log(parsed.entityType, parsed.newEntity);
 * }
 * ```
 * @throws RecordParseError when the record is malformed, outside an `IMAGE#` partition, of
 * an unknown entity type, or has no valid image
 */
export const parseStreamRecord = (
  record: DynamoDBStreamRecord | unknown,
  options?: ParseStreamRecordOptions,
): ParsedStreamRecord => {
  const result = safeParseStreamRecord(record, options);
  if (!result.success) throw result.error;
  return result.data;
};
