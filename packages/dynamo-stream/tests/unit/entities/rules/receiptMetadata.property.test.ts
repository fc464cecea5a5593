import { describe, expect, it } from 'vitest';
import { INVALID, type IssueSink } from '../../../../src/entities/attributes.js';
import { ENGLISH } from '../../../../src/entities/english.js';
import {
  RECEIPT_METADATA_ITEM_PARSER,
  RECEIPT_METADATA_RULES,
} from '../../../../src/entities/receiptMetadata.js';
import { metadataItem } from '../../../helpers/entityItemsB.js';
import { receiptMetadataReference } from '../../../helpers/referenceRules/receiptMetadata.js';
import { describeRulesAgreement } from '../../../helpers/rulesAgreement.js';

const parsed = RECEIPT_METADATA_ITEM_PARSER.safeParse(metadataItem());
if (!parsed.success) throw new Error('the metadata fixture must parse');
const seed = parsed.data as unknown as Record<string, unknown>;

describeRulesAgreement('ReceiptMetadata', RECEIPT_METADATA_RULES, receiptMetadataReference, [seed]);

/** Values aimed at the metadata's own rules (matched fields, status derivation, enums). */
const METADATA_VALUES: readonly unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'x',
  'Sprouts',
  '12345 Main Street',
  '(818) 555-0199',
  'MATCHED',
  'ADDRESS_LOOKUP',
  'address_lookup',
  '2025-01-01',
  '2025-13-01',
  0,
  1,
  Number.NaN,
  true,
  [],
  ['name'],
  ['name', 'phone', 'address'],
  ['name', 'name'],
  ['', 'name'],
  ['', ''],
  ['name', 1],
  [null],
  {},
];

const outcome = (candidate: Record<string, unknown>) => {
  const issues: IssueSink = [];
  const value = RECEIPT_METADATA_RULES.check(structuredClone(candidate), issues);
  return {
    value: value === INVALID ? 'INVALID' : JSON.stringify(value),
    issues: issues.map((issue) => [(issue.path ?? []).join('.'), issue.message]),
  };
};

describe('ReceiptMetadata rules: every field against targeted values', () => {
  it('returns what the zod reference returns, or its issues, for each single-field change', () => {
    // Prepare
    const reference = receiptMetadataReference();
    const fields = Object.keys(seed);
    const emptyStatus = { ...seed, validation_status: '' };
    let compared = 0;
    for (const start of [seed, emptyStatus]) {
      for (const field of fields) {
        for (const value of METADATA_VALUES) {
          const candidate = { ...structuredClone(start), [field]: value };

          // Act
          const actual = outcome(candidate);
          const accepted = RECEIPT_METADATA_RULES.accept(structuredClone(candidate));
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
    expect(compared).toBe(2 * fields.length * METADATA_VALUES.length);
  });
});
