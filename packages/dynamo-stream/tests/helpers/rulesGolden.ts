import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INVALID, type IssueSink } from '../../src/validation/attributes.js';
import type { EntityRules } from '../../src/validation/entityParts.js';

/**
 * Golden tests of an entity's rules: for a fixed set of bad values put in each field of a
 * valid entity, the issues (path and message, in order) are compared with those recorded in
 * the snapshot, which was taken when the rules still agreed with the zod schemas they were
 * first written as. A change to a rule's behaviour or message shows up as a snapshot diff.
 * The fast path (`accept`) is checked against the full rules on random mutations.
 */

/** Values that sit on and around the rules' boundaries, for every entity. */
const EDGE_VALUES: readonly unknown[] = [
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

/** The fast-path mutations: the edge values, and any strings, numbers, lists and maps. */
const edgeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...EDGE_VALUES),
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.array(fc.integer({ min: -2, max: 5 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.string(), fc.integer()), {
    maxKeys: 3,
  }),
);

/** The bad (or boundary) values each field is set to, with a label for the snapshot. */
const GOLDEN_VALUES: readonly (readonly [string, unknown])[] = [
  ['deleted', undefined],
  ['null', null],
  ["''", ''],
  ["'x'", 'x'],
  ['-1', -1],
  ['0', 0],
  ['1.5', 1.5],
  ['NaN', Number.NaN],
  ['2 ** 53', 2 ** 53],
  ['true', true],
  ['[]', []],
  ['[1, 1]', [1, 1]],
  ['{}', {}],
  ['{ x: 1, y: 2, z: 3 }', { x: 1, y: 2, z: 3 }],
  ["'2025-02-30'", '2025-02-30'],
];

type Outcome = 'valid' | readonly string[];

/** What the full rules say of `candidate`: `valid`, or each issue as `path: message`. */
const outcomeOf = (rules: EntityRules<unknown>, candidate: unknown): Outcome => {
  const issues: IssueSink = [];
  const result = rules.full()(candidate, issues);
  if (result !== INVALID && issues.length === 0) return 'valid';
  return issues.map((issue) => `${(issue.path ?? []).map(String).join('.')}: ${issue.message}`);
};

/** A copy of `entity` with `field` set to `value` (deleted when `undefined`). */
const withField = (
  entity: Record<string, unknown>,
  field: string,
  value: unknown,
): Record<string, unknown> => {
  const candidate = structuredClone(entity);
  if (value === undefined) delete candidate[field];
  else candidate[field] = structuredClone(value);
  return candidate;
};

/** Options of {@link describeRulesGolden}. */
export interface RulesGoldenOptions {
  /**
   * Labelled values aimed at this entity's own rules, set in every field after the shared
   * bad values (recorded in the same snapshot) and mixed into the fast-path mutations.
   */
  readonly extraValues?: readonly (readonly [string, unknown])[];
}

/**
 * Declares the golden tests of one entity's rules. `entities` are valid entities (parsed
 * from hand-written items); the first is the one whose fields are changed.
 */
export const describeRulesGolden = (
  name: string,
  rules: EntityRules<unknown>,
  entities: readonly Record<string, unknown>[],
  { extraValues = [] }: RulesGoldenOptions = {},
): void => {
  const values = [...GOLDEN_VALUES, ...extraValues];
  const mutation =
    extraValues.length === 0
      ? edgeValue
      : fc.oneof(edgeValue, fc.constantFrom(...extraValues.map(([, value]) => value)));
  describe(`Golden: ${name} rules`, () => {
    it('accept the valid entities as they are, on both paths', () => {
      for (const entity of entities) {
        // Act
        const full = rules.full()(structuredClone(entity), []);
        const fast = rules.accept(structuredClone(entity));

        // Assess
        expect(full).toStrictEqual(entity);
        expect(fast).toStrictEqual(entity);
      }
    });

    it('report the recorded issues for each field set to each bad value', () => {
      // Prepare
      const [entity = {}] = entities;
      const fields = [...Object.keys(entity), 'extra'];

      // Act
      const outcomes: Record<string, Outcome> = {};
      for (const field of fields) {
        for (const [label, value] of values) {
          outcomes[`${field} = ${label}`] = outcomeOf(rules, withField(entity, field, value));
        }
      }
      for (const value of [null, 1, 'x', [], true]) {
        outcomes[`the entity = ${JSON.stringify(value)}`] = outcomeOf(rules, value);
      }

      // Assess
      expect(outcomes).toMatchSnapshot();
    });

    it('take the fast path only for what the full rules accept, with the same value', () => {
      const fields = [...new Set(entities.flatMap((entity) => Object.keys(entity)))];
      fc.assert(
        fc.property(
          fc.nat({ max: entities.length - 1 }),
          fc.array(fc.tuple(fc.constantFrom(...fields, 'extra'), mutation), { maxLength: 3 }),
          (index, changes) => {
            // Prepare
            let candidate = structuredClone(entities[index] ?? {});
            for (const [field, value] of changes) candidate = withField(candidate, field, value);

            // Act
            const fast = rules.accept(structuredClone(candidate));
            const full = rules.full()(structuredClone(candidate), []);

            // Assess
            if (fast !== undefined) expect(fast).toStrictEqual(full);
          },
        ),
        { numRuns: 400 },
      );
    });
  });
};
