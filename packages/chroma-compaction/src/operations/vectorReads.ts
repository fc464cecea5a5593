/**
 * The Chroma side of the operations: which collection a `VectorCollection` holds, the Chroma
 * ids of a receipt read through the `ReceiptStore`, and reads split into batches of at most
 * `maxBatchSize` ids or records. Writes are split by `vectors/writeBatches.ts`.
 * @internal
 * @packageDocumentation
 */

import { ChromaCompactionError } from '../errors.js';
import { lineChromaId, wordChromaId } from '../ids/chromaIds.js';
import type { ReceiptRef, ReceiptStore } from '../ports/receiptStore.js';
import type { IncludeField, Metadata, VectorCollection, Where } from '../ports/vectorCollection.js';
import { chunk } from '../vectors/writeBatches.js';

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
 * What an operation's collection holds: `collectionKind` when given, else from its name.
 * @internal
 */
export function kindOf(options: {
  readonly vectors: { readonly name: string };
  readonly collectionKind?: CollectionKind | undefined;
}): CollectionKind | undefined {
  return options.collectionKind ?? collectionKind(options.vectors.name);
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
 * The Chroma ids of every word (`words`) or line (`lines`) of a receipt, read through the
 * `ReceiptStore`, in the store's order and without duplicates.
 * @throws {ReceiptStoreError} (from the store) when the read fails
 * @throws {InvalidChromaIdError} when a stored entity cannot form an id
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
 * @throws {VectorStoreError} (from the collection) when a read fails
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
 * @throws {VectorStoreError} (from the collection) when a read fails
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
 * @throws {VectorStoreError} (from the collection) when a read fails
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
