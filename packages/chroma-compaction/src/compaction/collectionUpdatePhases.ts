import { ChromaDBCollection } from '@receipt-chroma/dynamo-stream';
import { toError } from '../errors.js';
import { applyWordLabelMessages } from '../operations/applyWordLabelMessages.js';
import { deleteLineEmbeddings, deleteWordEmbeddings } from '../operations/embeddingDeletions.js';
import { receiptKey } from '../operations/operationSupport.js';
import { deleteReceiptEmbeddings } from '../operations/receiptEmbeddingDeletions.js';
import { syncReceiptPlace } from '../operations/receiptPlace.js';
import { recomputeSectionLabels } from '../operations/recomputeSectionLabels.js';
import {
  type DeletionResult,
  type LabelUpdateResult,
  type MetadataUpdateResult,
  type OperationResult,
  resultRecordCount,
  type SectionUpdateResult,
} from '../operations/results.js';
import type { OperationOptions } from '../operations/types.js';
import { updateLineRowLabels } from '../operations/updateLineRowLabels.js';
import type { Logger, Metrics } from '../ports/observability.js';
import type { ReceiptRef } from '../ports/receiptStore.js';
import type { OutcomeTracker } from './OutcomeTracker.js';
import type { DeletionInput, PlaceInput } from './planCollectionUpdates.js';
import type {
  CollectionName,
  CollectionUpdateInput,
  CollectionUpdateResult,
  DeltaMergeResult,
  OutcomeCounts,
  ProcessCollectionUpdatesOptions,
  RecordOutcome,
} from './types.js';

/**
 * The steps of `processCollectionUpdates`: each applies one phase of a batch through the
 * operations and records the outcome of every input it covers.
 * @internal
 * @packageDocumentation
 */

/** The operation results of a batch, by kind. @internal */
export interface Collected {
  readonly metadataUpdates: MetadataUpdateResult[];
  readonly labelUpdates: LabelUpdateResult[];
  readonly sectionUpdates: SectionUpdateResult[];
  readonly deletions: DeletionResult[];
  readonly deltaMergeResults: DeltaMergeResult[];
}

/** One call's context, shared by the phases. @internal */
export interface Run {
  readonly collection: CollectionName;
  readonly options: ProcessCollectionUpdatesOptions;
  readonly operation: OperationOptions;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracker: OutcomeTracker;
  readonly collected: Collected;
}

/**
 * Runs one phase; if it throws, its inputs that have no outcome yet fail with the error, and
 * inputs it returned no result for fail too.
 * @internal
 */
export async function phase(
  run: Run,
  name: string,
  inputs: readonly CollectionUpdateInput[],
  body: () => Promise<void>,
): Promise<void> {
  try {
    await body();
  } catch (thrown) {
    const error = toError(thrown);
    run.logger.error(`Unexpected error while applying ${name}`, { error: error.message });
    run.tracker.failMissing(inputs, `unexpected error while applying ${name}`, error);
  }
  run.tracker.failMissing(inputs, `the ${name} step returned no result for this message`);
}

/** Keeps results and records the outcome of each input they cover. @internal */
export function record<Result extends OperationResult>(
  run: Run,
  list: Result[],
  results: readonly Result[],
): void {
  for (const result of results) {
    list.push(result);
    run.tracker.fromResult(result);
  }
}

/** Receipt deletions per receipt, word and line deletions each in one batched call. @internal */
export async function applyDeletions(run: Run, deletions: readonly DeletionInput[]): Promise<void> {
  const receipts = groupByReceipt(
    deletions
      .filter(({ entityType }) => entityType === 'RECEIPT')
      .map(({ input, receipt }) => ({ recordId: input.recordId, receipt })),
  );
  const words: Parameters<typeof deleteWordEmbeddings>[0][number][] = [];
  const lines: Parameters<typeof deleteLineEmbeddings>[0][number][] = [];
  for (const { input, entityType, receipt } of deletions) {
    const data = input.message.entityData;
    const recordIds = [input.recordId];
    if (entityType === 'RECEIPT') continue;
    if (entityType === 'RECEIPT_WORD') {
      words.push({
        ...receipt,
        lineId: data.line_id as number,
        wordId: data.word_id as number,
        recordIds,
      });
    } else {
      lines.push({ ...receipt, lineId: data.line_id as number, recordIds });
    }
  }
  const list = run.collected.deletions;
  for (const { receipt, recordIds } of receipts.values()) {
    record(run, list, [await deleteReceiptEmbeddings(receipt, { ...run.operation, recordIds })]);
  }
  if (words.length > 0) record(run, list, await deleteWordEmbeddings(words, run.operation));
  if (lines.length > 0) record(run, list, await deleteLineEmbeddings(lines, run.operation));
}

/**
 * Place messages: each receipt named is brought up to date with its place in DynamoDB once,
 * for all its messages (`syncReceiptPlace`). A change message whose `changes` list no place
 * field says nothing relevant changed and is skipped.
 * @internal
 */
export async function applyPlaces(run: Run, places: readonly PlaceInput[]): Promise<void> {
  const receipts = groupByReceipt(
    places
      .filter(({ input }) => {
        const { eventName, changes } = input.message;
        if (eventName === 'REMOVE' || Object.keys(changes).length > 0) return true;
        run.tracker.set({
          recordId: input.recordId,
          status: 'skipped',
          reason: 'no place fields changed',
        });
        return false;
      })
      .map(({ input, receipt }) => ({ recordId: input.recordId, receipt })),
  );
  for (const { receipt, recordIds } of receipts.values()) {
    const result = await syncReceiptPlace(receipt, { ...run.operation, recordIds });
    record(run, run.collected.metadataUpdates, [result]);
  }
}

