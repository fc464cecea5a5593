import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod/mini';
import type { ValidationIssue } from '../errors.js';
import type { AttributeValue, DynamoDBItem } from '../types.js';
import { invalidTypeMessage } from './invalidType.js';
import { parsePythonInt } from './validators.js';

/**
 * Decoders from raw DynamoDB attribute values (`{"S": …}`, `{"N": …}`, …) to native values,
 * and {@link itemParser}, which turns a shape of them into one parser per item type.
 *
 * A decoder is a plain function: it returns the native value, or {@link INVALID} after
 * pushing an issue whose path is relative to the attribute (`[]`, `['M', 'x']`); the item
 * schema prefixes the attribute name, so an issue's path names the attribute that is
 * wrong (`['width']`, `['top_left', 'M', 'x']`). A missing attribute reports
 * "missing required attribute". Decoding a valid value allocates nothing but the value.
 */

/** An issue as a decoder or rule reports it: a {@link ValidationIssue} whose path may be left out, with the input. */
export interface RawIssue {
  /** The kind of problem, as {@link ValidationIssue.code} lists them. */
  readonly code: 'invalid_type' | 'unrecognized_keys' | 'invalid_union' | 'custom';
  /** Why, in words. */
  readonly message: string;
  /** Where below the value checked; `[]` when left out. */
  path?: PropertyKey[] | undefined;
  /** The value found; for messages that quote it, never handed out. */
  readonly input?: unknown;
}

/** The issues of the parse in progress; decoders and rules push theirs here. */
export type IssueSink = RawIssue[];

/** What a decoder returns after reporting an issue. */
export const INVALID: unique symbol = Symbol('INVALID');

/** {@link INVALID}'s type. */
export type Invalid = typeof INVALID;

/**
 * A decoder from one raw attribute value (`undefined` when the attribute is missing) to a
 * native value: the value, or {@link INVALID} after pushing an issue to `issues`.
 */
export type Codec<T> = (value: unknown, issues: IssueSink) => T | Invalid;

/** A non-null, non-array object (what zod's `z.object` accepts). @internal */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Puts `key` in front of the paths of the issues from `start` on, as zod does for an
 * object property (a decoder reports paths relative to its own value).
 * @internal
 */
export const prefixIssues = (issues: IssueSink, start: number, key: PropertyKey): void => {
  for (let index = start; index < issues.length; index += 1) {
    const issue = issues[index] as { path?: PropertyKey[] };
    if (issue.path === undefined) issue.path = [key];
    else issue.path.unshift(key);
  }
};

/** Decodes `source[key]` with `codec`, reporting issues below `key`. */
const decodeProperty = <T>(
  codec: Codec<T>,
  source: Record<string, unknown>,
  key: string,
  issues: IssueSink,
): T | Invalid => {
  const start = issues.length;
  const value = codec(source[key], issues);
  if (issues.length !== start) prefixIssues(issues, start, key);
  return value;
};

const describe = (input: unknown, expected: string): string =>
  input === undefined ? 'missing required attribute' : `expected ${expected}`;

/** An attribute value that is not an object: zod's `invalid_type` issue, with our message. */
const notAnObject = (issues: IssueSink, input: unknown, expected: string): Invalid => {
  issues.push({
    code: 'invalid_type',
    path: [],
    message: describe(input, expected),
    input,
  });
  return INVALID;
};

/** A wrong type below the attribute (`{"S": 5}`), with zod's English message. */
const wrongType = (
  issues: IssueSink,
  expected: 'string' | 'boolean',
  input: unknown,
  key: string,
): Invalid => {
  issues.push({
    code: 'invalid_type',
    path: [key],
    message: invalidTypeMessage(expected, input),
    input,
  });
  return INVALID;
};

/**
 * None of the accepted forms matched. zod listed each form's own issues in `errors`;
 * these decoders do not build them (only the message and path were ever meaningful).
 */
const noForm = (issues: IssueSink, input: unknown, message: string): Invalid => {
  issues.push({ code: 'invalid_union', path: [], message, input });
  return INVALID;
};

