import {
  type KeyIdentityReader,
  keyIdentityReader,
  receiptKeyCandidate,
} from '../keys/receiptKeyReaders.js';
import {
  buildReceiptSortKey,
  imagePk,
  type matchesReceiptSortKey,
  type ReceiptKeyLayout,
} from '../keys/receiptKeys.js';
import type { defineEntity } from '../parsing/registry.js';
import type { AttributeValue, DynamoDBItem } from '../types.js';
import {
  type Codec,
  INVALID,
  type Invalid,
  type IssueSink,
  type ItemGuardOptions,
  type ItemParser,
  type ItemShape,
  itemParser,
  S,
} from './attributes.js';
import type { declaredItemSchema, declaredSchema } from './declaredSchemas.js';
import {
  addIssue,
  type EntityRules,
  entityRules,
  isRecord,
  validateDecodedEntity,
  writeKeys,
} from './entityParts.js';
import { type EntityOf, type Field, type FieldTable, REFUSED } from './field.js';
import { object } from './rules.js';
import { writeS } from './writers.js';

/**
 * Declares a receipt-scoped entity (an item under `IMAGE#<uuid>` with a `RECEIPT#…` sort key)
 * once, as field tables, and derives from the declaration its rules, item parser, key
 * reader, key builder and item writer.
 */

/**
 * The declaration of a receipt-scoped entity: its item type, sort-key layout and field
 * tables. See {@link declareReceiptEntity}.
 */
export interface ReceiptEntityDeclaration<
  Key extends FieldTable = FieldTable,
  Tables extends readonly FieldTable[] = readonly FieldTable[],
  KeyInput = unknown,
> {
  /** The item `TYPE`, e.g. `RECEIPT_WORD`. */
  readonly type: string;
  /**
   * The sort key's layout; its ids (and `name`) are key fields. `entity` (the name in a
   * malformed key's message) defaults to {@link type}, and `exact` to true.
   */
  readonly sortKey: Omit<ReceiptKeyLayout, 'entity' | 'exact'> &
    Partial<Pick<ReceiptKeyLayout, 'entity' | 'exact'>>;
  /**
   * Where the item parser reads the layout's `name` from: the sort key (the default), or the
   * attribute of that name (the key field then has a decoder and a writer), as Python reads a
   * section's type. The key reader always reads it from the sort key.
   */
  readonly nameFrom?: 'sortKey' | 'attribute' | undefined;
  /**
   * The fields the keys hold, `image_id` first, then the layout's ids and `name` in order,
   * with their rules.
   */
  readonly keyFields: Key;
  /** The attribute fields, table after table, in the order Python lists them. */
  readonly fields: Tables;
  /**
   * The Python `from_item` protocol of the entity, when it is not the usual one (the sort key
   * read by the layout, with its messages): the attributes that must be present and the
   * message that lists the missing ones, a `TYPE` that must equal {@link type}, and a reader
   * of the key fields with the entity's own messages.
   */
  readonly item?: ItemProtocol | undefined;
  /**
   * A hand-written shortcut for valid items, where the throughput benchmark shows it pays:
   * exactly what the parse returns for an item it is sure of, else `undefined`.
   */
  readonly fastItem?: ((item: Record<string, unknown>) => unknown) | undefined;
  /**
   * The secondary index keys Python writes (`GSI1PK`…), from the key input and primary key.
   * @default none
   */
  readonly indexes?:
    | ((entity: KeyInput, primary: PrimaryKey) => Readonly<Record<string, string>>)
    | undefined;
}

/** How an entity's item parser reads what is not a field: see {@link ReceiptEntityDeclaration.item}. */
export interface ItemProtocol {
  /** Attributes that must be present; each missing one is reported, and nothing is decoded. */
  readonly guard?: ItemGuardOptions | undefined;
  /** Whether the item's `TYPE` must be the entity's (`TYPE must be <type>` otherwise). */
  readonly checksType?: boolean | undefined;
  /**
   * Reads the key fields onto the decoded attributes (`PK`, `SK` and the fields), reporting
   * with the entity's messages; returns the candidate, or `undefined` after reporting.
   */
  readonly readKeys?:
    | ((decoded: Record<string, unknown>, issues: IssueSink) => Record<string, unknown> | undefined)
    | undefined;
}

