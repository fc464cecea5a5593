import type { Metadata as ChromaMetadata, Where as ChromaWhere, Collection } from 'chromadb';
import {
  errorMessage,
  errorType,
  VectorStoreError,
  type VectorStoreFailure,
} from '../../errors.js';
import {
  type Logger,
  type Metrics,
  NOOP_LOGGER,
  NOOP_METRICS,
  type ObservabilityOptions,
} from '../../ports/observability.js';
import type {
  DeleteRequest,
  GetRequest,
  GetResponse,
  Metadata,
  UpdateRequest,
  UpsertRequest,
  VectorCollection,
} from '../../ports/vectorCollection.js';
import type { CHROMA_CLOUD_LIMITS, VectorLimits } from '../../vectors/limits.js';
import {
  idListProblem,
  updateRequestProblem,
  upsertRequestProblem,
} from '../../vectors/vectorRequestChecks.js';
import {
  batchSlice,
  DEFAULT_MAX_BATCH_SIZE,
  type WriteBatch,
  writeBatches,
} from '../../vectors/writeBatches.js';
import { toChromaDocuments, toChromaEmbeddings, toChromaMetadatas } from './chromaWritePayload.js';

/**
 * Records per write request of {@link chromaVectorCollection} by default: below Chroma
 * Cloud's limit of 300.
 */
export const DEFAULT_CHROMA_MAX_BATCH_SIZE: 250 = DEFAULT_MAX_BATCH_SIZE;

/**
 * The part of a chromadb `Collection` the adapter calls. Any chromadb 3.x collection fits
 * (from `getCollection`, `getOrCreateCollection`, `createCollection` or `client.collection`),
 * and so does a wrapper that forwards these methods.
 */
export type ChromaCollectionLike = Pick<
  Collection,
  'name' | 'get' | 'upsert' | 'update' | 'delete' | 'count'
>;

/** Options of {@link chromaVectorCollection}. */
export interface ChromaVectorCollectionOptions extends ObservabilityOptions {
  /**
   * The most records one `upsert`, `update` or `delete`-by-ids request carries; larger writes
   * are split into consecutive requests. Chroma Cloud accepts 300 per request; a local server
   * reports its own limit (5461 for 1.x) and the client refuses larger requests.
   * @default 250 ({@link DEFAULT_CHROMA_MAX_BATCH_SIZE}), or `limits.maxRecordsPerRequest`
   *   when lower
   */
  readonly maxBatchSize?: number | undefined;
  /**
   * What the deployment refuses to store, e.g. {@link CHROMA_CLOUD_LIMITS} for Chroma Cloud.
   * A write with a record over a limit is refused before anything is sent, and the
   * operations check each record first so that it fails only its own message.
   * @default no limits (a local Chroma server has none of Chroma Cloud's quotas)
   */
  readonly limits?: VectorLimits | undefined;
}

type Operation = 'get' | 'upsert' | 'update' | 'delete' | 'count';

/** Where a batched write stood when a request failed, for the error's context. */
interface BatchPosition {
  readonly batch: number;
  readonly batches: number;
  readonly recordsDone: number;
}

/** The `chromadb` client's error classes that say why a request failed, by their `name`. */
const CHROMA_FAILURES: Readonly<Record<string, VectorStoreFailure>> = {
  ChromaRateLimitError: 'rate-limited',
  ChromaQuotaExceededError: 'quota-exceeded',
  ChromaConnectionError: 'unavailable',
  ChromaServerError: 'unavailable',
};

/** Why a `chromadb` request failed, when its error says. */
const chromaFailure = (error: unknown): VectorStoreFailure | undefined =>
  error instanceof Error ? CHROMA_FAILURES[error.name] : undefined;

