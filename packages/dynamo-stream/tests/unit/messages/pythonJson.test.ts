import { describe, expect, it } from 'vitest';
import {
  escapedLength,
  escapedPrefixLength,
  toPythonJson,
} from '../../../src/messages/pythonJson.js';

describe('Function: toPythonJson', () => {
  it('uses Python separators and keeps key insertion order', () => {
    // Act
    const text = toPythonJson({ b: 1, a: [true, false, null], c: {}, d: [] });

    // Assess
    expect(text).toBe('{"b": 1, "a": [true, false, null], "c": {}, "d": []}');
  });

  it('escapes non-ASCII characters as lowercase \\uXXXX (ensure_ascii)', () => {
    // Act
    const text = toPythonJson(['Café', 'Ω', '\u00ff\u0100', 'naïve ÆØÅ']);

    // Assess: json.dumps(['Café', 'Ω', 'ÿĀ', 'naïve ÆØÅ'])
    expect(text).toBe(
      '["Caf\\u00e9", "\\u03a9", "\\u00ff\\u0100", "na\\u00efve \\u00c6\\u00d8\\u00c5"]',
    );
  });

  it('writes astral characters such as emoji as surrogate-pair escapes', () => {
    // Act
    const text = toPythonJson({ note: 'ok 😀!', '🧾': 1 });

    // Assess: U+1F600 is D83D DE00 and U+1F9FE is D83E DDFE in UTF-16.
    expect(text).toBe('{"note": "ok \\ud83d\\ude00!", "\\ud83e\\uddfe": 1}');
  });

  it('uses Python short escapes for quotes, backslash and \\b \\f \\n \\r \\t, \\u00XX for other controls', () => {
    // Act
    const text = toPythonJson('"\\\b\f\n\r\t\u0000\u001f\u007f/');

    // Assess: DEL is outside printable ASCII for Python; "/" is not escaped.
    expect(text).toBe('"\\"\\\\\\b\\f\\n\\r\\t\\u0000\\u001f\\u007f/"');
  });

  it('escapes object keys like strings', () => {
    // Act
    const text = toPythonJson({ 'é"': 'x' });

    // Assess
    expect(text).toBe('{"\\u00e9\\"": "x"}');
  });

  it('prints integers as Python ints and other numbers as Python float repr', () => {
    // Act
    const text = toPythonJson([
      0, -0, 42, -7, 9_007_199_254_740_991, 0.5, 0.0001, 1e-5, 1.5e-7, 1e16, 1e300,
    ]);

    // Assess: repr() switches to exponents below 1e-4 and from 1e16, with 2-digit exponents.
    expect(text).toBe(
      '[0, 0, 42, -7, 9007199254740991, 0.5, 0.0001, 1e-05, 1.5e-07, 1e+16, 1e+300]',
    );
  });

  it('rejects non-finite numbers, which JSON parsers cannot read back', () => {
    // Act & Assess
    expect(() => toPythonJson({ x: Number.NaN })).toThrow(/NaN.*nan/);
    expect(() => toPythonJson([Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });

  it('skips undefined properties and prints undefined array items as null, like JSON.stringify', () => {
    // Prepare
    const value = { a: undefined, b: [undefined, 1] } as unknown as Parameters<
      typeof toPythonJson
    >[0];

    // Act
    const text = toPythonJson(value);

    // Assess
    expect(text).toBe('{"b": [null, 1]}');
  });

  it('rejects values JSON cannot hold', () => {
    // Prepare
    const value = { f: () => 1 } as unknown as Parameters<typeof toPythonJson>[0];

    // Act & Assess
    expect(() => toPythonJson(value)).toThrow(/not JSON serializable/);
  });

  it('produces ASCII text that parses back to the input', () => {
    // Prepare
    const value = {
      text: 'Ünïcødé 😀 "q" \\ \n',
      nested: [{ deep: [1, 2.25, -3e-9] }],
      empty: '',
    };

    // Act
    const text = toPythonJson(value);

    // Assess
    expect(text).toMatch(/^[\x20-\x7e]*$/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('Function: escapedLength', () => {
  it.each([
    ['plain ASCII', 'Target 34.10'],
    ['quotes, backslashes and short escapes', '"\\\b\f\n\r\t'],
    ['other controls', '\u0000\u001f\u007f'],
    ['CJK', '領収書の合計'],
    ['an emoji and a lone surrogate', 'ok 😀 \ud83d!'],
  ])('agrees with the escaped string toPythonJson writes, for %s', (_case, text) => {
    // Act & Assess
    expect(escapedLength(text)).toBe(toPythonJson(text).length - 2);
  });
});

describe('Function: escapedPrefixLength', () => {
  it('returns the longest prefix whose escape fits the budget', () => {
    // Act & Assess: each CJK character escapes to 6 bytes
    expect(escapedPrefixLength('領収書の合計', 17)).toBe(2);
    expect(escapedPrefixLength('領収書の合計', 18)).toBe(3);
    expect(escapedPrefixLength('abc', 100)).toBe(3);
    expect(escapedPrefixLength('abc', 0)).toBe(0);
  });

  it('never cuts between the halves of a surrogate pair', () => {
    // Prepare: "a" then U+1F600, escaped as two 6-byte escapes
    const text = 'a😀b';

    // Act & Assess
    expect(escapedPrefixLength(text, 12)).toBe(1);
    expect(escapedPrefixLength(text, 13)).toBe(3);
  });
});
