import type { AttributeValue, DynamoDBItem } from '../types.js';
import {
  type Codec,
  INVALID,
  type Invalid,
  type IssueSink,
  type ItemGuardOptions,
  type ItemParser,
  type ItemShape,
  isObject,
  itemParser,
  lazyItemParser,
  S,
} from './attributes.js';
import {
  addIssue,
  type EntityRules,
  entityRules,
  lazyRules,
  validateDecodedEntity,
  writeKeys,
} from './entityParts.js';
import { type EntityOf, entriesOf, type FieldEntry, type FieldTable } from './field.js';
import { fastValueReader } from './fieldReader.js';
import { map, object } from './rules.js';
import { writeS } from './writers.js';

/**
 * The engine every entity declaration goes through: from an item type, a key form and field
 * tables it derives the entity's rules, item parser, keys and item writer, so each field is
 * written once. Receipt-scoped entities declare their keys as a sort-key layout
 * (`declareReceiptEntity`); others give their key form directly.
 */

/** An item's primary key. */
export interface PrimaryKey {
  /** The partition key. */
  readonly PK: string;
  /** The sort key. */
  readonly SK: string;
}

/** How an entity's keys are built from it and read back from an item. */
export interface EntityKeyForm<KeyInput, Keys> {
  /** Every key of the item (`PK`, `SK`, secondary index keys) from the key input. */
  readonly keys: (entity: KeyInput) => Keys;
  /**
   * Reads the key fields onto the decoded attributes (which hold `PK` and `SK`), reporting a
   * malformed key with the entity's messages; returns the candidate entity, or `undefined`
   * after reporting.
   */
  readonly read: (
    decoded: Record<string, unknown> & PrimaryKey,
    issues: IssueSink,
  ) => Record<string, unknown> | undefined;
  /** The key attribute (`PK` or `SK`) at which each key field's rule reports. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** How an entity's item parser checks what is not a field. */
export interface ItemChecks {
  /**
   * Attributes that must be present; each missing one is reported, and nothing is decoded.
   * @default none: missing attributes are reported by their fields
   */
  readonly guard?: ItemGuardOptions | undefined;
  /**
   * Whether the item's `TYPE` must be the entity's (`TYPE must be <type>` otherwise).
   * @default false
   */
  readonly checksType?: boolean | undefined;
  /**
   * Attributes decoded besides the keys and the fields, for {@link ItemChecks.check} alone
   * (they are not entity fields), e.g. a place's secondary index keys.
   * @default none
   */
  readonly attributes?: ItemShape | undefined;
  /**
   * Checks the valid entity (the parameter's type is the entity's) against the decoded item,
   * e.g. its stored keys against those the entity gives; an issue it reports fails the parse.
   * @default none
   */
  readonly check?:
    | ((
        decoded: Readonly<Record<string, unknown>> & PrimaryKey,
        entity: never,
        issues: IssueSink,
      ) => void)
    | undefined;
}

/** The declaration of an entity: its item type, key form and field tables. */
export interface EntityDeclaration<
  Key extends FieldTable,
  Tables extends readonly FieldTable[],
  KeyInput,
  Keys,
> {
  /** The item `TYPE`, e.g. `COMPACTION_LOCK`. */
  readonly type: string;
  /** How the keys are built and read. */
  readonly key: EntityKeyForm<KeyInput, Keys>;
  /**
   * The fields the keys hold, with their rules; a key field with a decoder and a writer is
   * an attribute of the item too.
   */
  readonly keyFields: Key;
  /** The attribute fields, table after table, in the order the item lists them. */
  readonly fields: Tables;
  /**
   * What the item parser checks before the fields.
   * @default none: only the keys and the fields are checked
   */
  readonly item?: ItemChecks | undefined;
  /**
   * A hand-written shortcut for valid items, where the throughput benchmark shows it pays:
   * exactly what the parse returns for an item it is sure of, else `undefined`.
   * @default none
   */
  readonly fastItem?: ((item: Record<string, unknown>) => unknown) | undefined;
  /**
   * What the Python constructor derives from the checked fields (a legacy metadata row's
   * empty `validation_status`): applied to every valid entity, on both rule paths.
   * @default none
   */
  readonly derive?:
    | ((entity: EntityOf<[Key, ...Tables]>) => EntityOf<[Key, ...Tables]>)
    | undefined;
}

/** Everything derived from an {@link EntityDeclaration}. */
export interface DeclaredEntity<Entity, KeyInput, Keys> {
  /** The item `TYPE`, e.g. `COMPACTION_LOCK`. */
  readonly type: string;
  /** The entity rules (fast acceptance first), what the entity's zod schema wraps. */
  readonly rules: EntityRules<Entity>;
  /** The item parser: keys and attributes decoded, then the entity rules. */
  readonly itemParser: ItemParser<Entity>;
  /** Every key of the item. */
  readonly keys: (entity: KeyInput) => Keys;
  /** The item as the Python entity's `to_item()` writes it. */
  readonly toItem: (entity: Entity) => DynamoDBItem;
}

/** The rules of `entries` as an object shape, fields in declaration order. @internal */
export const shapeOf = (entries: readonly FieldEntry[]): Record<string, Codec<unknown>> => {
  const shape: Record<string, Codec<unknown>> = {};
  for (const [name, field] of entries) shape[name] = field.rule(name);
  return shape;
};

/** The fast acceptance of `entries`: the entity when every field accepts its value. */
const acceptAll = <Entity>(
  entries: readonly FieldEntry[],
): ((candidate: unknown) => Entity | undefined) => {
  const read = fastValueReader<Entity>(entries);
  return (candidate) => (isObject(candidate) ? read(candidate) : undefined);
};

/** What a declaration derives, built on the entity's first use. */
interface Derivation<Entity> {
  readonly rules: EntityRules<Entity>;
  readonly buildParser: () => ItemParser<Entity>;
  readonly toItem: (entity: Entity) => DynamoDBItem;
}

/** Derives the rules, item parser and writer of `declaration`. */
const derivation = <Entity, KeyInput, Keys>(
  declaration: EntityDeclaration<FieldTable, readonly FieldTable[], KeyInput, Keys>,
): Derivation<Entity> => {
  const { type, key, keyFields, fields, fastItem, item, derive } = declaration;
  const keyEntries = entriesOf([keyFields]);
  const fieldEntries = entriesOf(fields);
  const allEntries = [...keyEntries, ...fieldEntries];
  // What the item holds as attributes: the fields, after any key field read from one too.
  const attributeEntries = [
    ...keyEntries.filter(([, field]) => field.decode !== undefined),
    ...fieldEntries,
  ];
  const derived = derive as ((entity: Entity) => Entity) | undefined;
  const accept = acceptAll<Entity>(allEntries);
  const rules = entityRules<Entity>(
    () => {
      const rule = object(shapeOf(allEntries)) as unknown as Codec<Entity>;
      return derived === undefined ? rule : map(rule, derived);
    },
    derived === undefined
      ? accept
      : (candidate) => {
          const entity = accept(candidate);
          return entity === undefined ? undefined : derived(entity);
        },
  );
  return {
    rules,
    buildParser: () => {
      const shape: Record<string, Codec<unknown>> = item?.checksType === true
        ? { PK: S, SK: S, TYPE: S, ...item.attributes }
        : { PK: S, SK: S, ...item?.attributes };
      for (const [name, field] of attributeEntries) {
        if (field.decode !== undefined) shape[name] = field.decode(name);
      }
      return itemParser(
        shape as ItemShape,
        (decoded, issues): Entity | Invalid => {
          if (item?.checksType === true && decoded['TYPE'] !== type) {
            addIssue(issues, ['TYPE'], `TYPE must be ${type}`);
            return INVALID;
          }
          const candidate = key.read(decoded as Record<string, unknown> & PrimaryKey, issues);
          if (candidate === undefined) return INVALID;
          const entity = validateDecodedEntity(rules, candidate, issues, key.attributes);
          if (entity !== INVALID) item?.check?.(decoded as never, entity as never, issues);
          return entity;
        },
        item?.guard,
        fastItem as ((item: Record<string, unknown>) => Entity | undefined) | undefined,
      );
    },
    toItem: (entity) => {
      const written: Record<string, AttributeValue> = {
        ...writeKeys(key.keys(entity as unknown as KeyInput) as Record<string, string>),
        TYPE: writeS(type),
      };
      const values = entity as Readonly<Record<string, unknown>>;
      for (const [name, field] of attributeEntries) {
        const attribute = field.write?.(values[name] as never);
        if (attribute !== undefined) written[name] = attribute;
      }
      return written;
    },
  };
};

/**
 * Declares an entity once and derives from the declaration its rules, item parser (with
 * typed issues), keys and item writer; its type is `EntityOf<[keyFields, ...fields]>`.
 * Everything but the keys is derived on the entity's first use, so a declaration costs a
 * module almost nothing when it loads and an entity never used costs nothing at all.
 * Plain code only: the zod schemas come from `declaredSchema` and
 * `declaredItemSchema`, so a bundle that does not use them holds no zod. For an item
 * under `IMAGE#<uuid>` with a `RECEIPT#…` sort key, `declareReceiptEntity` derives the
 * key form from a layout.
 *
 * @param declaration - the item type, key form and field tables
 * @returns the entity's rules, item parser, key builder and item writer
 * @example
 * ```ts
 * import { declareEntity, declaredItemSchema, type Field, fields } from '@receipt-chroma/dynamo-stream';
 *
 * const SETTING = declareEntity({
 *   type: 'SETTING',
 *   key: {
 *     keys: (setting: { name: string }) => ({ PK: `SETTING#${setting.name}`, SK: 'SETTING' }),
 *     read: (decoded) => ({ ...decoded, name: decoded.PK.slice('SETTING#'.length) }),
 *     attributes: { name: 'PK' },
 *   },
 *   keyFields: { name: fields.upperCaseKeyName() as Field<string> },
 *   fields: [{ value: fields.text() as Field<string> }],
 * });
 * export const SettingItemSchema = declaredItemSchema(SETTING);
 * export const item = SETTING.toItem({ name: 'THEME', value: 'dark' });
 * // { PK: { S: 'SETTING#THEME' }, SK: { S: 'SETTING' }, TYPE: { S: 'SETTING' }, value: { S: 'dark' } }
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function declareEntity<
  const Key extends FieldTable,
  const Tables extends readonly FieldTable[],
  KeyInput,
  Keys,
>(
  declaration: EntityDeclaration<Key, Tables, KeyInput, Keys>,
): DeclaredEntity<EntityOf<[Key, ...Tables]>, KeyInput, Keys> {
  type Entity = EntityOf<[Key, ...Tables]>;
  let derived: Derivation<Entity> | undefined;
  const derive = (): Derivation<Entity> => (derived ??= derivation(declaration));
  return {
    type: declaration.type,
    rules: lazyRules(() => derive().rules),
    itemParser: lazyItemParser(
      () => derive().buildParser(),
      declaration.fastItem as ((item: Record<string, unknown>) => Entity | undefined) | undefined,
    ),
    keys: declaration.key.keys,
    toItem: (entity) => derive().toItem(entity),
  };
}
