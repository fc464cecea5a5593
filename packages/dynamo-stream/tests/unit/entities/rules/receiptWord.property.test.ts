import { RECEIPT_WORD } from '../../../../src/entities/receiptWord.js';
import { receiptWordItem } from '../../../helpers/entityItemsA.js';
import { receiptWordReference } from '../../../helpers/referenceRules/receiptWord.js';
import { describeRulesAgreement } from '../../../helpers/rulesAgreement.js';

const parsed = RECEIPT_WORD.itemParser.safeParse(receiptWordItem());
if (!parsed.success) throw new Error('the receipt word fixture must parse');

describeRulesAgreement('ReceiptWord', RECEIPT_WORD.rules, receiptWordReference, [
  parsed.data as unknown as Record<string, unknown>,
]);
