import {
  type Codec,
  customIssue,
  INVALID,
  type Invalid,
  type IssueSink,
  isObject,
  prefixIssues,
  recordCopy,
} from './attributes.js';
import { invalidTypeMessageFor } from './invalidType.js';

/**
 * A small plain-code rule kit for the entity rules: each rule is a {@link Codec} (a value
 * in, the parsed value or {@link INVALID} out, issues pushed with paths relative to the
 * value). The kit mirrors the few zod behaviours the Python entities' rules need: objects
 * that keep only their known keys in shape order and report every bad field, nullable and
 * defaulted fields, checks that all run once the type is right. Validating an entity
 * therefore needs no zod at all, so zod stays off the stream handler's path; the exported
 * `…Schema` values wrap these rules for zod users.
 */

/** A rule's message: fixed, or built from the rejected input. */
export type Message = string | ((input: unknown) => string);

/** A check on a value of the right type: a predicate and the message when it fails. */
export interface Check<T> {
  readonly test: (value: T) => boolean;
  readonly message: Message;
}

const textOf = (message: Message, input: unknown): string =>
  typeof message === 'string' ? message : message(input);

/** Pushes a `custom` issue at the value and returns {@link INVALID}. @internal */
export const reject = (issues: IssueSink, message: Message, input: unknown): Invalid =>
  customIssue(issues, textOf(message, input), input);

/** Pushes an `invalid_type` issue at the value and returns {@link INVALID}. */
const wrongType = (issues: IssueSink, message: Message, input: unknown): Invalid => {
  issues.push({ code: 'invalid_type', path: [], message: textOf(message, input), input });
  return INVALID;
};

/** Runs `checks` on a value of the right type; every failing check is reported. */
const runChecks = <T>(value: T, checks: readonly Check<T>[], issues: IssueSink): T | Invalid => {
  let valid = true;
  for (const check of checks) {
    if (!check.test(value)) {
      reject(issues, check.message, value);
      valid = false;
    }
  }
  return valid ? value : INVALID;
};

/** A check: `test` must hold, else `message`. */
export const check = <T>(test: (value: T) => boolean, message: Message): Check<T> => ({
  test,
  message,
});

/** At least `min` characters or items. */
export const minLength = (min: number, message: Message): Check<{ readonly length: number }> => ({
  test: (value) => value.length >= min,
  message,
});

/** A string, then `checks`. */
export const string =
  (message: Message, ...checks: Check<string>[]): Codec<string> =>
  (value, issues) =>
    typeof value === 'string'
      ? runChecks(value, checks, issues)
      : wrongType(issues, message, value);

/** A finite number (what `z.number()` accepts), then `checks`. */
export const number =
  (message: Message, ...checks: Check<number>[]): Codec<number> =>
  (value, issues) =>
    typeof value === 'number' && Number.isFinite(value)
      ? runChecks(value, checks, issues)
      : wrongType(issues, message, value);

/**
 * A safe integer (what `z.int()` accepts), then `checks`. As in zod, an integer outside
 * the safe range is reported and the checks still run (each failing one is reported too).
 */
export const int =
  (message: Message, ...checks: Check<number>[]): Codec<number> =>
  (value, issues) => {
    if (Number.isSafeInteger(value)) return runChecks(value as number, checks, issues);
    if (!Number.isInteger(value)) return wrongType(issues, message, value);
    reject(issues, message, value);
    runChecks(value as number, checks, issues);
    return INVALID;
  };

/** A boolean. */
export const boolean =
  (message: Message): Codec<boolean> =>
  (value, issues) =>
    typeof value === 'boolean' ? value : wrongType(issues, message, value);

/** One of `values` (compared with `===`). */
export const oneOf = <const T extends string>(values: readonly T[], message: Message): Codec<T> => {
  const allowed: ReadonlySet<unknown> = new Set(values);
  return (value, issues) => (allowed.has(value) ? (value as T) : reject(issues, message, value));
};

/** `null` passes as `null`; anything else goes to `rule`. */
export const nullable =
  <T>(rule: Codec<T>): Codec<T | null> =>
  (value, issues) =>
    value === null ? null : rule(value, issues);

/**
 * `undefined` gives `fallback` (a fresh shallow copy when it is an array or object, as
 * zod's `_default` does); anything else goes to `rule`.
 */
