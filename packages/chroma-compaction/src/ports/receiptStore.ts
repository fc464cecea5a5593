import type {
  ReceiptLine,
  ReceiptSection,
  ReceiptWord,
  ReceiptWordLabel,
} from '@receipt-chroma/dynamo-stream';

/** Identifies one receipt of an image. */
export interface ReceiptRef {
  readonly imageId: string;
  readonly receiptId: number;
}

/** Identifies one word of a receipt. */
export interface WordRef extends ReceiptRef {
  readonly lineId: number;
  readonly wordId: number;
}

/**
 * The reads of the receipts table the compaction operations need (spec §2.1). Each call
 * returns every matching entity (pagination is handled inside), in sort-key order.
 * A read that fails rejects with `ReceiptStoreError`; an item that fails validation
 * rejects with `InvalidReceiptItemError` listing the bad items, so a caller never acts on
 * a partial list.
 */
export interface ReceiptStore {
  listReceiptWords(receipt: ReceiptRef): Promise<ReceiptWord[]>;
  listReceiptLines(receipt: ReceiptRef): Promise<ReceiptLine[]>;
  /** The labels of one word (every label name). */
  listWordLabels(word: WordRef): Promise<ReceiptWordLabel[]>;
  /** Every word label of a receipt. */
  listReceiptWordLabels(receipt: ReceiptRef): Promise<ReceiptWordLabel[]>;
  listReceiptSections(receipt: ReceiptRef): Promise<ReceiptSection[]>;
}