/**
 * Wraps a chromadb (3.x) collection as a {@link VectorCollection}, the port every operation
 * of this package writes through.
 *
 * - Writes are split into requests of at most `maxBatchSize` records (default 250, under
 *   Chroma Cloud's 300), sent one after another. The whole request is checked first (ids,
 *   lengths, embedding dimensions, metadata values), so a request Chroma would refuse fails
 *   before anything is written; a later network or server failure can leave the earlier
 *   batches written (upserts and deletes are safe to retry).
 * - A metadata key sent as `null` is really removed, and `null` documents keep the stored
 *   document, although the JS client drops `null` values.
 * - An empty `ids` list is a no-op for writes and returns nothing for `get`, without a request.
 * - Every failure rejects with a {@link VectorStoreError} naming the collection and the
 *   operation, with the client's error as `cause` and the batch position in `context`.
 *
 * The adapter never creates or closes the client: the caller owns it.
 *
 * @param collection - A chromadb collection, e.g. from `client.getOrCreateCollection`.
 * @param options - Batch size, limits, logger and metrics.
 * @returns The collection as a {@link VectorCollection}; its methods reject with
 *   {@link VectorStoreError} (`retryable` when Chroma said it was rate-limited, over a quota
 *   or unavailable).
 * @throws {VectorStoreError} (synchronously) when `maxBatchSize` is not a positive
 *   integer, or is over `limits.maxRecordsPerRequest`.
 *
 * @example
 * ```ts
 * import { ChromaClient } from 'chromadb';
 * import { chromaVectorCollection } from '@receipt-chroma/chroma-compaction/chroma';
 *
 * const client = new ChromaClient({ host: 'localhost', port: 8000 });
 * const words = chromaVectorCollection(
 *   await client.getOrCreateCollection({ name: 'words', embeddingFunction: null }),
 *   { maxBatchSize: 250 },
 * );
 * await words.update({ ids: ['IMAGE#…#WORD#00001'], metadatas: [{ label_status: null }] });
 * ```
 */