/** Inputs grouped by the receipt they name, in order of first mention. @internal */
export function groupByReceipt(
  items: readonly { readonly recordId: string; readonly receipt: ReceiptRef }[],
): Map<string, { receipt: ReceiptRef; recordIds: string[] }> {
  const groups = new Map<string, { receipt: ReceiptRef; recordIds: string[] }>();
  for (const { recordId, receipt } of items) {
    const key = receiptKey(receipt);
    const group = groups.get(key) ?? { receipt, recordIds: [] };
    group.recordIds.push(recordId);
    groups.set(key, group);
  }
  return groups;
}

/** Word labels on `words`, row labels on `lines`. @internal */
export async function applyLabels(
  run: Run,
  labels: readonly CollectionUpdateInput[],
): Promise<void> {
  const results =
    run.collection === ChromaDBCollection.WORDS
      ? await applyWordLabelMessages(labels, {
          ...run.operation,
          labelFormat: run.options.labelFormat,
        })
      : await updateLineRowLabels(labels, run.operation);
  record(run, run.collected.labelUpdates, results);
}

/**
 * The receipts of the batch's delta messages whose merge result (`applied`) or whose message
 * outcome (`failed`: the merge, or the refresh after it) has `status`, with their record ids.
 * @internal
 */
export const deltaReceipts = (
  run: Run,
  status: 'applied' | 'failed',
): Map<string, { receipt: ReceiptRef; recordIds: string[] }> =>
  groupByReceipt(
    run.collected.deltaMergeResults
      .filter((result) =>
        status === 'applied'
          ? result.status === 'applied'
          : run.tracker.get(result.recordId)?.status === 'failed',
      )
      .map((result) => ({
        recordId: result.recordId,
        receipt: { imageId: result.imageId, receiptId: result.receiptId },
      })),
  );

/**
 * Recomputes section labels (lines only) for the receipts named by section messages and
 * the receipts whose deltas were merged; a failed recompute of a merged receipt fails
 * that receipt's delta messages too, so the merge is retried and the recompute with it.
 * @internal
 */
export async function applySections(
  run: Run,
  sections: readonly CollectionUpdateInput[],
): Promise<void> {
  const merged = deltaReceipts(run, 'applied');
  if (sections.length === 0 && merged.size === 0) return;
  const failMerged = (
    receipt: ReceiptRef | undefined,
    reason: string,
    error: Error | undefined,
  ): void => {
    const entries =
      receipt === undefined ? [...merged.values()] : [merged.get(receiptKey(receipt))];
    for (const recordId of entries.flatMap((entry) => entry?.recordIds ?? [])) {
      run.tracker.set({ recordId, status: 'failed', reason, error });
    }
  };
  await phase(run, 'section updates', sections, async () => {
    let results: SectionUpdateResult[];
    try {
      results = await recomputeSectionLabels(sections, {
        ...run.operation,
        extraReceipts: [...merged.values()].map(({ receipt }) => receipt),
      });
    } catch (thrown) {
      failMerged(undefined, 'merged, but the section recompute failed', toError(thrown));
      throw thrown;
    }
    record(run, run.collected.sectionUpdates, results);
    for (const result of results) {
      if (result.status === 'failed') {
        failMerged(result, 'merged, but the section recompute of the receipt failed', result.error);
      }
    }
  });
  run.logger.info('Applied section updates', {
    collection: run.collection,
    results: run.collected.sectionUpdates.length,
  });
}

const sum = (results: readonly OperationResult[]): number =>
  results.reduce((total, result) => total + resultRecordCount(result), 0);

/** How many of `outcomes` are applied, skipped and failed. @internal */
export const countOutcomes = (outcomes: readonly RecordOutcome[]): OutcomeCounts => {
  const count = (status: RecordOutcome['status']): number =>
    outcomes.filter((outcome) => outcome.status === status).length;
  return { applied: count('applied'), skipped: count('skipped'), failed: count('failed') };
};

/** The result of the batch: one outcome per input (failed when none was recorded), totals. @internal */
export function summarise(
  inputs: readonly CollectionUpdateInput[],
  collection: string,
  tracker: OutcomeTracker,
  collected: Collected,
): CollectionUpdateResult {
  const outcomes: RecordOutcome[] = inputs.map(
    (input) =>
      tracker.get(input.recordId) ?? {
        recordId: input.recordId,
        status: 'failed',
        reason: 'the outcome of this message could not be determined',
      },
  );
  const failedDeltaMerges = collected.deltaMergeResults.filter(({ status }) => status === 'failed');
  return {
    collection,
    outcomes,
    counts: countOutcomes(outcomes),
    metadataUpdates: collected.metadataUpdates,
    labelUpdates: collected.labelUpdates,
    sectionUpdates: collected.sectionUpdates,
    deletions: collected.deletions,
    deltaMergeResults: collected.deltaMergeResults,
    deltaMergeCount: collected.deltaMergeResults.reduce(
      (total, result) => total + (result.status === 'applied' ? result.mergedCount : 0),
      0,
    ),
    totalMetadataUpdated: sum(collected.metadataUpdates),
    totalLabelsUpdated: sum(collected.labelUpdates),
    totalSectionsUpdated: sum(collected.sectionUpdates),
    totalDeletions: sum(collected.deletions),
    failedDeltaMerges,
    hasErrors: outcomes.some(({ status }) => status === 'failed'),
    mirrors: [],
  };
}
