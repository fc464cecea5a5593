import { RECEIPT_PLACE } from '../../../../src/entities/receiptPlace.js';
import { placeItem, seedPlaceItem } from '../../../helpers/factories.js';
import { describeRulesGolden } from '../../../helpers/rulesGolden.js';

const entities = [placeItem(), seedPlaceItem()].map((item) => {
  const parsed = RECEIPT_PLACE.itemParser.safeParse(item);
  if (!parsed.success) throw new Error('the place fixtures must parse');
  return parsed.data as unknown as Record<string, unknown>;
});

/**
 * Values aimed at the place's own rules (blank and slug-less names, validation methods,
 * coordinate and confidence ranges, string lists and dictionaries), beyond the shared ones.
 */
const PLACE_VALUES: readonly (readonly [string, unknown])[] = [
  ["' '", ' '],
  ["'!!'", '!!'],
  ["'-- '", '-- '],
  ["'Target'", 'Target'],
  ["'ChIJ'", 'ChIJ'],
  ["'PHONE_LOOKUP'", 'PHONE_LOOKUP'],
  ["'phone_lookup'", 'phone_lookup'],
  ["'2025-01-01'", '2025-01-01'],
  ["'2025-13-01'", '2025-13-01'],
  ['1', 1],
  ['0.5', 0.5],
  ['1.0000001', 1.0000001],
  ['-90', -90],
  ['90.5', 90.5],
  ['-180', -180],
  ['180.5', 180.5],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ["['a']", ['a']],
  ["['a', 'a']", ['a', 'a']],
  ["['b', 'a', 'b']", ['b', 'a', 'b']],
  ["['', 'a']", ['', 'a']],
  ["['a', ' ']", ['a', ' ']],
  ["['a', 1]", ['a', 1]],
  ["[1, '']", [1, '']],
  ['{ a: 1 }', { a: 1 }],
  ['{ a: undefined, b: [1] }', { a: undefined, b: [1] }],
  ['[{}]', [{}]],
];

describeRulesGolden('ReceiptPlace', RECEIPT_PLACE.rules, entities, {
  extraValues: PLACE_VALUES,
});