/** Reports a custom problem with the attribute's value and returns {@link INVALID}. @internal */
export const customIssue = (issues: IssueSink, message: string, input: unknown): Invalid => {
  issues.push({ code: 'custom', message, input });
  return INVALID;
};

/** `"1.5"` → 1.5; blank, non-numeric or non-finite text → `undefined`. */
const finiteNumber = (text: string): number | undefined => {
  const parsed = Number(text);
  if (parsed === 0 && text.trim() === '') return undefined;
  return Number.isFinite(parsed) ? parsed : undefined;
};

/** `{"S": string}` → the string. */
export const S: Codec<string> = (value, issues) => {
  if (!isObject(value)) return notAnObject(issues, value, '{"S": string}');
  const text = value['S'];
  return typeof text === 'string' ? text : wrongType(issues, 'string', text, 'S');
};

/**
 * Like `codec`, but a missing attribute reads as `undefined` (and is left out of the
 * decoded item) instead of being an issue.
 */
export const optional =
  <T>(codec: Codec<T>): Codec<T | undefined> =>
  (value, issues) =>
    value === undefined ? undefined : codec(value, issues);

/**
 * `{"S": string}`, `{"NULL": true}` or a missing attribute → the string or `null`.
 */
export const nullableS: Codec<string | null> = (value, issues) => {
  if (value === undefined) return null;
  if (isObject(value)) {
    const text = value['S'];
    if (typeof text === 'string') return text;
    if (value['NULL'] === true) return null;
  }
  return noForm(issues, value, 'expected {"S": string} or {"NULL": true}');
};

/** `{"N": "1.5"}` → a finite number. */
export const N: Codec<number> = (value, issues) => {
  if (!isObject(value)) return notAnObject(issues, value, '{"N": string}');
  const text = value['N'];
  if (typeof text !== 'string') return wrongType(issues, 'string', text, 'N');
  const parsed = finiteNumber(text);
  return parsed === undefined
    ? customIssue(issues, `must be a finite number, got ${JSON.stringify(text)}`, value)
    : parsed;
};

/** `{"N": "00042"}` → 42, parsed like Python's `int()` (so `"1.0"` is rejected). */
export const intN: Codec<number> = (value, issues) => {
  if (!isObject(value)) return notAnObject(issues, value, '{"N": string}');
  const text = value['N'];
  if (typeof text !== 'string') return wrongType(issues, 'string', text, 'N');
  const parsed = parsePythonInt(text);
  return parsed === undefined
    ? customIssue(issues, `must be an integer, got ${JSON.stringify(text)}`, value)
    : parsed;
};

/** `{"N": …}`, `{"NULL": true}` or missing → a finite number or `null`. */
export const nullableN: Codec<number | null> = (value, issues) => {
  if (value === undefined) return null;
  if (isObject(value)) {
    const text = value['N'];
    const parsed = typeof text === 'string' ? finiteNumber(text) : undefined;
    if (parsed !== undefined) return parsed;
    if (value['NULL'] === true) return null;
  }
  return noForm(issues, value, 'expected {"N": string} or {"NULL": true}');
};

/** `{"BOOL": boolean}` → the boolean. */
export const BOOL: Codec<boolean> = (value, issues) => {
  if (!isObject(value)) return notAnObject(issues, value, '{"BOOL": boolean}');
  const flag = value['BOOL'];
  return typeof flag === 'boolean' ? flag : wrongType(issues, 'boolean', flag, 'BOOL');
};

/** `{"BOOL": boolean}`, `{"NULL": true}` or missing → the boolean or `null`. */
export const nullableBOOL: Codec<boolean | null> = (value, issues) => {
  if (value === undefined) return null;
  if (isObject(value)) {
    const flag = value['BOOL'];
    if (typeof flag === 'boolean') return flag;
    if (value['NULL'] === true) return null;
  }
  return noForm(issues, value, 'expected {"BOOL": boolean} or {"NULL": true}');
};

/** A 2-D point `{x, y}`. */
export interface Point {
  /** The horizontal coordinate. */
  x: number;
  /** The vertical coordinate. */
  y: number;
}

