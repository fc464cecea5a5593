import { ChromaDBCollection } from '@receipt-chroma/dynamo-stream';
import { toError } from '../errors.js';
import { observersOf } from '../operations/operationSupport.js';
import { collectionKind } from '../operations/vectorReads.js';
import { batchReceiptStore } from './batchReceiptStore.js';
import {
  applyDeletions,
  applyLabels,
  applyPlaces,
  applySections,
  type Collected,
  phase,
  type Run,
  summarise,
} from './collectionUpdatePhases.js';
import { applyDeltas } from './deltaPhase.js';
import { CompactionConfigurationError } from './errors.js';
import { refreshMergedReceipts, withoutFailedMerges } from './mergedReceipts.js';
import { applyToMirrors } from './mirrors.js';
import { OutcomeTracker } from './OutcomeTracker.js';
import { planCollectionUpdates } from './planCollectionUpdates.js';
import type {
  CollectionName,
  CollectionUpdateInput,
  CollectionUpdateResult,
  ProcessCollectionUpdatesOptions,
} from './types.js';

const COLLECTIONS = new Set<string>(Object.values(ChromaDBCollection));

const isCollection = (name: string): name is CollectionName => COLLECTIONS.has(name);

/** The batch applied to `options.vectors` alone (the mirrors are `applyToMirrors`'). */
async function applyBatch(
  inputs: readonly CollectionUpdateInput[],
  collectionName: CollectionName,
  options: ProcessCollectionUpdatesOptions,
): Promise<CollectionUpdateResult> {
  const { logger, metrics } = observersOf(options);
  const tracker = new OutcomeTracker();
  const collected: Collected = {
    metadataUpdates: [],
    labelUpdates: [],
    sectionUpdates: [],
    deletions: [],
    deltaMergeResults: [],
  };

  // Checked at run time too: JavaScript callers and configuration strings are not typed.
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
      collectionKind: collectionName,
      receipts: batchReceiptStore(options.receipts),
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
    const plan = planCollectionUpdates(inputs, collectionName, tracker);
    logger.info('Categorized stream messages', {
      collection: collectionName,
      deltas: plan.deltas.length,
      places: plan.places.length,
      labels: plan.labels.length,
      sections: plan.sections.length,
      deletions: plan.deletions.length,
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

    const deltaInputs = inputsOf(plan.deltas);
    await step('delta merges', 'Merged compaction deltas', deltaInputs, async () => {
      await applyDeltas(run, plan.deltas);
      await refreshMergedReceipts(run);
    });
    const rest = withoutFailedMerges(run, plan);
    await step('place updates', 'Applied place updates', inputsOf(rest.places), () =>
      applyPlaces(run, rest.places),
    );
    await step('label updates', 'Applied label updates', rest.labels, () =>
      applyLabels(run, rest.labels),
    );
    if (collectionName === ChromaDBCollection.LINES) await applySections(run, rest.sections);
    await step('entity deletions', 'Applied entity deletions', inputsOf(rest.deletions), () =>
      applyDeletions(run, rest.deletions),
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

// Behaviour: spec §3, with the fixes of §18; converging on DynamoDB as DESIGN §1 requires.
/**
 * Applies a batch of queue messages to one collection, converging on the receipts table: a
 * message only says which receipt, word or line to bring up to date, and the state written
 * is read from the `ReceiptStore` when the message is applied, never taken from its
 * `changes`. So any delivery order, duplicate or retry ends in the same collection. In this
 * order:
 *
 * 1. Delta merges (through `mergeDeltas`); a run of a receipt the table no longer has is
 *    `skipped` ("receipt deleted"). Each merged receipt is then brought up to date: the
 *    embeddings of words or lines the table lacks are deleted, and its place and labels
 *    (`words`) or row labels (`lines`) are recomputed, so metadata baked into a delta never
 *    overrides a newer edit. The other messages of a receipt whose delta message failed
 *    fail with it (never `skipped` for want of embeddings).
 * 2. Places: each receipt's place metadata is synced with its place in the table
 *    (`syncReceiptPlace`); a change message whose `changes` are empty is `skipped`.
 * 3. Labels: word labels on `words`, row labels on `lines`, rebuilt from the table's labels.
 * 4. Sections (`lines`): the receipts of section messages and of merged deltas.
 * 5. Removals: a receipt removal deletes every embedding of a receipt the table no longer
 *    has, or, for a receipt created again, the embeddings of its words or lines the table
 *    lacks; a word or line removal deletes its embedding only if the table lacks it.
 *
 * Reads of the table are shared within the call (every message of the batch was built
 * before it started, so each read already sees the change behind each message).
 *
 * Every input gets exactly one outcome in `result.outcomes`, in input order:
 * - `applied`: its change was written;
 * - `skipped`: provably nothing to write given the table now, e.g. an entity type this
 *   collection has no use for, a delta of a deleted receipt, an embedding that does not
 *   exist, a removed entity that exists again, or metadata already up to date;
 * - `failed`: not applied; retry it. Invalid or missing ids and a message routed to another
 *   collection (an `InvalidStreamMessageError`), an unknown collection name, `vectors`
 *   whose name says it holds the other collection, or delta messages without `mergeDeltas`
 *   (a {@link CompactionConfigurationError}), and any `ReceiptStore` or `VectorCollection`
 *   error fail exactly the messages they affect; the outcome's `error` says which.
 *
 * With `mirrors` (dual write), the same batch is then applied to each mirror in turn, from
 * the same table, and `result.mirrors` holds each mirror's outcomes. A message that failed
 * on a mirror is counted (`CompactionMirrorError`, dimensions `collection` and `mirror`, its
 * index), logged, and the mirror handed to `onStaleMirror`; with `mirrorFailure: 'fail'` the
 * message's own outcome fails too, so the queue delivers it again (by default it is only
 * reported, as the Python compactor does, and `syncCollection` repairs the mirror).
 *
 * Never rejects: an unexpected error fails the messages of the step it happened in, and
 * every error above is reported in an outcome rather than thrown. The caller owns the
 * snapshot, the lock and the upload. Logs each step and records
 * `CompactionCollectionUpdatesProcessed` and the `Compaction*Count` gauges (dimension
 * `collection`).
 *
 * @param inputs - the decoded messages with their record ids (see `decodeSqsRecords`)
 * @param collectionName - `lines` or `words`
 * @param options - the collection, the receipts table, the delta merger, label format,
 *   batch size, clock, mirrors, logger and metrics
 * @returns one outcome per input, and what each step did
 * @example
 * ```ts
 * import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * import {
 *   createDeltaMerger,
 *   decodeSqsRecords,
 *   type ObjectStore,
 *   processCollectionUpdates,
 *   toBatchItemFailures,
 *   type VectorCollection,
 * } from '@receipt-chroma/chroma-compaction';
 * import { DynamoReceiptStore } from '@receipt-chroma/chroma-compaction/dynamodb';
 *
 * declare const words: VectorCollection; // the snapshot opened for this batch
 * declare const deltas: ObjectStore; // where compaction runs upload their deltas
 *
 * const client = new DynamoDBClient({});
 * const receipts = new DynamoReceiptStore({ client, tableName: 'receipts' });
 * const mergeDeltas = createDeltaMerger({ store: deltas });
 *
 * export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
 *   const { inputs, failures } = decodeSqsRecords(event.Records);
 *   const result = await processCollectionUpdates(inputs, 'words', {
 *     vectors: words,
 *     receipts,
 *     mergeDeltas,
 *   });
 *   return toBatchItemFailures(result, { failures, records: event.Records });
 * };
 * ```
 */
export async function processCollectionUpdates(
  inputs: readonly CollectionUpdateInput[],
  collectionName: CollectionName,
  options: ProcessCollectionUpdatesOptions,
): Promise<CollectionUpdateResult> {
  const primary = await applyBatch(inputs, collectionName, options);
  if ((options.mirrors ?? []).length === 0) return primary;
  return applyToMirrors(primary, inputs, collectionName, options, applyBatch);
}