export function chromaVectorCollection(
  collection: ChromaCollectionLike,
  options: ChromaVectorCollectionOptions = {},
): VectorCollection {
  const name = collection.name;
  const { limits } = options;
  const perRequest = limits?.maxRecordsPerRequest ?? Number.POSITIVE_INFINITY;
  const maxBatchSize = options.maxBatchSize ?? Math.min(DEFAULT_CHROMA_MAX_BATCH_SIZE, perRequest);
  const logger: Logger = options.logger ?? NOOP_LOGGER;
  const metrics: Metrics = options.metrics ?? NOOP_METRICS;
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1 || maxBatchSize > perRequest) {
    const most = perRequest === Number.POSITIVE_INFINITY ? '' : ` <= ${perRequest} (limits)`;
    throw new VectorStoreError(
      `maxBatchSize must be a positive integer${most}, got ${maxBatchSize} (collection "${name}")`,
      { collection: name, operation: 'configure' },
    );
  }

  const refuse = (operation: Operation, problem: string): VectorStoreError =>
    new VectorStoreError(`Chroma ${operation} on collection "${name}" was refused: ${problem}`, {
      collection: name,
      operation,
    });

  /** Runs one request, timing it and turning any failure into a VectorStoreError. */
  const request = async <T>(
    operation: Operation,
    records: number,
    send: () => Promise<T>,
    position?: BatchPosition,
  ): Promise<T> => {
    const dimensions = { collection: name, operation };
    const started = performance.now();
    try {
      const result = await send();
      metrics.timer('ChromaRequestTime', performance.now() - started, dimensions);
      if (records > 0) metrics.count('ChromaRecordsSent', records, dimensions);
      logger.debug('Chroma request', { ...dimensions, records, ...position });
      return result;
    } catch (error) {
      metrics.count('ChromaRequestError', 1, { ...dimensions, error_type: errorType(error) });
      const where =
        position === undefined || position.batches === 1
          ? ''
          : ` (batch ${position.batch} of ${position.batches}, ${position.recordsDone} records written before it)`;
      throw new VectorStoreError(
        `Chroma ${operation} on collection "${name}" failed${where}: ${errorMessage(error)}`,
        {
          collection: name,
          operation,
          cause: error,
          context: { ...position },
          failure: chromaFailure(error),
        },
      );
    }
  };

  /** Sends `count` records in consecutive batches (see `vectors/writeBatches.ts`). */
  const batched = async (
    operation: Operation,
    count: number,
    send: (batch: WriteBatch) => Promise<unknown>,
  ): Promise<void> => {
    for (const batch of writeBatches(count, maxBatchSize)) {
      const position = { batch: batch.number, batches: batch.batches, recordsDone: batch.start };
      await request(operation, batch.end - batch.start, () => send(batch), position);
    }
  };

  return {
    name,
    limits,

    async get(getRequest: GetRequest = {}): Promise<GetResponse> {
      const include = getRequest.include ?? ['documents', 'metadatas'];
      if (getRequest.ids !== undefined && getRequest.ids.length === 0) {
        return {
          ids: [],
          ...(include.includes('documents') ? { documents: [] } : {}),
          ...(include.includes('metadatas') ? { metadatas: [] } : {}),
          ...(include.includes('embeddings') ? { embeddings: [] } : {}),
        };
      }
      const result = await request('get', 0, () =>
        collection.get({
          ...(getRequest.ids === undefined ? {} : { ids: getRequest.ids as string[] }),
          ...(getRequest.where === undefined ? {} : { where: getRequest.where as ChromaWhere }),
          ...(getRequest.limit === undefined ? {} : { limit: getRequest.limit }),
          ...(getRequest.offset === undefined ? {} : { offset: getRequest.offset }),
          include: [...include],
        }),
      );
      return {
        ids: result.ids,
        ...(include.includes('documents') ? { documents: result.documents } : {}),
        ...(include.includes('metadatas')
          ? { metadatas: result.metadatas as (Metadata | null)[] }
          : {}),
        ...(include.includes('embeddings') ? { embeddings: result.embeddings } : {}),
      };
    },

    async upsert(upsertRequest: UpsertRequest): Promise<void> {
      const problem = upsertRequestProblem(upsertRequest, limits);
      if (problem !== undefined) throw refuse('upsert', problem);
      const { ids, embeddings, documents, metadatas } = upsertRequest;
      await batched('upsert', ids.length, (batch) => {
        const batchDocuments = toChromaDocuments(batchSlice(documents, batch));
        const batchMetadatas = toChromaMetadatas(batchSlice(metadatas, batch));
        return collection.upsert({
          ids: batchSlice(ids, batch) as string[],
          embeddings: toChromaEmbeddings(batchSlice(embeddings, batch) ?? []),
          ...(batchDocuments === undefined ? {} : { documents: batchDocuments }),
          ...(batchMetadatas === undefined
            ? {}
            : { metadatas: batchMetadatas as ChromaMetadata[] }),
        });
      });
    },

    async update(updateRequest: UpdateRequest): Promise<void> {
      const problem = updateRequestProblem(updateRequest, limits);
      if (problem !== undefined) throw refuse('update', problem);
      const { ids, embeddings, documents, metadatas } = updateRequest;
      await batched('update', ids.length, (batch) => {
        const batchEmbeddings = batchSlice(embeddings, batch);
        const batchDocuments = toChromaDocuments(batchSlice(documents, batch));
        const batchMetadatas = toChromaMetadatas(batchSlice(metadatas, batch));
        if (
          batchEmbeddings === undefined &&
          batchDocuments === undefined &&
          batchMetadatas === undefined
        ) {
          // Nothing to change for these ids (every patch empty): Chroma would do nothing.
          return Promise.resolve();
        }
        return collection.update({
          ids: batchSlice(ids, batch) as string[],
          ...(batchEmbeddings === undefined
            ? {}
            : { embeddings: toChromaEmbeddings(batchEmbeddings) }),
          ...(batchDocuments === undefined ? {} : { documents: batchDocuments }),
          ...(batchMetadatas === undefined
            ? {}
            : { metadatas: batchMetadatas as ChromaMetadata[] }),
        });
      });
    },

    async delete(deleteRequest: DeleteRequest): Promise<void> {
      const { ids, where } = deleteRequest;
      if (ids === undefined && where === undefined) {
        throw refuse('delete', 'delete needs ids, a where filter, or both');
      }
      const chromaWhere = where === undefined ? {} : { where: where as ChromaWhere };
      if (ids === undefined) {
        await request('delete', 0, () => collection.delete(chromaWhere));
        return;
      }
      const problem = idListProblem(ids);
      if (problem !== undefined) throw refuse('delete', problem);
      await batched('delete', ids.length, (batch) =>
        collection.delete({ ids: batchSlice(ids, batch) as string[], ...chromaWhere }),
      );
    },

    async count(): Promise<number> {
      return request('count', 0, () => collection.count());
    },
  };
}
