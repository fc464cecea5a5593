const MICROS_PER_SECOND = 1_000_000n;
const FRACTION_PAD = '000000';
// Python's datetime supports years 1 through 9999.
const MIN_EPOCH_SECONDS = -62_135_596_800n; // 0001-01-01T00:00:00Z
const MAX_EPOCH_SECONDS = 253_402_300_799n; // 9999-12-31T23:59:59Z

/**
 * Formats a point in time, given in microseconds since the Unix epoch, the way Python's
 * `datetime.isoformat()` prints an aware UTC datetime that has microseconds:
 * `2026-01-04T12:34:56.123456+00:00`. The fraction always has 6 digits, so strings sort
 * in time order and compare correctly with timestamps written by the Python producer.
 *
 * (Python itself omits the fraction when the microseconds are exactly 0; this function
 * always prints it, which keeps the string ordering consistent.)
 *
 * @param epochMicros - microseconds since 1970-01-01T00:00:00Z; a fractional number is
 *   rounded down to the microsecond
 * @returns the timestamp, e.g. `2026-01-04T12:34:56.123456+00:00`
 * @throws {RangeError} when the value is not finite or falls outside years 1–9999
 * @example
 * ```ts
 * import { formatPythonTimestamp } from '@receipt-chroma/dynamo-stream';
 *
 * formatPythonTimestamp(1_767_530_096_123_456n); // '2026-01-04T12:34:56.123456+00:00'
 * ```
 */
export const formatPythonTimestamp = (epochMicros: bigint | number): string => {
  let micros: bigint;
  if (typeof epochMicros === 'bigint') {
    micros = epochMicros;
  } else {
    if (!Number.isFinite(epochMicros)) {
      throw new RangeError(`Cannot format ${epochMicros} as a timestamp`);
    }
    micros = BigInt(Math.floor(epochMicros));
  }
  let seconds = micros / MICROS_PER_SECOND;
  let fraction = micros % MICROS_PER_SECOND;
  if (fraction < 0n) {
    // BigInt division truncates towards zero; move to floor division for pre-1970 times.
    seconds -= 1n;
    fraction += MICROS_PER_SECOND;
  }
  if (seconds < MIN_EPOCH_SECONDS || seconds > MAX_EPOCH_SECONDS) {
    throw new RangeError(
      `Timestamp ${epochMicros} µs is outside the years 1–9999 that Python's datetime supports`,
    );
  }
  // `toISOString` gives `YYYY-MM-DDTHH:MM:SS.mmmZ` for years 0–9999; keep the seconds part.
  const wholeSeconds = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  const digits = fraction.toString();
  return `${wholeSeconds}.${FRACTION_PAD.slice(digits.length)}${digits}+00:00`;
};

let lastMicros = 0;

/**
 * Reads the current time in whole microseconds since the epoch. `performance.timeOrigin`
 * plus `performance.now()` has sub-millisecond precision (unlike `Date.now()`), and the
 * result is clamped so that it never goes below the previous reading in this process.
 * @internal
 */
export const nowEpochMicros = (): number => {
  const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  if (micros > lastMicros) lastMicros = micros;
  return lastMicros;
};

let cachedSecond = Number.NaN;
let cachedPrefix = '';

/**
 * The current UTC time as Python's `datetime.now(timezone.utc).isoformat()` prints it,
 * with microsecond precision: `2026-01-04T12:34:56.123456+00:00`. Successive calls never
 * go backwards (two calls within the same microsecond return the same string).
 *
 * The clock is `performance.timeOrigin + performance.now()`: monotonic within a process,
 * anchored to the wall clock when the process started. Called once per message, so the
 * `YYYY-MM-DDTHH:MM:SS` part is formatted once per second and reused.
 *
 * @returns the current time, e.g. `2026-01-04T12:34:56.123456+00:00`
 * @throws {RangeError} when the system clock reads outside years 1–9999 (a broken clock)
 * @example
 * ```ts
 * import { pythonUtcNow } from '@receipt-chroma/dynamo-stream';
 *
 * console.log(pythonUtcNow()); // e.g. '2026-01-04T12:34:56.123456+00:00'
 * ```
 */
export const pythonUtcNow = (): string => {
  const micros = nowEpochMicros();
  const second = Math.floor(micros / 1_000_000);
  if (second !== cachedSecond) {
    // Outside years 1-9999 (a broken clock), the general formatter throws its RangeError.
    if (second * 1000 > 253_402_300_799_000 || second < 0) return formatPythonTimestamp(micros);
    cachedSecond = second;
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, 19);
  }
  const digits = String(micros - second * 1_000_000);
  return `${cachedPrefix}.${FRACTION_PAD.slice(digits.length)}${digits}+00:00`;
};
