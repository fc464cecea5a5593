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
  readonly pk: string;
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
  | { readonly success: true; readonly data: unknown }
  | { readonly success: false; readonly error: EntityValidationError };

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
 * Parses one DynamoDB image into the typed entity of `entityType`. `PK` and `SK` are
 * overwritten from `keys`, so the record's keys are authoritative (a word label's name
 * comes from the key, not the image). Returns `null` for an empty image or for a type
 * with no parser (compaction runs).
 *
 * @example
 * ```ts
 * const label = parseEntity(record.dynamodb.NewImage, 'RECEIPT_WORD_LABEL', { pk, sk });
 * ```
 * @param image - the stream image or item, in DynamoDB JSON
 * @param entityType - the type, usually from {@link detectEntityType}
 * @param keys - the record's `PK` and `SK`
 * @throws EntityValidationError when the image does not satisfy the entity's schema
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
