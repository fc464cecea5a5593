import { RECEIPT } from '../../../../src/entities/receipt.js';
import { receiptItem } from '../../../helpers/factories.js';
import { describeRulesGolden } from '../../../helpers/rulesGolden.js';

const parsed = RECEIPT.itemParser.safeParse(receiptItem());
if (!parsed.success) throw new Error('the receipt fixture must parse');

describeRulesGolden('Receipt', RECEIPT.rules, [parsed.data as unknown as Record<string, unknown>]);
