import { formatPythonFloat } from '../validation/validators.js';
import type { JsonValue } from './types.js';

/** Characters that a Python ASCII-only JSON string keeps as they are: printable ASCII but `"` and `\`. */
const NEEDS_ESCAPE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;
const HEX = '0123456789abcdef';

/** Python's short escapes; every other control character becomes `\u00XX`. */
const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  34: '\\"',
  92: '\\\\',
  8: '\\b',
  12: '\\f',
  10: '\\n',
  13: '\\r',
  9: '\\t',
};

/** Escapes one string as `json.dumps` does with `ensure_ascii=True`, quotes included. */
const quote = (text: string): string => {
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
  let out = '"';
  let runStart = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x20 && code <= 0x7e && code !== 0x22 && code !== 0x5c) continue;
    if (i > runStart) out += text.slice(runStart, i);
    // UTF-16 code units map one to one onto Python's escapes, astral characters
    // included: Python also writes them as a surrogate pair of `\uXXXX` escapes.
    out +=
      SHORT_ESCAPES[code] ??
      `\\u${HEX[(code >> 12) & 15]}${HEX[(code >> 8) & 15]}${HEX[(code >> 4) & 15]}${HEX[code & 15]}`;
    runStart = i + 1;
  }
  if (runStart < text.length) out += text.slice(runStart);
  return `${out}"`;
};

/** The length of one UTF-16 code unit once escaped by {@link quote}. */
const escapedUnitLength = (code: number): number => {
  if (code >= 0x20 && code <= 0x7e) return code === 0x22 || code === 0x5c ? 2 : 1;
  return SHORT_ESCAPES[code] === undefined ? 6 : 2;
};

/**
 * The length of `text` once escaped as a Python ASCII-only JSON string, quotes excluded;
 * also its size in bytes, since the escaped text is ASCII.
 * @internal
 */
export const escapedLength = (text: string): number => {
  let length = 0;
  for (let i = 0; i < text.length; i++) length += escapedUnitLength(text.charCodeAt(i));
  return length;
};

/**
 * The length of the longest prefix of `text` whose escaped form fits in `budget` bytes,
 * never ending between the two halves of a surrogate pair.
 * @internal
 */
export const escapedPrefixLength = (text: string, budget: number): number => {
  let used = 0;
  let end = 0;
  while (end < text.length) {
    const code = text.charCodeAt(end);
    const next = text.charCodeAt(end + 1);
    const pair = code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
    const units = pair ? 2 : 1;
    const cost = pair ? 12 : escapedUnitLength(code);
    if (used + cost > budget) break;
    used += cost;
    end += units;
  }
  return end;
};

/**
 * Prints a safe integer as Python prints an `int`, and any other number as Python's
 * `repr(float)`. Integral values past 2^53 are not exact in JavaScript, so they print as
 * the float they are (`1e+16`, `9007199254740994.0`).
 */
const formatNumber = (value: number): string => {
  if (Number.isSafeInteger(value)) return String(value);
  if (!Number.isFinite(value)) {
    throw new RangeError(
      `Cannot encode ${value} as JSON: Python would write the non-standard token ${formatPythonFloat(value)}, which JSON parsers reject`,
    );
  }
  return formatPythonFloat(value);
};

const encode = (value: unknown): string => {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return formatNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        if (value.length === 0) return '[]';
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ', ';
          const item: unknown = value[i];
          out += item === undefined ? 'null' : encode(item);
        }
        return `${out}]`;
      }
      let out = '{';
      let first = true;
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        const item: unknown = (value as Record<string, unknown>)[key];
        if (item === undefined) continue;
        out += first ? quote(key) : `, ${quote(key)}`;
        out += `: ${encode(item)}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      throw new TypeError(`Object of type ${typeof value} is not JSON serializable`);
  }
};

/**
 * Serialises a JSON value byte for byte as Python's `json.dumps(value)` does with its
 * defaults, so bodies written here and by the Python producer are interchangeable:
 *
 * - separators `", "` and `": "`; no newlines or indentation;
 * - `ensure_ascii=True`: every character outside printable ASCII is escaped as a
 *   lowercase `\uXXXX` (characters beyond the BMP as a surrogate pair), with Python's
 *   short forms for `\" \\ \b \f \n \r \t`; the output is therefore pure ASCII;
 * - object keys in insertion order.
 *
 * Numbers: a safe integer prints as an integer (`1`, `-42`), as a Python `int` would. A
 * Python `float` with an integral value would print `1.0` instead; the two parse to the
 * same value, so only byte comparisons of such bodies differ. Every other number prints as
 * Python's `repr(float)` (`0.5`, `1e-05`, `1e+16`). Non-finite numbers throw a `RangeError`
 * (Python would write `NaN`/`Infinity`, which `JSON.parse` rejects). As in
 * `JSON.stringify`, object properties whose value is `undefined` are left out and
 * `undefined` array items print as `null`.
 *
 * @param value - the value to serialise
 * @returns the JSON text, ASCII only
 * @throws {RangeError} when the value holds a number that is not finite
 * @example
 * ```ts
 * import { toPythonJson } from '@receipt-chroma/dynamo-stream';
 *
 * toPythonJson({ name: 'Café', ids: [1, 2] }); // '{"name": "Caf\\u00e9", "ids": [1, 2]}'
 * ```
 */
export const toPythonJson = (value: JsonValue): string => encode(value);

/**
 * Like {@link toPythonJson} but takes any value; throws a TypeError for values JSON
 * cannot hold (functions, symbols, a top-level `undefined`).
 * @internal
 */
export const toPythonJsonUnchecked = (value: unknown): string => encode(value);
