import { RECEIPT_SUMMARY_RECORD } from '../../../../src/entities/receiptSummaryRecord.js';
import { summaryItem } from '../../../helpers/factories.js';
import { describeRulesGolden } from '../../../helpers/rulesGolden.js';

const parsed = RECEIPT_SUMMARY_RECORD.itemParser.safeParse(summaryItem());
if (!parsed.success) throw new Error('the receipt summary fixture must parse');

describeRulesGolden('ReceiptSummaryRecord', RECEIPT_SUMMARY_RECORD.rules, [
  parsed.data as unknown as Record<string, unknown>,
]);
