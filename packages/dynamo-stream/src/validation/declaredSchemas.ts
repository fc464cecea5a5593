import type * as z from 'zod/mini';
import type { DynamoDBItem } from '../types.js';
import { type ItemParser, zodItemSchema } from './attributes.js';
import { type EntityRules, entitySchema } from './entityParts.js';

/**
 * The zod schemas of a declared entity. They take the declaration itself (an identifier, not
 * a property read), so a bundler drops an unused schema and zod with it: the stream handler's
 * bundle holds none.
 */

/** The zod schema of a declared entity's rules. */
/* @__NO_SIDE_EFFECTS__ */
export function declaredSchema<Entity>(entity: {
  readonly rules: EntityRules<Entity>;
}): z.ZodMiniType<Entity> {
  return entitySchema(entity.rules);
}

/** The zod schema of a declared entity's item parser. */
/* @__NO_SIDE_EFFECTS__ */
export function declaredItemSchema<Entity>(entity: {
  readonly itemParser: ItemParser<Entity>;
}): z.ZodMiniType<Entity, DynamoDBItem> {
  return zodItemSchema(entity.itemParser);
}
