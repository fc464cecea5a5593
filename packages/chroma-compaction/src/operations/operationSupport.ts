/**
 * Small helpers the compaction operations share: batching, receipt grouping, metadata
 * comparison, and reading the row layout of the `lines` collection.
 * @internal
 * @packageDocumentation
 */

import { pythonUtcNow } from '@receipt-chroma/dynamo-stream';
import { receiptChromaIdPrefix } from '../ids/chromaIds.js';
import type { MetricDimensions } from '../ports/observability.js';
import type { ReceiptRef } from '../ports/receiptStore.js';
import type {
  Metadata,
  MetadataPatch,
  MetadataValue,
  VectorCollection,
  Where,
} from '../ports/vectorCollection.js';
import { DEFAULT_OPERATION_BATCH_SIZE, type OperationOptions } from './types.js';

/**
 * The batch size from the options, checked.
 * @throws RangeError when `maxBatchSize` is not a positive integer
 * @internal
 */
export const batchSizeOf = (options: OperationOptions): number => {
  const size = options.maxBatchSize ?? DEFAULT_OPERATION_BATCH_SIZE;
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new RangeError(`maxBatchSize must be a positive integer, got ${String(size)}`);
  }
  return size;
};

/** The clock from the options. @internal */
export const clockOf = (options: OperationOptions): (() => string) => options.now ?? pythonUtcNow;

/**
 * Splits `items` into consecutive slices of at most `size`.
 * @internal
 */
export const chunk = <Item>(items: readonly Item[], size: number): Item[][] => {
  const chunks: Item[][] = [];
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }
  return chunks;
};

/** A map key for one receipt. @internal */
export const receiptKey = (receipt: ReceiptRef): string =>
  `${receipt.imageId}\u0000${receipt.receiptId}`;

/**
 * The Chroma filter for every record of one receipt, in the `$and` form Chroma Cloud
 * requires (spec §7 step 2).
 * @internal
 */
export const receiptWhere = (receipt: ReceiptRef): Where => ({
  $and: [{ image_id: { $eq: receipt.imageId } }, { receipt_id: { $eq: receipt.receiptId } }],
});

/**
 * Reads the receipt an input names (`entity_data.image_id` / `receipt_id`), checked the way
 * Chroma ids are (non-empty image id without `#`, integer receipt id `>= 0`).
 * @throws InvalidChromaIdError when either is missing or invalid
 * @internal
 */
export const readReceiptRef = (entityData: {
  readonly image_id?: unknown;
  readonly receipt_id?: unknown;
}): ReceiptRef => {
  const ref = {
    imageId: entityData.image_id as string,
    receiptId: entityData.receipt_id as number,
  };
  receiptChromaIdPrefix(ref);
  return ref;
};

/**
 * Gets the metadata of `ids` (only those that exist), in requests of at most `batchSize`.
 * @throws VectorStoreError from the collection
 * @internal
 */
export const getMetadataByIds = async (
  vectors: VectorCollection,
  ids: readonly string[],
  batchSize: number,
): Promise<Map<string, Metadata | null>> => {
  const found = new Map<string, Metadata | null>();
  for (const ids_ of chunk(ids, batchSize)) {
    const response = await vectors.get({ ids: ids_, include: ['metadatas'] });
    for (const [index, id] of response.ids.entries()) {
      found.set(id, response.metadatas?.[index] ?? null);
    }
  }
  return found;
};

/**
 * Gets every record of one receipt (by its `image_id` / `receipt_id` metadata), paging with
 * `limit`/`offset` at `batchSize`.
 * @throws VectorStoreError from the collection
 * @internal
 */
export const getReceiptRows = async (
  vectors: VectorCollection,
  receipt: ReceiptRef,
  batchSize: number,
): Promise<Map<string, Metadata | null>> => {
  const rows = new Map<string, Metadata | null>();
  for (let offset = 0; ; offset += batchSize) {
    const response = await vectors.get({
      where: receiptWhere(receipt),
      include: ['metadatas'],
      limit: batchSize,
      offset,
    });
    for (const [index, id] of response.ids.entries()) {
      rows.set(id, response.metadatas?.[index] ?? null);
    }
    if (response.ids.length < batchSize) return rows;
  }
};

const sameValue = (left: MetadataValue | undefined, right: MetadataValue): boolean => {
  if (!Array.isArray(right)) return left === right;
  if (!Array.isArray(left) || left.length !== right.length) return false;
  return right.every((item, index) => left[index] === item);
};

/**
 * Whether merging `patch` into `stored` (Chroma's update semantics: `null` removes a key,
 * a key left out stays) would change anything.
 * @internal
 */
export const patchChanges = (stored: Metadata | null, patch: MetadataPatch): boolean =>
  Object.entries(patch).some(([key, value]) => {
    const current = stored === null || !Object.hasOwn(stored, key) ? undefined : stored[key];
    return value === null ? current !== undefined : !sameValue(current, value);
  });

/**
 * The line ids a `lines` row covers: its `row_line_ids` (a JSON string such as `"[1, 2]"`
 * as Python writes it, or a number array), falling back to `[line_id]` when that is missing,
 * unreadable or empty; `undefined` when neither gives integers.
 * @internal
 */
export const readRowLineIds = (metadata: Metadata | null): number[] | undefined => {
  const raw = metadata?.['row_line_ids'];
  let parsed: unknown = raw;
  if (typeof raw === 'string') {
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
  }
  if (Array.isArray(parsed) && parsed.length > 0 && parsed.every(Number.isSafeInteger)) {
    return parsed as number[];
  }
  const lineId = metadata?.['line_id'];
  return typeof lineId === 'number' && Number.isSafeInteger(lineId) ? [lineId] : undefined;
};

/**
 * Metric dimensions for one collection, plus `error_type` for an error.
 * @internal
 */
export const dimensionsOf = (collection: string, error?: Error): MetricDimensions =>
  error === undefined ? { collection } : { collection, error_type: error.name };
