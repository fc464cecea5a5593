import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { english } from '../../../src/validation/english.js';
import { invalidTypeMessage } from '../../../src/validation/invalidType.js';

class Widget {}

describe('Function: invalidTypeMessage', () => {
  const inputs: unknown[] = [
    'text',
    '',
    0,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    10n,
    true,
    null,
    undefined,
    [],
    [1],
    {},
    { a: 1 },
    Object.create(null),
    new Date(0),
    new Widget(),
    () => 1,
    Symbol('s'),
  ];

  for (const expected of ['string', 'number', 'object', 'boolean', 'array', 'int', 'record']) {
    it(`gives zod's English message for every kind of input (expected ${expected})`, () => {
      for (const input of inputs) {
        // Act
        const ours = invalidTypeMessage(expected, input);
        const zods = english({ code: 'invalid_type', expected, input } as z.core.$ZodRawIssue);

        // Assess
        expect(ours).toBe(zods);
      }
    });
  }
});
