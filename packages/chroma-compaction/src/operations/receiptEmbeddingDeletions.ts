import { toError } from '../errors.js';
import type { ReceiptRef } from '../ports/receiptStore.js';
import { deleteInBatches, unwrapBatchWriteError } from '../vectors/writeBatches.js';
import { batchSizeOf, observersOf, receiptWhere } from './operationSupport.js';
import type { DeletionResult } from './results.js';
import type { OperationOptions } from './types.js';
import {
  type CollectionKind,
  findExistingIds,
  getRecordsWhere,
  kindOf,
  listReceiptChromaIds,
  unknownCollectionError,
} from './vectorReads.js';

/**
 * Options of {@link deleteReceiptEmbeddings}: the collection, the receipts table (the
 * receipt's remaining words or lines), batch size, observability, record ids.
 */
export interface ReceiptDeletionOptions extends OperationOptions {
  /**
   * The input records (SQS message ids) this deletion serves; copied to the result.
   * @default none
   */
  readonly recordIds?: readonly string[] | undefined;
}

// spec §9.1 `RECEIPT`, with the fixes of §18.2, converging on the table as DESIGN §1 requires.
/**
 * Deletes the embeddings of a removed receipt, as far as DynamoDB says it is gone.
 *
 * - The receipt is absent from the `ReceiptStore`: every embedding of it is deleted. The ids
 *   are the union of the receipt's words (`words`) or lines (`lines`) still in the store and
 *   the records whose metadata names the receipt (`image_id` and `receipt_id`; the usual
 *   source, because the stream removes the children from the table before the receipt).
 * - The receipt exists (it was deleted and created again): only the embeddings of words or
 *   lines the table no longer has are deleted (see {@link pruneReceiptEmbeddings}), so a
 *   late or redelivered removal never deletes the new receipt's embeddings.
 *
 * Reads and deletes go in batches of `maxBatchSize`. Never throws: every outcome is a
 * {@link DeletionResult}.
 * - `applied`: `deletedCount` embeddings deleted (`chromaIds` lists them).
 * - `skipped`: nothing to delete.
 * - `failed`: the collection name says neither words nor lines, `maxBatchSize` is invalid,
 *   or a `ReceiptStore` or `VectorCollection` call failed (a failed table read fails the
 *   deletion instead of being ignored, so no embedding is left behind). Retrying is safe.
 *
 * @param receipt - the receipt that was removed
 * @param options - `vectors` (`words` or `lines`), `receipts` (the receipt and its
 *   remaining words and lines), batch size, observability, record ids
 * @returns one result for the receipt
 * @example
 * ```ts
 * import {
 *   deleteReceiptEmbeddings,
 *   type ReceiptStore,
 *   type VectorCollection,
 * } from '@receipt-chroma/chroma-compaction';
 *
 * declare const words: VectorCollection;
 * declare const receipts: ReceiptStore;
 *
 * const result = await deleteReceiptEmbeddings(
 *   { imageId: '3f52804b-2fad-4e00-92c8-b593da3a8ed3', receiptId: 1 },
 *   { vectors: words, receipts },
 * );
 * if (result.status === 'failed') throw result.error;
 * ```
 */
export function deleteReceiptEmbeddings(
  receipt: ReceiptRef,
  options: ReceiptDeletionOptions,
): Promise<DeletionResult> {
  return deleteReceiptRecords(receipt, options, 'removal');
}

/**
 * Deletes the embeddings of a receipt whose word (`words`) or line (`lines`) DynamoDB no
 * longer has: the records whose metadata names the receipt, less those of the receipt's
 * current words or lines. Used after a delta merge (a delta built before a word was deleted
 * must not bring it back) and by {@link deleteReceiptEmbeddings} for a re-created receipt.
 * Outcomes as in {@link deleteReceiptEmbeddings}.
 *
 * @param receipt - the receipt to prune
 * @param options - as for {@link deleteReceiptEmbeddings}
 * @returns one result for the receipt
 * @example
 * ```ts
 * import {
 *   pruneReceiptEmbeddings,
 *   type ReceiptStore,
 *   type VectorCollection,
 * } from '@receipt-chroma/chroma-compaction';
 *
 * declare const lines: VectorCollection;
 * declare const receipts: ReceiptStore;
 *
 * const result = await pruneReceiptEmbeddings(
 *   { imageId: '3f52804b-2fad-4e00-92c8-b593da3a8ed3', receiptId: 1 },
 *   { vectors: lines, receipts },
 * );
 * console.log(result.deletedCount, result.chromaIds);
 * ```
 */
