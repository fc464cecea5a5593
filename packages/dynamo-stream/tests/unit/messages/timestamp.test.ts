import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatPythonTimestamp, pythonUtcNow } from '../../../src/messages/timestamp.js';

// 2026-01-04T12:34:56.123456Z in microseconds since the epoch:
// (20457 days * 86400 + 12:34:56) seconds * 1e6 + 123456.
const SPEC_EXAMPLE_MICROS =
  (20_457n * 86_400n + 12n * 3600n + 34n * 60n + 56n) * 1_000_000n + 123_456n;

describe('Function: formatPythonTimestamp', () => {
  it('prints the spec example in Python isoformat with a +00:00 offset', () => {
    // Act
    const text = formatPythonTimestamp(SPEC_EXAMPLE_MICROS);

    // Assess
    expect(text).toBe('2026-01-04T12:34:56.123456+00:00');
  });

  it('accepts a number and always prints 6 fractional digits, zero-padded', () => {
    // Act
    const whole = formatPythonTimestamp(0);
    const small = formatPythonTimestamp(1_000_007);

    // Assess
    expect(whole).toBe('1970-01-01T00:00:00.000000+00:00');
    expect(small).toBe('1970-01-01T00:00:01.000007+00:00');
  });

  it('rounds a fractional number down and handles times before 1970 with floor division', () => {
    // Act
    const fractional = formatPythonTimestamp(1.9);
    const before = formatPythonTimestamp(-1n);

    // Assess
    expect(fractional).toBe('1970-01-01T00:00:00.000001+00:00');
    expect(before).toBe('1969-12-31T23:59:59.999999+00:00');
  });

  it('rejects non-finite numbers and years Python cannot represent', () => {
    // Act & Assess
    expect(() => formatPythonTimestamp(Number.NaN)).toThrow(RangeError);
    expect(() => formatPythonTimestamp(253_402_300_800n * 1_000_000n)).toThrow(/years 1–9999/);
  });

  it('keeps string order equal to time order', () => {
    // Prepare
    const times = [SPEC_EXAMPLE_MICROS, SPEC_EXAMPLE_MICROS + 1n, SPEC_EXAMPLE_MICROS + 999_999n];

    // Act
    const texts = times.map(formatPythonTimestamp);

    // Assess
    expect([...texts].sort()).toEqual(texts);
  });
});

describe('Function: pythonUtcNow', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('returns the current time in the Python format', () => {
    // Prepare
    const before = Date.now();

    // Act
    const text = pythonUtcNow();

    // Assess
    expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/);
    const parsed = Date.parse(text);
    expect(Math.abs(parsed - before)).toBeLessThan(5_000);
  });

  it('never goes backwards, even when the clock reading does', () => {
    // Prepare
    const first = pythonUtcNow();
    vi.spyOn(performance, 'now').mockReturnValue(0);

    // Act
    const second = pythonUtcNow();

    // Assess
    expect([first, second].toSorted()).toEqual([first, second]);
  });

  it('has microsecond resolution', () => {
    // Prepare
    const readings = new Set<string>();

    // Act
    for (let i = 0; i < 2_000; i++) readings.add(pythonUtcNow().slice(20, 26));

    // Assess: with millisecond resolution the last three digits would never vary.
    const subMillisecond = new Set([...readings].map((fraction) => fraction.slice(3)));
    expect(subMillisecond.size).toBeGreaterThan(1);
  });

  it('formats readings across second boundaries like formatPythonTimestamp', () => {
    // Prepare: readings an hour ahead, so they are past any earlier reading
    const base = performance.now() + 3_600_000;
    const offsets = [0, 0.001, 999.999, 1_000, 1_000.5, 61_000.25];
    const spy = vi.spyOn(performance, 'now');

    // Act
    const pairs = offsets.map((offset) => {
      spy.mockReturnValue(base + offset);
      const micros = Math.floor((performance.timeOrigin + (base + offset)) * 1000);
      return [pythonUtcNow(), formatPythonTimestamp(micros)];
    });

    // Assess
    for (const [fast, reference] of pairs) expect(fast).toBe(reference);
  });
});
