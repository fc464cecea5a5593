/**
 * The Chroma side of the operations: which collection a `VectorCollection` holds, the Chroma
 * ids of a receipt read through the `ReceiptStore`, and reads and writes split into batches
 * that stay within the write limit. Every operation reads and writes through these.
 * @internal
 * @packageDocumentation
 */

import { ChromaCompactionError } from '../errors.js';
import { lineChromaId, wordChromaId } from '../ids/chromaIds.js';
import type { ReceiptRef, ReceiptStore } from '../ports/receiptStore.js';
import type {
  IncludeField,
  Metadata,
  MetadataPatch,
  VectorCollection,
  Where,
} from '../ports/vectorCollection.js';
import { toError } from './results.js';

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
 * The error of an operation given a collection whose name says neither words nor lines.
 * @internal
 */
export function unknownCollectionError(name: string): ChromaCompactionError {
  return new ChromaCompactionError(
    `Collection "${name}" is neither a words nor a lines collection (its name must contain "words" or "lines")`,
  );
}

/**
 * Splits `items` into consecutive slices of at most `size`.
 * @internal
 */
export function chunk<Item>(items: readonly Item[], size: number): Item[][] {
  const chunks: Item[][] = [];
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }
  return chunks;
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
 * The records among `ids` that exist, id → metadata (`null` unless `include` has
 * `metadatas`), read with one `get` per batch of distinct ids.
 * @throws VectorStoreError (from the collection) when a read fails
 * @internal
 */
export async function getRecords(
  vectors: VectorCollection,
  ids: readonly string[],
  batchSize: number,
  include: readonly IncludeField[] = ['metadatas'],
): Promise<Map<string, Metadata | null>> {
  const found = new Map<string, Metadata | null>();
  for (const batch of chunk([...new Set(ids)], batchSize)) {
    const response = await vectors.get({ ids: batch, include });
    for (const [index, id] of response.ids.entries()) {
      found.set(id, response.metadatas?.[index] ?? null);
    }
  }
  return found;
}

/**
 * Every record whose metadata matches `where`, id → metadata (`null` unless `include` has
 * `metadatas`), read page by page (`limit` = `batchSize`).
 * @throws VectorStoreError (from the collection) when a read fails
 * @internal
 */
export async function getRecordsWhere(
  vectors: VectorCollection,
  where: Where,
  batchSize: number,
  include: readonly IncludeField[] = ['metadatas'],
): Promise<Map<string, Metadata | null>> {
  const found = new Map<string, Metadata | null>();
  for (let offset = 0; ; offset += batchSize) {
    const response = await vectors.get({ where, include, limit: batchSize, offset });
    for (const [index, id] of response.ids.entries()) {
      found.set(id, response.metadatas?.[index] ?? null);
    }
    if (response.ids.length < batchSize) return found;
  }
}

/**
 * The ids among `ids` that exist in the collection, in the order of `ids` and without
 * duplicates (one `get` without metadata, documents or embeddings per batch).
 * @throws VectorStoreError (from the collection) when a read fails
 * @internal
 */
export async function findExistingIds(
  vectors: VectorCollection,
  ids: readonly string[],
  batchSize: number,
): Promise<string[]> {
  const found = await getRecords(vectors, ids, batchSize, []);
  return [...new Set(ids)].filter((id) => found.has(id));
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
 * The collection's error behind a failed batched write (a `BatchWriteError`'s cause), and
 * ` after N of M records` when it stopped part-way.
 * @internal
 */
export function unwrapBatchWriteError(thrown: unknown): { cause: unknown; progress: string } {
  return thrown instanceof BatchWriteError
    ? { cause: thrown.cause, progress: ` after ${thrown.written} of ${thrown.total} records` }
    : { cause: thrown, progress: '' };
}

/** One record's metadata patch. @internal */
export interface RecordPatch {
  readonly id: string;
  readonly patch: MetadataPatch;
}

async function writeInBatches<Item>(
  items: readonly Item[],
  batchSize: number,
  write: (batch: Item[]) => Promise<void>,
): Promise<number> {
  let written = 0;
  for (const batch of chunk(items, batchSize)) {
    try {
      await write(batch);
    } catch (error) {
      throw new BatchWriteError(error, written, items.length);
    }
    written += batch.length;
  }
  return written;
}

/**
 * Writes the patches, one `update` per batch, stopping at the first failure.
 * @returns how many records were written (all of them)
 * @throws BatchWriteError wrapping the collection's error, with the count written so far
 * @internal
 */
export function updateInBatches(
  vectors: VectorCollection,
  records: readonly RecordPatch[],
  batchSize: number,
): Promise<number> {
  return writeInBatches(records, batchSize, (batch) =>
    vectors.update({
      ids: batch.map(({ id }) => id),
      metadatas: batch.map(({ patch }) => patch),
    }),
  );
}

/**
 * Writes the patches, one `update` per batch, going on after a failed batch: `settle`
 * learns each batch's fate (`error`: the collection's error, `undefined` on success).
 * @internal
 */
export async function updateEachBatch<Item extends RecordPatch>(
  vectors: VectorCollection,
  records: readonly Item[],
  batchSize: number,
  settle: (batch: readonly Item[], error: Error | undefined) => void,
): Promise<void> {
  for (const batch of chunk(records, batchSize)) {
    try {
      await updateInBatches(vectors, batch, batchSize);
    } catch (thrown) {
      settle(batch, toError(unwrapBatchWriteError(thrown).cause));
      continue;
    }
    settle(batch, undefined);
  }
}

/**
 * Deletes the ids, one `delete` per batch.
 * @throws BatchWriteError wrapping the collection's error, with the count deleted so far
 * @internal
 */
export function deleteInBatches(
  vectors: VectorCollection,
  ids: readonly string[],
  batchSize: number,
): Promise<number> {
  return writeInBatches(ids, batchSize, (batch) => vectors.delete({ ids: batch }));
}
