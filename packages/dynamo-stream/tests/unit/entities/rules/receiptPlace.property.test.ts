import { describe, expect, it } from 'vitest';
import { INVALID, type IssueSink } from '../../../../src/entities/attributes.js';
import { ENGLISH } from '../../../../src/entities/english.js';
import {
  RECEIPT_PLACE_ITEM_PARSER,
  RECEIPT_PLACE_RULES,
} from '../../../../src/entities/receiptPlace.js';
import { placeItem, seedPlaceItem } from '../../../helpers/entityItemsB.js';
import { receiptPlaceReference } from '../../../helpers/referenceRules/receiptPlace.js';
import { describeRulesAgreement } from '../../../helpers/rulesAgreement.js';

const seeds = [placeItem(), seedPlaceItem()].map((item) => {
  const parsed = RECEIPT_PLACE_ITEM_PARSER.safeParse(item);
  if (!parsed.success) throw new Error('the place fixtures must parse');
  return parsed.data as unknown as Record<string, unknown>;
});

describeRulesAgreement('ReceiptPlace', RECEIPT_PLACE_RULES, receiptPlaceReference, seeds);

/** Values aimed at the place's own rules (lists, dictionaries, ranges, names). */
const PLACE_VALUES: readonly unknown[] = [
  undefined,
  null,
  '',
  ' ',
  '!!',
  '-- ',
  'Target',
  'ChIJ',
  'PHONE_LOOKUP',
  'phone_lookup',
  '2025-01-01',
  '2025-13-01',
  0,
  1,
  -1,
  0.5,
  1.0000001,
  -90,
  90.5,
  -180,
  180.5,
  Number.NaN,
  Number.NEGATIVE_INFINITY,
  true,
  [],
  ['a'],
  ['a', 'a'],
  ['b', 'a', 'b'],
  ['', 'a'],
  ['a', ' '],
  ['a', 1],
  [1, ''],
  {},
  { a: 1 },
  { a: undefined, b: [1] },
  [{}],
];

const outcome = (candidate: Record<string, unknown>) => {
  const issues: IssueSink = [];
  const value = RECEIPT_PLACE_RULES.check(structuredClone(candidate), issues);
  return {
    value: value === INVALID ? 'INVALID' : JSON.stringify(value),
    issues: issues.map((issue) => [(issue.path ?? []).join('.'), issue.message]),
  };
};

describe('ReceiptPlace rules: every field against targeted values', () => {
  it('returns what the zod reference returns, or its issues, for each single-field change', () => {
    // Prepare
    const reference = receiptPlaceReference();
    const fields = Object.keys(seeds[0] ?? {});
    let compared = 0;
    for (const seed of seeds) {
      for (const field of fields) {
        for (const value of PLACE_VALUES) {
          const candidate = { ...structuredClone(seed), [field]: value };

          // Act
          const actual = outcome(candidate);
          const accepted = RECEIPT_PLACE_RULES.accept(structuredClone(candidate));
          const expected = reference.safeParse(structuredClone(candidate), ENGLISH);

          // Assess
          const label = `${field} = ${String(value)}`;
          if (expected.success) {
            expect(actual, label).toEqual({ value: JSON.stringify(expected.data), issues: [] });
            if (accepted !== undefined) {
              expect(JSON.stringify(accepted), label).toBe(JSON.stringify(expected.data));
            }
          } else {
            expect(actual, label).toEqual({
              value: 'INVALID',
              issues: expected.error.issues.map((issue) => [issue.path.join('.'), issue.message]),
            });
            expect(accepted, label).toBeUndefined();
          }
          compared += 1;
        }
      }
    }
    expect(compared).toBe(seeds.length * fields.length * PLACE_VALUES.length);
  });
});
