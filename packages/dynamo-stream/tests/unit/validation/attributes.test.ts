import { describe, expect, it } from 'vitest';
import type { z } from 'zod/mini';
import {
  boundingBox,
  type Decoded,
  type Invalid,
  type IssueSink,
  type ItemShape,
  intList,
  intN,
  itemParser,
  nullableIntList,
  nullableS,
  point,
  S,
  stringList,
  zodItemSchema,
} from '../../../src/validation/attributes.js';

/** An item parser wrapped as a zod schema, the way the entity modules export theirs. */
const itemSchema = <Shape extends ItemShape, Entity>(
  shape: Shape,
  build: (decoded: Decoded<Shape>, issues: IssueSink) => Entity | Invalid,
): z.ZodMiniType<Entity> => zodItemSchema(itemParser(shape, build));

describe('Function: itemParser (wrapped by zodItemSchema)', () => {
  const schema = itemSchema(
    { name: S, count: intN, note: nullableS, tags: stringList, where: point },
    (decoded) => decoded,
  );

  it('decodes attribute values and treats nullable attributes as optional', () => {
    // Act
    const result = schema.parse({
      name: { S: 'a' },
      count: { N: ' 0042 ' },
      tags: { SS: ['b', 'a'] },
      where: { M: { x: { N: '0.5' }, y: { N: '1' } } },
    });

    // Assess
    expect(result).toEqual({
      name: 'a',
      count: 42,
      note: null,
      tags: ['a', 'b'],
      where: { x: 0.5, y: 1 },
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
    expect(result).toMatchObject({ success: false });
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

describe('Function: itemParser (wrapped by zodItemSchema) (decoding rules)', () => {
  const issuesOf = (result: z.core.util.SafeParseResult<unknown>): [string, string][] =>
    result.success ? [] : result.error.issues.map((issue) => [issue.path.join('.'), issue.message]);

  it('still builds the entity when a map only has extra keys, and reports both', () => {
    // Prepare
    const schema = itemSchema({ where: point }, (decoded, issues) => {
      issues.push({ code: 'custom', path: ['where'], message: 'built', input: decoded.where });
      return decoded.where;
    });

    // Act
    const result = schema.safeParse({
      where: { M: { x: { N: '1' }, y: { N: '2' }, z: { N: '3' } } },
    });

    // Assess
    expect(issuesOf(result)).toEqual([
      ['where.M', "point must contain exactly 'x' and 'y' keys"],
      ['where', 'built'],
    ]);
  });

  it('does not build the entity when an attribute is invalid', () => {
    // Prepare
    let built = false;
    const schema = itemSchema({ box: boundingBox, count: intN }, () => {
      built = true;
      return null;
    });

    // Act
    const result = schema.safeParse({
      box: { M: { x: { N: '1' }, y: { N: 'a' }, width: { S: '3' } } },
      count: { N: '2' },
    });

    // Assess
    expect(built).toBe(false);
    expect(issuesOf(result)).toEqual([
      ['box.M.y', 'must be a finite number, got "a"'],
      ['box.M.width.N', 'expected string, got undefined'],
      ['box.M.height', 'missing required attribute'],
    ]);
  });

  it('reads integer lists from L or NS, and NULL or absence as null when nullable', () => {
    // Prepare
    const schema = itemSchema({ ids: intList, rows: nullableIntList }, (decoded) => decoded);

    // Act & Assess
    expect(schema.parse({ ids: { NS: ['3', '1'] }, rows: { NULL: true } })).toEqual({
      ids: [3, 1],
      rows: null,
    });
    expect(schema.parse({ ids: { L: [{ N: '007' }] } })).toEqual({ ids: [7], rows: null });
    expect(issuesOf(schema.safeParse({ rows: { L: [{ N: '1.5' }] } }))).toEqual([
      ['ids', 'missing required attribute'],
      ['rows', 'expected a list of numbers ({"L": [{"N": …}]}) or {"NULL": true}'],
    ]);
  });

  it('reports a non-object item at the root', () => {
    // Act
    const result = itemSchema({ name: S }, (decoded) => decoded).safeParse([]);

    // Assess
    expect(issuesOf(result)).toEqual([
      ['', 'expected a DynamoDB item (an object of attribute values)'],
    ]);
  });
});
