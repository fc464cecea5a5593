import type { FieldChanges } from '@receipt-chroma/dynamo-stream';
import { ChromaCompactionError } from '../errors.js';
import type { ReceiptRef } from '../ports/receiptStore.js';
import type { MetadataPatch } from '../ports/vectorCollection.js';
import { metadataProblem } from '../vectors/vectorRequestChecks.js';
import { batchSizeOf, clockOf, dimensionsOf, observersOf } from './operationSupport.js';
import { type MetadataUpdateResult, toError } from './results.js';
import type { OperationOptions } from './types.js';
import {
  type CollectionKind,
  collectionKind,
  findExistingIds,
  listReceiptChromaIds,
  unknownCollectionError,
  unwrapBatchWriteError,
  updateInBatches,
} from './vectorBatches.js';

/**
 * Options of {@link updateReceiptPlace} and {@link removeReceiptPlace}: the collection
 * (`words` or `lines`), the receipts table, batch size (reads and writes), clock
 * (`last_place_update` / `place_removed_at`) and observability.
 */
export interface PlaceOperationOptions extends OperationOptions {
  /** The input records (SQS message ids) this operation serves; copied to the result. */
  readonly recordIds?: readonly string[] | undefined;
}

/** A place change on one receipt: the receipt and the changed `RECEIPT_PLACE` fields. */
export interface ReceiptPlaceChange extends ReceiptRef {
  /** Field → `{ old, new }`, as the stream message carries it. */
  readonly changes: FieldChanges;
}

/**
 * The metadata keys a place writes on word and line records, removed when the place is.
 * `formatted_address` is included although updates write it as `address`, so that a
 * value written under the source name by another writer does not outlive the place.
 */
export const PLACE_METADATA_KEYS: readonly string[] = [
  'canonical_merchant_name',
  'merchant_name',
  'merchant_category',
  'address',
  'formatted_address',
  'phone_number',
  'place_id',
];

/** Place fields stored under another metadata key (spec §5.2). */
const FIELD_TO_METADATA_KEY: Readonly<Record<string, string>> = {
  formatted_address: 'address',
};

type PlaceAction = 'update' | 'remove';

const ACTION_METRICS = {
  update: { time: 'CompactionPlaceUpdateTime', records: 'CompactionPlaceUpdatedRecords' },
  remove: { time: 'CompactionPlaceRemovalTime', records: 'CompactionPlaceRemovedRecords' },
} as const;

/** Why a place change cannot be written. */
class InvalidPlaceChangeError extends ChromaCompactionError {}

/**
 * The metadata patch of a place update: each changed field under its metadata key
 * (`formatted_address` → `address`) with its new value, `null` removing the key (a
 * field that became empty must not keep its old value; Python's `del` left it, §18.1).
 */
function placeUpdatePatch(changes: FieldChanges, timestamp: string): MetadataPatch | undefined {
  const patch: Record<string, unknown> = {};
  for (const [field, change] of Object.entries(changes)) {
    patch[FIELD_TO_METADATA_KEY[field] ?? field] = change.new;
  }
  if (Object.keys(patch).length === 0) return undefined;
  patch['last_place_update'] = timestamp;
  const problem = metadataProblem(patch);
  if (problem !== undefined) {
    throw new InvalidPlaceChangeError(`The place change cannot be stored in Chroma: ${problem}`);
  }
  return patch as MetadataPatch;
}

/** The patch of a place removal: every place key set to `null`, plus `place_removed_at`. */
function placeRemovalPatch(timestamp: string): MetadataPatch {
  const patch: Record<string, string | null> = {};
  for (const key of PLACE_METADATA_KEYS) patch[key] = null;
  patch['place_removed_at'] = timestamp;
  return patch;
}

interface PlaceRun {
  readonly receipt: ReceiptRef;
  readonly action: PlaceAction;
  readonly buildPatch: (timestamp: string) => MetadataPatch | undefined;
  readonly options: PlaceOperationOptions;
}

