import * as z from 'zod/mini';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * True when `value` is a version 4 or 5 UUID (any case), the ids the table uses for
 * images, compaction runs and lock owners.
 */
export const isValidUuid = (value: unknown): value is string =>
  typeof value === 'string' && UUID_PATTERN.test(value);

/** A version 4 or 5 UUID string; the message matches the Python entities'. */
export const UuidSchema: z.ZodMiniString<string> = /* @__PURE__ */ (() =>
  z
    .string({ error: 'uuid must be a string' })
    .check(z.regex(UUID_PATTERN, { error: 'uuid must be a valid UUIDv4' })))();

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const DATE_EXTENDED = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_BASIC = /^(\d{4})(\d{2})(\d{2})$/;
const WEEK_DATE = /^(\d{4})-?W(\d{2})(?:-?([1-7]))?$/;
const TIME = /^(\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?$/;
const OFFSET = /^(?:Z|[+-](\d{2})(?::?(\d{2})(?::?(\d{2})(?:\.\d{1,6})?)?)?)$/;

const isLeapYear = (year: number): boolean =>
  (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

const isValidDate = (text: string): boolean => {
  const week = WEEK_DATE.exec(text);
  if (week) {
    const weekNumber = Number(week[2]);
    return Number(week[1]) >= 1 && weekNumber >= 1 && weekNumber <= 53;
  }
  const match = DATE_EXTENDED.exec(text) ?? DATE_BASIC.exec(text);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const maxDay = month === 2 && !isLeapYear(year) ? 28 : (DAYS_IN_MONTH[month - 1] as number);
  return day <= maxDay;
};

const isValidTime = (text: string): boolean => {
  const offsetAt = text.search(/[Z+-]/);
  const clock = offsetAt === -1 ? text : text.slice(0, offsetAt);
  const offset = offsetAt === -1 ? '' : text.slice(offsetAt);
  const match = TIME.exec(clock);
  if (!match) return false;
  if (Number(match[1]) > 23 || Number(match[2] ?? 0) > 59 || Number(match[3] ?? 0) > 59) {
    return false;
  }
  if (offset === '') return true;
  const zone = OFFSET.exec(offset);
  return zone !== null && Number(zone[1] ?? 0) <= 23 && Number(zone[2] ?? 0) <= 59;
};

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/** The number of the two ASCII digits at `at`, or -1. */
const twoDigits = (value: string, at: number): number => {
  const tens = value.charCodeAt(at);
  const ones = value.charCodeAt(at + 1);
  return isDigit(tens) && isDigit(ones) ? (tens - 48) * 10 + (ones - 48) : -1;
};

/**
 * True for the common shape `YYYY-MM-DD?HH:MM[:SS[(.|,)fraction]][Z|±HH:MM]` when it is
 * valid; `undefined` for anything else, which the general parser then decides. Never
 * `false`: it only takes a shortcut to the answer {@link isIsoTimestamp} would give.
 */
const isCommonIsoTimestamp = (value: string): true | undefined => {
  const length = value.length;
  if (length < 16 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return undefined;
  const century = twoDigits(value, 0);
  const yearInCentury = twoDigits(value, 2);
  const month = twoDigits(value, 5);
  const day = twoDigits(value, 8);
  if (century < 0 || yearInCentury < 0 || month < 1 || month > 12 || day < 1) return undefined;
  const year = century * 100 + yearInCentury;
  const maxDay = month === 2 && !isLeapYear(year) ? 28 : (DAYS_IN_MONTH[month - 1] as number);
  if (year < 1 || day > maxDay) return undefined;
  // value[10] is the separator: Python accepts any single character there.
  const hour = twoDigits(value, 11);
  const minute = twoDigits(value, 14);
  if (hour < 0 || hour > 23 || value.charCodeAt(13) !== 58 || minute < 0 || minute > 59) {
    return undefined;
  }
  let at = 16;
  if (value.charCodeAt(at) === 58) {
    const second = twoDigits(value, at + 1);
    if (second < 0 || second > 59) return undefined;
    at += 3;
    const mark = value.charCodeAt(at);
    if (mark === 46 || mark === 44) {
      const fractionStart = at + 1;
      at = fractionStart;
      while (isDigit(value.charCodeAt(at))) at += 1;
      if (at === fractionStart) return undefined;
    }
  }
  if (at === length) return true;
  const sign = value.charCodeAt(at);
  if (sign === 90) return at + 1 === length ? true : undefined;
  if ((sign !== 43 && sign !== 45) || at + 6 !== length || value.charCodeAt(at + 3) !== 58) {
    return undefined;
  }
  const offsetHours = twoDigits(value, at + 1);
  const offsetMinutes = twoDigits(value, at + 4);
  return offsetHours >= 0 && offsetHours <= 23 && offsetMinutes >= 0 && offsetMinutes <= 59
    ? true
    : undefined;
};

/**
 * True when Python 3.11's `datetime.fromisoformat` would accept `value`: a calendar or
 * week date, optionally followed by any single separator character and a time with
 * optional fraction and UTC offset. Ordinal dates (`2024-001`) are rejected, as in Python.
 */
export const isIsoTimestamp = (value: string): boolean =>
  isCommonIsoTimestamp(value) === true || isIsoTimestampGeneral(value);

/**
 * {@link isIsoTimestamp} without the shortcut for the common shape: the general parser.
 * @internal
 */
export const isIsoTimestampGeneral = (value: string): boolean => {
  if (value.length < 7) return false;
  if (isValidDate(value)) return true;
  const dateLength = /^\d{8}(?!\d)/.test(value)
    ? 8
    : /^\d{4}-?W\d{2}-?[1-7]/.test(value)
      ? value.indexOf('W') + (value[value.indexOf('W') + 3] === '-' ? 5 : 4)
      : 10;
  const date = value.slice(0, dateLength);
  const time = value.slice(dateLength + 1);
  return value.length > dateLength + 1 && isValidDate(date) && isValidTime(time);
};

/**
 * The number written in plain ASCII digits from `start` to `end` of `text` (`00042` → 42),
 * or `undefined` when that range is empty, longer than 15 digits or holds anything else.
 * Reads the range in place, so a key's segment needs no substring.
 * @internal
 */
export const plainDigits = (text: string, start: number, end: number): number | undefined => {
  if (end <= start || end - start > 15) return undefined;
  let value = 0;
  for (let index = start; index < end; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) return undefined;
    value = value * 10 + (code - 48);
  }
  return value;
};

const PYTHON_INT = /^\s*[+-]?\d+\s*$/;

/**
 * Parses an integer the way Python's `int(str)` does for ASCII input (surrounding
 * whitespace, a sign and leading zeros are fine; `"1.0"` is not). Returns `undefined`
 * when the text is not an integer or is outside the safe integer range.
 * Python's `_` digit separators and non-ASCII digits are deliberately not accepted.
 */
export const parsePythonInt = (text: string): number | undefined => {
  // The common case, plain digits (`00042`), without the regex.
  const plain = plainDigits(text, 0, text.length);
  if (plain !== undefined) return plain;
  if (!PYTHON_INT.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
};

/** Expands a finite number to plain decimal digits: `1e-7` → `0.0000001`. */
const toPlainDecimal = (value: number): string => {
  const [mantissa = '0', exponentText = '0'] = value.toExponential().split('e');
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const pointAt = Number(exponentText) + 1;
  let plain: string;
  if (pointAt <= 0) plain = `0.${'0'.repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) plain = digits + '0'.repeat(pointAt - digits.length);
  else plain = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return negative ? `-${plain}` : plain;
};

/**
 * Formats `value` with exactly `places` decimals, rounding half away from zero on the
 * shortest decimal form of the number, exactly like the Python entities'
 * `Decimal(str(value)).quantize(…, ROUND_HALF_UP)`: `formatDecimal(0.955, 2)` is `"0.96"`.
 */
export const formatDecimal = (value: number, places: number): string => {
  if (!Number.isFinite(value)) throw new RangeError(`Cannot format ${value} as a decimal`);
  const plain = toPlainDecimal(value);
  const negative = plain.startsWith('-');
  const [whole = '0', fraction = ''] = plain.replace('-', '').split('.');
  const padded = fraction.padEnd(places + 1, '0');
  let scaled = BigInt(whole + padded.slice(0, places));
  if (Number(padded[places]) >= 5) scaled += 1n;
  const text = scaled.toString().padStart(places + 1, '0');
  const result =
    places === 0 ? text : `${text.slice(0, text.length - places)}.${text.slice(-places)}`;
  return negative ? `-${result}` : result;
};

/**
 * Formats a number as Python's `str(float)` does: `0.85`, `0.0`, `34.1`, `1e-05`,
 * `1e+16`. Used where the Python entities write plain floats.
 */
export const formatPythonFloat = (value: number): string => {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa = '0', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const plain = toPlainDecimal(value);
  return plain.includes('.') ? plain : `${plain}.0`;
};
