import type { FieldChange, FieldChanges } from '../messages/types.js';
import { jsonEqual, toJsonValue } from './jsonValue.js';
import { CHROMADB_RELEVANT_FIELDS } from './relevantFields.js';

const readField = (entity: unknown, field: string): unknown =>
  entity !== null && typeof entity === 'object' ? (entity as Record<string, unknown>)[field] : null;

/**
 * Compares `fields` of two entities (either may be `null`) and returns the ones that
 * differ, as JSON values, in the order of `fields`.
 * @internal
 */
export const diffFields = (
  fields: readonly string[],
  oldEntity: unknown,
  newEntity: unknown,
): FieldChanges => {
  const changes: Record<string, FieldChange> = {};
  for (const field of fields) {
    const before = toJsonValue(readField(oldEntity, field));
    const after = toJsonValue(readField(newEntity, field));
    if (!jsonEqual(before, after)) changes[field] = { old: before, new: after };
  }
  return changes;
};

/**
 * Returns the {@link CHROMADB_RELEVANT_FIELDS} of `entityType` whose values differ between
 * the old and new entity (a missing entity or field reads as `null`), as
 * `{ field: { old, new } }` with deep equality, so `[1, 2]` vs `[2, 1]` is a change.
 *
 * @param entityType - the entity type, e.g. `RECEIPT_PLACE`; a type without relevant fields
 *   never has changes
 * @param oldEntity - the entity before the change, or `null`
 * @param newEntity - the entity after the change, or `null`
 * @returns the changed fields, empty when none changed
 * @example
 * ```ts
 * import { getChromaDBRelevantChanges, type ReceiptPlace } from '@receipt-chroma/dynamo-stream';
 *
 * declare const oldPlace: ReceiptPlace, newPlace: ReceiptPlace;
 * getChromaDBRelevantChanges('RECEIPT_PLACE', oldPlace, newPlace);
 * // { merchant_name: { old: 'Target Store', new: 'Target' } }
 * ```
 */
export const getChromaDBRelevantChanges = (
  entityType: string,
  oldEntity: unknown,
  newEntity: unknown,
): FieldChanges => diffFields(CHROMADB_RELEVANT_FIELDS[entityType] ?? [], oldEntity, newEntity);
