import type { TargetQueue } from '../constants.js';
import type { ValidationIssue } from '../errors.js';
import { matchesReceiptSortKey, type ReceiptKeyLayout } from '../keys/receiptKeys.js';
import type { EntityData } from '../messages/types.js';
import type { DynamoDBItem } from '../types.js';

/**
 * What an entity definition parses items with: anything with zod's `safeParse` from a
 * DynamoDB item to the entity. The built-in definitions use the package's plain-code item
 * parsers (the exported `…ItemSchema` zod schemas wrap the same parsers); a schema built
 * with `zod/mini` or classic `zod` fits too.
 */
export interface EntityItemSchema<Entity> {
  safeParse(
    item: DynamoDBItem,
  ):
    | { readonly success: true; readonly data: Entity }
    | { readonly success: false; readonly error: { readonly issues: readonly ValidationIssue[] } };
}

/** What an extractor returns: the message payload and the queues it goes to. */
export interface EntityExtraction {
  readonly entityData: EntityData;
  readonly targets: readonly TargetQueue[];
}

/**
 * Everything the stream pipeline knows about one entity type. A registry is an ordered
 * list of these: sort keys are matched in order and the first match wins, so a more
 * specific matcher must come before a more general one.
 *
 * @example
 * ```ts
 * const registry = [myLineItemDefinition, ...DEFAULT_ENTITY_REGISTRY];
 * buildMessagesFromRecords(event.Records, { registry });
 * ```
 */
export interface EntityDefinition<Entity = unknown, Type extends string = string> {
  /**
   * The entity type name, e.g. `RECEIPT_PLACE`. Its literal type (kept by
   * {@link defineEntity}) lets `parseStreamRecord` narrow records by `entityType`.
   */
  readonly entityType: Type;
  /** True when a sort key belongs to this type. Receives only `IMAGE#` partition records. */
  readonly matchesSortKey: (sk: string) => boolean;
  /**
   * Parses a DynamoDB item (with `PK`/`SK` set from the record's keys) into the entity.
   * Types without one (compaction runs) never yield an entity.
   */
  readonly itemSchema?: EntityItemSchema<Entity> | undefined;
  /** Fields compared between old and new images; a change in any of them is a message. */
  readonly relevantFields: readonly string[];
  /** Builds the message payload and targets; types without one never produce entity messages. */
  readonly extract?: ((entity: Entity) => EntityExtraction | null) | undefined;
  /**
   * Builds the message of a REMOVE from the record's keys alone (every built-in type has
   * one): a deletion then never depends on the old image, which is absent with a
   * `KEYS_ONLY` or `NEW_IMAGE` stream, or may fail validation for an unrelated attribute.
   * Returns `undefined` when the keys are not valid for the type. A REMOVE whose old image
   * parses still takes its message from {@link EntityDefinition.extract} and its `changes`
   * from the old values; one built from the keys has empty `changes`. Without this hook a
   * REMOVE needs a valid old image.
   */
  readonly extractFromKeys?:
    | ((keys: { readonly pk: string; readonly sk: string }) => EntityExtraction | undefined)
    | undefined;
  /**
   * Whether an INSERT of this type produces a message (sections, summaries, places and word
   * labels do: a place or label created after the receipt's embeddings must reach them).
   */
  readonly syncOnInsert?: boolean | undefined;
}

/** An ordered list of entity definitions; the first whose matcher accepts a sort key wins. */
export type EntityRegistry = readonly EntityDefinition[];

// `defineEntity` is a function declaration marked free of side effects, so a bundler drops a
// definition nobody uses together with the item schema it holds (esbuild honours the mark on
// declarations, not on a `var` holding an arrow function, which a `const` becomes in dist).
/**
 * Declares an entity type for a registry, checking the parser, relevant fields and
 * extractor against one entity type, then erasing it so definitions of different
 * types fit in one {@link EntityRegistry}. The `entityType` literal is kept (pass both
 * type arguments, or none and let them be inferred), so `parseStreamRecord` with a
 * registry holding the definition types its records by that name.
 *
 * @example
 * ```ts
 * const LineItemDefinition = defineEntity({
 *   entityType: 'RECEIPT_LINE_ITEM',
 *   matchesSortKey: (sk) => sk.includes('#LINE_ITEM#'),
 *   itemSchema: LineItemItemSchema,
 *   relevantFields: ['description', 'amount'],
 *   extract: (item) => ({
 *     entityData: { entity_type: 'RECEIPT_LINE_ITEM', image_id: item.image_id, receipt_id: item.receipt_id },
 *     targets: ['line_items'],
 *   }),
 * });
 * const registry = [LineItemDefinition, ...DEFAULT_ENTITY_REGISTRY];
 * ```
 */
