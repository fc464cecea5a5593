import { RECEIPT_WORD_LABEL } from '../../../../src/entities/receiptWordLabel.js';
import { receiptWordLabelItem } from '../../../helpers/entityItemsA.js';
import { receiptWordLabelReference } from '../../../helpers/referenceRules/receiptWordLabel.js';
import { describeRulesAgreement } from '../../../helpers/rulesAgreement.js';

const parsed = RECEIPT_WORD_LABEL.itemParser.safeParse(receiptWordLabelItem());
if (!parsed.success) throw new Error('the receipt word label fixture must parse');

describeRulesAgreement('ReceiptWordLabel', RECEIPT_WORD_LABEL.rules, receiptWordLabelReference, [
  parsed.data as unknown as Record<string, unknown>,
]);
