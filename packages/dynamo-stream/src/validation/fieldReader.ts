import type { Codec, Decoded, IssueSink, ItemShape } from './attributes.js';
import { type EntityOf, entriesOf, type FieldEntry, type FieldTable } from './field.js';

/**
 * Fast readers of an item's attributes, for a declaration's hand-written `fastItem`: one pass
 * that decodes each attribute and checks its value with the field's rule, with no issue built and no object
 * reshaped. Any doubt gives `undefined`, and the full parse then decides and reports.
 */

type Reader = (item: Readonly<Record<string, unknown>>) => Record<string, unknown> | undefined;

/**
 * What a reader reads: the names, each one's attribute decoder (none: the value is taken as
 * it is) and each one's rule. A rule reports into the reader's own issues, so any issue means
 * doubt and no message is ever handed out.
 */
interface ReadPlan {
  readonly names: readonly string[];
  readonly decoders: readonly (Codec<unknown> | undefined)[];
  readonly rules: readonly Codec<unknown>[];
}

/**
 * The reader as straight-line code: one decode and one rule per field, and the result built
 * as one object literal, so each call site sees one function and each store one property (a
 * loop over the names calls every decoder from one site and stores by a computed name: 30%
 * slower on a place). `undefined` where the runtime forbids code from strings.
 */
const generatedReader = (
  { names, decoders, rules }: ReadPlan,
  issues: IssueSink,
): Reader | undefined => {
  const lines = names.map((_, index) => {
    const read =
      decoders[index] === undefined
        ? `item[n[${index}]]`
        : `d[${index}](item[n[${index}]], issues)`;
    return `const v${index} = r[${index}](${read}, issues); if (issues.length > 0) return undefined;`;
  });
  const result = names.map((name, index) => `${JSON.stringify(name)}: v${index}`).join(', ');
  try {
    const build = new Function(
      'n',
      'd',
      'r',
      'issues',
      `return (item) => { issues.length = 0; ${lines.join(' ')} return { ${result} }; };`,
    );
    return build(names, decoders, rules, issues) as Reader;
  } catch {
    return undefined;
  }
};

/** The reader of {@link generatedReader}, or a loop over the names where code cannot be generated. */
const compiledReader = (plan: ReadPlan): Reader => {
  const issues: IssueSink = [];
  const generated = generatedReader(plan, issues);
  if (generated !== undefined) return generated;
  const { names, decoders, rules } = plan;
  const template: Readonly<Record<string, unknown>> = Object.fromEntries(
    names.map((name) => [name, undefined]),
  );
  return (item) => {
    issues.length = 0;
    const read: Record<string, unknown> = { ...template };
    for (let index = 0; index < names.length; index += 1) {
      const name = names[index] as string;
      const decode = decoders[index];
      const value = item[name];
      const decoded = decode === undefined ? value : decode(value, issues);
      // A decoder reports what it cannot read, so the rule only ever sees a decoded value.
      read[name] =
        issues.length > 0 ? undefined : (rules[index] as Codec<unknown>)(decoded, issues);
      if (issues.length > 0) return undefined;
    }
    return read;
  };
};

/**
 * Reads by the plan `plan()` gives: each name decoded, then checked by its rule, into one
 * object, fields in order. Planned and compiled on the first read, so declaring an entity
 * costs nothing when its module loads.
 */
const reader = (plan: () => ReadPlan): Reader => {
  let read: Reader | undefined;
  return (item) => {
    read ??= compiledReader(plan());
    return read(item);
  };
};

const anyValue: Codec<unknown> = (value) => value;

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
      rules: names.map(() => anyValue),
    };
  }) as (item: Readonly<Record<string, unknown>>) => Decoded<Shape> | undefined;
}

/** The plan of `entries`, decoded from attributes when `decode` is set. */
const fieldPlan = (entries: readonly FieldEntry[], decode: boolean): ReadPlan => ({
  names: entries.map(([name]) => name),
  decoders: entries.map(([name, field]) => (decode ? field.decode?.(name) : undefined)),
  rules: entries.map(([name, field]) => field.rule(name)),
});

/**
 * The entity of `tables` (every field an attribute, key fields included, as a place's ids
 * are), fields in declaration order: what the item parser's rules return for those attributes
 * when every field passes its rule, else `undefined`.
 */
/* @__NO_SIDE_EFFECTS__ */
export function fastFieldReader<const Tables extends readonly FieldTable[]>(
  tables: Tables,
): (item: Readonly<Record<string, unknown>>) => EntityOf<Tables> | undefined {
  return reader(() => fieldPlan(entriesOf(tables), true)) as (
    item: Readonly<Record<string, unknown>>,
  ) => EntityOf<Tables> | undefined;
}

/**
 * The entity `fields` give for a candidate's values (no attribute decoding), fields in order,
 * or `undefined` when one fails its rule: the fast acceptance of a declaration's rules.
 * @internal
 */
/* @__NO_SIDE_EFFECTS__ */
export function fastValueReader<Entity>(
  fields: readonly FieldEntry[],
): (candidate: Readonly<Record<string, unknown>>) => Entity | undefined {
  return reader(() => fieldPlan(fields, false)) as (
    candidate: Readonly<Record<string, unknown>>,
  ) => Entity | undefined;
}
