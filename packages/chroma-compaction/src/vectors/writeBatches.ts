/**
 * The one place where Chroma writes are split into requests. An upsert, update or delete of
 * more records than one request may carry (Chroma Cloud takes 300, a local server reports its
 * own limit) goes out as consecutive batches of at most `maxBatchSize` records, in order, one
 * after another. The Chroma adapter takes its request boundaries from {@link writeBatches};
 * the operations and the delta merger write through the helpers below, which stop at the
 * first failed batch and say how far the write got (see {@link BatchWriteError}).
 * @internal
 * @packageDocumentation
 */

import { toError } from '../errors.js';
import type {
  Metadata,
  MetadataPatch,
  UpsertRequest,
  VectorCollection,
} from '../ports/vectorCollection.js';
import { BatchWriteError } from './errors.js';
import { type LimitedRecord, recordLimitError } from './limits.js';

// spec §18.12
/**
 * Records per Chroma write request by default: under Chroma Cloud's limit of 300.
 * @internal
 */
export const DEFAULT_MAX_BATCH_SIZE = 250;

/** One request of a batched write: the records `[start, end)` of the write. @internal */
export interface WriteBatch {
  /** Index of the batch's first record in the whole write. */
  readonly start: number;
  /** Index after the batch's last record. */
  readonly end: number;
  /** Which batch this is, counting from 1. */
  readonly number: number;
  /** How many batches the write has. */
  readonly batches: number;
}

/**
 * The batches of a write of `count` records, at most `maxBatchSize` each, in order; none when
 * `count` is 0.
 * @param count - records in the whole write
 * @param maxBatchSize - the most records one request may carry (a positive integer)
 * @internal
 */
export function writeBatches(count: number, maxBatchSize: number): WriteBatch[] {
  const batches = Math.ceil(count / maxBatchSize);
  const result: WriteBatch[] = [];
  for (let index = 0; index < batches; index += 1) {
    const start = index * maxBatchSize;
    result.push({ start, end: Math.min(start + maxBatchSize, count), number: index + 1, batches });
  }
  return result;
}

/**
 * The part of `values` one batch carries: `values` itself when the write has one batch (no
 * copy), `undefined` when `values` is.
 * @internal
 */
export function batchSlice<Value>(values: readonly Value[], batch: WriteBatch): readonly Value[];
/** @internal */
export function batchSlice<Value>(
  values: readonly Value[] | undefined,
  batch: WriteBatch,
): readonly Value[] | undefined;
export function batchSlice<Value>(
  values: readonly Value[] | undefined,
  batch: WriteBatch,
): readonly Value[] | undefined {
  if (values === undefined || batch.batches === 1) return values;
  return values.slice(batch.start, batch.end);
}

/**
 * Splits `items` into consecutive slices of at most `size`, the batches of
 * {@link writeBatches}. Reads by id use it too, so a `get` never carries more ids than a write.
 * @internal
 */
export function chunk<Item>(items: readonly Item[], size: number): Item[][] {
  return writeBatches(items.length, size).map(({ start, end }) => items.slice(start, end));
}

/**
 * Sends a write of `count` records batch by batch, stopping at the first failure.
 * @returns how many records were written (all of them)
 * @throws {BatchWriteError} wrapping the collection's error, with the count written so far
 */
async function sendBatches(
  count: number,
  maxBatchSize: number,
  send: (batch: WriteBatch) => Promise<void>,
): Promise<number> {
  let written = 0;
  for (const batch of writeBatches(count, maxBatchSize)) {
    try {
      await send(batch);
    } catch (error) {
      throw new BatchWriteError(error, written, count);
    }
    written = batch.end;
  }
  return written;
}

/** One record's metadata patch. @internal */
export interface RecordPatch {
  readonly id: string;
  readonly patch: MetadataPatch;
  /** The record's stored metadata, when read: the key-count limit applies to the merge. */
  readonly stored?: Metadata | null | undefined;
}

/** Throws the error of the first of `count` records over a limit, before any is written. */
const checkLimits = (
  vectors: VectorCollection,
  count: number,
  recordAt: (index: number) => LimitedRecord,
): void => {
  if (vectors.limits === undefined) return;
  for (let index = 0; index < count; index += 1) {
    const error = recordLimitError(vectors, recordAt(index));
    if (error !== undefined) throw error;
  }
};

