import type { ReceiptPlace } from '@receipt-chroma/dynamo-stream';
import { toError } from '../errors.js';
import type { ReceiptRef } from '../ports/receiptStore.js';
import type { Metadata, MetadataPatch } from '../ports/vectorCollection.js';
import { metadataProblem } from '../vectors/vectorRequestChecks.js';
import {
  type RecordPatch,
  unwrapBatchWriteError,
  updateInBatches,
} from '../vectors/writeBatches.js';
import {
  batchSizeOf,
  clockOf,
  dimensionsOf,
  observersOf,
  patchChanges,
  writeFailureReason,
} from './operationSupport.js';
import type { MetadataUpdateResult } from './results.js';
import type { OperationOptions } from './types.js';
import {
  type CollectionKind,
  getRecords,
  kindOf,
  listReceiptChromaIds,
  unknownCollectionError,
} from './vectorReads.js';

/**
 * Options of {@link syncReceiptPlace}: the collection (`words` or `lines`), the receipts
 * table, batch size (reads and writes), clock (`last_place_update` / `place_removed_at`)
 * and observability.
 */
export interface PlaceOperationOptions extends OperationOptions {
  /**
   * The input records (SQS message ids) this operation serves; copied to the result.
   * @default none
   */
  readonly recordIds?: readonly string[] | undefined;
}

/**
 * The metadata keys a place owns on word and line records. {@link placeMetadataPatch} sets
 * every one of them, to the place's value or `null` (removed), so a record's place keys
 * are always those of the receipt's current place. `canonical_merchant_name` (legacy
 * metadata rows) and `formatted_address` (the source name of `address`) are always
 * removed, so that a value written by another writer does not outlive the place.
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

const orNull = (value: string): string | null => (value === '' ? null : value);

// Field mapping: spec §5.2; removing with `null` fixes §18.1.
/**
 * The place metadata of every word or line record of a receipt, derived from the place
 * DynamoDB holds (its `formatted_address` is written as `address`): a field that is empty,
 * and every key of {@link PLACE_METADATA_KEYS} when the receipt has no place, is `null`,
 * which Chroma's update removes (the Python package deleted the keys from a copy, which
 * left them on the record).
 *
 * @param place - the receipt's current place, or `undefined` when it has none
 * @returns a patch holding every key of {@link PLACE_METADATA_KEYS}
 * @example
 * ```ts
 * import type { ReceiptPlace } from '@receipt-chroma/dynamo-stream';
 * import { placeMetadataPatch } from '@receipt-chroma/chroma-compaction';
 *
 * declare const place: ReceiptPlace;
 *
 * const patch = placeMetadataPatch(place); // { merchant_name: 'Costco', address: '…', … }
 * const cleared = placeMetadataPatch(undefined); // every place key `null`
 * ```
 */
export function placeMetadataPatch(place: ReceiptPlace | undefined): MetadataPatch {
  const patch: Record<string, string | null> = {};
  for (const key of PLACE_METADATA_KEYS) patch[key] = null;
  if (place === undefined) return patch;
  patch['merchant_name'] = orNull(place.merchant_name);
  patch['merchant_category'] = orNull(place.merchant_category);
  patch['address'] = orNull(place.formatted_address);
  patch['phone_number'] = orNull(place.phone_number);
  patch['place_id'] = orNull(place.place_id);
  return patch;
}

const ACTION_METRICS = {
  update: { time: 'CompactionPlaceUpdateTime', records: 'CompactionPlaceUpdatedRecords' },
  remove: { time: 'CompactionPlaceRemovalTime', records: 'CompactionPlaceRemovedRecords' },
} as const;

