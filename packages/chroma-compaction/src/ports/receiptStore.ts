import type {
  CompactionRun,
  Receipt,
  ReceiptLine,
  ReceiptPlace,
  ReceiptSection,
  ReceiptWord,
  ReceiptWordLabel,
} from '@receipt-chroma/dynamo-stream';
import type { CollectionName } from '../compaction/types.js';

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

/**
 * One compaction run whose delta is merged into one collection, for
 * {@link ReceiptStore.markCompactionRunCompleted}.
 */
export interface CompactionRunCompletion extends ReceiptRef {
  /** The run's id (the last segment of its sort key `RECEIPT#r#COMPACTION_RUN#id`). */
  readonly runId: string;
  /** The collection whose delta was merged: only that collection's fields are written. */
  readonly collection: CollectionName;
  /** How many vectors of the run's delta the collection received, an integer `>= 0`. */
  readonly mergedVectors: number;
  /**
   * When the merge became durable, written to `{collection}_finished_at` and `updated_at`, in
   * the Python writers' ISO format (`2026-01-04T12:34:56.123456+00:00`, see `pythonUtcNow`).
   */
  readonly finishedAt: string;
}

// The table's layout: spec §2.1; the run-state write: spec §13.3.
/**
 * The reads of the receipts table the compaction operations need (the table is the source
 * of truth every operation converges on), and one optional write, the run state a merged
 * compaction run gets. Each list call returns every matching
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
  /**
   * Records that a run's delta is merged into one collection: sets the run item's
   * `{collection}_state` to `COMPLETED`, `{collection}_finished_at` and `updated_at` to
   * `finishedAt`, and `{collection}_merged_vectors` to `mergedVectors`, leaving the other
   * collection's fields alone (the lines and words compactors each write their own). The
   * write only updates an existing item: a run item that is gone is never created, and
   * resolves to `'missing'`.
   *
   * Optional: `compactCollection` calls it after a cycle's merges are durable (published, or
   * applied to the remote target); a store without it leaves run items as they are.
   * `DynamoReceiptStore` and `InMemoryReceiptStore` implement it.
   *
   * @param run - the run, the collection, the merged count and the time
   * @returns `'updated'` when the item was written, `'missing'` when the table has no such run
   * @throws {ReceiptStoreError} when the reference is invalid or the write fails
   */
  markCompactionRunCompleted?(run: CompactionRunCompletion): Promise<'updated' | 'missing'>;
}