const patchRecord = ({ id, patch, stored }: RecordPatch): LimitedRecord => ({
  id,
  metadata: patch,
  stored,
});

/**
 * Writes the patches, one `update` per batch, stopping at the first failure.
 * @returns how many records were written (all of them)
 * @throws {VectorLimitError} when a record is over the collection's limits (nothing written)
 * @throws {BatchWriteError} wrapping the collection's error, with the count written so far
 * @internal
 */
export async function updateInBatches(
  vectors: VectorCollection,
  records: readonly RecordPatch[],
  maxBatchSize: number,
): Promise<number> {
  checkLimits(vectors, records.length, (index) => patchRecord(records[index] as RecordPatch));
  return sendBatches(records.length, maxBatchSize, (batch) => {
    const slice = records.slice(batch.start, batch.end);
    return vectors.update({
      ids: slice.map(({ id }) => id),
      metadatas: slice.map(({ patch }) => patch),
    });
  });
}

/**
 * Writes the patches, one `update` per batch, going on after a failed batch: `settle`
 * learns each batch's fate (`error`: the collection's error, `undefined` on success). A
 * record over the collection's limits is settled alone with its `VectorLimitError`, and
 * never sent.
 * @internal
 */
export async function updateEachBatch<Item extends RecordPatch>(
  vectors: VectorCollection,
  records: readonly Item[],
  maxBatchSize: number,
  settle: (batch: readonly Item[], error: Error | undefined) => void,
): Promise<void> {
  const fitting: Item[] = [];
  for (const record of records) {
    const error = recordLimitError(vectors, patchRecord(record));
    if (error === undefined) fitting.push(record);
    else settle([record], error);
  }
  for (const batch of chunk(fitting, maxBatchSize)) {
    try {
      await updateInBatches(vectors, batch, maxBatchSize);
    } catch (thrown) {
      settle(batch, toError(unwrapBatchWriteError(thrown).cause));
      continue;
    }
    settle(batch, undefined);
  }
}

/**
 * Deletes the ids, one `delete` per batch, stopping at the first failure.
 * @returns how many ids were deleted (all of them)
 * @throws {BatchWriteError} wrapping the collection's error, with the count deleted so far
 * @internal
 */
export function deleteInBatches(
  vectors: VectorCollection,
  ids: readonly string[],
  maxBatchSize: number,
): Promise<number> {
  return sendBatches(ids.length, maxBatchSize, (batch) =>
    vectors.delete({ ids: ids.slice(batch.start, batch.end) }),
  );
}

/**
 * Upserts the records, one `upsert` per batch, stopping at the first failure. A request that
 * fits in one batch is sent as it is.
 * @returns how many records were written (all of them)
 * @throws {VectorLimitError} when a record is over the collection's limits (nothing written)
 * @throws {BatchWriteError} wrapping the collection's error, with the count written so far
 * @internal
 */
export async function upsertInBatches(
  vectors: VectorCollection,
  request: UpsertRequest,
  maxBatchSize: number,
): Promise<number> {
  checkLimits(vectors, request.ids.length, (index) => ({
    id: request.ids[index] as string,
    embedding: request.embeddings[index],
    document: request.documents?.[index],
    metadata: request.metadatas?.[index],
  }));
  return sendBatches(request.ids.length, maxBatchSize, (batch) =>
    vectors.upsert(
      batch.batches === 1
        ? request
        : {
            ids: batchSlice(request.ids, batch),
            embeddings: batchSlice(request.embeddings, batch),
            documents: batchSlice(request.documents, batch),
            metadatas: batchSlice(request.metadatas, batch),
          },
    ),
  );
}

/**
 * The collection's error behind a failed batched write (a {@link BatchWriteError}'s cause),
 * and ` after N of M records` when it stopped part-way; anything else as it is.
 * @internal
 */
export function unwrapBatchWriteError(thrown: unknown): { cause: unknown; progress: string } {
  return thrown instanceof BatchWriteError
    ? { cause: thrown.cause, progress: ` after ${thrown.written} of ${thrown.total} records` }
    : { cause: thrown, progress: '' };
}
