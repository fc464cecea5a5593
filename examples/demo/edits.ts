import { lineChromaId, wordChromaId } from '@receipt-chroma/chroma-compaction';
import {
  compactionRunToItem,
  type ReceiptPlace,
  type ReceiptWord,
  type ReceiptWordLabel,
  receiptLineToItem,
  receiptPlaceToItem,
  receiptToItem,
  receiptWordLabelToItem,
  receiptWordToItem,
} from '@receipt-chroma/dynamo-stream';
import type { DemoTable } from './demoTable.js';
import type { SyntheticReceipt } from './syntheticReceipts.js';

/**
 * The second round of table writes: a reviewer validates labels, a place is corrected, a
 * word and a whole receipt are deleted. Each is an ordinary `PutItem`/`DeleteItem`, so it
 * reaches Chroma only through the stream and the queues.
 */

/** Labels a reviewer confirms on every receipt. */
const CONFIRMED = new Set(['GRAND_TOTAL', 'SUBTOTAL', 'TAX', 'MERCHANT_NAME', 'DATE']);

/** What the edits did, and what the collections must show afterwards. */
export interface AppliedEdits {
  readonly validated: number;
  readonly invalidated: number;
  /** The receipt whose place was corrected, and its new merchant name. */
  readonly editedPlace: {
    readonly imageId: string;
    readonly receiptId: number;
    readonly merchantName: string;
  };
  /** The Chroma id of the deleted word. */
  readonly deletedWordId: string;
  /** The deleted receipt and the Chroma ids of its lines and words. */
  readonly deletedReceipt: {
    readonly imageId: string;
    readonly receiptId: number;
    readonly lineIds: readonly string[];
    readonly wordIds: readonly string[];
  };
  /** Records each collection must hold at the end. */
  readonly expectedCounts: { readonly lines: number; readonly words: number };
}

const wordId = (word: Pick<ReceiptWord, 'image_id' | 'receipt_id' | 'line_id' | 'word_id'>) =>
  wordChromaId({
    imageId: word.image_id,
    receiptId: word.receipt_id,
    lineId: word.line_id,
    wordId: word.word_id,
  });

/** MODIFYs of labels: confirmed ones become VALID, one product label per fourth receipt INVALID. */
const reviewLabels = (
  table: DemoTable,
  receipts: readonly SyntheticReceipt[],
  timestamp: () => string,
): { validated: number; invalidated: number } => {
  let validated = 0;
  let invalidated = 0;
  receipts.forEach((receipt, index) => {
    const rejected =
      index % 4 === 0 ? receipt.labels.find((l) => l.label === 'PRODUCT_NAME') : undefined;
    for (const label of receipt.labels) {
      let status: ReceiptWordLabel['validation_status'] | undefined;
      if (label === rejected) status = 'INVALID';
      else if (CONFIRMED.has(label.label)) status = 'VALID';
      if (status === undefined) continue;
      table.put(
        receiptWordLabelToItem({
          ...label,
          validation_status: status,
          reasoning: status === 'VALID' ? 'confirmed by a reviewer' : 'rejected by a reviewer',
          timestamp_added: timestamp(),
        }),
      );
      if (status === 'VALID') validated += 1;
      else invalidated += 1;
    }
  });
  return { validated, invalidated };
};

/**
 * Applies the edits to `receipts` (at least three): labels reviewed on all but the last,
 * the place of the second corrected, a word of the first deleted, the last deleted whole
 * (labels, words, lines, place, compaction run, then the receipt, as a cascade would).
 */
export const applyEdits = (
  table: DemoTable,
  receipts: readonly SyntheticReceipt[],
  timestamp: () => string,
): AppliedEdits => {
  const [first, second] = receipts;
  const last = receipts.at(-1);
  if (first === undefined || second === undefined || last === undefined || receipts.length < 3) {
    throw new RangeError('The edits need at least three receipts');
  }
  const review = reviewLabels(table, receipts.slice(0, -1), timestamp);

  const place: ReceiptPlace = {
    ...second.place,
    merchant_name: `${second.place.merchant_name} THOUSAND OAKS`,
    timestamp: timestamp(),
  };
  table.put(receiptPlaceToItem(place));

  // An unlabelled word ("FOR" of "THANK YOU FOR SHOPPING").
  const closing = first.lines.at(-1);
  const word = first.words.find((w) => w.line_id === closing?.line_id && w.word_id === 3);
  if (word === undefined) throw new Error('The first receipt has no closing line');
  table.remove(receiptWordToItem(word));

  table.remove(
    ...last.labels.map(receiptWordLabelToItem),
    ...last.words.map(receiptWordToItem),
    ...last.lines.map(receiptLineToItem),
    receiptPlaceToItem(last.place),
    compactionRunToItem(last.run),
    receiptToItem(last.receipt),
  );

  const lines = receipts.reduce((sum, receipt) => sum + receipt.lines.length, 0);
  const words = receipts.reduce((sum, receipt) => sum + receipt.words.length, 0);
  return {
    ...review,
    editedPlace: {
      imageId: place.image_id,
      receiptId: place.receipt_id,
      merchantName: place.merchant_name,
    },
    deletedWordId: wordId(word),
    deletedReceipt: {
      imageId: last.receipt.image_id,
      receiptId: last.receipt.receipt_id,
      lineIds: last.lines.map((line) =>
        lineChromaId({ imageId: line.image_id, receiptId: line.receipt_id, lineId: line.line_id }),
      ),
      wordIds: last.words.map(wordId),
    },
    expectedCounts: {
      lines: lines - last.lines.length,
      words: words - last.words.length - 1,
    },
  };
};
