import { toError } from '../errors.js';
import { type ChromaLineIdParts, lineChromaId, wordChromaId } from '../ids/chromaIds.js';
import type { ReceiptRef, ReceiptStore, WordRef } from '../ports/receiptStore.js';
import type { VectorCollection } from '../ports/vectorCollection.js';
import { deleteInBatches, unwrapBatchWriteError } from '../vectors/writeBatches.js';
import { batchSizeOf, observersOf, receiptKey } from './operationSupport.js';
import type { DeletionResult } from './results.js';
import type { OperationOptions } from './types.js';
import {
  type CollectionKind,
  findExistingIds,
  kindOf,
  listReceiptChromaIds,
  unknownCollectionError,
} from './vectorReads.js';

/**
 * Options of {@link deleteWordEmbeddings} and {@link deleteLineEmbeddings}: the collection,
 * the receipts table (whether the word or line is really gone), the batch size (reads and
 * deletes) and observability.
 */
export type DeletionOptions = OperationOptions;

/** A word whose embedding is to be deleted, with the input records asking for it. */
export interface WordDeletion extends WordRef {
  /** The SQS message ids asking for it; copied into its result. @default none */
  readonly recordIds?: readonly string[] | undefined;
}

/** A line whose embedding is to be deleted, with the input records asking for it. */
export interface LineDeletion extends ReceiptRef {
  /** The line's number within the receipt. */
  readonly lineId: number;
  /** The SQS message ids asking for it; copied into its result. @default none */
  readonly recordIds?: readonly string[] | undefined;
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
  const kind = kindOf(options);
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

// spec §9.1 `RECEIPT_WORD`
/**
 * Deletes the embeddings of removed words from a `words` collection, with one `get` and one
 * `delete` per batch for all of them. If the grouped calls fail, each word is retried
 * alone, so one bad word fails only itself. A word the receipts table holds again (created
 * again, or a late duplicate of an old removal) keeps its embedding.
 *
 * Never throws; returns one {@link DeletionResult} per word, in order:
 * - `applied` (`deletedCount` 1) when the embedding existed and was deleted;
 * - `skipped` when it does not exist, when the table holds the word, or when `vectors` is
 *   a `lines` collection;
 * - `failed` (with the error) when the ids are invalid (`InvalidChromaIdError`), the
 *   collection name says neither words nor lines, `maxBatchSize` is invalid, or the
 *   receipts table or Chroma failed for this word.
 *
 * @param words - the removed words
 * @param options - `vectors` (the `words` collection), `receipts`, batch size, observability
 * @returns one result per word, in order
 * @example
 * ```ts
 * import {
 *   deleteWordEmbeddings,
 *   type ReceiptStore,
 *   type VectorCollection,
 * } from '@receipt-chroma/chroma-compaction';
 *
 * declare const words: VectorCollection;
 * declare const receipts: ReceiptStore;
 * declare const messageId: string;
 *
 * const imageId = '3f52804b-2fad-4e00-92c8-b593da3a8ed3';
 * const [result] = await deleteWordEmbeddings(
 *   [{ imageId, receiptId: 1, lineId: 2, wordId: 3, recordIds: [messageId] }],
 *   { vectors: words, receipts },
 * );
 * ```
 */
export function deleteWordEmbeddings(
  words: readonly WordDeletion[],
  options: DeletionOptions,
): Promise<DeletionResult[]> {
  return deleteEntities(WORD, words, wordChromaId, options);
}

// spec §9.1 `RECEIPT_LINE`
/**
 * Deletes the embeddings of removed lines from a `lines` collection. With row embeddings,
 * only a row's primary line has a record of its own. Batching, isolation, the receipts
 * table check and outcomes as in {@link deleteWordEmbeddings}; on a `words` collection
 * every line is `skipped`. Never throws.
 *
 * @param lines - the removed lines
 * @param options - `vectors` (the `lines` collection), `receipts`, batch size, observability
 * @returns one result per line, in order
 * @example
 * ```ts
 * import {
 *   deleteLineEmbeddings,
 *   type ReceiptStore,
 *   type VectorCollection,
 * } from '@receipt-chroma/chroma-compaction';
 *
 * declare const lines: VectorCollection;
 * declare const receipts: ReceiptStore;
 *
 * const results = await deleteLineEmbeddings(
 *   [{ imageId: '3f52804b-2fad-4e00-92c8-b593da3a8ed3', receiptId: 1, lineId: 2 }],
 *   { vectors: lines, receipts },
 * );
 * ```
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
