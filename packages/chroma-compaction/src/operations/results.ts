// The Python package's results (spec §3.3), with the fixes of §18.2.
/**
 * Typed results of the compaction operations: every
 * operation says whether it applied its change, skipped it for a stated reason, or failed
 * with the error that stopped it. A failure is never reported as a bare count of 0.
 */

/**
 * What an operation did with its input.
 * - `applied`: the change was written (`updatedCount`/`deletedCount` records).
 * - `skipped`: provably nothing to write (e.g. the embedding does not exist, nothing
 *   changed); `reason` says why. Safe to acknowledge.
 * - `failed`: the change was not (fully) written; `error` says why. Retry.
 */
export type OperationStatus = 'applied' | 'skipped' | 'failed';

/** Fields every operation result carries. */
export interface OperationResultBase {
  /** Whether the change was applied, skipped or failed (see {@link OperationStatus}). */
  readonly status: OperationStatus;
  /** The collection the operation worked on, e.g. `words`. */
  readonly collection: string;
  /** Why the operation skipped or failed, in a few words (for logs). */
  readonly reason?: string | undefined;
  /** The error that made the operation fail; set exactly when `status` is `failed`. */
  readonly error?: Error | undefined;
  /**
   * The input records (SQS message ids) this result covers, when the caller supplied
   * them. Operations copy them through unchanged; `processCollectionUpdates` uses them to
   * give every input its own outcome.
   */
  readonly recordIds?: readonly string[] | undefined;
}

/**
 * The result of a place update or removal on one receipt (the Python package's
 * `MetadataUpdateResult`).
 */
export interface MetadataUpdateResult extends OperationResultBase {
  /** Tells this result from the other kinds. */
  readonly kind: 'place';
  /** The receipt's image. */
  readonly imageId: string;
  /** The receipt within the image. */
  readonly receiptId: number;
  /** Records whose metadata was written; 0 unless `applied`. */
  readonly updatedCount: number;
}

/**
 * The result of one label operation (the Python package's `LabelUpdateResult`): a word's
 * labels on the `words` collection, or the label flags of the rows of one receipt on `lines`.
 */
export interface LabelUpdateResult extends OperationResultBase {
  /** Tells this result from the other kinds. */
  readonly kind: 'label';
  /** The word or row id written, when the operation targets one record and its id is known. */
  readonly chromaId?: string | undefined;
  /** The ids of every record written (one for a word, every changed row for lines). */
  readonly chromaIds?: readonly string[] | undefined;
  /** The receipt's image, when the message's ids could be read. */
  readonly imageId?: string | undefined;
  /** The receipt within the image, when the message's ids could be read. */
  readonly receiptId?: number | undefined;
  /** The stream event that triggered it (`INSERT`, `MODIFY`, `REMOVE`). */
  readonly eventName: string;
  /** The names of the changed fields of the message (e.g. `validation_status`). */
  readonly changes: readonly string[];
  /** Records whose metadata was written; 0 unless `applied`. */
  readonly updatedCount: number;
}

/** The result of a section label recompute on the rows of one receipt (`lines` only). */
export interface SectionUpdateResult extends OperationResultBase {
  /** Tells this result from the other kinds. */
  readonly kind: 'section';
  /** The receipt's image. */
  readonly imageId: string;
  /** The receipt within the image. */
  readonly receiptId: number;
  /** Rows whose `section_label` was written; 0 unless `applied`. */
  readonly updatedCount: number;
}

/**
 * The result of deleting embeddings: a receipt's, a line's or a word's (the Python
 * package's `ReceiptDeletionResult`).
 */
export interface DeletionResult extends OperationResultBase {
  /** Tells this result from the other kinds. */
  readonly kind: 'deletion';
  /** The entity whose removal triggered it: `RECEIPT`, `RECEIPT_LINE` or `RECEIPT_WORD`. */
  readonly entityType: string;
  /** The receipt's image. */
  readonly imageId: string;
  /** The receipt within the image. */
  readonly receiptId: number;
  /** Records deleted (ids found before the delete); 0 unless `applied`. */
  readonly deletedCount: number;
  /** The ids deleted, when known. */
  readonly chromaIds?: readonly string[] | undefined;
}

/** Any operation result, discriminated by `kind`. */
export type OperationResult =
  | MetadataUpdateResult
  | LabelUpdateResult
  | SectionUpdateResult
  | DeletionResult;

/**
 * Whether a result failed (its input must be retried).
 * @param result - any operation result
 * @returns true when `status` is `failed`
 */
export function isFailedResult(result: OperationResultBase): boolean {
  return result.status === 'failed';
}

/**
 * The number of records a result wrote: `updatedCount`, or `deletedCount` for deletions;
 * 0 for a result that did not apply.
 * @param result - any operation result
 * @example
 * ```ts
 * import {
 *   type OperationResult,
 *   isFailedResult,
 *   resultRecordCount,
 * } from '@receipt-chroma/chroma-compaction';
 *
 * declare const results: readonly OperationResult[];
 *
 * const written = results.reduce((sum, result) => sum + resultRecordCount(result), 0);
 * const retry = results.filter(isFailedResult).flatMap((result) => result.recordIds ?? []);
 * ```
 */
export function resultRecordCount(result: OperationResult): number {
  if (result.status !== 'applied') return 0;
  return result.kind === 'deletion' ? result.deletedCount : result.updatedCount;
}
