import { RECEIPT_LINE } from '../../../../src/entities/receiptLine.js';
import { receiptLineItem } from '../../../helpers/entityItemsA.js';
import { receiptLineReference } from '../../../helpers/referenceRules/receiptLine.js';
import { describeRulesAgreement } from '../../../helpers/rulesAgreement.js';

const parsed = RECEIPT_LINE.itemParser.safeParse(receiptLineItem());
if (!parsed.success) throw new Error('the receipt line fixture must parse');

describeRulesAgreement('ReceiptLine', RECEIPT_LINE.rules, receiptLineReference, [
  parsed.data as unknown as Record<string, unknown>,
]);
