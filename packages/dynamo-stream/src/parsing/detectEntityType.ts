import { DEFAULT_ENTITY_REGISTRY } from './entityDefinitions.js';
import type { EntityDefinition, EntityRegistry } from './registry.js';

/**
 * Finds the first definition of `registry` whose matcher accepts the sort key.
 * @internal
 */
export const findDefinitionBySortKey = (
  sk: string,
  registry: EntityRegistry,
): EntityDefinition | undefined => {
  for (const definition of registry) {
    if (definition.matchesSortKey(sk)) return definition;
  }
  return undefined;
};

const byTypeCache = new WeakMap<EntityRegistry, ReadonlyMap<string, EntityDefinition>>();

/**
 * Finds the definition of `entityType` in `registry` (the first one, if listed twice).
 * @internal
 */
export const findDefinitionByType = (
  entityType: string,
  registry: EntityRegistry,
): EntityDefinition | undefined => {
  let byType = byTypeCache.get(registry);
  if (byType === undefined) {
    const map = new Map<string, EntityDefinition>();
    for (const definition of registry) {
      if (!map.has(definition.entityType)) map.set(definition.entityType, definition);
    }
    byTypeCache.set(registry, map);
    byType = map;
  }
  return byType.get(entityType);
};

/**
 * Works out the entity type of a receipt-table item from its sort key alone, or `null`
 * when no registered type matches (images, image-level lines, letters, line items, …).
 * Matching is case-sensitive and the first matching definition wins.
 *
 * @param sk - the item's sort key
 * @param registry - the entity types to match against, in order; {@link DEFAULT_ENTITY_REGISTRY}
 *   when not given
 * @returns the entity type, or `null`
 * @example
 * ```ts
 * import { detectEntityType } from '@receipt-chroma/dynamo-stream';
 *
 * detectEntityType('RECEIPT#00001#LINE#00002#WORD#00003'); // 'RECEIPT_WORD'
 * detectEntityType('RECEIPT#00001#LINE#00002#WORD#00003#LETTER#00001'); // null
 * ```
 */
export const detectEntityType = (
  sk: string,
  registry: EntityRegistry = DEFAULT_ENTITY_REGISTRY,
): string | null => findDefinitionBySortKey(sk, registry)?.entityType ?? null;
