import { unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unmarshallMap } from '../../../src/validation/attributes.js';

/** Attribute values of every kind, well formed or not. */
const { value: attributeValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.record({ S: fc.oneof(fc.string(), fc.integer()) }),
    fc.record({
      N: fc.oneof(
        fc.integer().map(String),
        fc.double().map(String),
        fc.constantFrom('1e20', '-9007199254740993', '12345678901234567890', ' 7 ', 'x', ''),
      ),
    }),
    fc.record({ BOOL: fc.oneof(fc.boolean(), fc.constant('yes')) }),
    fc.record({ NULL: fc.boolean() }),
    fc.record({ SS: fc.array(fc.string(), { maxLength: 3 }) }),
    fc.record({ NS: fc.array(fc.integer().map(String), { maxLength: 3 }) }),
    fc.record({ L: fc.array(tie('value'), { maxLength: 3 }) }),
    fc.record({ M: fc.dictionary(fc.string({ maxLength: 4 }), tie('value'), { maxKeys: 3 }) }),
    fc.record({ S: fc.string(), NULL: fc.constant(true) }),
    fc.constant({}),
  ),
}));

const outcome = (convert: () => unknown): unknown => {
  try {
    return { value: convert() };
  } catch (error) {
    return { error: (error as Error).message };
  }
};

describe('Function: unmarshallMap', () => {
  it('returns what unmarshall returns, or throws what it throws, for any map', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 5 }), attributeValue, { maxKeys: 4 }),
        (map) => {
          // Act
          const ours = outcome(() => unmarshallMap(structuredClone(map)));
          const theirs = outcome(() => unmarshall(structuredClone(map) as never));

          // Assess
          expect(ours).toStrictEqual(theirs);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('converts the common types itself', () => {
    // Prepare
    const map = {
      name: { S: 'Westlake Village' },
      open: { BOOL: true },
      rating: { N: '4.5' },
      none: { NULL: true },
      days: { L: [{ S: 'Mon' }, { N: '2' }] },
      nested: { M: { a: { S: 'b' } } },
    };

    // Act
    const result = unmarshallMap(map);

    // Assess
    expect(result).toEqual({
      name: 'Westlake Village',
      open: true,
      rating: 4.5,
      none: null,
      days: ['Mon', 2],
      nested: { a: 'b' },
    });
  });
});