/** An axis-aligned box in normalised image coordinates. */
export interface BoundingBox {
  /** The horizontal position of the box's origin corner. */
  x: number;
  /** The vertical position of the box's origin corner. */
  y: number;
  /** The box's width. */
  width: number;
  /** The box's height. */
  height: number;
}

/**
 * The map of a `{"M": {…}}` attribute with exactly `keys`: reports a value that is not a
 * map, or keys outside `keys`, with `keysMessage` (at `['M']`). Returns the map, or
 * `undefined` when there is none.
 */
const exactMap = (
  value: unknown,
  issues: IssueSink,
  notAMapMessage: string,
  keysMessage: string,
): Record<string, unknown> | undefined => {
  if (!isObject(value)) {
    notAnObject(issues, value, notAMapMessage);
    return undefined;
  }
  const map = value['M'];
  if (!isObject(map)) {
    issues.push({
      code: 'invalid_type',
      path: ['M'],
      message: keysMessage,
      input: map,
    });
    return undefined;
  }
  return map;
};

/** Reports the keys of `map` outside `keys` (inherited ones too, as zod does). */
const rejectOtherKeys = (
  map: Record<string, unknown>,
  issues: IssueSink,
  keys: readonly string[],
  message: string,
): void => {
  let others: string[] | undefined;
  for (const key in map) {
    if (keys.includes(key)) continue;
    others ??= [];
    others.push(key);
  }
  if (others !== undefined) {
    issues.push({ code: 'unrecognized_keys', path: [], message, input: map });
  }
};

const POINT_KEYS: readonly string[] = ['x', 'y'];
const POINT_KEYS_MESSAGE = "point must contain exactly 'x' and 'y' keys";

/**
 * `{"M": {"x": {"N"}, "y": {"N"}}}` with exactly the keys `x` and `y` → a {@link Point}.
 * Extra keys are reported (`unrecognized_keys`) but still yield the point, so the item's
 * own checks run too, as they did with zod's strict object.
 */
export const point: Codec<Point> = (value, issues) => {
  const map = exactMap(value, issues, 'a point map {"M": {"x", "y"}}', POINT_KEYS_MESSAGE);
  if (map === undefined) return INVALID;
  const start = issues.length;
  const x = decodeProperty(N, map, 'x', issues);
  const y = decodeProperty(N, map, 'y', issues);
  rejectOtherKeys(map, issues, POINT_KEYS, POINT_KEYS_MESSAGE);
  if (issues.length !== start) prefixIssues(issues, start, 'M');
  return x === INVALID || y === INVALID ? INVALID : { x, y };
};

const BOX_KEYS: readonly string[] = ['x', 'y', 'width', 'height'];
const BOX_KEYS_MESSAGE = "bounding_box must contain exactly 'x', 'y', 'width' and 'height'";

/** `{"M": {x, y, width, height}}` with exactly those keys → a {@link BoundingBox}. */
export const boundingBox: Codec<BoundingBox> = (value, issues) => {
  const map = exactMap(value, issues, 'a bounding box map {"M": {…}}', BOX_KEYS_MESSAGE);
  if (map === undefined) return INVALID;
  const start = issues.length;
  const x = decodeProperty(N, map, 'x', issues);
  const y = decodeProperty(N, map, 'y', issues);
  const width = decodeProperty(N, map, 'width', issues);
  const height = decodeProperty(N, map, 'height', issues);
  rejectOtherKeys(map, issues, BOX_KEYS, BOX_KEYS_MESSAGE);
  if (issues.length !== start) prefixIssues(issues, start, 'M');
  return x === INVALID || y === INVALID || width === INVALID || height === INVALID
    ? INVALID
    : { x, y, width, height };
};

/** The strings of `[{"S": …}, …]`, or `undefined` when an element is not one. */
const stringsOfList = (list: readonly unknown[]): string[] | undefined => {
  const strings: string[] = new Array(list.length);
  for (let index = 0; index < list.length; index += 1) {
    const element = list[index];
    const text = isObject(element) ? element['S'] : undefined;
    if (typeof text !== 'string') return undefined;
    strings[index] = text;
  }
  return strings;
};

