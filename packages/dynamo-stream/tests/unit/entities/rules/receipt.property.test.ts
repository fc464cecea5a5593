import { RECEIPT } from '../../../../src/entities/receipt.js';
import { receiptItem } from '../../../helpers/entityItemsA.js';
import { receiptReference } from '../../../helpers/referenceRules/receipt.js';
import { describeRulesAgreement } from '../../../helpers/rulesAgreement.js';

const parsed = RECEIPT.itemParser.safeParse(receiptItem());
if (!parsed.success) throw new Error('the receipt fixture must parse');

describeRulesAgreement('Receipt', RECEIPT.rules, receiptReference, [
  parsed.data as unknown as Record<string, unknown>,
]);
