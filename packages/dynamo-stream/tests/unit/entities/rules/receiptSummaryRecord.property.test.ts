import {
  RECEIPT_SUMMARY_RECORD_ITEM_PARSER,
  RECEIPT_SUMMARY_RECORD_RULES,
} from '../../../../src/entities/receiptSummaryRecord.js';
import { summaryItem } from '../../../helpers/entityItemsB.js';
import { receiptSummaryRecordReference } from '../../../helpers/referenceRules/receiptSummaryRecord.js';
import { describeRulesAgreement } from '../../../helpers/rulesAgreement.js';

const parsed = RECEIPT_SUMMARY_RECORD_ITEM_PARSER.safeParse(summaryItem());
if (!parsed.success) throw new Error('the receipt summary fixture must parse');

describeRulesAgreement(
  'ReceiptSummaryRecord',
  RECEIPT_SUMMARY_RECORD_RULES,
  receiptSummaryRecordReference,
  [parsed.data as unknown as Record<string, unknown>],
);