/** True when every element of `list` is a string. */
const isStringArray = (list: readonly unknown[]): list is string[] => {
  for (let index = 0; index < list.length; index += 1) {
    if (typeof list[index] !== 'string') return false;
  }
  return true;
};

/**
 * `{"L": [{"S"}…]}` or `{"SS": […]}` → a list of strings (a string set is sorted, since
 * sets have no order). Missing or `NULL` → an empty list.
 */
export const stringList: Codec<string[]> = (value, issues) => {
  if (value === undefined) return [];
  if (isObject(value)) {
    const list = value['L'];
    const strings = Array.isArray(list) ? stringsOfList(list) : undefined;
    if (strings !== undefined) return strings;
    const set = value['SS'];
    if (Array.isArray(set) && isStringArray(set)) return [...set].sort();
    if (value['NULL'] === true) return [];
  }
  return noForm(issues, value, 'expected a list of strings ({"L": [{"S": …}]} or {"SS": […]})');
};

/** The integers of `[{"N": …}, …]`, or `undefined` when an element is not one. */
const integersOfList = (list: readonly unknown[]): number[] | undefined => {
  const integers: number[] = new Array(list.length);
  for (let index = 0; index < list.length; index += 1) {
    const element = list[index];
    const text = isObject(element) ? element['N'] : undefined;
    const parsed = typeof text === 'string' ? parsePythonInt(text) : undefined;
    if (parsed === undefined) return undefined;
    integers[index] = parsed;
  }
  return integers;
};

/** The integers of a number set's texts, or `undefined` when one is not an integer. */
const integersOfSet = (set: readonly unknown[]): number[] | undefined => {
  const integers: number[] = new Array(set.length);
  for (let index = 0; index < set.length; index += 1) {
    const text = set[index];
    const parsed = typeof text === 'string' ? parsePythonInt(text) : undefined;
    if (parsed === undefined) return undefined;
    integers[index] = parsed;
  }
  return integers;
};

/** The integers of `{"L": [{"N"}…]}` or `{"NS": […]}`, or `undefined`. */
const integersOf = (value: unknown): number[] | undefined => {
  if (!isObject(value)) return undefined;
  const list = value['L'];
  const fromList = Array.isArray(list) ? integersOfList(list) : undefined;
  if (fromList !== undefined) return fromList;
  const set = value['NS'];
  return Array.isArray(set) ? integersOfSet(set) : undefined;
};

/** `{"L": [{"N"}…]}` or `{"NS": […]}` → a list of integers. */
export const intList: Codec<number[]> = (value, issues) =>
  integersOf(value) ??
  noForm(issues, value, describe(value, 'a list of numbers ({"L": [{"N": …}]})'));

/**
 * `{"L": [{"N"}…]}`, `{"NS": […]}`, `{"NULL": true}` or missing → a list of integers or
 * `null`.
 */
export const nullableIntList: Codec<number[] | null> = (value, issues) => {
  if (value === undefined) return null;
  const integers = integersOf(value);
  if (integers !== undefined) return integers;
  if (isObject(value) && value['NULL'] === true) return null;
  return noForm(issues, value, 'expected a list of numbers ({"L": [{"N": …}]}) or {"NULL": true}');
};

/**
 * True for what zod's `z.record` accepts as a plain object (zod's own test: no
 * constructor, a non-function one, or one whose prototype has `isPrototypeOf`).
 * @internal
 */
export const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (!isObject(value)) return false;
  const maker: unknown = value.constructor;
  if (maker === undefined || typeof maker !== 'function') return true;
  const prototype: unknown = maker.prototype;
  return isObject(prototype) && Object.hasOwn(prototype, 'isPrototypeOf');
};

/** The enumerable own string keys of a map zod's `z.record(z.string(), …)` reads. */
const recordKeys = (map: Record<string, unknown>): string[] | undefined =>
  Object.getOwnPropertySymbols(map).length === 0
    ? Object.keys(map).filter((key) => key !== '__proto__')
    : undefined;

