import type { AttributeValue } from '../types.js';
import type { Codec } from './attributes.js';

/**
 * One field of an entity declaration: everything the package derives per field, in one
 * value, so an entity is declared as a table of fields and each field is written once.
 *
 * A field table is an object literal whose values are written `kind(...) as Field<T>`: the
 * assertion states the field's TypeScript type where `isolatedDeclarations` needs it
 * written, and the compiler checks it against the kind (a `Field<string>` cannot be
 * asserted to be a `Field<number>`). {@link EntityOf} turns the tables into the entity type.
 */
export interface Field<T> {
  /**
   * The reader of the field's attribute, given the field's `name` for its messages: it
   * reads the attribute (`undefined` when the item has none) into the value the rule then
   * checks, or reports why it cannot (issue paths relative to the attribute). Key fields,
   * read from `PK`/`SK`, have none.
   */
  readonly decode: ((name: string) => Codec<unknown>) | undefined;
  /** The entity rule, reporting with the field's `name` in its messages. */
  readonly rule: (name: string) => Codec<T>;
  /**
   * The attribute the Python entity writes for the value (`undefined`: none, for a value
   * Python leaves out); no writer for key fields.
   */
  readonly write: ((value: T) => AttributeValue | undefined) | undefined;
}

/** A field of any type: what every `Field<T>` is assignable to. */
export interface AnyField {
  /** The reader of the field's attribute, as {@link Field.decode}. */
  readonly decode: ((name: string) => Codec<unknown>) | undefined;
  /** The entity rule, as {@link Field.rule}. */
  readonly rule: (name: string) => Codec<unknown>;
  /** The attribute writer, as {@link Field.write}. */
  readonly write: ((value: never) => AttributeValue | undefined) | undefined;
}

/** A table of fields, in the order they are decoded, checked and reported. */
export type FieldTable = Readonly<Record<string, AnyField>>;

/** A field of a table, by name. @internal */
export type FieldEntry = readonly [string, Field<unknown>];

/** The fields of `tables`, in order. @internal */
export const entriesOf = (tables: readonly FieldTable[]): FieldEntry[] =>
  tables.flatMap((table) => Object.entries(table) as [string, Field<unknown>][]);

/** The value type of a field. */
type ValueOf<F> = F extends { readonly rule: (name: string) => Codec<infer T> } ? T : never;

/** Turns a union into the intersection of its members. */
type Intersection<U> = (U extends unknown ? (value: U) => void : never) extends (
  value: infer I,
) => void
  ? I
  : never;

/**
 * The entity type declared by field tables: one property per field, of the field's type,
 * with the field's doc comment.
 */
export type EntityOf<Tables extends readonly FieldTable[]> = {
  -readonly [Key in keyof Intersection<Tables[number]>]: ValueOf<Intersection<Tables[number]>[Key]>;
};
