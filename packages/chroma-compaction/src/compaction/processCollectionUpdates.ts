import { ChromaDBCollection } from '@receipt-chroma/dynamo-stream';
import { applyWordLabelMessages } from '../operations/applyWordLabelMessages.js';
import {
  deleteLineEmbeddings,
  deleteReceiptEmbeddings,
  deleteWordEmbeddings,
} from '../operations/embeddingDeletions.js';
import type { LabelFormat } from '../operations/labelMetadata.js';
import { receiptKey } from '../operations/operationSupport.js';
import { removeReceiptPlace, updateReceiptPlace } from '../operations/receiptPlace.js';
import { recomputeSectionLabels } from '../operations/recomputeSectionLabels.js';
import {
  type DeletionResult,
  type LabelUpdateResult,
  type MetadataUpdateResult,
  type OperationResult,
  resultRecordCount,
  type SectionUpdateResult,
  toError,
} from '../operations/results.js';
import type { OperationOptions } from '../operations/types.js';
import { updateLineRowLabels } from '../operations/updateLineRowLabels.js';
import { collectionKind } from '../operations/vectorBatches.js';
import {
  type Logger,
  type Metrics,
  NOOP_LOGGER,
  NOOP_METRICS,
  type ObservabilityOptions,
} from '../ports/observability.js';
import type { ReceiptRef, ReceiptStore } from '../ports/receiptStore.js';
import type { VectorCollection } from '../ports/vectorCollection.js';
import { CompactionConfigurationError } from './errors.js';
import { OutcomeTracker } from './outcomeTracker.js';
import {
  type CollectionUpdatePlan,
  type DeletionInput,
  type DeltaInput,
  planCollectionUpdates,
} from './planCollectionUpdates.js';
import { sortAndDeduplicateMessages } from './sortAndDeduplicateMessages.js';
import type {
  CollectionUpdateInput,
  CollectionUpdateResult,
  DeltaMergeResult,
  MergeDeltas,
  RecordOutcome,
} from './types.js';

/** Options of {@link processCollectionUpdates}. */
export interface ProcessCollectionUpdatesOptions extends ObservabilityOptions {
  /** The collection to update (the snapshot opened for this batch). */
  readonly vectors: VectorCollection;
  /** The receipts table, the source of truth for places, labels, sections and ids. */
  readonly receipts: ReceiptStore;
  /**
   * Merges compaction-run deltas. Without it, delta messages fail with a reason saying so
   * (they are never acknowledged unmerged).
   */
  readonly mergeDeltas?: MergeDeltas | undefined;
  /**
   * The label set format of the `words` collection (spec §6.5).
   * @default 'array'
   */
  readonly labelFormat?: LabelFormat | undefined;
  /**
   * The most records one Chroma request carries; larger sets are split.
   * @default 250
   */
  readonly maxBatchSize?: number | undefined;
  /**
   * The clock for the timestamps written into metadata, in Python's isoformat. Inject a
   * fixed clock to make runs reproducible.
   * @default pythonUtcNow
   */
  readonly now?: (() => string) | undefined;
}

const COLLECTIONS = new Set<string>(Object.values(ChromaDBCollection));

const isCollection = (name: string): name is ChromaDBCollection => COLLECTIONS.has(name);

interface Collected {
  readonly metadataUpdates: MetadataUpdateResult[];
  readonly labelUpdates: LabelUpdateResult[];
  readonly sectionUpdates: SectionUpdateResult[];
  readonly deletions: DeletionResult[];
  readonly deltaMergeResults: DeltaMergeResult[];
}

interface Run {
  readonly collection: ChromaDBCollection;
  readonly options: ProcessCollectionUpdatesOptions;
  readonly operation: OperationOptions;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracker: OutcomeTracker;
  readonly collected: Collected;
}

