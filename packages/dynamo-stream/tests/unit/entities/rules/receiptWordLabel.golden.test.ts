import { RECEIPT_WORD_LABEL } from '../../../../src/entities/receiptWordLabel.js';
import { receiptWordLabelItem } from '../../../helpers/factories.js';
import { describeRulesGolden } from '../../../helpers/rulesGolden.js';

const parsed = RECEIPT_WORD_LABEL.itemParser.safeParse(receiptWordLabelItem());
if (!parsed.success) throw new Error('the receipt word label fixture must parse');

describeRulesGolden('ReceiptWordLabel', RECEIPT_WORD_LABEL.rules, [
  parsed.data as unknown as Record<string, unknown>,
]);
