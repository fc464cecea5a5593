import type { Codec, Decoded, IssueSink, ItemShape } from './attributes.js';
import { type EntityOf, type Field, type FieldTable, REFUSED } from './field.js';

/**
 * Fast readers of an item's attributes, for a declaration's hand-written `fastItem`: one pass
 * that decodes each attribute (and accepts its value), with no issue built and no object
 * reshaped. Any doubt gives `undefined`, and the full parse then decides and reports.
 */

type Reader = (item: Readonly<Record<string, unknown>>) => Record<string, unknown> | undefined;

/**
 * The reader as straight-line code: one decode, one accept and one check per field, and the
 * result built as one object literal, so each call site sees one function and each store one
 * property (a loop over the names calls every decoder from one site and stores by a computed
 * name: 30% slower on a place). `undefined` where the runtime forbids code from strings.
 */
const generatedReader = (
  names: readonly string[],
  decoders: readonly Codec<unknown>[],
  accepts: readonly ((value: unknown) => unknown)[],
  issues: IssueSink,
): Reader | undefined => {
  const lines = names.map(
    (_, index) =>
      `const v${index} = a[${index}](d[${index}](item[n[${index}]], issues));` +
      ` if (v${index} === R || issues.length > 0) return undefined;`,
  );
  const result = names.map((name, index) => `${JSON.stringify(name)}: v${index}`).join(', ');
  try {
    // biome-ignore lint/security/noGlobalEval: the code is built from the declaration's field names (JSON-quoted), never from input
    const build = new Function(
      'n',
      'd',
      'a',
      'R',
      'issues',
      `return (item) => { issues.length = 0; ${lines.join(' ')} return { ${result} }; };`,
    );
    return build(names, decoders, accepts, REFUSED, issues) as Reader;
  } catch {
    return undefined;
  }
};

/** The reader of {@link generatedReader}, or a loop over the names where code cannot be generated. */
const compiledReader = (
  names: readonly string[],
  decoders: readonly Codec<unknown>[],
  accepts: readonly ((value: unknown) => unknown)[],
): Reader => {
  const issues: IssueSink = [];
  const generated = generatedReader(names, decoders, accepts, issues);
  if (generated !== undefined) return generated;
  // Every name already in place, so filling a copy changes no object's shape.
  const template: Readonly<Record<string, unknown>> = Object.fromEntries(
    names.map((name) => [name, undefined]),
  );
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

/** What a reader reads: the names, each one's decoder and each one's acceptance. */
interface ReadPlan {
  readonly names: readonly string[];
  readonly decoders: readonly Codec<unknown>[];
  readonly accepts: readonly ((value: unknown) => unknown)[];
}

/**
 * Reads by the plan `plan()` gives: each name decoded, then accepted, into one object, fields
 * in order. Planned and compiled on the first read, so declaring an entity costs nothing when
 * its module loads.
 */
const reader = (plan: () => ReadPlan): Reader => {
  let read: Reader | undefined;
  return (item) => {
    if (read === undefined) {
      const { names, decoders, accepts } = plan();
      read = compiledReader(names, decoders, accepts);
    }
    return read(item);
  };
};

const asDecoded = (value: unknown): unknown => value;

/** The attributes of `shape`, decoded, or `undefined` when a decoder reports. */
/* @__NO_SIDE_EFFECTS__ */
export function fastAttributeReader<const Shape extends ItemShape>(
  shape: Shape,
): (item: Readonly<Record<string, unknown>>) => Decoded<Shape> | undefined {
  return reader(() => {
    const names = Object.keys(shape);
    return {
      names,
      decoders: names.map((name) => shape[name] as Codec<unknown>),
      accepts: names.map(() => asDecoded),
    };
  }) as (item: Readonly<Record<string, unknown>>) => Decoded<Shape> | undefined;
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
  return reader(() => {
    const entries = tables.flatMap((table) => Object.entries(table) as [string, Field<unknown>][]);
    return {
      names: entries.map(([name]) => name),
      decoders: entries.map(([name, field]) => field.decode?.(name) as Codec<unknown>),
      accepts: entries.map(([, field]) => field.accept),
    };
  }) as (item: Readonly<Record<string, unknown>>) => EntityOf<Tables> | undefined;
}

/**
 * The entity `fields` accept from a candidate's values (no attribute decoding), fields in
 * order, or `undefined` when one refuses: the fast acceptance of a declaration's rules.
 * @internal
 */
/* @__NO_SIDE_EFFECTS__ */
export function fastValueReader<Entity>(
  fields: readonly (readonly [string, Field<unknown>])[],
): (candidate: Readonly<Record<string, unknown>>) => Entity | undefined {
  return reader(() => ({
    names: fields.map(([name]) => name),
    decoders: fields.map(() => asDecoded),
    accepts: fields.map(([, field]) => field.accept),
  })) as (candidate: Readonly<Record<string, unknown>>) => Entity | undefined;
}