/** Runs one phase; if it throws, its inputs that have no outcome yet fail with the error. */
async function phase(
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

function record<Result extends OperationResult>(
  run: Run,
  list: Result[],
  results: readonly Result[],
): void {
  for (const result of results) {
    list.push(result);
    run.tracker.fromResult(result);
  }
}

async function applyDeletions(run: Run, deletions: readonly DeletionInput[]): Promise<void> {
  const receipts = new Map<string, { receipt: ReceiptRef; recordIds: string[] }>();
  const words: Parameters<typeof deleteWordEmbeddings>[0][number][] = [];
  const lines: Parameters<typeof deleteLineEmbeddings>[0][number][] = [];
  for (const { input, entityType, receipt } of deletions) {
    const data = input.message.entityData;
    const recordIds = [input.recordId];
    if (entityType === 'RECEIPT') {
      const key = receiptKey(receipt);
      const entry = receipts.get(key) ?? { receipt, recordIds: [] };
      entry.recordIds.push(input.recordId);
      receipts.set(key, entry);
    } else if (entityType === 'RECEIPT_WORD') {
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

async function applyDeltas(run: Run, deltas: readonly DeltaInput[]): Promise<void> {
  const { mergeDeltas } = run.options;
  const requests = deltas.map(({ request }) => request);
  const failAll = (reason: string, error: Error): void => {
    for (const request of requests) {
      const result: DeltaMergeResult = {
        recordId: request.recordId,
        runId: request.runId,
        imageId: request.imageId,
        receiptId: request.receiptId,
        status: 'failed',
        mergedCount: 0,
        reason,
        error,
      };
      run.collected.deltaMergeResults.push(result);
      run.tracker.set({ recordId: result.recordId, status: 'failed', reason, error });
    }
  };
  if (mergeDeltas === undefined) {
    run.logger.error('Delta messages arrived but no mergeDeltas function was given', {
      collection: run.collection,
      count: requests.length,
    });
    failAll(
      'no delta merger configured',
      new CompactionConfigurationError(
        'COMPACTION_RUN messages need the mergeDeltas option of processCollectionUpdates; they were not merged',
        { context: { collection: run.collection } },
      ),
    );
    return;
  }
  let results: readonly DeltaMergeResult[];
  try {
    results = await mergeDeltas(requests, {
      collection: run.collection,
      vectors: run.options.vectors,
      logger: run.logger,
      metrics: run.metrics,
    });
  } catch (thrown) {
    failAll('the delta merge failed', toError(thrown));
    return;
  }
  const wanted = new Set(requests.map(({ recordId }) => recordId));
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
  const missing = requests.filter(({ recordId }) => !answered.has(recordId));
  if (missing.length > 0) {
    const error = new CompactionConfigurationError(
      'The delta merger returned no result for this run',
    );
    for (const request of missing) {
      run.collected.deltaMergeResults.push({
        recordId: request.recordId,
        runId: request.runId,
        imageId: request.imageId,
        receiptId: request.receiptId,
        status: 'failed',
        mergedCount: 0,
        reason: 'no merge result',
        error,
      });
      run.tracker.set({
        recordId: request.recordId,
        status: 'failed',
        reason: 'no merge result',
        error,
      });
    }
  }
}

async function applyPlaces(run: Run, plan: CollectionUpdatePlan): Promise<void> {
  for (const { input, receipt } of plan.places) {
    const options = { ...run.operation, recordIds: [input.recordId] };
    const result =
      input.message.eventName === 'REMOVE'
        ? await removeReceiptPlace(receipt, options)
        : await updateReceiptPlace({ ...receipt, changes: input.message.changes }, options);
    record(run, run.collected.metadataUpdates, [result]);
  }
}

async function applyLabels(run: Run, labels: readonly CollectionUpdateInput[]): Promise<void> {
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
 * Recomputes section labels (lines only) for the receipts named by section messages and
 * the receipts whose deltas were merged; a failed recompute of a merged receipt fails
 * that receipt's delta messages too, so the merge is retried and the recompute with it.
 */
async function applySections(run: Run, plan: CollectionUpdatePlan): Promise<void> {
  const merged = new Map<string, { receipt: ReceiptRef; recordIds: string[] }>();
  for (const result of run.collected.deltaMergeResults) {
    if (result.status !== 'applied') continue;
    const receipt = { imageId: result.imageId, receiptId: result.receiptId };
    const key = receiptKey(receipt);
    const entry = merged.get(key) ?? { receipt, recordIds: [] };
    entry.recordIds.push(result.recordId);
    merged.set(key, entry);
  }
  if (plan.sections.length === 0 && merged.size === 0) return;
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
  await phase(run, 'section updates', plan.sections, async () => {
    let results: SectionUpdateResult[];
    try {
      results = await recomputeSectionLabels(plan.sections, {
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

function summarise(
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
  const count = (status: RecordOutcome['status']): number =>
    outcomes.filter((outcome) => outcome.status === status).length;
  const failedDeltaMerges = collected.deltaMergeResults.filter(({ status }) => status === 'failed');
  return {
    collection,
    outcomes,
    counts: { applied: count('applied'), skipped: count('skipped'), failed: count('failed') },
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
  };
}

/**
 * Applies a batch of queue messages to one collection (spec §3, with the fixes of §18):
 * orders and deduplicates the batch (`sortAndDeduplicateMessages`), then applies, in this
 * order, delta merges (through `mergeDeltas`), place updates and removals, label updates
 * (word labels on `words`, row labels on `lines`), section recomputes (`lines`: the
 * receipts of section messages and of merged deltas) and deletions of receipt, line and
 * word embeddings. A removal followed in the same batch by a delta of the same receipt is
 * applied before the merge, so it cannot delete what the delta brings back.
 *
 * Every input gets exactly one outcome in `result.outcomes`, in input order:
 * - `applied`: its change was written;
 * - `skipped`: provably nothing to write, e.g. superseded by a removal in the batch, an
 *   entity type this collection has no use for, an embedding that does not exist, or
 *   metadata already up to date;
 * - `failed`: not applied; retry it. Invalid or missing ids, a message routed to another
 *   collection, an unknown collection name (or `vectors` whose name says it holds the
 *   other collection), delta messages without `mergeDeltas`, and any
 *   `ReceiptStore` or `VectorCollection` error fail exactly the messages they affect.
 *
 * Never rejects: an unexpected error fails the messages of the step it happened in. The
 * caller owns the snapshot, the lock and the upload. Logs the spec's events and records
 * `CompactionCollectionUpdatesProcessed` and the `Compaction*Count` gauges (dimension
 * `collection`).
 *
 * @param inputs - the decoded messages with their record ids (see `decodeSqsRecords`)
 * @param collectionName - `lines` or `words`
 * @param options - the collection, the receipts table, the delta merger, label format,
 *   batch size, clock, logger and metrics
 * @example
 * ```ts
 * const { inputs, failures } = decodeSqsRecords(event.Records);
 * const result = await processCollectionUpdates(inputs, 'words', {
 *   vectors: wordsCollection,
 *   receipts: new DynamoReceiptStore({ client, tableName }),
 *   mergeDeltas,
 *   logger,
 *   metrics,
 * });
 * return toBatchItemFailures(result, { failures, records: event.Records });
 * ```
 */
export async function processCollectionUpdates(
  inputs: readonly CollectionUpdateInput[],
  collectionName: string,
  options: ProcessCollectionUpdatesOptions,
): Promise<CollectionUpdateResult> {
  const logger = options.logger ?? NOOP_LOGGER;
  const metrics = options.metrics ?? NOOP_METRICS;
  const tracker = new OutcomeTracker();
  const collected: Collected = {
    metadataUpdates: [],
    labelUpdates: [],
    sectionUpdates: [],
    deletions: [],
    deltaMergeResults: [],
  };

  if (!isCollection(collectionName)) {
    metrics.count('CompactionUnknownCollectionType', 1, { collection_name: collectionName });
    logger.error('Unknown collection', { collection: collectionName });
    tracker.setAll(
      inputs,
      'failed',
      `unknown collection "${collectionName}"`,
      new CompactionConfigurationError(
        `Unknown collection "${collectionName}": expected one of ${[...COLLECTIONS].join(', ')}`,
      ),
    );
    return summarise(inputs, collectionName, tracker, collected);
  }

  const kind = collectionKind(options.vectors.name);
  if (kind !== undefined && kind !== collectionName) {
    logger.error('The collection given does not hold the collection named', {
      collection: collectionName,
      vectors: options.vectors.name,
    });
    tracker.setAll(
      inputs,
      'failed',
      `the vectors collection "${options.vectors.name}" is not a ${collectionName} collection`,
      new CompactionConfigurationError(
        `processCollectionUpdates was asked to update "${collectionName}" but given the collection "${options.vectors.name}"`,
      ),
    );
    return summarise(inputs, collectionName, tracker, collected);
  }

  const run: Run = {
    collection: collectionName,
    options,
    operation: {
      vectors: options.vectors,
      receipts: options.receipts,
      maxBatchSize: options.maxBatchSize,
      now: options.now,
      logger,
      metrics,
    },
    logger,
    metrics,
    tracker,
    collected,
  };

  try {
    const { kept, dropped } = sortAndDeduplicateMessages(inputs, { logger });
    for (const { item, supersededBy } of dropped) {
      tracker.set({
        recordId: item.recordId,
        status: 'skipped',
        reason: `superseded by the removal in record ${supersededBy.recordId}`,
      });
    }
    const plan = planCollectionUpdates(kept, collectionName, tracker);
    logger.info('Categorized stream messages', {
      collection: collectionName,
      deltas: plan.deltas.length,
      places: plan.places.length,
      labels: plan.labels.length,
      sections: plan.sections.length,
      deletions: plan.earlyDeletions.length + plan.deletions.length,
      superseded: dropped.length,
    });
    const inputsOf = (
      items: readonly { input: CollectionUpdateInput }[],
    ): CollectionUpdateInput[] => items.map(({ input }) => input);
    const step = async (
      name: string,
      event: string,
      inputs: readonly CollectionUpdateInput[],
      body: () => Promise<void>,
    ): Promise<void> => {
      if (inputs.length === 0) return;
      await phase(run, name, inputs, body);
      logger.info(event, { collection: collectionName, messages: inputs.length });
    };

    await step(
      'entity deletions',
      'Applied early entity deletions',
      inputsOf(plan.earlyDeletions),
      () => applyDeletions(run, plan.earlyDeletions),
    );
    await step('delta merges', 'Merged compaction deltas', inputsOf(plan.deltas), () =>
      applyDeltas(run, plan.deltas),
    );
    await step('place updates', 'Applied place updates', inputsOf(plan.places), () =>
      applyPlaces(run, plan),
    );
    await step('label updates', 'Applied label updates', plan.labels, () =>
      applyLabels(run, plan.labels),
    );
    if (collectionName === ChromaDBCollection.LINES) await applySections(run, plan);
    await step('entity deletions', 'Applied entity deletions', inputsOf(plan.deletions), () =>
      applyDeletions(run, plan.deletions),
    );
  } catch (thrown) {
    const error = toError(thrown);
    logger.error('Unexpected error while applying collection updates', { error: error.message });
    tracker.failMissing(inputs, 'unexpected error while applying collection updates', error);
  }

  const result = summarise(inputs, collectionName, tracker, collected);
  const dimensions = { collection: collectionName };
  metrics.count('CompactionCollectionUpdatesProcessed', 1, dimensions);
  metrics.gauge('CompactionMetadataUpdatedCount', result.totalMetadataUpdated, dimensions);
  metrics.gauge('CompactionLabelsUpdatedCount', result.totalLabelsUpdated, dimensions);
  metrics.gauge('CompactionDeltasMergedCount', result.deltaMergeCount, dimensions);
  metrics.gauge('CompactionEmbeddingsDeletedCount', result.totalDeletions, dimensions);
  logger.info('Completed collection updates', {
    collection: collectionName,
    metadata_updated: result.totalMetadataUpdated,
    labels_updated: result.totalLabelsUpdated,
    sections_updated: result.totalSectionsUpdated,
    deltas_merged: result.deltaMergeCount,
    embeddings_deleted: result.totalDeletions,
    has_errors: result.hasErrors,
    ...result.counts,
  });
  return result;
}
