import { type ChromaLineIdParts, lineChromaId, wordChromaId } from '../ids/chromaIds.js';
import type { ReceiptRef, ReceiptStore, WordRef } from '../ports/receiptStore.js';
import type { VectorCollection } from '../ports/vectorCollection.js';
import { batchSizeOf, observersOf, receiptKey, receiptWhere } from './operationSupport.js';
import { type DeletionResult, toError } from './results.js';
import type { OperationOptions } from './types.js';
import {
  type CollectionKind,
  collectionKind,
  deleteInBatches,
  findExistingIds,
  getRecordsWhere,
  listReceiptChromaIds,
  unknownCollectionError,
  unwrapBatchWriteError,
} from './vectorBatches.js';

/**
 * Options of {@link deleteWordEmbeddings} and {@link deleteLineEmbeddings}: the collection,
 * the receipts table (whether the word or line is really gone), the batch size (reads and
 * deletes) and observability.
 */
export type DeletionOptions = OperationOptions;

/**
 * Options of {@link deleteReceiptEmbeddings}: the collection, the receipts table (the
 * receipt's remaining words or lines), batch size, observability, record ids.
 */
export interface ReceiptDeletionOptions extends OperationOptions {
  /** The input records (SQS message ids) this deletion serves; copied to the result. */
  readonly recordIds?: readonly string[] | undefined;
}

/** A word whose embedding is to be deleted, with the input records asking for it. */
export interface WordDeletion extends WordRef {
  readonly recordIds?: readonly string[] | undefined;
}

/** A line whose embedding is to be deleted, with the input records asking for it. */
export interface LineDeletion extends ReceiptRef {
  readonly lineId: number;
  readonly recordIds?: readonly string[] | undefined;
}

/**
 * Deletes the embeddings of a removed receipt, as far as DynamoDB says it is gone (spec
 * §9.1 `RECEIPT`, with the fixes of §18.2, converging on the table as DESIGN §1 requires).
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
 * - `failed`: the collection name says neither words nor lines, or a `ReceiptStore` or
 *   `VectorCollection` call failed (a failed table read fails the deletion instead of
 *   being ignored, so no embedding is left behind). Retrying is safe.
 *
 * @param receipt - the receipt that was removed
 * @param options - `vectors` (`words` or `lines`), `receipts` (the receipt and its
 *   remaining words and lines), batch size, observability, record ids
 * @example
 * ```ts
 * const result = await deleteReceiptEmbeddings(
 *   { imageId, receiptId: 1 },
 *   { vectors: wordsCollection, receipts: receiptStore },
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
  const kind: CollectionKind | undefined = collectionKind(collection);
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

/** One deletion target with its Chroma id (or the error that prevented building it). */
interface Target {
  readonly imageId: string;
  readonly receiptId: number;
  readonly recordIds: readonly string[] | undefined;
  readonly id: string | Error;
}

interface Entity {
  readonly entityType: 'RECEIPT_WORD' | 'RECEIPT_LINE';
  readonly kind: CollectionKind;
  readonly noun: string;
  readonly metric: string;
}

const WORD: Entity = {
  entityType: 'RECEIPT_WORD',
  kind: 'words',
  noun: 'word',
  metric: 'WordEmbeddingDeleted',
};
const LINE: Entity = {
  entityType: 'RECEIPT_LINE',
  kind: 'lines',
  noun: 'line',
  metric: 'LineEmbeddingDeleted',
};

/**
 * The Chroma ids of the words or lines each target's receipt has in the table now (one read
 * per receipt), or the error of that read.
 */
async function currentIdsByReceipt(
  kind: CollectionKind,
  targets: readonly Target[],
  receipts: ReceiptStore,
): Promise<Map<string, Set<string> | Error>> {
  const current = new Map<string, Set<string> | Error>();
  for (const target of targets) {
    const key = receiptKey(target);
    if (typeof target.id !== 'string' || current.has(key)) continue;
    try {
      current.set(key, new Set(await listReceiptChromaIds(receipts, kind, target)));
    } catch (error) {
      current.set(key, toError(error));
    }
  }
  return current;
}

/** Per id: deleted (it existed), absent, or the error of the calls that covered it. */
type IdOutcome = { readonly deleted: boolean } | { readonly error: Error };

/**
 * Deletes the existing ones among `ids` (one get and one delete per batch). When the
 * grouped calls fail, each id is retried on its own, so one id Chroma refuses cannot fail
 * the others.
 */
async function deleteIsolated(
  vectors: VectorCollection,
  ids: readonly string[],
  batchSize: number,
): Promise<Map<string, IdOutcome>> {
  const outcomes = new Map<string, IdOutcome>();
  try {
    const existing = new Set(await findExistingIds(vectors, ids, batchSize));
    await deleteInBatches(vectors, [...existing], batchSize);
    for (const id of ids) outcomes.set(id, { deleted: existing.has(id) });
    return outcomes;
  } catch (thrown) {
    if (ids.length === 1) {
      const error = toError(unwrapBatchWriteError(thrown).cause);
      for (const id of ids) outcomes.set(id, { error });
      return outcomes;
    }
  }
  for (const id of ids) {
    const single = await deleteIsolated(vectors, [id], batchSize);
    for (const [key, value] of single) outcomes.set(key, value);
  }
  return outcomes;
}

const idOf = (build: () => string): string | Error => {
  try {
    return build();
  } catch (error) {
    return toError(error);
  }
};

async function deleteEntities<
  Item extends ReceiptRef & { readonly recordIds?: readonly string[] | undefined },
