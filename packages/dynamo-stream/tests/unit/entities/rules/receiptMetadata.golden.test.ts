import { describe, expect, it } from 'vitest';
import { RECEIPT_METADATA } from '../../../../src/entities/receiptMetadata.js';
import { INVALID } from '../../../../src/validation/attributes.js';
import { metadataItem } from '../../../helpers/factories.js';
import { describeRulesGolden } from '../../../helpers/rulesGolden.js';

const parsed = RECEIPT_METADATA.itemParser.safeParse(metadataItem());
if (!parsed.success) throw new Error('the metadata fixture must parse');
const seed = parsed.data as unknown as Record<string, unknown>;

/** Values aimed at the metadata's own rules (matched fields, status derivation, enums). */
const METADATA_VALUES: readonly (readonly [string, unknown])[] = [
  ["' '", ' '],
  ["'Sprouts'", 'Sprouts'],
  ["'12345 Main Street'", '12345 Main Street'],
  ["'(818) 555-0199'", '(818) 555-0199'],
  ["'MATCHED'", 'MATCHED'],
  ["'ADDRESS_LOOKUP'", 'ADDRESS_LOOKUP'],
  ["'address_lookup'", 'address_lookup'],
  ["'2025-01-01'", '2025-01-01'],
  ["'2025-13-01'", '2025-13-01'],
  ["['name']", ['name']],
  ["['name', 'phone', 'address']", ['name', 'phone', 'address']],
  ["['name', 'name']", ['name', 'name']],
  ["['', 'name']", ['', 'name']],
  ["['', '']", ['', '']],
  ["['name', 1]", ['name', 1]],
  ['[null]', [null]],
];

describeRulesGolden('ReceiptMetadata', RECEIPT_METADATA.rules, [seed], {
  extraValues: METADATA_VALUES,
});

/** Strings around the quality rules of a matched name, phone and address. */
const QUALITY_VALUES: readonly string[] = [
  '',
  ' ',
  'x',
  'Al',
  ' Al ',
  'Ann',
  'Downtown',
  'Main St.',
  '123',
  '12-34',
  'A B',
  'A 1',
  '12 B',
  '555-010',
  '555-0100',
  '(818) 555-0199',
  '٣٤٥ Main',
  '12345 Main Street',
];

/** The field each matched-field name is judged by. */
const JUDGED_FIELDS = [
  ['name', 'merchant_name'],
  ['phone', 'phone_number'],
  ['address', 'address'],
] as const;

/** The validation status the rules return for `changes` to the seed, with none stored. */
const derivedStatus = (changes: Record<string, unknown>): unknown => {
  const candidate = { ...structuredClone(seed), validation_status: '', ...changes };
  const result = RECEIPT_METADATA.rules.full()(candidate, []);
  return result === INVALID ? 'invalid' : result.validation_status;
};

describe('Golden: ReceiptMetadata validation status derivation', () => {
  it('derives the recorded status from each matched field alone, for each value', () => {
    // Act
    const statuses: Record<string, unknown> = {};
    for (const [matched, field] of JUDGED_FIELDS) {
      for (const value of QUALITY_VALUES) {
        statuses[`${matched}: ${JSON.stringify(value)}`] = derivedStatus({
          matched_fields: [matched],
          [field]: value,
        });
      }
    }

    // Assess
    expect(statuses).toMatchSnapshot();
  });

  it('derives the recorded status for each list of matched fields', () => {
    // Act
    const statuses: Record<string, unknown> = {};
    for (const [label, value] of METADATA_VALUES) {
      if (Array.isArray(value)) statuses[label] = derivedStatus({ matched_fields: value });
    }
    for (const fields of [[], ['website'], ['name', 'website'], ['website', 'other']]) {
      statuses[JSON.stringify(fields)] = derivedStatus({ matched_fields: fields });
    }

    // Assess
    expect(statuses).toMatchSnapshot();
  });
});
