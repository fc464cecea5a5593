import { RECEIPT_SECTION } from '../../../../src/entities/receiptSection.js';
import { legacyReceiptSectionItem, receiptSectionItem } from '../../../helpers/factories.js';
import { describeRulesGolden } from '../../../helpers/rulesGolden.js';

const sections = [receiptSectionItem(), legacyReceiptSectionItem()].map((item) => {
  const parsed = RECEIPT_SECTION.itemParser.safeParse(item);
  if (!parsed.success) throw new Error('the receipt section fixtures must parse');
  return parsed.data as unknown as Record<string, unknown>;
});

describeRulesGolden('ReceiptSection', RECEIPT_SECTION.rules, sections);
