import type * as z from 'zod/mini';
import type { DynamoDBItem } from '../types.js';
import { type ItemParser, zodItemSchema } from './attributes.js';
import { type EntityRules, entitySchema } from './entityParts.js';

/**
 * The zod schemas of a declared entity. They take the declaration itself (an identifier, not
 * a property read), so a bundler drops an unused schema and zod with it: the stream handler's
 * bundle holds none.
 */

/**
 * The zod schema of a declared entity's rules: it validates an entity object (not an item)
 * and reports the entity's messages.
 *
 * @param entity - what `declareEntity` or `declareReceiptEntity` returned
 * @example
 * ```ts
 * import { declaredSchema, declareReceiptEntity, type Field, fields } from '@receipt-chroma/dynamo-stream';
 *
 * const NOTE = declareReceiptEntity({
 *   type: 'RECEIPT_NOTE',
 *   sortKey: { segments: ['RECEIPT'], ids: ['receipt_id'], last: 'NOTE' },
 *   keyFields: { image_id: fields.imageId() as Field<string>, receipt_id: fields.positiveId() as Field<number> },
 *   fields: [{ note: fields.text() as Field<string> }],
 * });
 * export const ReceiptNoteSchema = declaredSchema(NOTE);
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function declaredSchema<Entity>(entity: {
  readonly rules: EntityRules<Entity>;
}): z.ZodMiniType<Entity> {
  return entitySchema(entity.rules);
}

/**
 * The zod schema of a declared entity's item parser: it parses a DynamoDB item (an object of
 * attribute values) into the entity, with issues at attribute paths.
 *
 * @param entity - what `declareEntity` or `declareReceiptEntity` returned
 * @example
 * ```ts
 * import { declaredItemSchema, declareReceiptEntity, type DynamoDBItem, type Field, fields } from '@receipt-chroma/dynamo-stream';
 *
 * const NOTE = declareReceiptEntity({
 *   type: 'RECEIPT_NOTE',
 *   sortKey: { segments: ['RECEIPT'], ids: ['receipt_id'], last: 'NOTE' },
 *   keyFields: { image_id: fields.imageId() as Field<string>, receipt_id: fields.positiveId() as Field<number> },
 *   fields: [{ note: fields.text() as Field<string> }],
 * });
 * const ReceiptNoteItemSchema = declaredItemSchema(NOTE);
 *
 * declare const image: DynamoDBItem;
 * const result = ReceiptNoteItemSchema.safeParse(image);
 * if (result.success) console.log(result.data.note);
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function declaredItemSchema<Entity>(entity: {
  readonly itemParser: ItemParser<Entity>;
}): z.ZodMiniType<Entity, DynamoDBItem> {
  return zodItemSchema(entity.itemParser);
}