/** An item's primary key. */
export interface PrimaryKey {
  readonly PK: string;
  readonly SK: string;
}

/** Everything derived from a {@link ReceiptEntityDeclaration}. */
export interface ReceiptEntity<Entity, KeyInput, Keys, Identity> {
  readonly type: string;
  /** The sort key's layout, which {@link matchesReceiptSortKey} matches keys against. */
  readonly sortKey: ReceiptKeyLayout;
  /** The entity rules (fast acceptance first), what the entity's zod schema wraps. */
  readonly rules: EntityRules<Entity>;
  /** The item parser: keys and attributes decoded, then the entity rules. */
  readonly itemParser: ItemParser<Entity>;
  /** Reads the key fields (the identity) from a record's keys alone, with their rules. */
  readonly keyReader: KeyIdentityReader<Identity>;
  /** Every key of the item: `PK`, `SK` and the secondary index keys. */
  readonly keys: (entity: KeyInput) => Keys;
  /** The item as the Python entity's `to_item()` writes it. */
  readonly toItem: (entity: Entity) => DynamoDBItem;
}

type Entry = readonly [string, Field<unknown>];

const entriesOf = (tables: readonly FieldTable[]): Entry[] =>
  tables.flatMap((table) => Object.entries(table) as [string, Field<unknown>][]);

/** The rules of `entries` as an object rule, fields in declaration order. */
const shapeOf = (entries: readonly Entry[]): Record<string, Codec<unknown>> => {
  const shape: Record<string, Codec<unknown>> = {};
  for (const [name, field] of entries) shape[name] = field.rule(name);
  return shape;
};

/** The fast acceptance of `entries`: the entity when every field accepts its value. */
const acceptAll =
  <Entity>(entries: readonly Entry[]) =>
  (candidate: unknown): Entity | undefined => {
    if (!isRecord(candidate)) return undefined;
    const entity: Record<string, unknown> = {};
    for (const [name, field] of entries) {
      const value = field.accept(candidate[name]);
      if (value === REFUSED) return undefined;
      entity[name] = value;
    }
    return entity as Entity;
  };

/** Which key attribute each key field is read from, so its issues are reported there. */
const keyAttributesOf = (layout: ReceiptKeyLayout): Record<string, string> => {
  const attributes: Record<string, string> = { image_id: 'PK' };
  for (const id of layout.ids) attributes[id] = 'SK';
  if (layout.name !== undefined) attributes[layout.name] = 'SK';
  return attributes;
};

