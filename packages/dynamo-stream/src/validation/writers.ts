import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '../types.js';
import type { BoundingBox, Point } from './attributes.js';
import { formatDecimal, formatPythonFloat } from './validators.js';

/**
 * Writers from native values to raw attribute values: the inverse of the codecs in
 * `attributes.ts`, with the Python entities' number formatting, so items this package
 * writes are byte-compatible with the Python writers'.
 */

/** A string → `{"S": v}`. */
export const writeS = (value: string): AttributeValue => ({ S: value });

/** A string or `null` → `{"S": v}` or `{"NULL": true}`. */
export const writeNullableS = (value: string | null): AttributeValue =>
  value === null ? { NULL: true } : { S: value };

/** An integer → `{"N": "42"}`. */
export const writeInt = (value: number): AttributeValue => ({ N: String(value) });

/** A float as Python's `str(float)` prints it → `{"N": "0.85"}`. */
export const writeFloat = (value: number): AttributeValue => ({ N: formatPythonFloat(value) });

/** A number or `null` as Python's `str(float)` → `{"N": …}` or `{"NULL": true}`. */
export const writeNullableFloat = (value: number | null): AttributeValue =>
  value === null ? { NULL: true } : writeFloat(value);

/** A number with exactly `places` decimals, rounded half up → `{"N": "0.96"}`. */
export const writeDecimal = (value: number, places: number): AttributeValue => ({
  N: formatDecimal(value, places),
});

/** A boolean → `{"BOOL": v}`. */
export const writeBool = (value: boolean): AttributeValue => ({ BOOL: value });

/** A point with `places` decimals per coordinate → `{"M": {"x": …, "y": …}}`. */
export const writePoint = (value: Point, places: number): AttributeValue => ({
  M: { x: writeDecimal(value.x, places), y: writeDecimal(value.y, places) },
});

/** A bounding box with `places` decimals per value. */
export const writeBoundingBox = (value: BoundingBox, places: number): AttributeValue => ({
  M: {
    x: writeDecimal(value.x, places),
    y: writeDecimal(value.y, places),
    width: writeDecimal(value.width, places),
    height: writeDecimal(value.height, places),
  },
});

/** Strings → `{"L": [{"S": …}, …]}`. */
export const writeStringList = (values: readonly string[]): AttributeValue => ({
  L: values.map(writeS),
});

/** Integers → `{"L": [{"N": …}, …]}`. */
export const writeIntList = (values: readonly number[]): AttributeValue => ({
  L: values.map(writeInt),
});

/** A string map → `{"M": {k: {"S": v}}}`; `null` → `{"NULL": true}`. */
export const writeNullableStringMap = (
  value: Readonly<Record<string, string>> | null,
): AttributeValue =>
  value === null
    ? { NULL: true }
    : { M: Object.fromEntries(Object.entries(value).map(([key, text]) => [key, writeS(text)])) };

/** A plain object → a native `{"M": …}` map (nested values marshalled). */
export const writeNativeMap = (value: Readonly<Record<string, unknown>>): AttributeValue => ({
  M: marshall(value, { removeUndefinedValues: true }) as Record<string, AttributeValue>,
});

/**
 * A writer that leaves the attribute out (`undefined`) when the value is `null`, for the
 * optional attributes Python writes only when set.
 */
export const writeUnlessNull =
  <T>(write: (value: T) => AttributeValue) =>
  (value: T | null): AttributeValue | undefined =>
    value === null ? undefined : write(value);
