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
  /** Parses an item: the entity, or the issues that make it invalid. */
  safeParse(
    item: DynamoDBItem,
  ):
    | { readonly success: true; readonly data: Entity }
    | { readonly success: false; readonly error: { readonly issues: readonly ValidationIssue[] } };
}

/** What an extractor returns: the message payload and the queues it goes to. */
export interface EntityExtraction {
  /** The message's `entityData`: `entity_type`, `image_id`, `receipt_id` and the type's ids. */
  readonly entityData: EntityData;
  /** The queues the message goes to, in routing order; none means no message. */
  readonly targets: readonly TargetQueue[];
}

/**
 * Everything the stream pipeline knows about one entity type. A registry is an ordered
 * list of these: sort keys are matched in order and the first match wins, so a more
 * specific matcher must come before a more general one.
 *
 * @example
 * ```ts
 * import {
 *   buildMessagesFromRecords,
 *   DEFAULT_ENTITY_REGISTRY,
 *   type DynamoDBStreamEvent,
 *   type EntityDefinition,
 * } from '@receipt-chroma/dynamo-stream';
 *
 * declare const event: DynamoDBStreamEvent;
 * declare const myLineItemDefinition: EntityDefinition;
 * const registry = [myLineItemDefinition, ...DEFAULT_ENTITY_REGISTRY];
 * export const messages = buildMessagesFromRecords(event.Records, { registry });
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
   * @default none: records of the type have `null` entities
   */
  readonly itemSchema?: EntityItemSchema<Entity> | undefined;
  /** Fields compared between old and new images; a change in any of them is a message. */
  readonly relevantFields: readonly string[];
  /**
   * Builds the message payload and targets of a parsed entity; `null` means no message.
   * @default none: the type never produces entity messages
   */
  readonly extract?: ((entity: Entity) => EntityExtraction | null) | undefined;
  /**
   * Builds the message of a REMOVE from the record's keys alone (every built-in type has
   * one): a deletion then never depends on the old image, which is absent with a
   * `KEYS_ONLY` or `NEW_IMAGE` stream, or may fail validation for an unrelated attribute.
   * Returns `undefined` when the keys are not valid for the type. A REMOVE whose old image
   * parses still takes its message from {@link EntityDefinition.extract} and its `changes`
   * from the old values; one built from the keys has empty `changes`. Without this hook a
   * REMOVE needs a valid old image.
   * @default none
   */
  readonly extractFromKeys?:
    | ((keys: { readonly pk: string; readonly sk: string }) => EntityExtraction | undefined)
    | undefined;
  /**
   * Whether an INSERT of this type produces a message (sections, summaries, places and word
   * labels do: a place or label created after the receipt's embeddings must reach them).
   * @default false
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
 * @param definition - the entity type's matcher, parser, relevant fields and messages
 * @returns the definition, typed for a registry
 * @example
 * ```ts
 * import { DEFAULT_ENTITY_REGISTRY, type DynamoDBItem, defineEntity } from '@receipt-chroma/dynamo-stream';
 * import type * as z from 'zod/mini';
 *
 * interface LineItem { image_id: string; receipt_id: number; description: string; amount: number }
 * declare const LineItemItemSchema: z.ZodMiniType<LineItem, DynamoDBItem>;
 *
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
 * export const registry = [LineItemDefinition, ...DEFAULT_ENTITY_REGISTRY];
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
 * @param definition - the declared entity plus the name, relevant fields and messages
 * @returns the definition, typed for a registry
 * @example
 * ```ts
 * import {
 *   DEFAULT_ENTITY_REGISTRY,
 *   type DynamoDBStreamRecord,
 *   declareReceiptEntity,
 *   defineEntity,
 *   type Field,
 *   fields,
 *   parseStreamRecord,
 * } from '@receipt-chroma/dynamo-stream';
 *
 * const LINE_ITEM = declareReceiptEntity({
 *   type: 'RECEIPT_LINE_ITEM',
 *   sortKey: { segments: ['RECEIPT', 'ITEM'], ids: ['receipt_id', 'item_id'] },
 *   keyFields: {
 *     image_id: fields.imageId() as Field<string>,
 *     receipt_id: fields.positiveId() as Field<number>,
 *     item_id: fields.positiveId() as Field<number>,
 *   },
 *   fields: [{ description: fields.text() as Field<string>, amount: fields.finiteNumber(2) as Field<number> }],
 * });
 * const LineItemDefinition = defineEntity({
 *   entityType: 'RECEIPT_LINE_ITEM',
 *   declaration: LINE_ITEM,
 *   relevantFields: ['description', 'amount'],
 *   targets: ['line_items'], // messages name entity_type and the key fields
 * });
 *
 * declare const record: DynamoDBStreamRecord;
 * const parsed = parseStreamRecord(record, { registry: [LineItemDefinition, ...DEFAULT_ENTITY_REGISTRY] });
 * console.log(parsed.entityType); // 'RECEIPT_LINE_ITEM' | 'RECEIPT' | …
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

// Field order on the wire: spec §8.5.
/**
 * The message of an entity or of the identity its keys hold: `entity_type`, then the key
 * fields in declaration order (the wire order), sent to `targets`.
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
    /** The sort key's layout, which gives the matcher. */
    readonly sortKey: ReceiptKeyLayout;
    /** The item parser, which parses the images. */
    readonly itemParser: EntityItemSchema<Entity>;
    /** Reads the identity from a record's keys alone, for a REMOVE's message. */
    readonly keyReader: (keys: {
      readonly pk: string;
      readonly sk: string;
    }) => Identity | undefined;
    /** The key fields, in declaration order: what a message identifies. */
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
   * @default none: messages come from `extract` and `extractFromKeys` alone
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
  /**
   * Whether an INSERT produces a message.
   * @default false
   */
  readonly syncOnInsert?: boolean | undefined;
}
