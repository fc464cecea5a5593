import { RECEIPT_LINE } from '../../../../src/entities/receiptLine.js';
import { receiptLineItem } from '../../../helpers/factories.js';
import { describeRulesGolden } from '../../../helpers/rulesGolden.js';

const parsed = RECEIPT_LINE.itemParser.safeParse(receiptLineItem());
if (!parsed.success) throw new Error('the receipt line fixture must parse');

describeRulesGolden('ReceiptLine', RECEIPT_LINE.rules, [
  parsed.data as unknown as Record<string, unknown>,
]);