// spec §5.2/§5.3, converging on the table as DESIGN §1 requires.
/**
 * Brings the place metadata of a receipt's word or line embeddings up to date with the
 * place DynamoDB holds now: a present place (or legacy `RECEIPT_METADATA` row) writes its
 * fields, an absent one removes every place key (see {@link placeMetadataPatch}). A queue
 * message only says which receipt to bring up to date, so the order in which place messages
 * arrive, duplicates and retries all end in the same metadata.
 *
 * The ids come from the receipt's words (`words` collection) or lines (`lines`) in the
 * `ReceiptStore`; of those, only records whose place keys differ are written, with
 * `last_place_update` (place present) or `place_removed_at` (place absent) set to `now()`.
 * Reads and writes are split into batches of `maxBatchSize`.
 *
 * Never throws: every outcome is a {@link MetadataUpdateResult}.
 * - `applied`: `updatedCount` records written.
 * - `skipped`: the receipt has no words/lines, none has an embedding, or every embedding
 *   already holds the place.
 * - `failed`: the place item is invalid (`InvalidReceiptItemError`), the place cannot be
 *   stored in Chroma, the collection name says neither words nor lines, `maxBatchSize` is
 *   invalid, or a `ReceiptStore` / `VectorCollection` call failed (`error` holds it). A
 *   failure during the writes may leave earlier batches written; retrying is safe.
 *
 * @param receipt - the receipt whose place changed
 * @param options - `vectors` (the collection to write), `receipts` (the place and the
 *   receipt's words or lines), batch size, clock, observability, record ids
 * @returns one result for the receipt
 * @example
 * ```ts
 * import {
 *   type ReceiptStore,
 *   syncReceiptPlace,
 *   type VectorCollection,
 * } from '@receipt-chroma/chroma-compaction';
 *
 * declare const words: VectorCollection;
 * declare const receipts: ReceiptStore;
 *
 * const result = await syncReceiptPlace(
 *   { imageId: '3f52804b-2fad-4e00-92c8-b593da3a8ed3', receiptId: 1 },
 *   { vectors: words, receipts },
 * );
 * if (result.status === 'failed') throw result.error;
 * ```
 */
export async function syncReceiptPlace(
  receipt: ReceiptRef,
  options: PlaceOperationOptions,
): Promise<MetadataUpdateResult> {
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
  const context = { collection, imageId: receipt.imageId, receiptId: receipt.receiptId };
  const failed = (reason: string, error: unknown): MetadataUpdateResult => {
    logger.error(`Place update failed: ${reason}`, { ...context, error: toError(error).message });
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
  try {
    batchSize = batchSizeOf(options);
  } catch (error) {
    return failed('invalid options', error);
  }
  const kind: CollectionKind | undefined = kindOf(options);
  if (kind === undefined) {
    metrics.count('CompactionUnknownCollectionType', 1, { collection_name: collection });
    return failed('unknown collection type', unknownCollectionError(collection));
  }

  let place: ReceiptPlace | undefined;
  let ids: string[];
  try {
    place = await receipts.getReceiptPlace(receipt);
    ids = await listReceiptChromaIds(receipts, kind, receipt);
  } catch (error) {
    metrics.count('CompactionDynamoDBQueryError', 1, {
      ...dimensionsOf(collection, error),
      entity_type: kind,
    });
    return failed(`could not read the receipt's place or ${kind}`, error);
  }
  const action = place === undefined ? 'remove' : 'update';
  const patch = placeMetadataPatch(place);
  const problem = metadataProblem(patch);
  if (problem !== undefined) {
    return failed('invalid place', new Error(`The place cannot be stored in Chroma: ${problem}`));
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

  let stored: Map<string, Metadata | null>;
  try {
    stored = await getRecords(vectors, ids, batchSize);
  } catch (error) {
    metrics.count('CompactionChromaDBQueryError', 1, dimensionsOf(collection, error));
    return failed('could not read the embeddings', error);
  }
  metrics.gauge('CompactionChromaDBRecordsFound', stored.size, dimensions);
  if (stored.size === 0) {
    metrics.count('CompactionPlaceEmbeddingNotFound', 1, dimensions);
    logger.info('No embeddings found for the receipt; they may have been deleted', context);
    return skipped('no embeddings found');
  }

  const stampKey = action === 'update' ? 'last_place_update' : 'place_removed_at';
  const stamp = { [stampKey]: clockOf(options)() };
  const writes: RecordPatch[] = [];
  for (const [id, metadata] of stored) {
    if (patchChanges(metadata, patch)) {
      writes.push({ id, patch: { ...patch, ...stamp }, stored: metadata });
    }
  }
  if (writes.length === 0) return skipped('unchanged');
  try {
    await updateInBatches(vectors, writes, batchSize);
  } catch (error) {
    const { cause, progress } = unwrapBatchWriteError(error);
    metrics.count('CompactionChromaDBUpdateError', 1, dimensionsOf(collection, cause));
    return failed(writeFailureReason(cause, `could not write the embeddings${progress}`), cause);
  }
  metrics.timer(ACTION_METRICS[action].time, performance.now() - started, dimensions);
  metrics.count(ACTION_METRICS[action].records, writes.length, dimensions);
  return { ...base, status: 'applied', updatedCount: writes.length };
}
