import { describe, expect, it, vi } from 'vitest';
import type { z } from 'zod/mini';
import {
  BOOL,
  boundingBox,
  customIssue,
  type Decoded,
  INVALID,
  type Invalid,
  type IssueSink,
  type ItemShape,
  intList,
  intN,
  isPlainObject,
  itemParser,
  N,
  nullableIntList,
  nullableS,
  point,
  recordCopy,
  S,
  stringList,
  unmarshallMap,
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

describe('Function: N', () => {
  it.each([[''], ['   ']])('rejects the blank text %j instead of reading it as 0', (text) => {
    // Prepare
    const issues: IssueSink = [];

    // Act
    const result = N({ N: text }, issues);

    // Assess
    expect(result).toBe(INVALID);
    expect(issues).toEqual([
      {
        code: 'custom',
        message: `must be a finite number, got ${JSON.stringify(text)}`,
        input: { N: text },
      },
    ]);
  });
});

describe('Function: BOOL', () => {
  it('decodes a boolean', () => {
    // Prepare
    const issues: IssueSink = [];

    // Act & Assess
    expect(BOOL({ BOOL: false }, issues)).toBe(false);
    expect(issues).toEqual([]);
  });

  it('reports a missing attribute and a non-boolean value', () => {
    // Prepare
    const issues: IssueSink = [];

    // Act
    const missing = BOOL(undefined, issues);
    const wrong = BOOL({ BOOL: 'yes' }, issues);

    // Assess
    expect(missing).toBe(INVALID);
    expect(wrong).toBe(INVALID);
    expect(issues).toEqual([
      { code: 'invalid_type', path: [], message: 'missing required attribute', input: undefined },
      {
        code: 'invalid_type',
        path: ['BOOL'],
        message: 'expected boolean, got string',
        input: 'yes',
      },
    ]);
  });
});

describe('Function: point and boundingBox', () => {
  it('reports an attribute value without a map at M', () => {
    // Prepare
    const issues: IssueSink = [];

    // Act
    const result = point({ S: 'x' }, issues);

    // Assess
    expect(result).toBe(INVALID);
    expect(issues).toEqual([
      {
        code: 'invalid_type',
        path: ['M'],
        message: "point must contain exactly 'x' and 'y' keys",
        input: undefined,
      },
    ]);
  });

  it('reports a bounding box attribute that is not an object', () => {
    // Prepare
    const issues: IssueSink = [];

    // Act
    const result = boundingBox('box', issues);

    // Assess
    expect(result).toBe(INVALID);
    expect(issues).toEqual([
      {
        code: 'invalid_type',
        path: [],
        message: 'expected a bounding box map {"M": {…}}',
        input: 'box',
      },
    ]);
  });
});

describe('Function: stringList and intList (sets)', () => {
  it('rejects a string set with a non-string element', () => {
    // Prepare
    const issues: IssueSink = [];

    // Act
    const result = stringList({ SS: ['a', 1] }, issues);

    // Assess
    expect(result).toBe(INVALID);
    expect(issues).toEqual([
      {
        code: 'invalid_union',
        path: [],
        message: 'expected a list of strings ({"L": [{"S": …}]} or {"SS": […]})',
        input: { SS: ['a', 1] },
      },
    ]);
  });

  it.each([
    ['a non-string element', ['1', 2]],
    ['a non-integer element', ['1', '1.5']],
  ])('rejects a number set with %s', (_case, set) => {
    // Prepare
    const issues: IssueSink = [];

    // Act
    const result = intList({ NS: set }, issues);

    // Assess
    expect(result).toBe(INVALID);
    expect(issues).toEqual([
      {
        code: 'invalid_union',
        path: [],
        message: 'expected a list of numbers ({"L": [{"N": …}]})',
        input: { NS: set },
      },
    ]);
  });
});

describe('Function: isPlainObject and recordCopy', () => {
  it('accepts an object without a prototype, or whose constructor is not a function', () => {
    // Act & Assess
    expect(isPlainObject(Object.create(null))).toBe(true);
    expect(isPlainObject({ constructor: 'x' })).toBe(true);
    expect(isPlainObject(new (class Thing {})())).toBe(false);
  });

  it('copies the own string keys but rejects a map with symbol keys', () => {
    // Prepare
    const withSymbol = { a: 1, [Symbol('s')]: 2 };

    // Act & Assess
    expect(recordCopy(withSymbol)).toBeUndefined();
    expect(recordCopy(JSON.parse('{"a": 1, "__proto__": 2}'))).toEqual({ a: 1 });
  });
});

describe('Function: unmarshallMap (unusual forms, handed to unmarshall)', () => {
  it('reads an attribute value whose type key is inherited as unmarshall does', () => {
    // Prepare
    const map = { a: Object.create({ S: 'x' }) as unknown };

    // Act & Assess
    expect(() => unmarshallMap(map)).toThrow('No value defined: {}');
  });

  it('throws what unmarshall throws for a list attribute that is not an array', () => {
    // Act & Assess
    expect(() => unmarshallMap({ a: { L: 'xy' } })).toThrow('list.map is not a function');
  });

  it('skips a type key whose value is undefined', () => {
    // Act & Assess
    expect(unmarshallMap({ a: { S: undefined, N: '1' } })).toEqual({ a: 1 });
  });

  it('converts a number given as a JavaScript number', () => {
    // Act & Assess
    expect(unmarshallMap({ a: { N: 5 } })).toEqual({ a: 5 });
  });

  it('converts a map attribute holding an array or inherited keys', () => {
    // Act & Assess
    expect(unmarshallMap({ a: { M: [] } })).toEqual({ a: {} });
    expect(unmarshallMap({ a: { M: Object.create({ b: { S: 'x' } }) as unknown } })).toEqual({
      a: {},
    });
  });

  it('leaves out an own __proto__ key', () => {
    // Prepare
    const map = JSON.parse('{"__proto__": {"S": "x"}, "b": {"S": "y"}}') as Record<string, unknown>;

    // Act
    const result = unmarshallMap(map);

    // Assess
    expect(result).toEqual({ b: 'y' });
    expect(Object.hasOwn(result, '__proto__')).toBe(false);
  });
});

describe('Function: itemParser (guards, shortcuts and issues without a path)', () => {
  it('reports a non-object item as a custom issue when the parser has a guard', () => {
    // Prepare
    const parser = itemParser({ name: S }, (decoded) => decoded, {
      required: ['name'],
      missingMessage: 'Item is missing required keys',
    });

    // Act
    const result = parser.safeParse('item');

    // Assess
    expect(result).toEqual({
      success: false,
      error: {
        issues: [
          {
            code: 'custom',
            path: [],
            message: 'expected a DynamoDB item (an object of attribute values)',
          },
        ],
      },
    });
  });

  it('does not call the shortcut for a non-object item', () => {
    // Prepare
    const fast = vi.fn(() => ({ name: 'fast' }));
    const parser = itemParser({ name: S }, (decoded) => decoded, undefined, fast);

    // Act
    const result = parser.safeParse(null);

    // Assess
    expect(fast).not.toHaveBeenCalled();
    expect(result).toEqual({
      success: false,
      error: {
        issues: [
          {
            code: 'invalid_type',
            path: [],
            message: 'expected a DynamoDB item (an object of attribute values)',
          },
        ],
      },
    });
  });

  it('hands out an issue pushed without a path at the root', () => {
    // Prepare
    const parser = itemParser({ name: S }, (decoded, issues) =>
      customIssue(issues, `bad name ${decoded.name}`, decoded),
    );

    // Act
    const result = parser.safeParse({ name: { S: 'a' } });

    // Assess
    expect(result).toEqual({
      success: false,
      error: { issues: [{ code: 'custom', path: [], message: 'bad name a' }] },
    });
  });
});
