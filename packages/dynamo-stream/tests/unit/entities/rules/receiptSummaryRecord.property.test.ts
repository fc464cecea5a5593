import { RECEIPT_SUMMARY_RECORD } from '../../../../src/entities/receiptSummaryRecord.js';
import { summaryItem } from '../../../helpers/entityItemsB.js';
import { receiptSummaryRecordReference } from '../../../helpers/referenceRules/receiptSummaryRecord.js';
import { describeRulesAgreement } from '../../../helpers/rulesAgreement.js';

const parsed = RECEIPT_SUMMARY_RECORD.itemParser.safeParse(summaryItem());
if (!parsed.success) throw new Error('the receipt summary fixture must parse');

describeRulesAgreement(
  'ReceiptSummaryRecord',
  RECEIPT_SUMMARY_RECORD.rules,
  receiptSummaryRecordReference,
  [parsed.data as unknown as Record<string, unknown>],
);
