import { RECEIPT_WORD_LABEL } from '../../../../src/entities/receiptWordLabel.js';
import { IMAGE_ID, receiptWordLabelItem } from '../../../helpers/factories.js';
import { describeItemFastPath } from '../../../helpers/itemFastPath.js';

const labelItem = receiptWordLabelItem();
const lowerCaseLabel = { ...receiptWordLabelItem(), reasoning: { NULL: true } };

describeItemFastPath(
  'ReceiptWordLabel',
  RECEIPT_WORD_LABEL.itemParser,
  [labelItem, lowerCaseLabel],
  {
    pk: [
      `IMAGE#${IMAGE_ID}`,
      `IMAGE#${IMAGE_ID}#x`,
      'IMAGE#not-a-uuid',
      'IMAGE#',
      '',
      `X#${IMAGE_ID}`,
    ],
    sk: [
      'RECEIPT#00001#LINE#00002#WORD#00003#LABEL#GRAND_TOTAL',
      'RECEIPT#1#LINE#2#WORD#3#LABEL#total',
      'RECEIPT#00000#LINE#00002#WORD#00003#LABEL#TAX',
      'RECEIPT#+1#LINE#2#WORD#3#LABEL#TAX',
      'RECEIPT# 1#LINE#2#WORD#3#LABEL#TAX',
      'RECEIPT#1#LINE#2#WORD#3#LABEL#',
      'RECEIPT#1#LINE#2#WORD#3#LABEL#A#B',
      'RECEIPT#1#LINE#2#WORD#3#LABEL',
      'RECEIPT#1#LINE#2#WORD#3',
      'RECEIPT#1#LINE#2#WORDS#3#LABEL#TAX',
      'RECEIPT#9999999999999999#LINE#2#WORD#3#LABEL#TAX',
      'RECEIPT##LINE#2#WORD#3#LABEL#TAX',
      'RECEIPT#1.0#LINE#2#WORD#3#LABEL#TAX',
      '',
    ],
  },
);
