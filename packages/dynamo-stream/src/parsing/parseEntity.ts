import { EntityValidationError } from '../errors.js';
import type { DynamoDBItem } from '../types.js';
import {
  finalizeIssues,
  INVALID,
  type IssueSink,
  ITEM_PARSE,
  type ItemParser,
} from '../validation/attributes.js';
import { type detectEntityType, findDefinitionByType } from './detectEntityType.js';
import { DEFAULT_ENTITY_REGISTRY } from './entityDefinitions.js';
import type { EntityDefinition, EntityRegistry } from './registry.js';

/** The record keys that are authoritative for everything derived from an item's keys. */
export interface EntityKeys {
  /** The record's partition key (`dynamodb.Keys.PK.S`), e.g. `IMAGE#<uuid>`. */
  readonly pk: string;
  /** The record's sort key (`dynamodb.Keys.SK.S`), e.g. `RECEIPT#00001#PLACE`. */
  readonly sk: string;
}

/** Options of {@link parseEntity}. */
export interface ParseEntityOptions {
  /**
   * The entity types to parse with.
   * @default DEFAULT_ENTITY_REGISTRY
   */
  registry?: EntityRegistry | undefined;
}

/** The result of {@link safeParseEntity}. */
export type SafeParseEntityResult =
  | {
      /** The image was valid, empty, or of a type without a parser. */
      readonly success: true;
      /** The entity, or `null` for an empty image or a type without a parser. */
      readonly data: unknown;
    }
  | {
      /** The image failed the entity's schema. */
      readonly success: false;
      /** Why, with attribute paths. */
      readonly error: EntityValidationError;
    };

const EMPTY: SafeParseEntityResult = { success: true, data: null };
const scratchIssues: IssueSink = [];

const isEmptyImage = (image: unknown): boolean => {
  if (image === null || image === undefined) return true;
  if (typeof image !== 'object' || Array.isArray(image) || 'PK' in image) return false;
  for (const _ in image) return false;
  return true;
};

/** True when the image already carries the record's keys, so it can be parsed as it is. */
const hasKeys = (image: DynamoDBItem, keys: EntityKeys): boolean =>
  image['PK']?.S === keys.pk && image['SK']?.S === keys.sk;

/**
 * Parses one image with a definition's item schema (the work of {@link safeParseEntity}
 * once the definition is known).
 * @internal
 */
export const parseImageWith = (
  definition: EntityDefinition | undefined,
  image: unknown,
  keys: EntityKeys,
): SafeParseEntityResult => {
  if (isEmptyImage(image)) return EMPTY;
  const schema = definition?.itemSchema;
  if (schema === undefined || definition === undefined) return EMPTY;
  if (image === null || typeof image !== 'object' || Array.isArray(image)) {
    return {
      success: false,
      error: new EntityValidationError(definition.entityType, [
        {
          code: 'custom',
          path: [],
          message: `expected a DynamoDB attribute map, got ${Array.isArray(image) ? 'an array' : typeof image}`,
        },
      ]),
    };
  }
  // Images normally hold PK and SK already; copy only when the record's keys differ.
  const attributes = image as DynamoDBItem;
  const item = hasKeys(attributes, keys)
    ? attributes
    : { ...attributes, PK: { S: keys.pk }, SK: { S: keys.sk } };
  const parse = (schema as Partial<ItemParser<unknown>>)[ITEM_PARSE];
  if (parse !== undefined) {
    // This package's parsers: no result objects, and one issue list reused (parsing is
    // synchronous and does not nest).
    scratchIssues.length = 0;
    const entity = parse(item, scratchIssues);
    if (entity !== INVALID) return { success: true, data: entity };
    const issues = finalizeIssues(scratchIssues);
    scratchIssues.length = 0;
    return { success: false, error: new EntityValidationError(definition.entityType, issues) };
  }
  const result = schema.safeParse(item);
  return result.success
    ? { success: true, data: result.data }
    : {
        success: false,
        error: new EntityValidationError(definition.entityType, result.error.issues),
      };
};

/**
 * Like {@link parseEntity}, but returns `{ success: false, error }` instead of throwing
 * when the image fails validation.
 *
 * @param image - the stream image or item, in DynamoDB JSON
 * @param entityType - the type, usually from {@link detectEntityType}
 * @param keys - the record's `PK` and `SK`
 * @param options - the registry to find the type in
 * @returns `{ success: true, data }` with the entity (or `null`), or `{ success: false, error }`
 * @example
 * ```ts
 * import { type DynamoDBItem, type ReceiptPlace, safeParseEntity } from '@receipt-chroma/dynamo-stream';
 *
 * declare const image: DynamoDBItem;
 * declare const pk: string, sk: string;
 * const result = safeParseEntity(image, 'RECEIPT_PLACE', { pk, sk });
 * if (result.success) console.log((result.data as ReceiptPlace | null)?.merchant_name);
 * else console.warn(result.error.issues);
 * ```
 */
export const safeParseEntity = (
  image: DynamoDBItem | null | undefined,
  entityType: string,
  keys: EntityKeys,
  options?: ParseEntityOptions,
): SafeParseEntityResult =>
  parseImageWith(
    findDefinitionByType(entityType, options?.registry ?? DEFAULT_ENTITY_REGISTRY),
    image,
    keys,
  );

/**
 * Parses one DynamoDB image into the entity of `entityType`. `PK` and `SK` are
 * overwritten from `keys`, so the record's keys are authoritative (a word label's name
 * comes from the key, not the image). Returns `null` for an empty image, for a type
 * with no parser (compaction runs) or for a type the registry does not hold. The result is
 * `unknown`: assert the entity type of `entityType` (e.g. `ReceiptWordLabel`), or
 * use `parseStreamRecord`, whose result is typed.
 *
 * @param image - the stream image or item, in DynamoDB JSON
 * @param entityType - the type, usually from {@link detectEntityType}
 * @param keys - the record's `PK` and `SK`
 * @param options - the registry to find the type in
 * @returns the entity, or `null`
 * @throws {@link EntityValidationError} when the image is not an attribute map or does not
 *   satisfy the entity's schema
 * @example
 * ```ts
 * import { type DynamoDBItem, parseEntity, type ReceiptWordLabel } from '@receipt-chroma/dynamo-stream';
 *
 * declare const image: DynamoDBItem;
 * declare const pk: string, sk: string;
 * const label = parseEntity(image, 'RECEIPT_WORD_LABEL', { pk, sk }) as ReceiptWordLabel | null;
 * console.log(label?.label, label?.validation_status);
 * ```
 */
export const parseEntity = (
  image: DynamoDBItem | null | undefined,
  entityType: string,
  keys: EntityKeys,
  options?: ParseEntityOptions,
): unknown => {
  const result = safeParseEntity(image, entityType, keys, options);
  if (!result.success) throw result.error;
  return result.data;
};
