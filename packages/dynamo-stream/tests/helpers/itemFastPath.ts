import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DynamoDBItem } from '../../src/types.js';
import type { IssueSink, ItemParser } from '../../src/validation/attributes.js';

/**
 * The agreement check between an item parser's fast path and its full, attribute-by-attribute
 * parse: on the valid items and on mutations of them (attributes replaced by edge values or
 * removed, keys rewritten), `parse` must return exactly what `full` returns (same value,
 * same key order), or fail with the same issues.
 */

/** Attribute values on and around what the decoders accept. */
export const EDGE_ATTRIBUTES: readonly unknown[] = [
  { S: '' },
  { S: ' ' },
  { S: 'x' },
  { S: 'VALID' },
  { S: 'valid' },
  { S: 'INVALID' },
  { S: 'NONE' },
  { S: 'PENDING' },
  { S: '2025-01-15T10:30:00.123456+00:00' },
  { S: '2025-01-15' },
  { S: '2025-02-30T10:00:00' },
  { S: 'not a date' },
  { S: '3f52804b-2fad-4e00-92c8-b593da3a8ed3' },
  { N: '1' },
  { N: '0' },
  { N: '1.5' },
  { NULL: true },
  { NULL: false },
  { BOOL: true },
  { S: 'a', NULL: true },
  { S: 5, NULL: true },
  { L: [] },
  { L: [{ S: 'a' }, { S: 'a' }] },
  { M: {} },
  {},
  null,
  'x',
  5,
  [],
];

const sameParse = (parser: ItemParser<unknown>, item: unknown): void => {
  const fastIssues: IssueSink = [];
  const fullIssues: IssueSink = [];
  const fast = parser.parseInto(structuredClone(item), fastIssues);
  const full = parser.full(structuredClone(item), fullIssues);
  expect(fast).toStrictEqual(full);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(full));
  expect(fastIssues.map((issue) => [issue.path, issue.message])).toEqual(
    fullIssues.map((issue) => [issue.path, issue.message]),
  );
};

/**
 * Declares the fast-path agreement tests of one item parser. `keys` are sort and partition
 * key strings to try on top of the attribute mutations.
 */
export const describeItemFastPath = (
  name: string,
  parser: ItemParser<unknown>,
  items: readonly DynamoDBItem[],
  keys: { readonly pk: readonly string[]; readonly sk: readonly string[] },
): void => {
  describe(`Property: ${name} item fast path agrees with the full parse`, () => {
    it('takes the fast path for the valid items, with the result of the full parse', () => {
      for (const item of items) {
        // Act
        const fast = parser.fast?.(structuredClone(item) as Record<string, unknown>);

        // Assess
        expect(fast).toBeDefined();
        sameParse(parser, item);
      }
    });

    it('agrees on every attribute set to every edge value, or removed', () => {
      for (const item of items) {
        for (const attribute of [...Object.keys(item), 'extra']) {
          for (const value of [...EDGE_ATTRIBUTES, 'delete']) {
            // Prepare
            const mutated: Record<string, unknown> = structuredClone(item);
            if (value === 'delete') delete mutated[attribute];
            else mutated[attribute] = value;

            // Act, Assess
            sameParse(parser, mutated);
          }
        }
      }
    });

    it('agrees on rewritten keys', () => {
      for (const item of items) {
        for (const pk of keys.pk) {
          for (const sk of keys.sk) {
            sameParse(parser, { ...structuredClone(item), PK: { S: pk }, SK: { S: sk } });
          }
        }
      }
    });

    it('agrees on random combinations of mutations', () => {
      const attributes = [...new Set(items.flatMap((item) => Object.keys(item)))];
      fc.assert(
        fc.property(
          fc.nat({ max: items.length - 1 }),
          fc.array(
            fc.tuple(
              fc.constantFrom(...attributes),
              fc.oneof(
                fc.constantFrom(...EDGE_ATTRIBUTES, 'delete'),
                fc.string().map((text) => ({ S: text })),
              ),
            ),
            { maxLength: 3 },
          ),
          (index, changes) => {
            // Prepare
            const mutated: Record<string, unknown> = structuredClone(items[index] ?? {});
            for (const [attribute, value] of changes) {
              if (value === 'delete') delete mutated[attribute];
              else mutated[attribute] = value;
            }

            // Act, Assess
            sameParse(parser, mutated);
          },
        ),
        { numRuns: 300 },
      );
    });
  });
};
