import type { AttributeValue } from '../types.js';
import {
  type BoundingBox,
  boundingBox as boundingBoxAttribute,
  type Codec,
  intN,
  N,
  nullableBOOL,
  nullableS,
  type Point,
  point as pointAttribute,
  S,
} from './attributes.js';
import {
  boundingBoxRule,
  enumMessage,
  isoTimestamp,
  nonNegativeInt,
  nullableString,
  ocrConfidence,
  pointRule,
  positiveInt,
  uuid,
} from './entityParts.js';
import type { Field } from './field.js';
import { looseS } from './itemGuards.js';
import {
  boolean,
  check,
  int,
  map,
  minLength,
  nullable,
  number,
  oneOf as oneOfRule,
  string,
  withDefault,
} from './rules.js';
import {
  writeBool,
  writeBoundingBox,
  writeDecimal,
  writeInt,
  writeNullableS,
  writePoint,
  writeS,
  writeUnlessNull,
} from './writers.js';

/**
 * The kinds of field an entity declaration is made of. Each kind bundles the attribute
 * decoder, the entity rule (with the Python entities' messages) and the writer of one kind
 * of value, so a declaration names a kind and never repeats them. Key fields (read from
 * `PK`/`SK`) have no decoder or writer.
 */

/** An attribute decoder that reads a missing or NULL value (or with `blank`, `''`) as `fallback`. */
const withFallback =
  <T>(decode: Codec<T | null>, fallback: T, blank = false): Codec<T> =>
  (value, issues) => {
    const decoded = decode(value, issues);
    return decoded === null || (blank && decoded === '') ? fallback : decoded;
  };

/** The image id of a receipt-scoped key (`IMAGE#<uuid>`): a version 4 or 5 UUID. */
export const imageId = (): Field<string> => ({
  decode: undefined,
  rule: () => uuid(),
  write: undefined,
});

/** An id in the sort key that must be `> 0` (Python's `validate_positive_int`). */
export const positiveId = (): Field<number> => ({
  decode: undefined,
  rule: positiveInt,
  write: undefined,
});

/** An id in the sort key that may be 0 (Python's `validate_non_negative_int`). */
export const nonNegativeId = (): Field<number> => ({
  decode: undefined,
  rule: nonNegativeInt,
  write: undefined,
});

/**
 * A string attribute (`{"S"}`).
 *
 * @param message - the message for a value that is not a string; `<name> must be a string`
 *   when not given
 */
export const text = (message?: string): Field<string> => ({
  decode: () => S,
  rule: (name) => string(message ?? `${name} must be a string`),
  write: writeS,
});

/**
 * A finite number (`{"N"}`), written with `places` decimals.
 *
 * @param places - the decimals written, as the Python entity rounds them
 */
export const finiteNumber = (places: number): Field<number> => ({
  decode: () => N,
  rule: (name) => number(`${name} must be a finite number`),
  write: (value) => writeDecimal(value, places),
});

/**
 * An OCR confidence `0 < c <= 1` (`{"N"}`), written with `places` decimals.
 *
 * @param places - the decimals written
 */
export const confidence = (places: number): Field<number> => ({
  decode: () => N,
  rule: () => ocrConfidence(),
  write: (value) => writeDecimal(value, places),
});

/**
 * A point `{x, y}` (`{"M"}` of exactly those keys), written with `places` decimals.
 *
 * @param places - the decimals written for each coordinate
 */
export const point = (places: number): Field<Point> => ({
  decode: () => pointAttribute,
  rule: () => pointRule(),
  write: (value) => writePoint(value, places),
});

/**
 * A bounding box `{x, y, width, height}`, written with `places` decimals.
 *
 * @param places - the decimals written for each value
 */
export const box = (places: number): Field<BoundingBox> => ({
  decode: () => boundingBoxAttribute,
  rule: () => boundingBoxRule(),
  write: (value) => writeBoundingBox(value, places),
});

/** Options of {@link oneOf}. */
export interface OneOfOptions<T extends string> {
  /**
   * The value a missing or NULL attribute reads as (the rule checks any string read), and
   * with `blank`, an empty string too (Python's `value or default`).
   * @default none: the attribute must be a string
   */
  readonly missing?: T | undefined;
  /**
   * An empty string reads as `missing` too.
   * @default false
   */
  readonly blank?: boolean | undefined;
  /**
   * The name in the message, when not the field's (Python names some by their enum).
   * @default the field's name
   */
  readonly label?: string | undefined;
}

/**
 * One of `values` (`{"S"}`), with Python's `normalize_enum` message.
 *
 * @param values - the accepted values, in the order the message lists them
 * @param options - the value a missing attribute reads as, and the name in the message
 */
export const oneOf = <T extends string>(
  values: readonly T[],
  options: OneOfOptions<T> = {},
): Field<T> => {
  const { missing, label, blank = false } = options;
  return {
    decode: () => (missing === undefined ? S : withFallback(nullableS, missing, blank)),
    rule: (name) =>
      oneOfRule(values, (input) => enumMessage(label ?? name, values, input)) as Codec<T>,
    write: writeS,
  };
};

