import type { AttributeValue } from '../types.js';
import { type Codec, nullableS, S, stringList } from './attributes.js';
import { enumMessage } from './entityParts.js';
import type { Field } from './field.js';
import { invalidTypeMessageFor } from './invalidType.js';
import { array, check, string } from './rules.js';
import { isIsoTimestamp } from './validators.js';
import { writeS } from './writers.js';

// spec §2.6 and §2.5
/**
 * Field kinds of the merchant fields a legacy metadata row holds, most of which a place
 * holds too: strings whose NULL reads as `""`, an optional enum, a
 * Python `fromisoformat` timestamp and a DynamoDB string set.
 */

/** `{"S"}`, `{"NULL": true}` or missing → the string, or `""`. */
const stringOrEmpty: Codec<string> = (value, issues) => {
  const text = nullableS(value, issues);
  return text === null ? '' : text;
};

/** `""` as `{"NULL": true}`, any other string as `{"S"}` (Python's truthiness test). */
const writeNullIfEmpty = (value: string): AttributeValue =>
  value === '' ? { NULL: true } : writeS(value);

/**
 * A string (`{"S"}`) whose NULL or missing attribute reads as `""`. Written as `{"S"}`, or
 * with `'null-if-empty'` an empty string as NULL, as Python writes its optional strings.
 */
/* @__NO_SIDE_EFFECTS__ */
export function textOrEmpty(write: 'S' | 'null-if-empty' = 'S'): Field<string> {
  return {
    decode: () => stringOrEmpty,
    rule: (name) => string(`${name} must be a string`),
    write: write === 'S' ? writeS : writeNullIfEmpty,
  };
}

/**
 * `""` or one of `values` (`{"S"}`; NULL or missing reads as `""`, and `""` is written as
 * NULL), with Python's `normalize_enum` message naming `label` (e.g. `ValidationMethod`).
 */
/* @__NO_SIDE_EFFECTS__ */
export function emptyOrOneOf<T extends string>(values: readonly T[], label: string): Field<T | ''> {
  const allowed: ReadonlySet<unknown> = new Set(values);
  const isAllowed = (value: unknown): value is T | '' => value === '' || allowed.has(value);
  return {
    decode: () => stringOrEmpty,
    rule: (name) =>
      string(
        `${name} must be a string`,
        check(isAllowed, (input) => enumMessage(label, values, input)),
      ) as Codec<T | ''>,
    write: writeNullIfEmpty,
  };
}

/**
 * A timestamp string (`{"S"}`) Python's `datetime.fromisoformat` reads, kept verbatim, with
 * its message: `Invalid isoformat string: '<value>'`.
 */
/* @__NO_SIDE_EFFECTS__ */
export function isoformatTimestamp(): Field<string> {
  return {
    decode: () => S,
    rule: (name) =>
      string(
        `${name} must be a string`,
        check(isIsoTimestamp, (input) => `Invalid isoformat string: '${String(input)}'`),
      ),
    write: writeS,
  };
}

/**
 * A DynamoDB string set: unique non-empty strings, read from `{"SS"}` (sorted) or an `L` of
 * `{"S"}` (missing or NULL reads as `[]`), written as `{"SS"}` and left out when empty.
 */
/* @__NO_SIDE_EFFECTS__ */
export function stringSet(): Field<string[]> {
  return {
    decode: () => stringList,
    rule: (name) => {
      const message = `${name} must contain unique non-empty strings`;
      return array(
        string(invalidTypeMessageFor('string')),
        `${name} must be a list`,
        check((values) => values.every((value) => value !== ''), message),
        check((values) => new Set(values).size === values.length, message),
      );
    },
    write: (values) => (values.length > 0 ? { SS: [...values] } : undefined),
  };
}
