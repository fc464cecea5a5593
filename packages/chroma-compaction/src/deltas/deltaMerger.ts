import { setTimeout as sleep } from 'node:timers/promises';
import type {
  CollectionName,
  DeltaMergeRequest,
  DeltaMergeResult,
  MergeDeltas,
  MergeDeltasContext,
} from '../compaction/types.js';
import { toError } from '../errors.js';
import { checkedInteger } from '../options/checkedInteger.js';
import type { ObjectStore } from '../ports/objectStore.js';
import { NOOP_LOGGER, NOOP_METRICS, type ObservabilityOptions } from '../ports/observability.js';
import type { VectorCollection } from '../ports/vectorCollection.js';
import { unwrapBatchWriteError, upsertInBatches } from '../vectors/writeBatches.js';
import { DeltaIntegrityError, DeltaNotFoundError } from './errors.js';
import { DEFAULT_DELTA_BATCH_SIZE, type ReadDeltaOptions, readDelta } from './readDelta.js';
import type { DeltaRead } from './types.js';
import { findMissingIds } from './verifyUpsert.js';

/** Options of {@link createDeltaMerger}. */
export interface DeltaMergerOptions
  extends ObservabilityOptions,
    Pick<ReadDeltaOptions, 'maxBytes' | 'tempDir' | 'pythonDeltas'> {
  /** Where the deltas are (the bucket the compaction runs point into). */
  readonly store: ObjectStore;
  // The batch size, retries and pause are those of the Python compactor (spec §11.3).
  /**
   * Records per upsert and per verification read; also the size of the batches the delta
   * is read in.
   * @default 250 ({@link DEFAULT_DELTA_BATCH_SIZE})
   */
  readonly maxBatchSize?: number | undefined;
  /**
   * Re-checks of the ids still missing after the upsert, each reading only those ids.
   * @default 2
   */
  readonly verifyRetries?: number | undefined;
  /**
   * Pause before each re-check, in milliseconds.
   * @default 1000
   */
  readonly verifyDelayMs?: number | undefined;
}

/**
 * Creates the {@link MergeDeltas} function that `processCollectionUpdates` calls to merge
 * embedding deltas into the collection.
 *
 * For each compaction run it reads the delta at `deltaPrefix` with {@link readDelta}
 * (portable or Python-era, checked whole before anything is written), upserts it in batches
 * of at most `maxBatchSize`, then reads every id back, re-checking only the missing ones up
 * to `verifyRetries` times.
 *
 * Each request gets one result: `applied` with the vectors merged; `skipped` for an empty
 * delta; `failed` with the reason for a missing, corrupt or foreign delta (another
 * collection or receipt), a delta whose vectors differ in length from the collection's
 * (nothing is written from such a delta), a failed upsert, or ids still missing after
 * the retries (so the run is retried; upserts are idempotent, and merging a delta again
 * leaves the same records). The returned function does not reject for a failed delta: the
 * error is in that run's result.
 *
 * Logs and metrics go to the merger's own `logger` and `metrics` when given, else to those
 * `processCollectionUpdates` passes it.
 * @param options - The store, batch size, verification and observability.
 * @returns The merge function to pass as `mergeDeltas`.
 * @throws {RangeError} when `maxBatchSize` is not a positive integer, or `verifyRetries` or
 *   `verifyDelayMs` is not an integer `>= 0`
 * @example
 * ```ts
 * import type { S3Client } from '@aws-sdk/client-s3';
 * import {
 *   type CollectionUpdateInput,
 *   createDeltaMerger,
 *   processCollectionUpdates,
 *   type ReceiptStore,
 *   type VectorCollection,
 * } from '@receipt-chroma/chroma-compaction';
 * import { S3ObjectStore } from '@receipt-chroma/chroma-compaction/s3';
 *
 * declare const client: S3Client;
 * declare const inputs: CollectionUpdateInput[];
 * declare const vectors: VectorCollection;
 * declare const receipts: ReceiptStore;
 *
 * const store = new S3ObjectStore({ client, bucket: 'chroma-vectors' });
 * const result = await processCollectionUpdates(inputs, 'lines', {
 *   vectors,
 *   receipts,
 *   mergeDeltas: createDeltaMerger({ store }),
 * });
 * console.log(result.deltaMergeCount);
 * ```
 */
export function createDeltaMerger(options: DeltaMergerOptions): MergeDeltas {
  const batchSize = checkedInteger(
    'maxBatchSize',
    options.maxBatchSize ?? DEFAULT_DELTA_BATCH_SIZE,
    1,
  );
  const retries = checkedInteger('verifyRetries', options.verifyRetries ?? 2, 0);
  const delayMs = checkedInteger('verifyDelayMs', options.verifyDelayMs ?? 1000, 0);
  return async (runs, context) => {
    const dimension = collectionDimension(context.vectors);
    const results: DeltaMergeResult[] = [];
    for (const run of runs) {
      results.push(
        await mergeOne(run, context, { ...options, batchSize, retries, delayMs, dimension }),
      );
    }
    return results;
  };
}

interface MergeSettings extends DeltaMergerOptions {
  readonly batchSize: number;
  readonly retries: number;
  readonly delayMs: number;
  readonly dimension: DimensionCache;
}

