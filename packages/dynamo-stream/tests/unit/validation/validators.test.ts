import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatDecimal,
  formatPythonFloat,
  isIsoTimestamp,
  isIsoTimestampGeneral,
  parsePythonInt,
} from '../../../src/validation/validators.js';

describe('Function: isIsoTimestamp', () => {
  it.each([
    '2025-01-15T10:30:00.123456+00:00',
    '2025-01-15T10:30:00Z',
    '2025-01-15 10:30',
    '2025-01-15X10:30:00,5-05:30',
    '2024-02-29T23:59:59',
    '2025-01-15',
    '20250115',
    '2025-W03-2',
    '20250115T1030',
    '2025-01-15T10:30:00+05',
  ])('accepts %s, as Python 3.11 fromisoformat does', (value) => {
    expect(isIsoTimestamp(value)).toBe(true);
  });

  it.each([
    '2023-02-29T00:00',
    '2025-01-15T24:00',
    '2025-01-15T10:60',
    '2025-01-15T10:30:00+24:00',
    '2025-01-15T10:30:00.',
    '2025-01-15T',
    '2025-001',
    '0000-01-01T00:00',
    'abc',
  ])('rejects %s', (value) => {
    expect(isIsoTimestamp(value)).toBe(false);
  });

  it('gives the general parser’s answer for strings near the common shape', () => {
    const characters = '0123456789-:T .,+ZW'.split('');
    const nearTimestamp = fc
      .tuple(
        fc.constantFrom(
          '2025-01-15T10:30:00.123456+00:00',
          '2024-02-29T23:59:59Z',
          '2023-02-28 00:00',
          '0001-01-01T00:00',
          '9999-12-31T23:59:59.999999+23:59',
        ),
        fc.array(
          fc.tuple(fc.nat({ max: 40 }), fc.constantFrom(...characters), fc.nat({ max: 2 })),
          { maxLength: 3 },
        ),
      )
      .map(([base, edits]) => {
        const text = base.split('');
        for (const [at, character, kind] of edits) {
          if (kind === 0) text[at % (text.length + 1)] = character;
          else if (kind === 1) text.splice(at % (text.length + 1), 1);
          else text.splice(at % (text.length + 1), 0, character);
        }
        return text.join('');
      });
    fc.assert(
      fc.property(nearTimestamp, (value) => {
        expect(isIsoTimestamp(value)).toBe(isIsoTimestampGeneral(value));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('Function: parsePythonInt', () => {
  it.each([
    ['00042', 42],
    ['0', 0],
    [' 7 ', 7],
    ['+3', 3],
    ['-12', -12],
    ['123456789012345', 123456789012345],
    ['9007199254740991', 9007199254740991],
  ])('reads %j as %d', (text, expected) => {
    expect(parsePythonInt(text)).toBe(expected);
  });

  it.each(['', ' ', '1.0', '1e3', '0x10', '1_000', '٣', '9007199254740992'])(
    'rejects %j',
    (text) => {
      expect(parsePythonInt(text)).toBeUndefined();
    },
  );

  it('reads any plain digit string as Number does, within the safe range', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,17}$/), (text) => {
        const value = Number(text);
        expect(parsePythonInt(text)).toBe(Number.isSafeInteger(value) ? value : undefined);
      }),
    );
  });
});

describe('Function: formatDecimal', () => {
  it.each([
    [2.5, 0, '3'],
    [0.49, 0, '0'],
    [0.955, 2, '0.96'],
  ])('formats %d with %d places as %s', (value, places, expected) => {
    // Act & Assess
    expect(formatDecimal(value, places)).toBe(expected);
  });

  it.each([Number.POSITIVE_INFINITY, Number.NaN])('refuses the non-finite %d', (value) => {
    // Act & Assess
    expect(() => formatDecimal(value, 2)).toThrow(
      new RangeError(`Cannot format ${value} as a decimal`),
    );
  });
});

describe('Function: formatPythonFloat', () => {
  it.each([
    [0, '0.0'],
    [-0, '-0.0'],
    [Number.NEGATIVE_INFINITY, '-inf'],
    [Number.NaN, 'nan'],
  ])('formats %d as Python does (%s)', (value, expected) => {
    // Act & Assess
    expect(formatPythonFloat(value)).toBe(expected);
  });
});
