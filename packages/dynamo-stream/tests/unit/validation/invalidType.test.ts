import { describe, expect, it } from 'vitest';
import { invalidTypeMessage } from '../../../src/validation/invalidType.js';

describe('Function: invalidTypeMessage', () => {
  const cases: readonly (readonly [unknown, string])[] = [
    ['text', 'string'],
    [0, 'number'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
    [10n, 'bigint'],
    [true, 'boolean'],
    [null, 'null'],
    [undefined, 'undefined'],
    [[1], 'array'],
    [{ a: 1 }, 'object'],
    [new Date(0), 'object'],
    [() => 1, 'function'],
    [Symbol('s'), 'symbol'],
  ];

  for (const [input, found] of cases) {
    it(`names what it found: ${found}`, () => {
      // Act
      const message = invalidTypeMessage('string', input);

      // Assess
      expect(message).toBe(`expected string, got ${found}`);
    });
  }
});