/**
 * Declares a receipt-scoped entity once, as field tables, and derives from the declaration
 * its rules, item parser (with typed issues), key reader, keys and item writer; its type is
 * `EntityOf<[keyFields, ...fields]>`. Plain code only: the zod schemas come from
 * {@link declaredSchema} and {@link declaredItemSchema}, so a bundle that does not use them
 * holds no zod. Give the result to {@link defineEntity} to stream the entity.
 *
 * @example
 * ```ts
 * import { declareReceiptEntity, type EntityOf, type Field, fields } from '@receipt-chroma/dynamo-stream';
 *
 * const KEY = {
 *   image_id: fields.imageId() as Field<string>,
 *   receipt_id: fields.positiveId() as Field<number>,
 *   item_id: fields.positiveId() as Field<number>,
 * };
 * const ATTRIBUTES = {
 *   description: fields.text() as Field<string>,
 *   amount: fields.finiteNumber(2) as Field<number>,
 * };
 * export type LineItem = EntityOf<[typeof KEY, typeof ATTRIBUTES]>;
 * export const LINE_ITEM = declareReceiptEntity({
 *   type: 'RECEIPT_LINE_ITEM',
 *   sortKey: { segments: ['RECEIPT', 'ITEM'], ids: ['receipt_id', 'item_id'] },
 *   keyFields: KEY,
 *   fields: [ATTRIBUTES],
 * });
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function declareReceiptEntity<
  const Key extends FieldTable,
  const Tables extends readonly FieldTable[],
  KeyInput = EntityOf<[Key, ...Tables]>,
  Keys = PrimaryKey & Readonly<Record<string, string>>,
>(
  declaration: ReceiptEntityDeclaration<Key, Tables, KeyInput>,
): ReceiptEntity<EntityOf<[Key, ...Tables]>, KeyInput, Keys, EntityOf<[Key]>> {
  type Entity = EntityOf<[Key, ...Tables]>;
  type Identity = EntityOf<[Key]>;
  const { type, keyFields, fields, indexes, fastItem, nameFrom, item } = declaration;
  const sortKey: ReceiptKeyLayout = { entity: type, exact: true, ...declaration.sortKey };
  const keyEntries = entriesOf([keyFields]);
  const fieldEntries = entriesOf(fields);
  const allEntries = [...keyEntries, ...fieldEntries];
  // What the item holds as attributes: the fields, after any key field read from one too.
  const attributeEntries = [
    ...keyEntries.filter(([, field]) => field.decode !== undefined),
    ...fieldEntries,
  ];
  const parsedKey = nameFrom === 'attribute' ? { ...sortKey, name: undefined } : sortKey;
  const rules = entityRules<Entity>(
    () => object(shapeOf(allEntries)) as unknown as Codec<Entity>,
    acceptAll<Entity>(allEntries),
  );
  const keyAttributes = keyAttributesOf(parsedKey);
  const shape: Record<string, Codec<unknown>> = item?.checksType === true
    ? { PK: S, SK: S, TYPE: S }
    : { PK: S, SK: S };
  const readKeys =
    item?.readKeys ??
    ((decoded: Record<string, unknown>, issues: IssueSink) =>
      receiptKeyCandidate(
        issues,
        decoded as { readonly PK: string; readonly SK: string },
        parsedKey,
      ));
  for (const [name, field] of attributeEntries) {
    if (field.decode !== undefined) shape[name] = field.decode(name);
  }
  const keys = (entity: KeyInput): Keys => {
    const values = entity as Readonly<Record<string, unknown>>;
    const primary = {
      PK: imagePk(values['image_id'] as string),
      SK: buildReceiptSortKey(sortKey, values),
    };
    return { ...primary, ...indexes?.(entity, primary) } as Keys;
  };
  return {
    type,
    sortKey,
    rules,
    itemParser: itemParser(
      shape as ItemShape,
      (decoded, issues): Entity | Invalid => {
        if (item?.checksType === true && decoded['TYPE'] !== type) {
          addIssue(issues, ['TYPE'], `TYPE must be ${type}`);
          return INVALID;
        }
        const candidate = readKeys(decoded, issues);
        if (candidate === undefined) return INVALID;
        return validateDecodedEntity(rules, candidate, issues, keyAttributes);
      },
      item?.guard,
      fastItem as ((item: Record<string, unknown>) => Entity | undefined) | undefined,
    ),
    keyReader: keyIdentityReader(sortKey, () => shapeOf(keyEntries)) as KeyIdentityReader<Identity>,
    keys,
    toItem: (entity) => {
      const item: Record<string, AttributeValue> = {
        ...writeKeys(keys(entity as unknown as KeyInput) as Record<string, string>),
        TYPE: writeS(type),
      };
      const values = entity as Readonly<Record<string, unknown>>;
      for (const [name, field] of attributeEntries) {
        const attribute = field.write?.(values[name] as never);
        if (attribute !== undefined) item[name] = attribute;
      }
      return item;
    },
  };
}
