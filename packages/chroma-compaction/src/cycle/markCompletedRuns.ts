import { pythonUtcNow } from '@receipt-chroma/dynamo-stream';
import { mapWithConcurrency } from '../adapters/fs/objectFiles.js';
import type { CollectionUpdateResult, DeltaMergeResult, MergeDeltas } from '../compaction/types.js';
import { toError } from '../errors.js';
import type { ReceiptStore } from '../ports/receiptStore.js';
import type { CycleRun } from './runCycle.js';
import type { CompactionRunStates, CompactionRunStateWrite } from './types.js';

// spec §13.3: H marks each delta result without an error once the upload succeeded.
/**
 * The cycle's last step: each compaction run whose delta the batch merged is marked
 * `COMPLETED` for the collection, through the receipts store's optional
 * `markCompactionRunCompleted`. A mark that fails is logged and counted, and never fails a
 * message, as in the Python compactor: the vectors are durable by then, and a run left
 * `PENDING` is what Python left after the same failure.
 * @internal
 * @packageDocumentation
 */

/** How many run items are written at once. */
const CONCURRENT_MARKS = 8;

/**
 * Wraps the cycle's merger so the cycle knows which results came from it: a delta the table
 * said not to merge (its receipt deleted, or a newer run of it) is skipped before the merger
 * is called, and its run is not marked. @internal
 */
export const recordMergerResults =
  (merge: MergeDeltas, answered: Set<string>): MergeDeltas =>
  async (runs, context) => {
    const results = await merge(runs, context);
    for (const result of results) answered.add(result.recordId);
    return results;
  };

/**
 * The runs to mark, once each: the merger's `applied` results (with their count) and its
 * `skipped` ones (an empty delta: merged, with 0 vectors); never a failed result, nor one the
 * table skipped. @internal
 */
export const runsToMark = (
  updates: CollectionUpdateResult,
  answered: ReadonlySet<string>,
): DeltaMergeResult[] => {
  const byRun = new Map<string, DeltaMergeResult>();
  for (const result of updates.deltaMergeResults) {
    if (result.status === 'failed' || !answered.has(result.recordId)) continue;
    const key = `${result.imageId}#${result.receiptId}#${result.runId}`;
    if (!byRun.has(key)) byRun.set(key, result);
  }
  return [...byRun.values()];
};

type Mark = NonNullable<ReceiptStore['markCompactionRunCompleted']>;

/** Marks one run; whatever goes wrong is reported in the write, never thrown. */
const markOne = async (
  mark: Mark,
  run: CycleRun,
  result: DeltaMergeResult,
): Promise<CompactionRunStateWrite> => {
  const { runId, imageId, receiptId, mergedCount: mergedVectors } = result;
  const write = { runId, imageId, receiptId, mergedVectors };
  try {
    const status = await mark({
      imageId,
      receiptId,
      runId,
      collection: run.collection,
      mergedVectors,
      finishedAt: pythonUtcNow(),
    });
    if (status === 'missing') {
      run.logger.warn('Compaction run not in the table: not marked COMPLETED', write);
    }
    return { ...write, status };
  } catch (thrown) {
    const error = toError(thrown);
    run.metrics.count('CompactionRunStateUpdateError', 1, { collection: run.collection });
    run.logger.error('Could not mark the compaction run COMPLETED; its message still succeeds', {
      ...write,
      error: error.message,
    });
    return { ...write, status: 'failed', error };
  }
};

/**
 * Marks the runs the batch merged `COMPLETED` for the cycle's collection, a few at a time, and
 * stores the tally in `run.runStates`. Does nothing (leaving `runStates` `null`) when the
 * receipts store has no `markCompactionRunCompleted`. Never throws. @internal
 */
export async function markCompletedRuns(run: CycleRun): Promise<void> {
  const { receipts } = run.options;
  const markCompleted = receipts.markCompactionRunCompleted;
  if (markCompleted === undefined || run.updates === null) return;
  const mark: Mark = (completion) => markCompleted.call(receipts, completion);
  const results = runsToMark(run.updates, run.mergerResults);
  if (results.length === 0) {
    run.runStates = { marked: 0, missing: 0, failed: 0, writes: [] };
    return;
  }
  run.phase = 'mark';
  const writes = await run.phases.run('mark', () =>
    mapWithConcurrency(results, CONCURRENT_MARKS, (result) => markOne(mark, run, result)),
  );
  const count = (status: CompactionRunStateWrite['status']): number =>
    writes.filter((write) => write.status === status).length;
  const states: CompactionRunStates = {
    marked: count('updated'),
    missing: count('missing'),
    failed: count('failed'),
    writes,
  };
  run.metrics.count('CompactionRunsMarkedCompleted', states.marked, {
    collection: run.collection,
  });
  run.runStates = states;
}
