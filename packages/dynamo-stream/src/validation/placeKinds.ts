import {
  type Codec,
  INVALID,
  N,
  nullableBOOL,
  nullableN,
  S,
  stringList,
  unmarshallMap,
} from './attributes.js';
import { addIssue } from './entityParts.js';
import type { Field } from './field.js';
import { pythonRepr, rawAttribute } from './itemGuards.js';
import {
  array,
  boolean,
  type Check,
  check,
  dictionary as dictionaryRule,
  map,
  nullable,
  number,
  string,
} from './rules.js';
import { isIsoTimestamp } from './validators.js';
import {
  writeBool,
  writeFloat,
  writeNativeMap,
  writeS,
  writeStringList,
  writeUnlessNull,
} from './writers.js';

// spec §2.5
/**
 * Field kinds of the Google Places data a place holds, with the Python
 * constructor's messages: checked names, lists of non-blank strings, dictionaries (native
 * maps or legacy JSON), coordinates, an optional flag, a score in `[0, 1]` and a `datetime`.
 * None has a default: `withMissing` gives a field the constructor's.
 */

/** A string (`{"S"}`) that passes `checks` (each failing one reports its own message). */
/* @__NO_SIDE_EFFECTS__ */
export function checkedText(...checks: Check<string>[]): Field<string> {
  return {
    decode: () => S,
    rule: (name) => string(`${name} must be a string`, ...checks),
    write: writeS,
  };
}

const isNonBlank = (value: string): boolean => value.trim() !== '';

/**
 * A list of non-blank strings (`{"L"}` of `{"S"}`, or a legacy `{"SS"}` read sorted; NULL or
 * missing reads as `[]`), repeats dropped keeping the first; an empty list is not written.
 */
/* @__NO_SIDE_EFFECTS__ */
export function uniqueTextList(): Field<string[]> {
  return {
    decode: () => stringList,
    rule: (name) => {
      const message = `${name} must be a list of strings`;
      const nonBlank = check((list: string[]) => list.every(isNonBlank), message);
      return map(array(string(message), message, nonBlank), (list) => [...new Set(list)]);
    },
    write: (value) => (value.length > 0 ? writeStringList(value) : undefined),
  };
}

/**
 * A native `{"M"}` map, or a legacy JSON string: a bad string reports `Invalid <name> JSON`,
 * and a map `unmarshall` cannot read `Invalid <entity> DynamoDB item: …`.
 */
const mapOrJson = (name: string, entity: string): Codec<unknown> =>
  rawAttribute((value, issues): unknown => {
    if (value === undefined) return undefined;
    if (value.M !== undefined) {
      try {
        return unmarshallMap(value.M as Record<string, unknown>);
      } catch (error) {
        addIssue(issues, [], `Invalid ${entity} DynamoDB item: ${(error as Error).message}`);
        return INVALID;
      }
    }
    if (typeof value.S === 'string') {
      try {
        return JSON.parse(value.S) as unknown;
      } catch {
        addIssue(issues, [], `Invalid ${name} JSON`);
        return INVALID;
      }
    }
    addIssue(issues, [], `${name} must be a dictionary`);
    return INVALID;
  });

/**
 * A dictionary of any values, read from a native `{"M"}` or a legacy JSON string; an empty
 * one is not written. `entity` names the item in the message for a map it cannot read.
 */
/* @__NO_SIDE_EFFECTS__ */
export function dictionary(entity: string): Field<Record<string, unknown>> {
  return {
    decode: (name) => mapOrJson(name, entity),
    rule: (name) => dictionaryRule(`${name} must be a dictionary`),
    write: (value) => (Object.keys(value).length > 0 ? writeNativeMap(value) : undefined),
  };
}

/**
 * A coordinate in `[-limit, limit]` or `null` (`{"N"}` or NULL; missing reads as `null`),
 * reporting `<name> out of range: X`; left out when `null`.
 */
/* @__NO_SIDE_EFFECTS__ */
export function coordinate(limit: number): Field<number | null> {
  const inRange = (value: number): boolean => value >= -limit && value <= limit;
  return {
    decode: () => nullableN,
    rule: (name) => {
      const message = (input: unknown): string => `${name} out of range: ${pythonRepr(input)}`;
      return nullable(number(message, check(inRange, message)));
    },
    write: writeUnlessNull(writeFloat),
  };
}

/** A boolean or `null` (`{"BOOL"}` or NULL; missing reads as `null`); left out when `null`. */
/* @__NO_SIDE_EFFECTS__ */
export function nullableFlag(): Field<boolean | null> {
  return {
    decode: () => nullableBOOL,
    rule: (name) => nullable(boolean(`${name} must be a boolean or None`)),
    write: writeUnlessNull(writeBool),
  };
}

/**
 * A number in `[0, 1]` (`{"N"}`, written as Python's `str(float)`), reporting `<name> must be
 * between 0.0 and 1.0, got X`.
 */
/* @__NO_SIDE_EFFECTS__ */
export function unitInterval(): Field<number> {
  const inRange = (value: number): boolean => value >= 0 && value <= 1;
  return {
    decode: () => N,
    rule: (name) => {
      const message = (input: unknown): string =>
        `${name} must be between 0.0 and 1.0, got ${pythonRepr(input)}`;
      return number(message, check(inRange, message));
    },
    write: writeFloat,
  };
}

/**
 * A Python `datetime` as its ISO string (`{"S"}`), kept verbatim, or `null` (then left out),
 * with the constructor's messages (`<name> must be a datetime`, `Invalid isoformat string`).
 */
/* @__NO_SIDE_EFFECTS__ */
export function nullableDatetime(): Field<string | null> {
  return {
    decode: () => S,
    rule: (name) => {
      const iso = check(isIsoTimestamp, (input) => `Invalid isoformat string: '${String(input)}'`);
      return nullable(string(`${name} must be a datetime`, iso));
    },
    write: writeUnlessNull(writeS),
  };
}
