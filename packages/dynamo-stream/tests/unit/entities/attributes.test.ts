import { describe, expect, it } from 'vitest';
import {
  intN,
  itemSchema,
  nativeMap,
  nullableS,
  point,
  S,
  stringList,
} from '../../../src/entities/attributes.js';

describe('Function: itemSchema', () => {
  const schema = itemSchema(
    { name: S, count: intN, note: nullableS, tags: stringList, where: point, extra: nativeMap },
    (decoded) => decoded,
  );

  it('decodes attribute values and treats nullable attributes as optional', () => {
    // Act
    const result = schema.parse({
      name: { S: 'a' },
      count: { N: ' 0042 ' },
      tags: { SS: ['b', 'a'] },
      where: { M: { x: { N: '0.5' }, y: { N: '1' } } },
      extra: { M: { k: { N: '2' }, l: { L: [{ S: 'x' }] } } },
    });

    // Assess
    expect(result).toEqual({
      name: 'a',
      count: 42,
      note: null,
      tags: ['a', 'b'],
      where: { x: 0.5, y: 1 },
      extra: { k: 2, l: ['x'] },
    });
  });

  it('reports each bad attribute with its path and a message', () => {
    // Act
    const result = schema.safeParse({
      count: { N: '1.0' },
      note: { N: '3' },
      tags: { L: [] },
      where: { M: { x: { N: '1' }, y: { N: '2' }, z: { N: '3' } } },
    });

    // Assess
    expect(result.success).toBe(false);
    const issues = result.error?.issues.map((issue) => [issue.path.join('.'), issue.message]);
    expect(issues).toEqual(
      expect.arrayContaining([
        ['name', 'missing required attribute'],
        ['count', 'must be an integer, got "1.0"'],
        ['note', 'expected {"S": string} or {"NULL": true}'],
        ['where.M', "point must contain exactly 'x' and 'y' keys"],
      ]),
    );
  });
});
