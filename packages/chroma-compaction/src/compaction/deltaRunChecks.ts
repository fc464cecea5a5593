import type { CompactionRun } from '@receipt-chroma/dynamo-stream';
import type { ReceiptStore } from '../ports/receiptStore.js';
import { timestampSortKey } from './sortAndDeduplicateMessages.js';
import type { DeltaMergeRequest } from './types.js';

// The table decides, as DESIGN §1 requires.
/**
 * Whether a compaction run's delta may be merged, decided from the receipts table: a
 * message of a run says only which delta exists, not whether it is still the receipt's
 * content.
 * @internal
 * @packageDocumentation
 */

/** The newer of two runs: later `created_at`, then the greater run id (a stable tie-break). */
const newer = (left: CompactionRun, right: CompactionRun): CompactionRun => {
  const leftAt = timestampSortKey(left.created_at);
  const rightAt = timestampSortKey(right.created_at);
  if (leftAt !== rightAt) return leftAt > rightAt ? left : right;
  return left.run_id >= right.run_id ? left : right;
};

/**
 * Why a run must not be merged, or `undefined` when it may be:
 * - `receipt deleted`: the table has no such receipt, so its embeddings would outlive it
 *   (its removal may already have been applied);
 * - `superseded by run …`: the table holds a newer run of the receipt (a re-created
 *   receipt's, or a re-embedding), whose delta is the receipt's content; merging the older
 *   one after it would bring back old text and vectors under ids the newer run reuses.
 *
 * A run missing from the table while no other run is there is merged: the table may not keep
 * runs, and a newer run, once written, supersedes it.
 * @throws {ReceiptStoreError} when a read fails
 * @throws {InvalidReceiptItemError} when a read returns an invalid item
 * @internal
 */
export async function whyNotMerge(
  receipts: ReceiptStore,
  request: DeltaMergeRequest,
): Promise<string | undefined> {
  if ((await receipts.getReceipt(request)) === undefined) return 'receipt deleted';
  const runs = await receipts.listCompactionRuns(request);
  const newest = runs.reduce<CompactionRun | undefined>(
    (best, run) => (best === undefined ? run : newer(best, run)),
    undefined,
  );
  if (newest === undefined || newest.run_id === request.runId) return undefined;
  return `superseded by run ${newest.run_id}`;
}
