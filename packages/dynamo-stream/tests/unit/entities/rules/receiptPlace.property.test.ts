import {
  RECEIPT_PLACE_ITEM_PARSER,
  RECEIPT_PLACE_RULES,
} from '../../../../src/entities/receiptPlace.js';
import { placeItem, seedPlaceItem } from '../../../helpers/factories.js';
import { receiptPlaceReference } from '../../../helpers/referenceRules/receiptPlace.js';
import { describeRulesAgreement } from '../../../helpers/rulesAgreement.js';

const seeds = [placeItem(), seedPlaceItem()].map((item) => {
  const parsed = RECEIPT_PLACE_ITEM_PARSER.safeParse(item);
  if (!parsed.success) throw new Error('the place fixtures must parse');
  return parsed.data as unknown as Record<string, unknown>;
});

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

describeRulesAgreement('ReceiptPlace', RECEIPT_PLACE_RULES, receiptPlaceReference, seeds, {
  extraValues: PLACE_VALUES,
});