/** The length of the collection's vectors, read once per call and learnt from merges. */
interface DimensionCache {
  get(): Promise<number | undefined>;
  learn(dimension: number): void;
}

const collectionDimension = (vectors: VectorCollection): DimensionCache => {
  let known: Promise<number | undefined> | undefined;
  return {
    get: () => {
      known ??= vectors
        .get({ limit: 1, include: ['embeddings'] })
        .then((found) => found.embeddings?.[0]?.length);
      return known;
    },
    learn: (dimension) => {
      known = Promise.resolve(dimension);
    },
  };
};

const mergeOne = async (
  request: DeltaMergeRequest,
  context: MergeDeltasContext,
  settings: MergeSettings,
): Promise<DeltaMergeResult> => {
  const logger = settings.logger ?? context.logger ?? NOOP_LOGGER;
  const metrics = settings.metrics ?? context.metrics ?? NOOP_METRICS;
  const { recordId, runId, imageId, receiptId, deltaPrefix } = request;
  const base = { recordId, runId, imageId, receiptId };
  const dimensions = { collection: context.collection };
  const failed = (reason: string, error: unknown): DeltaMergeResult => {
    logger.error('Delta merge failed', { ...base, deltaPrefix, reason });
    metrics.count('DeltaMergeFailed', 1, dimensions);
    return { ...base, status: 'failed', mergedCount: 0, reason, error: toError(error) };
  };
  logger.info('Processing compaction run', {
    ...base,
    deltaPrefix,
    collection: context.collection,
  });
  const started = Date.now();
  let delta: DeltaRead;
  try {
    delta = await readDelta(settings.store, deltaPrefix, {
      collection: context.collection as CollectionName,
      receipt: { imageId, receiptId },
      batchSize: settings.batchSize,
      maxBytes: settings.maxBytes,
      tempDir: settings.tempDir,
      pythonDeltas: settings.pythonDeltas,
    });
  } catch (error) {
    return failed(readFailureReason(error, deltaPrefix), error);
  }
  try {
    const { count, dimension } = delta.manifest;
    if (count === 0) {
      logger.warn('Delta has no records', { ...base, deltaPrefix });
      return { ...base, status: 'skipped', mergedCount: 0, reason: 'empty delta' };
    }
    const existing = await settings.dimension.get();
    if (existing !== undefined && existing !== dimension) {
      const error = new DeltaIntegrityError(
        `Delta vectors have ${dimension} values; the ${context.collection} collection's have ${existing}`,
        { prefix: delta.prefix, check: 'dimension' },
      );
      return failed(
        `delta dimension ${dimension} differs from the collection's ${existing}`,
        error,
      );
    }
    logger.info('Upserting vectors from delta', {
      ...base,
      vectorCount: count,
      layout: delta.layout,
    });
    const ids: string[] = [];
    for await (const batch of delta.batches) {
      await upsertInBatches(context.vectors, batch, settings.batchSize);
      ids.push(...batch.ids);
    }
    settings.dimension.learn(dimension);
    const missing = await verifyAll(ids, request, context, settings, logger);
    if (missing > 0) {
      logger.error(
        'Upsert verification failed; reporting an error so the run is retried, not marked merged',
        { ...base, missing, vectorCount: count },
      );
      return failed(
        `upsert verification failed: ${missing} of ${count} vectors missing`,
        new Error(`${missing} of ${count} upserted vectors were not found`),
      );
    }
    logger.info('Upsert verified', { ...base, verifiedCount: count });
    metrics.count('DeltaVectorsMerged', count, dimensions);
    metrics.timer('DeltaMergeDuration', Date.now() - started, dimensions);
    return { ...base, status: 'applied', mergedCount: count };
  } catch (thrown) {
    const { cause } = unwrapBatchWriteError(thrown);
    return failed(`delta merge failed: ${toError(cause).message}`, cause);
  } finally {
    await delta.close();
  }
};

const readFailureReason = (error: unknown, prefix: string): string => {
  if (error instanceof DeltaNotFoundError) return `delta not found: ${prefix}`;
  if (error instanceof DeltaIntegrityError) {
    return `delta failed its ${error.check} check: ${error.message}`;
  }
  return `delta download failed: ${prefix}: ${toError(error).message}`;
};

/** Reads the ids back; re-checks only the missing ones. Returns how many are still missing. */
const verifyAll = async (
  ids: readonly string[],
  request: DeltaMergeRequest,
  context: MergeDeltasContext,
  settings: MergeSettings,
  logger: NonNullable<ObservabilityOptions['logger']>,
): Promise<number> => {
  let missing = await findMissingIds(context.vectors, ids, settings.batchSize);
  for (let attempt = 1; attempt <= settings.retries && missing.length > 0; attempt += 1) {
    logger.warn('Verification retry', {
      runId: request.runId,
      attempt: `${attempt}/${settings.retries}`,
      missing: `${missing.length}/${ids.length}`,
    });
    await sleep(settings.delayMs);
    missing = await findMissingIds(context.vectors, missing, settings.batchSize);
  }
  return missing.length;
};
