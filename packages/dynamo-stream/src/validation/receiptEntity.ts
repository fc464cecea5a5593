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
import type { IssueSink } from './attributes.js';
import type { declaredItemSchema, declaredSchema } from './declaredSchemas.js';
import {
  type DeclaredEntity,
  declareEntity,
  type EntityDeclaration,
  type ItemChecks,
  type PrimaryKey,
  shapeOf,
} from './declareEntity.js';
import { type EntityOf, entriesOf, type FieldTable } from './field.js';

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
> extends Omit<EntityDeclaration<Key, Tables, KeyInput, unknown>, 'key' | 'item'> {
  /**
   * The sort key's layout; its ids (and `name`) are key fields, which list `image_id` first,
   * then the layout's ids and `name` in order. `entity` (the name in a malformed key's
   * message) defaults to the type, and `exact` to true.
   */
  readonly sortKey: Omit<ReceiptKeyLayout, 'entity' | 'exact'> &
    Partial<Pick<ReceiptKeyLayout, 'entity' | 'exact'>>;
  /**
   * Where the item parser reads the layout's `name` from: the sort key (the default), or the
   * attribute of that name (the key field then has a decoder and a writer), as Python reads a
   * section's type. The key reader always reads it from the sort key.
   * @default 'sortKey'
   */
  readonly nameFrom?: 'sortKey' | 'attribute' | undefined;
  /**
   * The Python `from_item` protocol of the entity, when it is not the usual one (the sort key
   * read by the layout, with its messages): the attributes that must be present and the
   * message that lists the missing ones, a `TYPE` that must equal the type, and a reader of
   * the key fields with the entity's own messages.
   * @default the usual protocol: the sort key read by the layout, nothing else required
   */
  readonly item?: ItemProtocol | undefined;
  /**
   * The secondary index keys Python writes (`GSI1PK`…), from the key input and primary key.
   * @default none
   */
  readonly indexes?:
    | ((entity: KeyInput, primary: PrimaryKey) => Readonly<Record<string, string>>)
    | undefined;
}

/** How an entity's item parser reads what is not a field: see {@link ReceiptEntityDeclaration.item}. */
export interface ItemProtocol extends ItemChecks {
  /**
   * Reads the key fields onto the decoded attributes (`PK`, `SK` and the fields), reporting
   * with the entity's messages; returns the candidate, or `undefined` after reporting.
   * @default the sort key read by the layout, `image_id` from `PK`
   */
  readonly readKeys?:
    | ((
        decoded: Record<string, unknown> & PrimaryKey,
        issues: IssueSink,
      ) => Record<string, unknown> | undefined)
    | undefined;
  /**
   * The key attribute at which each key field's rule reports, when {@link ItemProtocol.readKeys}
   * reads the key fields from their own attributes instead (`{}`: each at its attribute).
   * @default `image_id` at `PK`, the layout's ids and `name` at `SK`
   */
  readonly keyAttributes?: Readonly<Record<string, string>> | undefined;
}

/** Everything derived from a {@link ReceiptEntityDeclaration}. */
export interface ReceiptEntity<Entity, KeyInput, Keys, Identity>
  extends DeclaredEntity<Entity, KeyInput, Keys> {
  /** The sort key's layout, which {@link matchesReceiptSortKey} matches keys against. */
  readonly sortKey: ReceiptKeyLayout;
  /** Reads the key fields (the identity) from a record's keys alone, with their rules. */
  readonly keyReader: KeyIdentityReader<Identity>;
  /** The names of the key fields, in declaration order: what a stream message identifies. */
  readonly keyNames: readonly string[];
}

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
 * @param declaration - the item type, sort-key layout and field tables
 * @returns the entity's rules, item parser, key reader, key builder and item writer

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
  type Identity = EntityOf<[Key]>;
  const { type, keyFields, indexes, nameFrom, item } = declaration;
  const sortKey: ReceiptKeyLayout = { entity: type, exact: true, ...declaration.sortKey };
  const parsedKey = nameFrom === 'attribute' ? { ...sortKey, name: undefined } : sortKey;
  const entity = declareEntity({
    ...declaration,
    key: {
      keys: (input: KeyInput): Keys => {
        const values = input as Readonly<Record<string, unknown>>;
        const primary = {
          PK: imagePk(values['image_id'] as string),
          SK: buildReceiptSortKey(sortKey, values),
        };
        return { ...primary, ...indexes?.(input, primary) } as Keys;
      },
      read:
        item?.readKeys ?? ((decoded, issues) => receiptKeyCandidate(issues, decoded, parsedKey)),
      attributes: item?.keyAttributes ?? keyAttributesOf(parsedKey),
    },
  });
  return {
    ...entity,
    sortKey,
    keyReader: keyIdentityReader(sortKey, () =>
      shapeOf(entriesOf([keyFields])),
    ) as KeyIdentityReader<Identity>,
    keyNames: Object.keys(keyFields),
  };
}