/**
 * What `z.record(z.string(), z.unknown())` returns for `value`: a copy of a plain object's
 * own string keys (`__proto__` left out), or `undefined` for anything it rejects (not a
 * plain object, or symbol keys).
 * @internal
 */
export const recordCopy = (value: unknown): Record<string, unknown> | undefined => {
  const keys = isPlainObject(value) ? recordKeys(value) : undefined;
  if (keys === undefined) return undefined;
  const copy: Record<string, unknown> = {};
  for (const key of keys) copy[key] = (value as Record<string, unknown>)[key];
  return copy;
};

const UNUSUAL: unique symbol = Symbol('unusual');

/** A native value of an attribute value in the common forms, or {@link UNUSUAL}. */
const commonNative = (data: unknown): unknown => {
  if (!isObject(data)) return UNUSUAL;
  for (const key in data) {
    if (!Object.hasOwn(data, key)) return UNUSUAL;
    const value = data[key];
    if (value === undefined) continue;
    switch (key) {
      case 'S':
        return typeof value === 'string' ? value : UNUSUAL;
      case 'NULL':
        return null;
      case 'BOOL':
        return typeof value === 'boolean' ? value : UNUSUAL;
      case 'N': {
        const number = typeof value === 'string' ? Number(value) : Number.NaN;
        return Number.isSafeInteger(number) ||
          (Number.isFinite(number) && !Number.isInteger(number))
          ? number
          : UNUSUAL;
      }
      case 'L': {
        if (!Array.isArray(value)) return UNUSUAL;
        const list: unknown[] = new Array(value.length);
        for (let index = 0; index < value.length; index += 1) {
          const item = commonNative(value[index]);
          if (item === UNUSUAL) return UNUSUAL;
          list[index] = item;
        }
        return list;
      }
      case 'M':
        return commonMap(value);
      default:
        return UNUSUAL;
    }
  }
  return UNUSUAL;
};

/** {@link commonNative} of every value of a map, or {@link UNUSUAL}. */
const commonMap = (map: unknown): Record<string, unknown> | typeof UNUSUAL => {
  if (!isPlainObject(map)) return UNUSUAL;
  const result: Record<string, unknown> = {};
  for (const key in map) {
    if (!Object.hasOwn(map, key) || key === '__proto__') return UNUSUAL;
    const value = commonNative(map[key]);
    if (value === UNUSUAL) return UNUSUAL;
    result[key] = value;
  }
  return result;
};

/**
 * `unmarshall(map)` of `@aws-sdk/util-dynamodb`, with the common attribute types (`S`,
 * `N` within the safe range, `BOOL`, `NULL`, `L`, `M`) converted directly; anything else
 * (sets, binary, big numbers, malformed values) goes to `unmarshall`, which also throws
 * its errors as before.
 * @internal
 */
export const unmarshallMap = (map: Record<string, unknown>): Record<string, unknown> => {
  const common = commonMap(map);
  return common === UNUSUAL
    ? (unmarshall(map as Record<string, AttributeValue> as never) as Record<string, unknown>)
    : common;
};

/** Attribute names mapped to their decoders. */
export type ItemShape = Readonly<Record<string, Codec<unknown>>>;

/** The decoded attributes of an {@link ItemShape}. */
export type Decoded<Shape extends ItemShape> = {
  -readonly [Key in keyof Shape]: Shape[Key] extends Codec<infer T> ? T : never;
};

/** What an item schema checks before any attribute is decoded. */
export interface ItemGuardOptions {
  /** Attributes that must be present; each missing one is an issue at its own path. */
  readonly required: readonly string[];
  /** The Python reader's message prefix, e.g. `Item is missing required keys`. */
  readonly missingMessage: string;
  /**
   * When given, every other attribute is an issue (`unexpected attribute 'rating'`).
   * @default any attribute is accepted
   */
  readonly allowed?: ReadonlySet<string> | undefined;
}

const NOT_AN_ITEM = 'expected a DynamoDB item (an object of attribute values)';