export const withDefault = <T>(rule: Codec<T>, fallback: T): Codec<T> => {
  if (Array.isArray(fallback)) {
    return (value, issues) => (value === undefined ? ([...fallback] as T) : rule(value, issues));
  }
  if (fallback !== null && typeof fallback === 'object') {
    return (value, issues) => (value === undefined ? { ...fallback } : rule(value, issues));
  }
  return (value, issues) => (value === undefined ? fallback : rule(value, issues));
};

/** `rule`, then `transform` on its output when it passed. */
export const map =
  <T, U>(rule: Codec<T>, transform: (value: T) => U): Codec<U> =>
  (value, issues) => {
    const parsed = rule(value, issues);
    return parsed === INVALID ? INVALID : transform(parsed);
  };

/** `rule`, then `checks` on its output when it passed (each failing check is reported). */
export const refine =
  <T>(rule: Codec<T>, ...checks: Check<T>[]): Codec<T> =>
  (value, issues) => {
    const parsed = rule(value, issues);
    return parsed === INVALID ? INVALID : runChecks(parsed, checks, issues);
  };

/**
 * An array whose elements all pass `element` (issues at `[index, …]`), then `checks` on the
 * new array. Anything but an array reports `message`.
 */
export const array =
  <T>(element: Codec<T>, message: Message, ...checks: Check<T[]>[]): Codec<T[]> =>
  (value, issues) => {
    if (!Array.isArray(value)) return wrongType(issues, message, value);
    const result: T[] = new Array(value.length);
    let valid = true;
    for (let index = 0; index < value.length; index += 1) {
      const start = issues.length;
      const parsed = element(value[index], issues);
      if (parsed === INVALID) {
        prefixIssues(issues, start, index);
        valid = false;
      } else result[index] = parsed;
    }
    return valid ? runChecks(result, checks, issues) : INVALID;
  };

/**
 * A plain object with string keys and any values (`z.record(z.string(), z.unknown())`),
 * copied key by key (`__proto__` is dropped). Anything else reports `message`.
 */
export const dictionary =
  (message: Message): Codec<Record<string, unknown>> =>
  (value, issues) =>
    recordCopy(value) ?? wrongType(issues, message, value);

/** The fields of an object rule, in the order they are checked and output. */
export type Shape = Readonly<Record<string, Codec<unknown>>>;

/** The parsed object of a {@link Shape}. */
export type ShapeOutput<S extends Shape> = {
  -readonly [K in keyof S]: S[K] extends Codec<infer T> ? T : never;
};

/** Options of {@link object}. */
export interface ObjectOptions {
  /** The message for a value that is not an object; default: zod's English message. */
  readonly notAnObject?: Message | undefined;
  /** Reject keys outside the shape, with this message (as `z.strictObject` does). */
  readonly unknownKeys?: Message | undefined;
}

/**
 * An object checked field by field in shape order: every bad field is reported at
 * `[field, …]`, the output holds the shape's fields only (in shape order), and a field
 * that is absent and whose rule yields `undefined` is left out (zod's rule). With `unknownKeys`, keys outside the shape
 * are an issue reported after the fields'.
 */
export const object = <S extends Shape>(
  shape: S,
  options: ObjectOptions = {},
): Codec<ShapeOutput<S>> => {
  const keys = Object.keys(shape);
  const rules = keys.map((key) => shape[key] as Codec<unknown>);
  const { notAnObject = invalidTypeMessageFor('object'), unknownKeys } = options;
  const known: ReadonlySet<string> = new Set(keys);
  return (value, issues) => {
    if (!isObject(value)) return wrongType(issues, notAnObject, value);
    const output: Record<string, unknown> = {};
    let valid = true;
    for (let index = 0; index < keys.length; index += 1) {
      const key = keys[index] as string;
      const start = issues.length;
      const parsed = (rules[index] as Codec<unknown>)(value[key], issues);
      if (parsed === INVALID) {
        prefixIssues(issues, start, key);
        valid = false;
      } else if (parsed !== undefined || key in value) output[key] = parsed;
    }
    if (unknownKeys !== undefined) {
      const extra = Object.keys(value).filter((key) => !known.has(key));
      if (extra.length > 0) {
        issues.push({
          code: 'unrecognized_keys',
          path: [],
          message: textOf(unknownKeys, value),
          input: value,
        });
        valid = false;
      }
    }
    return valid ? (output as ShapeOutput<S>) : INVALID;
  };
};
