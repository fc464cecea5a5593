import type { Codec, Decoded, IssueSink, ItemShape } from './attributes.js';
import { type EntityOf, type Field, type FieldTable, REFUSED } from './field.js';

/**
 * Fast readers of an item's attributes, for a declaration's hand-written `fastItem`: one pass
 * that decodes each attribute (and accepts its value), with no issue built and no object
 * reshaped. Any doubt gives `undefined`, and the full parse then decides and reports.
 */

/** Reads `names` with `decoders`, then `accepts`, into a copy of a template holding them all. */
const reader = (
  names: readonly string[],
  decoders: readonly Codec<unknown>[],
  accepts: readonly ((value: unknown) => unknown)[],
): ((item: Readonly<Record<string, unknown>>) => Record<string, unknown> | undefined) => {
  // Every name already in place, so filling a copy changes no object's shape.
  const template: Readonly<Record<string, unknown>> = Object.fromEntries(
    names.map((name) => [name, undefined]),
  );
  const issues: IssueSink = [];
  return (item) => {
    issues.length = 0;
    const read: Record<string, unknown> = { ...template };
    for (let index = 0; index < names.length; index += 1) {
      const name = names[index] as string;
      const decoded = (decoders[index] as Codec<unknown>)(item[name], issues);
      const value = (accepts[index] as (value: unknown) => unknown)(decoded);
      if (value === REFUSED || issues.length > 0) return undefined;
      read[name] = value;
    }
    return read;
  };
};

const asDecoded = (value: unknown): unknown => value;

/** The attributes of `shape`, decoded, or `undefined` when a decoder reports. */
/* @__NO_SIDE_EFFECTS__ */
export function fastAttributeReader<const Shape extends ItemShape>(
  shape: Shape,
): (item: Readonly<Record<string, unknown>>) => Decoded<Shape> | undefined {
  const names = Object.keys(shape);
  const decoders = names.map((name) => shape[name] as Codec<unknown>);
  return reader(
    names,
    decoders,
    names.map(() => asDecoded),
  ) as (item: Readonly<Record<string, unknown>>) => Decoded<Shape> | undefined;
}

/**
 * The entity of `tables` (every field an attribute, key fields included, as a place's ids
 * are), fields in declaration order: what the item parser's rules return for those attributes
 * when every field is sure of its value, else `undefined`.
 */
/* @__NO_SIDE_EFFECTS__ */
export function fastFieldReader<const Tables extends readonly FieldTable[]>(
  tables: Tables,
): (item: Readonly<Record<string, unknown>>) => EntityOf<Tables> | undefined {
  const entries = tables.flatMap((table) => Object.entries(table) as [string, Field<unknown>][]);
  return reader(
    entries.map(([name]) => name),
    entries.map(([name, field]) => field.decode?.(name) as Codec<unknown>),
    entries.map(([, field]) => field.accept),
  ) as (item: Readonly<Record<string, unknown>>) => EntityOf<Tables> | undefined;
}
