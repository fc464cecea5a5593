import type { AttributeValue } from '../types.js';
import {
  type Codec,
  customIssue,
  INVALID,
  type Invalid,
  type IssueSink,
  isObject,
} from './attributes.js';
import { formatPythonFloat, parsePythonInt } from './validators.js';

/**
 * Lenient decoders shared by the place, metadata, summary and compaction entity schemas,
 * for the attributes the Python readers take only when they have the expected type.
 */

/** Prints a value the way a Python f-string would in an error message. */
export const pythonRepr = (value: unknown): string => {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'number') return formatPythonFloat(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
};

const isAttributeValue = isObject as (value: unknown) => value is AttributeValue;

/**
 * A decoder from any attribute value (or its absence) through `decode`, for readers that
 * dispatch on the attribute's type themselves. A present value that is not an object is
 * reported (`expected a DynamoDB attribute value`); `decode` reports its own problems by
 * pushing issues and returning {@link INVALID}.
 * @internal
 */
export const rawAttribute =
  <T>(decode: (value: AttributeValue | undefined, issues: IssueSink) => T | Invalid): Codec<T> =>
  (value, issues) => {
    if (value === undefined || isAttributeValue(value)) return decode(value, issues);
    issues.push({
      code: 'custom',
      path: [],
      message: 'expected a DynamoDB attribute value',
      input: value,
    });
    return INVALID;
  };

/**
 * The string of an `{"S": …}` attribute; any other type, `NULL` or absence → `null`.
 * Mirrors the Python readers that only look at `item[name].get("S")`.
 */
export const looseS: Codec<string | null> = /* @__PURE__ */ rawAttribute((value) =>
  value !== undefined && typeof value.S === 'string' ? value.S : null,
);

/**
 * The integer of an `{"N": …}` attribute, or `null` when the attribute is absent, `NULL`,
 * of another type, or not an integer (Python's `_get_n` falls back to its default).
 */
export const looseInt: Codec<number | null> = /* @__PURE__ */ rawAttribute((value) =>
  value !== undefined && typeof value.N === 'string' ? (parsePythonInt(value.N) ?? null) : null,
);

/**
 * A reader for `{"N": …}` attributes that reports `<name> must contain a valid number`
 * when the text is not a finite number; absence, `NULL` or another type → `null`.
 */
export const looseNumber = (name: string): Codec<number | null> =>
  rawAttribute((value, issues) => {
    if (value === undefined || typeof value.N !== 'string') return null;
    const parsed = value.N.trim() === '' ? Number.NaN : Number(value.N);
    if (Number.isFinite(parsed)) return parsed;
    return customIssue(issues, `${name} must contain a valid number`, value.N);
  });