>(
  entity: Entity,
  items: readonly Item[],
  chromaId: (item: Item) => string,
  options: DeletionOptions,
): Promise<DeletionResult[]> {
  const targets = items.map(
    (item): Target => ({
      imageId: item.imageId,
      receiptId: item.receiptId,
      recordIds: item.recordIds,
      id: idOf(() => chromaId(item)),
    }),
  );
  const { vectors } = options;
  const { logger, metrics } = observersOf(options);
  const collection = vectors.name;
  const result = (
    target: Target,
    fields: Pick<DeletionResult, 'status' | 'deletedCount'> &
      Partial<Pick<DeletionResult, 'reason' | 'error' | 'chromaIds'>>,
  ): DeletionResult => ({
    kind: 'deletion',
    entityType: entity.entityType,
    collection,
    imageId: target.imageId,
    receiptId: target.receiptId,
    recordIds: target.recordIds,
    ...fields,
  });
  const failAll = (reason: string, error: Error): DeletionResult[] =>
    targets.map((target) => result(target, { status: 'failed', deletedCount: 0, reason, error }));

  let batchSize: number;
  try {
    batchSize = batchSizeOf(options);
  } catch (error) {
    return failAll('invalid options', toError(error));
  }
  const kind = collectionKind(collection);
  if (kind === undefined)
    return failAll('unknown collection type', unknownCollectionError(collection));
  if (kind !== entity.kind) {
    return targets.map((target) =>
      result(target, {
        status: 'skipped',
        deletedCount: 0,
        reason: `${entity.kind} have no embeddings in the ${kind} collection`,
      }),
    );
  }

  // A removal deletes only what DynamoDB no longer has: a word or line that exists again
  // (re-created, or a late duplicate of an old removal) keeps its embedding.
  const current = await currentIdsByReceipt(kind, targets, options.receipts);
  const tableState = (target: Target): Set<string> | Error | undefined =>
    current.get(receiptKey(target));
  const ids = targets.flatMap((target) => {
    const state = tableState(target);
    return typeof target.id === 'string' && state instanceof Set && !state.has(target.id)
      ? [target.id]
      : [];
  });
  const outcomes =
    ids.length === 0 ? new Map<string, IdOutcome>() : await deleteIsolated(vectors, ids, batchSize);
  const results = targets.map((target): DeletionResult => {
    if (typeof target.id !== 'string') {
      return result(target, {
        status: 'failed',
        deletedCount: 0,
        reason: 'invalid ids',
        error: target.id,
      });
    }
    const state = tableState(target);
    if (state instanceof Error) {
      return result(target, {
        status: 'failed',
        deletedCount: 0,
        reason: `could not read the receipt's ${kind}`,
        error: state,
      });
    }
    if (state?.has(target.id) === true) {
      return result(target, {
        status: 'skipped',
        deletedCount: 0,
        reason: `the ${entity.noun} exists in the receipts table`,
      });
    }
    const outcome = outcomes.get(target.id);
    if (outcome === undefined || 'error' in outcome) {
      const error = outcome?.error ?? new Error(`No outcome for ${target.id}`);
      metrics.count('EmbeddingDeletionError', 1, { collection, entity_type: entity.entityType });
      logger.error('Embedding deletion failed', {
        collection,
        chromaId: target.id,
        error: error.message,
      });
      return result(target, {
        status: 'failed',
        deletedCount: 0,
        reason: 'could not delete the embedding',
        error,
      });
    }
    if (!outcome.deleted) {
      return result(target, { status: 'skipped', deletedCount: 0, reason: 'no embedding found' });
    }
    return result(target, { status: 'applied', deletedCount: 1, chromaIds: [target.id] });
  });
  // Two targets naming the same id delete it once.
  const uniqueDeleted = new Set(
    results.flatMap((entry) => (entry.status === 'applied' ? (entry.chromaIds ?? []) : [])),
  ).size;
  if (uniqueDeleted > 0) metrics.count(entity.metric, uniqueDeleted, { collection });
  return results;
}

/**
 * Deletes the embeddings of removed words from a `words` collection (spec §9.1
 * `RECEIPT_WORD`), with one `get` and one `delete` per batch for all of them. If the
 * grouped calls fail, each word is retried alone, so one bad word fails only itself.
 *
 * Never throws; returns one {@link DeletionResult} per word, in order:
 * - `applied` (`deletedCount` 1) when the embedding existed and was deleted;
 * - `skipped` when it does not exist, or when `vectors` is a `lines` collection;
 * - `failed` when the ids are invalid, the collection name says neither words nor
 *   lines, or Chroma failed for this word.
 *
 * @param words - the removed words
 * @param options - `vectors` (the `words` collection), batch size, observability
 * @example
 * ```ts
 * const [result] = await deleteWordEmbeddings(
 *   [{ imageId, receiptId: 1, lineId: 2, wordId: 3, recordIds: [messageId] }],
 *   { vectors: wordsCollection },
 * );
 * ```
 */
export function deleteWordEmbeddings(
  words: readonly WordDeletion[],
  options: DeletionOptions,
): Promise<DeletionResult[]> {
  return deleteEntities(WORD, words, wordChromaId, options);
}

/**
 * Deletes the embeddings of removed lines from a `lines` collection (spec §9.1
 * `RECEIPT_LINE`). With row embeddings, only a row's primary line has a record of its own.
 * Batching, isolation and outcomes as in {@link deleteWordEmbeddings}; on a `words`
 * collection every line is `skipped`.
 *
 * @param lines - the removed lines
 * @param options - `vectors` (the `lines` collection), batch size, observability
 */
export function deleteLineEmbeddings(
  lines: readonly LineDeletion[],
  options: DeletionOptions,
): Promise<DeletionResult[]> {
  return deleteEntities(
    LINE,
    lines,
    (line) => lineChromaId(line satisfies ChromaLineIdParts),
    options,
  );
}
