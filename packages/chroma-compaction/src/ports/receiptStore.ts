import type {
  CompactionRun,
  Receipt,
  ReceiptLine,
  ReceiptPlace,
  ReceiptSection,
  ReceiptWord,
  ReceiptWordLabel,
} from '@receipt-chroma/dynamo-stream';

/** Identifies one receipt of an image. */
export interface ReceiptRef {
  /** The image's UUID. */
  readonly imageId: string;
  /** The receipt's number within the image, a positive integer. */
  readonly receiptId: number;
}

/** Identifies one word of a receipt. */
export interface WordRef extends ReceiptRef {
  /** The line's number within the receipt, a positive integer. */
  readonly lineId: number;
  /** The word's number within the line, a positive integer. */
  readonly wordId: number;
}

// The table's layout: spec §2.1.
/**
 * The reads of the receipts table the compaction operations need: the table is the source
 * of truth every operation converges on. Each list call returns every matching
 * entity (pagination is handled inside), in sort-key order; each get call returns the one
 * item or `undefined` when the table has none. Reads must be strongly consistent, so a
 * change that triggered a message is always seen when the message is applied.
 * A read that fails rejects with `ReceiptStoreError`; an item that fails validation
 * rejects with `InvalidReceiptItemError` listing the bad items, so a caller never acts on
 * a partial list.
 */
export interface ReceiptStore {
  /** The receipt item itself (SK `RECEIPT#r`), or `undefined` when the receipt is deleted. */
  getReceipt(receipt: ReceiptRef): Promise<Receipt | undefined>;
  /**
   * The receipt's place (SK `RECEIPT#r#PLACE`); without one, a legacy `RECEIPT_METADATA`
   * row (SK `RECEIPT#r#METADATA`, which older writers used) read as a place; `undefined`
   * when it has neither.
   */
  getReceiptPlace(receipt: ReceiptRef): Promise<ReceiptPlace | undefined>;
  /** Every word of a receipt. */
  listReceiptWords(receipt: ReceiptRef): Promise<ReceiptWord[]>;
  /** Every line of a receipt. */
  listReceiptLines(receipt: ReceiptRef): Promise<ReceiptLine[]>;
  /** The labels of one word (every label name). */
  listWordLabels(word: WordRef): Promise<ReceiptWordLabel[]>;
  /** Every word label of a receipt. */
  listReceiptWordLabels(receipt: ReceiptRef): Promise<ReceiptWordLabel[]>;
  /** Every section of a receipt (the line ids of each section type). */
  listReceiptSections(receipt: ReceiptRef): Promise<ReceiptSection[]>;
  /**
   * The receipt's compaction runs (SK `RECEIPT#r#COMPACTION_RUN#id`): a delta is merged only
   * when its run is the receipt's newest, so an older run never overwrites a newer one.
   */
  listCompactionRuns(receipt: ReceiptRef): Promise<CompactionRun[]>;
}