/**
 * A boolean (`{"BOOL"}`); a missing or NULL attribute reads as `missing`.
 *
 * @param missing - the value of a missing or NULL attribute
 */
export const flag = (missing: boolean): Field<boolean> => ({
  decode: () => withFallback(nullableBOOL, missing),
  rule: (name) => boolean(`${name} must be a boolean`),
  write: writeBool,
});

/** A string of at least one character: `<typeMessage>`, else `<name> cannot be empty`. */
const nonEmptyRule = (name: string, typeMessage: string): Codec<string> =>
  string(typeMessage, minLength(1, `${name} cannot be empty`));

/**
 * A name at the end of the sort key (`…#LABEL#<name>`), non-empty, upper-cased as the Python
 * constructor does.
 */
export const upperCaseKeyName = (): Field<string> => ({
  decode: undefined,
  rule: (name) => map(nonEmptyRule(name, `${name} must be a string`), (text) => text.toUpperCase()),
  write: undefined,
});

/**
 * A string that is `null` or not empty (`{"S"}` or NULL; missing reads as `null`).
 *
 * @param typeMessage - the message for a value that is not a string; `<name> must be a
 *   string` when not given
 */
export const nullableNonEmptyText = (typeMessage?: string): Field<string | null> => ({
  decode: () => nullableS,
  rule: (name) => nullable(nonEmptyRule(name, typeMessage ?? `${name} must be a string`)),
  write: writeNullableS,
});

/** An ISO timestamp string (`{"S"}`) Python's `datetime.fromisoformat` reads, kept verbatim. */
export const timestamp = (): Field<string> => ({
  decode: () => S,
  rule: isoTimestamp,
  write: writeS,
});

/**
 * An integer `> 0` (`{"N"}`, read like Python's `int()`), with one `message` for a value that
 * is not an integer and for one that is not positive.
 *
 * @param message - the message for either problem
 */
export const positiveInteger = (message: string): Field<number> => ({
  decode: () => intN,
  rule: () =>
    int(
      message,
      check((value) => value >= 1, message),
    ),
  write: writeInt,
});

/**
 * How a nullable string is written: `null` as NULL (`'null'`), also `""` as NULL
 * (`'null-if-empty'`, Python's truthiness test), or `null` left out (`'omit'`).
 */
export type NullableTextWrite = 'null' | 'null-if-empty' | 'omit';

/**
 * A string or `null` (`{"S"}` or NULL; missing reads as `null`), written as `write` says.
 *
 * @param write - how `null` (and `""`) are written; `'null'` when not given
 */
export const nullableText = (write: NullableTextWrite = 'null'): Field<string | null> => ({
  decode: () => nullableS,
  rule: nullableString,
  write:
    write === 'omit'
      ? writeUnlessNull(writeS)
      : write === 'null-if-empty'
        ? (value) => writeNullableS(value || null)
        : writeNullableS,
});

/** A fresh copy of an array or object default, which must not be shared between entities. */
const fresh = <T>(value: T): T => {
  if (Array.isArray(value)) return [...value] as T;
  return value !== null && typeof value === 'object' ? { ...value } : value;
};

/**
 * `field` with a default: a missing attribute or value reads as `missing` (a fresh copy of an
 * array or object), as the Python constructor's defaults do (`confidence: float = 0.0`).
 *
 * @param field - the field, e.g. `text()`
 * @param missing - the value of a missing attribute or value
 */
/* @__NO_SIDE_EFFECTS__ */
export function withMissing<T>(field: Field<T>, missing: T): Field<T> {
  const { decode, rule } = field;
  return {
    decode:
      decode &&
      ((name) => {
        const read = decode(name);
        return (value, issues) => (value === undefined ? fresh(missing) : read(value, issues));
      }),
    rule: (name) => withDefault(rule(name), missing),
    write: field.write,
  };
}

/**
 * A key field that the item holds as an attribute too, read from it with `decode` and written
 * with `write`, as a place's ids are.
 *
 * @param field - the key field, e.g. `imageId()`
 * @param decode - the attribute's decoder
 * @param write - the attribute's writer
 */
/* @__NO_SIDE_EFFECTS__ */
export function keyAttribute<T>(
  field: Field<T>,
  decode: Codec<T>,
  write: (value: T) => AttributeValue,
): Field<T> {
  return { ...field, decode: () => decode, write };
}

/**
 * An instant of Python's compaction entities: any string (`<name> must be datetime,
 * ISO-8601 string, or None`) or `null`, missing reading as `null` and `''` written as NULL.
 * The attribute is read leniently (any other type reads as `null`); with `blankAsNull`, an
 * empty string reads as `null` too.
 *
 * @param blankAsNull - whether an empty string reads as `null`
 */
/* @__NO_SIDE_EFFECTS__ */
export function looseInstant(blankAsNull: boolean): Field<string | null> {
  return {
    decode: () => (blankAsNull ? (value, issues) => looseS(value, issues) || null : looseS),
    rule: (name) =>
      withDefault(nullable(string(`${name} must be datetime, ISO-8601 string, or None`)), null),
    write: (value) => writeNullableS(value || null),
  };
}