/** The guard's issues: missing required attributes, then unexpected ones. */
const guardItem = (
  item: Record<string, unknown>,
  guard: ItemGuardOptions,
  issues: IssueSink,
): void => {
  for (const key of guard.required) {
    if (item[key] === undefined) {
      issues.push({
        code: 'custom',
        path: [key],
        message: `${guard.missingMessage}: {'${key}'}`,
        input: item,
      });
    }
  }
  const allowed = guard.allowed;
  if (allowed === undefined) return;
  for (const key of Object.keys(item)) {
    if (!allowed.has(key)) {
      issues.push({
        code: 'custom',
        path: [key],
        message: `unexpected attribute '${key}'`,
        input: item,
      });
    }
  }
};

/** True when some issue from `start` on is more than an unrecognized key. */
const failsFrom = (issues: IssueSink, start: number): boolean => {
  for (let index = start; index < issues.length; index += 1) {
    if (issues[index]?.code !== 'unrecognized_keys') return true;
  }
  return false;
};

/**
 * A plain-code item parser: what the stream pipeline parses images with (no zod on that
 * path), and what an item schema wraps. `parseInto` returns the entity, or {@link INVALID}
 * after pushing issues; `safeParse` has the shape of zod's, with issues as zod reports
 * them (no `input`).
 */
export interface ItemParser<Entity> {
  /**
   * Parses into `issues`: the entity, or {@link INVALID} after pushing issues. (Not zod's
   * throwing `parse`: an item parser has only `safeParse` of zod's API.)
   */
  readonly parseInto: (item: unknown, issues: IssueSink) => Entity | Invalid;
  /** The same `parseInto`, under a key only this package's parsers have. */
  readonly [ITEM_PARSE]: (item: unknown, issues: IssueSink) => Entity | Invalid;
  /** The attribute-by-attribute parse alone, without the `fast` shortcut (for tests). */
  readonly full: (item: unknown, issues: IssueSink) => Entity | Invalid;
  /** The shortcut for valid items, when the parser has one (for tests). */
  readonly fast: ((item: Record<string, unknown>) => Entity | undefined) | undefined;
  /** Parses an item without throwing, with the shape of zod's `safeParse`. */
  readonly safeParse: (item: unknown) =>
    | {
        /** The item is valid. */
        readonly success: true;
        /** The entity. */
        readonly data: Entity;
      }
    | {
        /** The item is invalid. */
        readonly success: false;
        /** Why: the issues, with attribute paths. */
        readonly error: {
          /** Every problem found, with attribute paths. */
          readonly issues: ValidationIssue[];
        };
      };
}

/**
 * An item parser built by `build` on its first use, so that declaring an entity costs little
 * when a module loads and nothing for an entity never parsed. @internal
 */
export const lazyItemParser = <Entity>(
  build: () => ItemParser<Entity>,
  fast: ((item: Record<string, unknown>) => Entity | undefined) | undefined,
): ItemParser<Entity> => {
  let parser: ItemParser<Entity> | undefined;
  const parseInto = (item: unknown, issues: IssueSink): Entity | Invalid => {
    parser ??= build();
    return parser.parseInto(item, issues);
  };
  return {
    parseInto,
    [ITEM_PARSE]: parseInto,
    full: (item, issues) => {
      parser ??= build();
      return parser.full(item, issues);
    },
    fast,
    safeParse: (item) => {
      parser ??= build();
      return parser.safeParse(item);
    },
  };
};

/**
 * Marks this package's item parsers, so the stream pipeline can call `parseInto` directly
 * (a zod schema has a `parse` too, with another signature). @internal
 */
export const ITEM_PARSE: unique symbol = Symbol('receipt-chroma.itemParse');

/** Issues as zod hands them out: the input left out, the path `[]` when none was set. @internal */
export const finalizeIssues = (issues: IssueSink): ValidationIssue[] =>
  issues.map(({ code, path, message }) => ({ code, path: path ?? [], message }));

