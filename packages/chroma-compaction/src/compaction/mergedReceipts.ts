import { ChromaDBCollection } from '@receipt-chroma/dynamo-stream';
import { toError } from '../errors.js';
import { applyWordLabelMessages } from '../operations/applyWordLabelMessages.js';
import { readReceiptRef, receiptKey } from '../operations/operationSupport.js';
import { pruneReceiptEmbeddings } from '../operations/receiptEmbeddingDeletions.js';
import { syncReceiptPlace } from '../operations/receiptPlace.js';
import type { OperationResult, OperationResultBase } from '../operations/results.js';
import type { OperationInput } from '../operations/types.js';
import { updateLineRowLabels } from '../operations/updateLineRowLabels.js';
import type { ReceiptRef } from '../ports/receiptStore.js';
import { deltaReceipts, type Run, record } from './collectionUpdatePhases.js';
import type { CollectionUpdatePlan } from './planCollectionUpdates.js';
import type { CollectionUpdateInput } from './types.js';

/**
 * What a batch does around its delta merges: the merged receipts are brought up to date
 * with DynamoDB, and the other messages of a receipt whose merge failed fail with it.
 * @internal
 * @packageDocumentation
 */

/** A label input naming one word or line of a receipt, for a receipt-wide recompute. */
const entityInput = (
  receipt: ReceiptRef,
  ids: { readonly line_id: number; readonly word_id?: number },
): OperationInput => ({
  message: {
    entityType: 'RECEIPT_WORD_LABEL',
    eventName: 'MODIFY',
    changes: {},
    entityData: {
      entity_type: 'RECEIPT_WORD_LABEL',
      image_id: receipt.imageId,
      receipt_id: receipt.receiptId,
      ...ids,
    },
  },
});

/**
 * The receipt-wide recomputes after a merge, each returning the results that failed: the
 * embeddings of words or lines DynamoDB no longer has are deleted (a delta built before a
 * word's removal must not bring it back), the place is written (`syncReceiptPlace`), and the
 * labels of every word (`words`) or row (`lines`) are rebuilt from the table's labels.
 */
async function refreshReceipt(run: Run, receipt: ReceiptRef): Promise<OperationResultBase[]> {
  const options = run.operation;
  const failures: OperationResultBase[] = [];
  const keep = <Result extends OperationResult>(list: Result[], result: Result): void => {
    record(run, list, [result]);
    if (result.status === 'failed') failures.push(result);
  };
  keep(run.collected.deletions, await pruneReceiptEmbeddings(receipt, options));
  keep(run.collected.metadataUpdates, await syncReceiptPlace(receipt, options));
  try {
    const labels =
      run.collection === ChromaDBCollection.WORDS
        ? await applyWordLabelMessages(
            (await options.receipts.listReceiptWords(receipt)).map((word) =>
              entityInput(receipt, word),
            ),
            { ...options, labelFormat: run.options.labelFormat },
          )
        : await updateLineRowLabels(
            (await options.receipts.listReceiptLines(receipt)).map((line) =>
              entityInput(receipt, line),
            ),
            options,
          );
    failures.push(...labels.filter(({ status }) => status === 'failed'));
  } catch (thrown) {
    const error = toError(thrown);
    failures.push({ status: 'failed', collection: run.collection, reason: error.message, error });
  }
  return failures;
}

/**
 * Brings every receipt merged in this batch up to date with DynamoDB (see `refreshReceipt`),
 * so metadata baked into a delta never overrides a newer edit of the place or the labels,
 * whatever order the messages came in. A failed refresh fails the receipt's delta messages,
 * so the merge (idempotent) and the refresh are retried together. Section labels of merged
 * receipts are recomputed with the batch's sections (`applySections`).
 * @internal
 */
export async function refreshMergedReceipts(run: Run): Promise<void> {
  for (const { receipt, recordIds } of deltaReceipts(run, 'applied').values()) {
    let failures: OperationResultBase[];
    try {
      failures = await refreshReceipt(run, receipt);
    } catch (thrown) {
      // The delta messages already say `applied`: an unexpected error must fail them here.
      const error = toError(thrown);
      failures = [{ status: 'failed', collection: run.collection, reason: error.message, error }];
    }
    const first = failures[0];
    if (first === undefined) continue;
    run.logger.error('Merged a delta, but bringing its receipt up to date failed', {
      collection: run.collection,
      ...receipt,
      failures: failures.length,
      reason: first.reason,
    });
    for (const recordId of recordIds) {
      run.tracker.set({
        recordId,
        status: 'failed',
        reason: `merged, but bringing the receipt up to date failed: ${first.reason ?? 'unknown'}`,
        error: first.error,
      });
    }
  }
}

/**
 * The plan without the messages of receipts whose delta message failed in this batch (the
 * merge, or bringing the merged receipt up to date): those fail too (never `skipped` for
 * want of embeddings), so they are retried with the merge and applied once the receipt's
 * embeddings exist.
 * @internal
 */
export function withoutFailedMerges(
  run: Run,
  plan: CollectionUpdatePlan,
): Omit<CollectionUpdatePlan, 'deltas'> {
  const failed = deltaReceipts(run, 'failed');
  if (failed.size === 0) return plan;
  const blocked = (input: CollectionUpdateInput, receipt?: ReceiptRef): boolean => {
    let ref = receipt;
    if (ref === undefined) {
      try {
        ref = readReceiptRef(input.message.entityData);
      } catch {
        return false;
      }
    }
    if (!failed.has(receiptKey(ref))) return false;
    run.tracker.set({
      recordId: input.recordId,
      status: 'failed',
      reason: "the receipt's delta merge failed in this batch; retry with it",
    });
    return true;
  };
  return {
    places: plan.places.filter(({ input, receipt }) => !blocked(input, receipt)),
    labels: plan.labels.filter((input) => !blocked(input)),
    sections: plan.sections.filter((input) => !blocked(input)),
    deletions: plan.deletions.filter(({ input, receipt }) => !blocked(input, receipt)),
  };
}
