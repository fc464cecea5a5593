import { lineChromaId, wordChromaId } from '../ids/chromaIds.js';
import type { ReceiptRef, ReceiptStore } from '../ports/receiptStore.js';
import type { MetadataPatch, VectorCollection, Where } from '../ports/vectorCollection.js';
import { chunk } from './operationSupport.js';
import { DEFAULT_OPERATION_BATCH_SIZE } from './types.js';

/**
 * Building blocks shared by the place and deletion operations: the collection kind, the
 * Chroma ids of a receipt read through the `ReceiptStore`, and reads and writes split into
 * batches that stay within the write limit.
 * @internal
 */

/** Which of the two collections a `VectorCollection` holds. @internal */
export type CollectionKind = 'lines' | 'words';

/**
 * The kind of a collection from its name, as Python's operations decide it: a name that
 * contains `words` holds words, else one that contains `lines` holds lines.
 * @param name - the collection's name, e.g. `words` or `receipt_lines`
 * @returns the kind, or `undefined` when the name contains neither
 * @internal
 */
export function collectionKind(name: string): CollectionKind | undefined {
  if (name.includes('words')) return 'words';
  if (name.includes('lines')) return 'lines';
  return undefined;
}

/**
 * Checks a batch size option (for operations whose options have no `receipts`, which
 * `batchSizeOf` needs).
 * @param batchSize - @default 250
 * @throws RangeError when it is not an integer `>= 1`
 * @internal
 */
export function resolveBatchSize(batchSize: number | undefined): number {
  const size = batchSize ?? DEFAULT_OPERATION_BATCH_SIZE;
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new RangeError(`maxBatchSize must be an integer >= 1, got ${String(batchSize)}`);
  }
  return size;
}

/**
 * The Chroma ids of every word (`words`) or line (`lines`) of a receipt, read through the
 * `ReceiptStore`, in the store's order and without duplicates.
 * @throws ReceiptStoreError (from the store) when the read fails
 * @throws InvalidChromaIdError when a stored entity cannot form an id
 * @internal
 */
export async function listReceiptChromaIds(
  receipts: ReceiptStore,
  kind: CollectionKind,
  receipt: ReceiptRef,
): Promise<string[]> {
  const ids =
    kind === 'words'
      ? (await receipts.listReceiptWords(receipt)).map((word) =>
          wordChromaId({
            imageId: word.image_id,
            receiptId: word.receipt_id,
            lineId: word.line_id,
            wordId: word.word_id,
          }),
        )
      : (await receipts.listReceiptLines(receipt)).map((line) =>
          lineChromaId({
            imageId: line.image_id,
            receiptId: line.receipt_id,
            lineId: line.line_id,
          }),
        );
  return [...new Set(ids)];
}

/**
 * The ids among `ids` that exist in the collection, in the order of `ids` and without
 * duplicates, read with one
 * `get` (no metadata, documents or embeddings) per batch.
 * @throws VectorStoreError (from the collection) when a read fails
 * @internal
 */
export async function findExistingIds(
  vectors: VectorCollection,
  ids: readonly string[],
  batchSize: number,
): Promise<string[]> {
  const unique = [...new Set(ids)];
  const found = new Set<string>();
  for (const batch of chunk(unique, batchSize)) {
    const response = await vectors.get({ ids: batch, include: [] });
    for (const id of response.ids) found.add(id);
  }
  return unique.filter((id) => found.has(id));
}

/**
 * Every id whose metadata matches `where`, read page by page (`limit` = `batchSize`).
 * @throws VectorStoreError (from the collection) when a read fails
 * @internal
 */
export async function findIdsWhere(
  vectors: VectorCollection,
  where: Where,
  batchSize: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += batchSize) {
    const response = await vectors.get({ where, include: [], limit: batchSize, offset });
    ids.push(...response.ids);
    if (response.ids.length < batchSize) return ids;
  }
}

/**
 * Applies the same metadata patch to every id, one `update` per batch.
 * @returns how many ids were written before a failure (all of them on success)
 * @throws BatchWriteError wrapping the collection's error, with the count written so far
 * @internal
 */
export async function updateInBatches(
  vectors: VectorCollection,
  ids: readonly string[],
  patch: MetadataPatch,
  batchSize: number,
): Promise<number> {
  let written = 0;
  for (const batch of chunk(ids, batchSize)) {
    try {
      await vectors.update({ ids: batch, metadatas: batch.map(() => patch) });
    } catch (error) {
      throw new BatchWriteError(error, written, ids.length);
    }
    written += batch.length;
  }
  return written;
}

/**
 * Deletes the ids, one `delete` per batch.
 * @throws BatchWriteError wrapping the collection's error, with the count deleted so far
 * @internal
 */
export async function deleteInBatches(
  vectors: VectorCollection,
  ids: readonly string[],
  batchSize: number,
): Promise<number> {
  let deleted = 0;
  for (const batch of chunk(ids, batchSize)) {
    try {
      await vectors.delete({ ids: batch });
    } catch (error) {
      throw new BatchWriteError(error, deleted, ids.length);
    }
    deleted += batch.length;
  }
  return deleted;
}

/**
 * A batched write stopped part-way; `cause` is the collection's error. Internal: the
 * operations unwrap it into their result (`error` = the cause, `reason` names the counts).
 * @internal
 */
export class BatchWriteError extends Error {
  readonly written: number;
  readonly total: number;

  constructor(cause: unknown, written: number, total: number) {
    super(`Write stopped after ${written} of ${total} records`, { cause });
    this.name = 'BatchWriteError';
    this.written = written;
    this.total = total;
  }
}

/**
 * The `error_type` dimension of an error metric: the error's class name.
 * @internal
 */
export function errorType(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
