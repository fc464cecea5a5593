import { toError } from '../errors.js';
import { deleteReceiptEmbeddings } from '../operations/receiptEmbeddingDeletions.js';
import type { ReceiptRef } from '../ports/receiptStore.js';
import { groupByReceipt, type Run, record } from './collectionUpdatePhases.js';
import { whyNotMerge } from './deltaRunChecks.js';
import { CompactionConfigurationError } from './errors.js';
import type { DeltaInput } from './planCollectionUpdates.js';
import type { DeltaMergeRequest, DeltaMergeResult } from './types.js';

/**
 * The delta step of `processCollectionUpdates`: which runs the table says to merge, the call
 * to `mergeDeltas`, and one result per delta message.
 * @internal
 * @packageDocumentation
 */

/** Hands the delta messages to `mergeDeltas` and records one result per message. @internal */
export async function applyDeltas(run: Run, deltas: readonly DeltaInput[]): Promise<void> {
  const { mergeDeltas } = run.options;
  const requests = deltas.map(({ request }) => request);
  const failRequests = (
    failing: readonly DeltaMergeRequest[],
    reason: string,
    error: Error,
  ): void => {
    for (const request of failing) {
      run.collected.deltaMergeResults.push({
        recordId: request.recordId,
        runId: request.runId,
        imageId: request.imageId,
        receiptId: request.receiptId,
        status: 'failed',
        mergedCount: 0,
        reason,
        error,
      });
      run.tracker.set({ recordId: request.recordId, status: 'failed', reason, error });
    }
  };
  if (mergeDeltas === undefined) {
    run.logger.error('Delta messages arrived but no mergeDeltas function was given', {
      collection: run.collection,
      count: requests.length,
    });
    failRequests(
      requests,
      'no delta merger configured',
      new CompactionConfigurationError(
        'COMPACTION_RUN messages need the mergeDeltas option of processCollectionUpdates; they were not merged',
        { context: { collection: run.collection } },
      ),
    );
    return;
  }
  const live: DeltaMergeRequest[] = [];
  const skipped: { recordId: string; receipt: ReceiptRef }[] = [];
  for (const request of requests) {
    let reason: string | undefined;
    try {
      reason = await whyNotMerge(run.operation.receipts, request);
    } catch (thrown) {
      failRequests([request], 'could not read the receipt and its runs', toError(thrown));
      continue;
    }
    if (reason === undefined) {
      live.push(request);
      continue;
    }
    run.logger.info('Skipping a delta the table says not to merge', {
      collection: run.collection,
      runId: request.runId,
      imageId: request.imageId,
      receiptId: request.receiptId,
      reason,
    });
    run.collected.deltaMergeResults.push({
      recordId: request.recordId,
      runId: request.runId,
      imageId: request.imageId,
      receiptId: request.receiptId,
      status: 'skipped',
      mergedCount: 0,
      reason,
    });
    run.tracker.set({ recordId: request.recordId, status: 'skipped', reason });
    skipped.push({ recordId: request.recordId, receipt: request });
  }
  // An earlier try of a skipped run may have upserted its vectors and then failed: the
  // receipt's embeddings that the table does not back (all of them, for a deleted receipt)
  // are deleted, so a run retried after it became stale leaves nothing behind.
  for (const { receipt, recordIds } of groupByReceipt(skipped).values()) {
    record(run, run.collected.deletions, [
      await deleteReceiptEmbeddings(receipt, { ...run.operation, recordIds }),
    ]);
  }
  if (live.length === 0) return;
  let results: readonly DeltaMergeResult[];
  try {
    results = await mergeDeltas(live, {
      collection: run.collection,
      vectors: run.options.vectors,
      logger: run.logger,
      metrics: run.metrics,
    });
  } catch (thrown) {
    failRequests(live, 'the delta merge failed', toError(thrown));
    return;
  }
  const wanted = new Set(live.map(({ recordId }) => recordId));
  for (const result of results) {
    if (!wanted.has(result.recordId)) {
      run.logger.warn('The delta merger returned a result for an unknown record', {
        recordId: result.recordId,
      });
      continue;
    }
    run.collected.deltaMergeResults.push(result);
    run.tracker.set({
      recordId: result.recordId,
      status: result.status,
      reason: result.reason,
      error:
        result.status === 'failed'
          ? (result.error ?? new Error('Delta merge failed'))
          : result.error,
    });
  }
  const answered = new Set(results.map(({ recordId }) => recordId));
  const missing = live.filter(({ recordId }) => !answered.has(recordId));
  if (missing.length > 0) {
    failRequests(
      missing,
      'no merge result',
      new CompactionConfigurationError('The delta merger returned no result for this run'),
    );
  }
}
