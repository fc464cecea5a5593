import { RECEIPT_WORD } from '../../../../src/entities/receiptWord.js';
import { receiptWordItem } from '../../../helpers/factories.js';
import { describeRulesGolden } from '../../../helpers/rulesGolden.js';

const parsed = RECEIPT_WORD.itemParser.safeParse(receiptWordItem());
if (!parsed.success) throw new Error('the receipt word fixture must parse');

describeRulesGolden('ReceiptWord', RECEIPT_WORD.rules, [
  parsed.data as unknown as Record<string, unknown>,
]);