/**
 * Builds an item parser that decodes each attribute of `shape` with its decoder, then
 * lets `build` turn the decoded attributes into the entity, reporting problems by pushing
 * issues (and returning {@link INVALID}). `build` runs only when every attribute decoded
 * (issues about extra keys in a point or box map do not stop it); the parse fails when
 * any issue was pushed. `build` may add properties to `decoded` and may return it, but
 * must not otherwise keep it: unless returned, the object is reused by the next parse.
 * Unknown attributes are ignored (GSI keys, `TYPE`, legacy attributes) unless
 * `guard.allowed` lists the accepted ones; with a `guard`, the required attributes are
 * checked first and nothing is decoded when one is missing. `fast`, when given, is a
 * plain-code shortcut for valid items: it returns exactly what the full parse would return
 * for an item it is sure about, and `undefined` otherwise (the full parse then decides and
 * reports).
 * @internal
 */
export const itemParser = <Shape extends ItemShape, Entity>(
  shape: Shape,
  build: (decoded: Decoded<Shape>, issues: IssueSink) => Entity | Invalid,
  guard?: ItemGuardOptions,
  fast?: (item: Record<string, unknown>) => Entity | undefined,
): ItemParser<Entity> => {
  const keys = Object.keys(shape);
  const codecs = keys.map((key) => shape[key] as Codec<unknown>);
  // The decoded attributes of one parse. The object is reused by the next parse (so after
  // the first one, decoding is stores to existing properties instead of building a new
  // object key by key); `build` must therefore not keep it. A nested parse with the same
  // parser (none happens today) gets its own object.
  let scratch: Record<string, unknown> | undefined = {};
  const full = (item: unknown, issues: IssueSink): Entity | Invalid => {
    const start = issues.length;
    if (!isObject(item)) {
      issues.push(
        guard === undefined
          ? {
              code: 'invalid_type',
              path: [],
              message: NOT_AN_ITEM,
              input: item,
            }
          : { code: 'custom', path: [], message: NOT_AN_ITEM, input: item },
      );
      return INVALID;
    }
    if (guard !== undefined) {
      guardItem(item, guard, issues);
      if (issues.length !== start) return INVALID;
    }
    const decoded = scratch ?? {};
    scratch = undefined;
    let entity: Entity | Invalid = INVALID;
    try {
      for (let index = 0; index < keys.length; index += 1) {
        const key = keys[index] as string;
        const before = issues.length;
        // An absent optional attribute decodes to (and is stored as) `undefined`.
        decoded[key] = (codecs[index] as Codec<unknown>)(item[key], issues);
        if (issues.length !== before) prefixIssues(issues, before, key);
      }
      if (issues.length !== start && failsFrom(issues, start)) return INVALID;
      entity = build(decoded as Decoded<Shape>, issues);
      return issues.length === start ? entity : INVALID;
    } finally {
      // A build that returns the decoded object itself hands it over: it is not reused.
      if ((entity as unknown) !== decoded) scratch = decoded;
    }
  };
  const parse =
    fast === undefined
      ? full
      : (item: unknown, issues: IssueSink): Entity | Invalid =>
          (isObject(item) ? fast(item) : undefined) ?? full(item, issues);
  return {
    parseInto: parse,
    [ITEM_PARSE]: parse,
    full,
    fast,
    safeParse: (item) => {
      const issues: IssueSink = [];
      const entity = parse(item, issues);
      return entity === INVALID
        ? { success: false, error: { issues: finalizeIssues(issues) } }
        : { success: true, data: entity };
    },
  };
};

/**
 * The zod schema of an item parser, for users who compose zod schemas: it reports the
 * parser's issues unchanged.
 * @internal
 */
/* @__NO_SIDE_EFFECTS__ */
export function zodItemSchema<Entity>(
  parser: ItemParser<Entity>,
): z.ZodMiniType<Entity, DynamoDBItem> {
  return z.transform((item: unknown, ctx): Entity => {
    const issues: IssueSink = [];
    const entity = parser.parseInto(item, issues);
    for (const issue of issues) ctx.issues.push(issue as z.core.$ZodRawIssue);
    return entity === INVALID ? z.NEVER : entity;
  }) as unknown as z.ZodMiniType<Entity, DynamoDBItem>;
}
