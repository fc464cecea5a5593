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

describeRulesAgreement(
  'ReceiptMetadata',
  RECEIPT_METADATA_RULES,
  receiptMetadataReference,
  [seed],
  { extraValues: METADATA_VALUES },
);