export function pruneReceiptEmbeddings(
  receipt: ReceiptRef,
  options: ReceiptDeletionOptions,
): Promise<DeletionResult> {
  return deleteReceiptRecords(receipt, options, 'prune');
}

async function deleteReceiptRecords(
  receipt: ReceiptRef,
  options: ReceiptDeletionOptions,
  mode: 'removal' | 'prune',
): Promise<DeletionResult> {
  const { vectors, receipts } = options;
  const { logger, metrics } = observersOf(options);
  const collection = vectors.name;
  const base = {
    kind: 'deletion' as const,
    entityType: 'RECEIPT',
    collection,
    imageId: receipt.imageId,
    receiptId: receipt.receiptId,
    recordIds: options.recordIds,
  };
  const context = { collection, imageId: receipt.imageId, receiptId: receipt.receiptId };
  const failed = (reason: string, thrown: unknown): DeletionResult => {
    const error = toError(unwrapBatchWriteError(thrown).cause);
    metrics.count('EmbeddingDeletionError', 1, { collection, entity_type: 'RECEIPT' });
    logger.error(`Receipt embedding deletion failed: ${reason}`, {
      ...context,
      error: error.message,
    });
    return { ...base, status: 'failed', deletedCount: 0, reason, error };
  };

  let batchSize: number;
  try {
    batchSize = batchSizeOf(options);
  } catch (error) {
    return failed('invalid options', error);
  }
  const kind: CollectionKind | undefined = kindOf(options);
  if (kind === undefined)
    return failed('unknown collection type', unknownCollectionError(collection));

  let present: boolean;
  let storeIds: string[];
  try {
    present = mode === 'prune' || (await receipts.getReceipt(receipt)) !== undefined;
    storeIds = await listReceiptChromaIds(receipts, kind, receipt);
  } catch (error) {
    return failed(`could not read the receipt and its ${kind}`, error);
  }

  let ids: string[];
  try {
    metrics.count('ReceiptDeletionMetadataQuery', 1, { collection });
    const byMetadata = [
      ...(await getRecordsWhere(vectors, receiptWhere(receipt), batchSize, [])).keys(),
    ];
    if (present) {
      // Keep the embeddings of the words or lines the receipt still has.
      const current = new Set(storeIds);
      ids = byMetadata.filter((id) => !current.has(id));
    } else {
      const known = new Set(byMetadata);
      const byStore = await findExistingIds(
        vectors,
        storeIds.filter((id) => !known.has(id)),
        batchSize,
      );
      ids = [...byMetadata, ...byStore];
    }
  } catch (error) {
    return failed('could not read the embeddings', error);
  }
  if (ids.length === 0) {
    const reason = present
      ? `the receipt exists and has every ${kind === 'words' ? 'word' : 'line'} embedded`
      : 'no embeddings found';
    logger.info('No embeddings to delete for the receipt', { ...context, reason });
    return { ...base, status: 'skipped', deletedCount: 0, reason };
  }

  try {
    await deleteInBatches(vectors, ids, batchSize);
  } catch (error) {
    return failed(`could not delete the embeddings${unwrapBatchWriteError(error).progress}`, error);
  }
  metrics.count('ReceiptEmbeddingsDeleted', ids.length, { collection });
  logger.info(
    present ? 'Deleted embeddings the receipt no longer has' : 'Deleted receipt embeddings',
    {
      ...context,
      deletedCount: ids.length,
    },
  );
  return { ...base, status: 'applied', deletedCount: ids.length, chromaIds: ids };
}