/** The shared steps of an update and a removal (spec §5.2 steps 1–6, §5.3). */
async function applyPlace(run: PlaceRun): Promise<MetadataUpdateResult> {
  const { receipt, action, options } = run;
  const { vectors, receipts } = options;
  const { logger, metrics } = observersOf(options);
  const collection = vectors.name;
  const dimensions = dimensionsOf(collection);
  const base = {
    kind: 'place' as const,
    collection,
    imageId: receipt.imageId,
    receiptId: receipt.receiptId,
    recordIds: options.recordIds,
  };
  const context = { collection, imageId: receipt.imageId, receiptId: receipt.receiptId, action };
  const failed = (reason: string, error: unknown): MetadataUpdateResult => {
    logger.error(`Place ${action} failed: ${reason}`, {
      ...context,
      error: toError(error).message,
    });
    return { ...base, status: 'failed', updatedCount: 0, reason, error: toError(error) };
  };
  const skipped = (reason: string): MetadataUpdateResult => ({
    ...base,
    status: 'skipped',
    updatedCount: 0,
    reason,
  });

  const started = performance.now();
  let batchSize: number;
  let patch: MetadataPatch | undefined;
  try {
    batchSize = batchSizeOf(options);
    patch = run.buildPatch(clockOf(options)());
  } catch (error) {
    return failed('invalid place change', error);
  }
  if (patch === undefined) return skipped('no place fields changed');

  const kind: CollectionKind | undefined = collectionKind(collection);
  if (kind === undefined) {
    metrics.count('CompactionUnknownCollectionType', 1, { collection_name: collection });
    return failed('unknown collection type', unknownCollectionError(collection));
  }

  let ids: string[];
  try {
    ids = await listReceiptChromaIds(receipts, kind, receipt);
  } catch (error) {
    metrics.count('CompactionDynamoDBQueryError', 1, {
      ...dimensionsOf(collection, error),
      entity_type: kind,
    });
    return failed(`could not read the receipt's ${kind}`, error);
  }
  metrics.gauge(
    kind === 'words' ? 'CompactionDynamoDBWords' : 'CompactionDynamoDBLines',
    ids.length,
    dimensions,
  );
  if (ids.length === 0) {
    logger.warn('No entities found in DynamoDB', context);
    return skipped(`the receipt has no ${kind} in the receipt store`);
  }

  let found: string[];
  try {
    found = await findExistingIds(vectors, ids, batchSize);
  } catch (error) {
    metrics.count('CompactionChromaDBQueryError', 1, dimensionsOf(collection, error));
    return failed('could not read the embeddings', error);
  }
  metrics.gauge('CompactionChromaDBRecordsFound', found.length, dimensions);
  if (found.length === 0) {
    metrics.count('CompactionPlaceEmbeddingNotFound', 1, dimensions);
    logger.info('No embeddings found for the receipt; they may have been deleted', context);
    return skipped('no embeddings found');
  }

  try {
    const records = found.map((id) => ({ id, patch }));
    await updateInBatches(vectors, records, batchSize);
  } catch (error) {
    const { cause, progress } = unwrapBatchWriteError(error);
    metrics.count('CompactionChromaDBUpdateError', 1, dimensionsOf(collection, cause));
    return failed(`could not write the embeddings${progress}`, cause);
  }
  metrics.timer(ACTION_METRICS[action].time, performance.now() - started, dimensions);
  metrics.count(ACTION_METRICS[action].records, found.length, dimensions);
  return { ...base, status: 'applied', updatedCount: found.length };
}

/**
 * Writes a receipt's place change into the metadata of its word or line embeddings (spec
 * §5.2): the ids come from the receipt's words (`words` collection) or lines (`lines`) in
 * the `ReceiptStore`; each changed field is written under its metadata key
 * (`formatted_address` → `address`), a field whose new value is `null` is removed, and
 * `last_place_update` is set. Reads and writes are split into batches of `batchSize`.
 *
 * Never throws: every outcome is a {@link MetadataUpdateResult}.
 * - `applied`: `updatedCount` records written.
 * - `skipped`: no field changed, the receipt has no words/lines, or none has an embedding.
 * - `failed`: the change cannot be stored, the collection name says neither words nor
 *   lines, or a `ReceiptStore` / `VectorCollection` call failed (`error` holds it). A
 *   failure during the writes may leave earlier batches written; retrying is safe.
 *
 * @param change - the receipt and its changed place fields
 * @param options - `vectors` (the collection to write), `receipts` (where the receipt's
 *   words and lines are read), batch size, clock, observability, record ids
 * @example
 * ```ts
 * const result = await updateReceiptPlace(
 *   { imageId, receiptId: 1, changes: { merchant_name: { old: 'Old', new: 'New' } } },
 *   { vectors: wordsCollection, receipts: receiptStore },
 * );
 * if (result.status === 'failed') throw result.error;
 * ```
 */
export function updateReceiptPlace(
  change: ReceiptPlaceChange,
  options: PlaceOperationOptions,
): Promise<MetadataUpdateResult> {
  return applyPlace({
    receipt: { imageId: change.imageId, receiptId: change.receiptId },
    action: 'update',
    buildPatch: (timestamp) => placeUpdatePatch(change.changes, timestamp),
    options,
  });
}

/**
 * Removes a receipt's place from the metadata of its word or line embeddings (spec §5.3):
 * every key of {@link PLACE_METADATA_KEYS} is removed and `place_removed_at` is set. Ids,
 * batching and outcomes as in {@link updateReceiptPlace}.
 *
 * @param receipt - the receipt whose place was removed
 * @param options - as for {@link updateReceiptPlace}
 * @example
 * ```ts
 * const result = await removeReceiptPlace({ imageId, receiptId: 1 }, { vectors, receipts });
 * ```
 */
export function removeReceiptPlace(
  receipt: ReceiptRef,
  options: PlaceOperationOptions,
): Promise<MetadataUpdateResult> {
  return applyPlace({
    receipt: { imageId: receipt.imageId, receiptId: receipt.receiptId },
    action: 'remove',
    buildPatch: placeRemovalPatch,
    options,
  });
}
