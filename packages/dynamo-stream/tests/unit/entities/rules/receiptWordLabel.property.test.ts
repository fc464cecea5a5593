import {
  RECEIPT_WORD_LABEL_ITEM_PARSER,
  RECEIPT_WORD_LABEL_RULES,
} from '../../../../src/entities/receiptWordLabel.js';
import { receiptWordLabelItem } from '../../../helpers/entityItemsA.js';
import { receiptWordLabelReference } from '../../../helpers/referenceRules/receiptWordLabel.js';
import { describeRulesAgreement } from '../../../helpers/rulesAgreement.js';

const parsed = RECEIPT_WORD_LABEL_ITEM_PARSER.safeParse(receiptWordLabelItem());
if (!parsed.success) throw new Error('the receipt word label fixture must parse');

describeRulesAgreement('ReceiptWordLabel', RECEIPT_WORD_LABEL_RULES, receiptWordLabelReference, [
  parsed.data as unknown as Record<string, unknown>,
]);
