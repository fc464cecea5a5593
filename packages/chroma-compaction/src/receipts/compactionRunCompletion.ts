import {
  type DynamoDBItem,
  imagePk,
  isValidUuid,
  receiptSkPrefix,
} from '@receipt-chroma/dynamo-stream';
import { ReceiptStoreError } from '../errors.js';
import type { CompactionRunCompletion } from '../ports/receiptStore.js';

// spec §13.3 (`mark_compaction_run_completed`)
/**
 * The write `ReceiptStore.markCompactionRunCompleted` makes, shared by the DynamoDB adapter
 * and the in-memory double so that both check the reference and write the same attributes.
 * @internal
 * @packageDocumentation
 */

/** The port method, named by errors. @internal */
export const MARK_RUN_COMPLETED = 'markCompactionRunCompleted';

/** The key of a run item and the attributes that mark it completed for one collection. @internal */
export interface CompactionRunCompletionWrite {
  /** `IMAGE#{imageId}`. */
  readonly pk: string;
  /** `RECEIPT#{receiptId:05d}#COMPACTION_RUN#{runId}`. */
  readonly sk: string;
  /**
   * `{c}_state`, `{c}_finished_at`, `{c}_merged_vectors` and `updated_at`, as the Python
   * writer stores them (`S`, `S`, `N`, `S`).
   */
  readonly set: DynamoDBItem;
}

const fail = (message: string, run: CompactionRunCompletion): ReceiptStoreError =>
  new ReceiptStoreError(`${MARK_RUN_COMPLETED}: ${message}`, {
    operation: MARK_RUN_COMPLETED,
    context: {
      imageId: String(run.imageId),
      receiptId: String(run.receiptId),
      runId: String(run.runId),
      collection: String(run.collection),
    },
  });

/**
 * Checks `run` and builds its write: `imageId` a UUID, `receiptId` an integer `> 0`, `runId`
 * a non-empty string without `#` (it is the last segment of the sort key), `collection`
 * `lines` or `words`, `mergedVectors` an integer `>= 0`, `finishedAt` a non-empty string.
 * @throws {ReceiptStoreError} when a part is invalid (nothing is written)
 * @internal
 */
export const compactionRunCompletionWrite = (
  run: CompactionRunCompletion,
): CompactionRunCompletionWrite => {
  if (!isValidUuid(run.imageId)) {
    throw fail(`imageId must be a UUID, got ${JSON.stringify(run.imageId)}`, run);
  }
  if (!Number.isSafeInteger(run.receiptId) || run.receiptId <= 0) {
    throw fail(`receiptId must be an integer > 0, got ${String(run.receiptId)}`, run);
  }
  if (typeof run.runId !== 'string' || run.runId === '' || run.runId.includes('#')) {
    throw fail(
      `runId must be a non-empty string without '#', got ${JSON.stringify(run.runId)}`,
      run,
    );
  }
  if (run.collection !== 'lines' && run.collection !== 'words') {
    throw fail(`collection must be 'lines' or 'words', got ${JSON.stringify(run.collection)}`, run);
  }
  if (!Number.isSafeInteger(run.mergedVectors) || run.mergedVectors < 0) {
    throw fail(`mergedVectors must be an integer >= 0, got ${String(run.mergedVectors)}`, run);
  }
  if (typeof run.finishedAt !== 'string' || run.finishedAt === '') {
    throw fail('finishedAt must be a non-empty ISO timestamp', run);
  }
  const c = run.collection;
  return {
    pk: imagePk(run.imageId),
    sk: `${receiptSkPrefix(run.receiptId)}#COMPACTION_RUN#${run.runId}`,
    set: {
      [`${c}_state`]: { S: 'COMPLETED' },
      [`${c}_finished_at`]: { S: run.finishedAt },
      [`${c}_merged_vectors`]: { N: String(run.mergedVectors) },
      updated_at: { S: run.finishedAt },
    },
  };
};
