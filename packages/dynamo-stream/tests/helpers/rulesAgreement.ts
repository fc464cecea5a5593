import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { INVALID, type IssueSink } from '../../src/validation/attributes.js';
import { ENGLISH } from '../../src/validation/english.js';
import type { EntityRules } from '../../src/validation/entityParts.js';

/**
 * The agreement check between an entity's plain-code rules and the zod schema they were
 * first written as (kept under `tests/helpers/referenceRules/` as the reference): for the
 * valid entities and for random mutations of them, both accept the same candidates and
 * return the same value (same key order), or both reject with the same issues (path and
 * message, in order). The fast path (`accept`) must never accept what the reference
 * rejects.
 */

/** Values that sit on and around the rules' boundaries, for every entity. */
export const EDGE_VALUES: readonly unknown[] = [
  '',
  ' ',
  'x',
  'VALID',
  'valid',
  'ITEMS',
  'items',
  'AGREED',
  'agreed',
  'SUCCESS',
  'PENDING',
  'PHONE_LOOKUP',
  'card',
  'apple',
  'words',
  '1234',
  '!!',
  '2025-01-15T10:30:00.123456+00:00',
  '2025-02-30',
  '2025-01-15T25:00',
  '3f52804b-2fad-4e00-92c8-b593da3a8ed3',
  '3f52804b-2fad-1e00-92c8-b593da3a8ed3',
  0,
  -0,
  1,
  -1,
  0.5,
  1.5,
  91,
  -181,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  2 ** 53,
  true,
  false,
  null,
  undefined,
  [],
  [0],
  [1, 1],
  [-1],
  [1.5],
  ['a'],
  ['a', 'a'],
  [' '],
  {},
  { x: 1, y: 2 },
  { x: 1 },
  { x: 1, y: 2, z: 3 },
  { x: '1', y: 2 },
  { x: 1, y: 2, width: 3, height: 4 },
  { a: 'b' },
  { a: 1 },
];

export const edgeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...EDGE_VALUES),
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.array(fc.integer({ min: -2, max: 5 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.string(), fc.integer()), {
    maxKeys: 3,
  }),
);

/** Deep-equal and with the same key order everywhere. */
const sameResult = (actual: unknown, expected: unknown): void => {
  expect(actual).toStrictEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
};

const pathsAndMessages = (
  issues: readonly {
    readonly path?: readonly PropertyKey[] | undefined;
    readonly message?: string | undefined;
  }[],
) => issues.map((issue) => [(issue.path ?? []).map(String).join('.'), issue.message]);

/** Runs both validations on a copy of `candidate` each and asserts they agree. */
const assertAgreement = (
  rules: EntityRules<unknown>,
  reference: z.ZodMiniType<unknown>,
  candidate: unknown,
): void => {
  const issues: IssueSink = [];
  // The full rules alone: `check` would answer valid candidates from `accept`.
  const checked = rules.full()(structuredClone(candidate), issues);
  const accepted = rules.accept(structuredClone(candidate));
  const expected = reference.safeParse(structuredClone(candidate), ENGLISH);
  if (expected.success) {
    expect(checked).not.toBe(INVALID);
    sameResult(checked, expected.data);
    expect(issues).toEqual([]);
  } else {
    expect(checked).toBe(INVALID);
    expect(pathsAndMessages(issues)).toEqual(pathsAndMessages(expected.error.issues));
  }
  if (accepted !== undefined) {
    expect(expected.success).toBe(true);
    if (expected.success) sameResult(accepted, expected.data);
  }
};

/**
 * Declares the agreement tests of one entity's rules against their zod reference.
 * `entities` are valid entities to start from (parsed from hand-written items).
 */
export const describeRulesAgreement = (
  name: string,
  rules: EntityRules<unknown>,
  reference: () => z.ZodMiniType<unknown>,
  entities: readonly Record<string, unknown>[],
  {
    numRuns = 400,
    extraValues = [],
  }: {
    /** Random mutation runs. */
    readonly numRuns?: number;
    /** Values aimed at this entity's rules, swept through every field with the edge values. */
    readonly extraValues?: readonly unknown[];
  } = {},
): void => {
  describe(`Property: ${name} rules agree with their zod reference`, () => {
    it('accepts the valid entities, returning what the reference returns', () => {
      for (const entity of entities) assertAgreement(rules, reference(), entity);
    });

    it('agrees on mutated entities: same result, or the same issues', () => {
      const schema = reference();
      const fields = [...new Set(entities.flatMap((entity) => Object.keys(entity)))];
      fc.assert(
        fc.property(
          fc.nat({ max: entities.length - 1 }),
          fc.array(
            fc.tuple(
              fc.constantFrom(...fields, 'extra'),
              fc.oneof(edgeValue, fc.constant('delete')),
            ),
            { maxLength: 3 },
          ),
          (index, changes) => {
            // Prepare
            const candidate = structuredClone(entities[index] ?? {});
            for (const [field, value] of changes) {
              if (value === 'delete') delete candidate[field];
              else candidate[field] = value;
            }

            // Act, Assess
            assertAgreement(rules, schema, candidate);
          },
        ),
        { numRuns },
      );
    });

    it('agrees on every field set to every edge value, or deleted', () => {
      const schema = reference();
      for (const entity of entities) {
        for (const field of [...Object.keys(entity), 'extra']) {
          for (const value of [...EDGE_VALUES, ...extraValues, 'delete']) {
            // Prepare
            const candidate = structuredClone(entity);
            if (value === 'delete') delete candidate[field];
            else candidate[field] = value;

            // Act, Assess
            assertAgreement(rules, schema, candidate);
          }
        }
      }
    });

    it('agrees on values that are not objects', () => {
      for (const value of [null, undefined, 1, 'x', [], [1], true]) {
        assertAgreement(rules, reference(), value);
      }
    });
  });
};