export function defineEntity<Entity, const Type extends string = string>(
  definition: EntityDefinition<Entity, Type>,
): EntityDefinition<unknown, Type>;
/**
 * Declares an entity type for a registry from a declared entity (see
 * `declareReceiptEntity`): its sort-key layout gives the matcher, its item parser the
 * schema, its key fields the message, and its key reader the identity a REMOVE's message is
 * built from.
 *
 * @example
 * ```ts
 * const LineItemDefinition = defineEntity({
 *   entityType: 'RECEIPT_LINE_ITEM',
 *   declaration: LINE_ITEM,
 *   relevantFields: ['description', 'amount'],
 *   targets: ['line_items'], // messages name entity_type and the key fields
 * });
 * ```
 */
export function defineEntity<Entity, Identity, const Type extends string = string>(
  definition: DeclaredEntityDefinition<Entity, Identity, Type>,
): EntityDefinition<unknown, Type>;
/* @__NO_SIDE_EFFECTS__ */ export function defineEntity<Entity, Identity, Type extends string>(
  definition: EntityDefinition<Entity, Type> | DeclaredEntityDefinition<Entity, Identity, Type>,
): EntityDefinition<unknown, Type> {
  if (!('declaration' in definition))
    return definition as unknown as EntityDefinition<unknown, Type>;
  const { declaration, targets, extract, extractFromKeys, ...rest } = definition;
  const { sortKey, itemParser, keyReader, keyNames } = declaration;
  const message =
    targets === undefined ? undefined : identityMessage(rest.entityType, keyNames, targets);
  const fromIdentity = extractFromKeys ?? message;
  return {
    ...rest,
    matchesSortKey: definition.matchesSortKey ?? ((sk) => matchesReceiptSortKey(sortKey, sk)),
    itemSchema: itemParser,
    extract: extract ?? message,
    extractFromKeys:
      fromIdentity === undefined
        ? undefined
        : (keys: { readonly pk: string; readonly sk: string }) => {
            const identity = keyReader(keys);
            return identity === undefined ? undefined : fromIdentity(identity as never);
          },
  } as unknown as EntityDefinition<unknown, Type>;
}

/**
 * The message of an entity or of the identity its keys hold: `entity_type`, then the key
 * fields in declaration order (the wire order, spec §8.5), sent to `targets`.
 */
const identityMessage =
  <Identity>(
    entityType: string,
    keyNames: readonly string[],
    targets: MessageTargets<Identity>,
  ): ((identity: Identity) => EntityExtraction) =>
  (identity) => {
    const values = identity as Readonly<Record<string, unknown>>;
    const entityData: Record<string, unknown> = { entity_type: entityType };
    for (const name of keyNames) entityData[name] = values[name];
    return {
      entityData: entityData as unknown as EntityData,
      targets: typeof targets === 'function' ? targets(identity) : targets,
    };
  };

/** The queues of an entity's messages: fixed, or chosen from the identity. */
export type MessageTargets<Identity> =
  | readonly TargetQueue[]
  | ((identity: Identity) => readonly TargetQueue[]);

/**
 * What {@link defineEntity} takes for a declared entity: the registry facts that are not in
 * the declaration (the name, the relevant fields, the messages).
 */
export interface DeclaredEntityDefinition<Entity, Identity, Type extends string = string> {
  /** The entity type name, e.g. `RECEIPT_LINE_ITEM`. */
  readonly entityType: Type;
  /** The declared entity (what `declareReceiptEntity` returns). */
  readonly declaration: {
    readonly sortKey: ReceiptKeyLayout;
    readonly itemParser: EntityItemSchema<Entity>;
    readonly keyReader: (keys: {
      readonly pk: string;
      readonly sk: string;
    }) => Identity | undefined;
    readonly keyNames: readonly string[];
  };
  /**
   * True when a sort key belongs to this type.
   * @default the declaration's layout, exactly
   */
  readonly matchesSortKey?: ((sk: string) => boolean) | undefined;
  /** Fields compared between old and new images; a change in any of them is a message. */
  readonly relevantFields: readonly string[];
  /**
   * Where the entity's messages go. With it, a message is built from the key fields alone
   * (`entity_type`, then the key fields in declaration order), from a parsed entity and from
   * a REMOVE's keys alike, so the two always agree.
   */
  readonly targets?: MessageTargets<Identity> | undefined;
  /**
   * Builds the message payload and targets of a parsed entity, for a message that carries
   * more than the key fields.
   * @default the message {@link DeclaredEntityDefinition.targets} describes
   */
  readonly extract?: ((entity: Entity) => EntityExtraction | null) | undefined;
  /**
   * Builds a REMOVE's message from the identity the keys hold, as
   * {@link EntityDefinition.extractFromKeys} does from the keys.
   * @default the message {@link DeclaredEntityDefinition.targets} describes
   */
  readonly extractFromKeys?: ((identity: Identity) => EntityExtraction | undefined) | undefined;
  /** Whether an INSERT produces a message. */
  readonly syncOnInsert?: boolean | undefined;
}
