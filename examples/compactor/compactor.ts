import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  type CollectionName,
  type Logger,
  SnapshotCache,
  StaleMirrorMarks,
  type VectorCollection,
  type WithLockOptions,
} from '@receipt-chroma/chroma-compaction';
import {
  compactCollection,
  type OpenSnapshotOptions,
} from '@receipt-chroma/chroma-compaction/chroma';
import { DynamoLockStore, DynamoReceiptStore } from '@receipt-chroma/chroma-compaction/dynamodb';
import { S3ObjectStore } from '@receipt-chroma/chroma-compaction/s3';
import type {
  Context,
  SQSBatchItemFailure,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import type { CompactorConfig } from './config.js';
import { createLogger, EmfMetrics, type FlushableMetrics } from './observability.js';

/** The CloudWatch namespace of the handler's EMF metrics. */
export const METRICS_NAMESPACE = 'ReceiptChroma/Compactor';

/** What {@link createCompactorHandler} wires together; the clients are created by the caller. */
export interface CompactorDependencies {
  /** The S3 client of the snapshots and deltas bucket (never destroyed by the handler). */
  readonly s3: S3Client;
  /** The DynamoDB client of the receipts table and its lock items. */
  readonly dynamodb: DynamoDBClient;
  readonly config: CompactorConfig;
  /** @default a JSON logger at `config.logLevel` */
  readonly logger?: Logger | undefined;
  /**
   * Where the handler, the cycles and the caches record metrics; flushed at the end of every
   * invocation. @default EMF under {@link METRICS_NAMESPACE}
   */
  readonly metrics?: FlushableMetrics | undefined;
  /** How to start the local Chroma server, e.g. `{ glibcShim: 'auto' }` where glibc is older than 2.38. @default node */
  readonly chroma?: OpenSnapshotOptions | undefined;
  /** How long to wait for a lock another compactor holds. @default the package's (5 retries) */
  readonly lockRetry?: Omit<WithLockOptions, 'signal'> | undefined;
  /**
   * The collections each batch of `collection` is mirrored to after the snapshot (Chroma Cloud
   * when `CHROMA_CLOUD_ENABLED` is true, see `handler.ts`). A mirror that fails is marked
   * stale in the bucket (`{collection}/mirrors/{index}/stale.json`) for `repairStaleMirror`,
   * and the batch is not failed for it, as the Python compactor's dual write. @default none
   */
  readonly mirrors?: ((collection: CollectionName) => VectorCollection[]) | undefined;
}

/** The parts of the Lambda context the handler reads. */
export type CompactorContext = Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>;

/** An SQS-triggered Lambda handler with a partial-batch response. */
export type CompactorHandler = (
  event: SQSEvent,
  context: CompactorContext,
) => Promise<SQSBatchResponse>;

/** The records of a batch by collection, in arrival order, and those that name none. */
export interface RoutedRecords {
  readonly batches: ReadonlyMap<CollectionName, SQSRecord[]>;
  readonly unrouted: SQSRecord[];
}

/**
 * Routes each record to `fixed` when given, else to its `collection` message attribute
 * (which the stream processor sets). Unlike Python, which took a missing attribute for
 * `lines`, a record without a valid collection is never guessed at.
 */
export const routeRecords = (
  records: readonly SQSRecord[],
  fixed: CollectionName | undefined,
): RoutedRecords => {
  const batches = new Map<CollectionName, SQSRecord[]>();
  const unrouted: SQSRecord[] = [];
  for (const record of records) {
    const name = fixed ?? record.messageAttributes?.['collection']?.stringValue;
    if (name !== 'lines' && name !== 'words') {
      unrouted.push(record);
      continue;
    }
    batches.set(name, [...(batches.get(name) ?? []), record]);
  }
  return { batches, unrouted };
};

/**
 * Builds the compactor's Lambda handler: every collection in the batch goes through one
 * `compactCollection` cycle (lock, snapshot from the cache, apply, publish), one collection
 * after another, and only the messages that failed are returned for retry. The stores and
 * snapshot caches are created here, once per execution environment.
 *
 * @example
 * ```ts
 * export const handler = createCompactorHandler({
 *   s3: new S3Client({}),
 *   dynamodb: new DynamoDBClient({}),
 *   config: readCompactorConfig(process.env),
 * });
 * ```
 */
export const createCompactorHandler = (deps: CompactorDependencies): CompactorHandler => {
  const { config } = deps;
  const store = new S3ObjectStore({ client: deps.s3, bucket: config.bucket });
  const { tableName } = config;
  const receipts = new DynamoReceiptStore({ client: deps.dynamodb, tableName });
  const lockStore = new DynamoLockStore({ client: deps.dynamodb, tableName });
  const logger = deps.logger ?? createLogger(config.logLevel);
  // One recorder for the execution environment: Lambda runs one invocation at a time in it,
  // and each invocation ends with a flush, so every document holds one invocation's metrics.
  const metrics = deps.metrics ?? new EmfMetrics(METRICS_NAMESPACE);
  const staleMirrorMarks = deps.mirrors === undefined ? undefined : new StaleMirrorMarks(store);
  const caches = new Map<CollectionName, SnapshotCache>();
  const cacheOf = (collection: CollectionName): SnapshotCache => {
    let cache = caches.get(collection);
    if (cache === undefined) {
      cache = new SnapshotCache({ root: config.cacheRoot, collection, store, logger, metrics });
      caches.set(collection, cache);
    }
    return cache;
  };

  return async (event, context) => {
    const started = performance.now();
    try {
      metrics.count('CompactionRecordsReceived', event.Records.length);
      const { batches, unrouted } = routeRecords(event.Records, config.collection);
      const failed: SQSBatchItemFailure[] = unrouted.map(({ messageId }) => ({
        itemIdentifier: messageId,
      }));
      if (unrouted.length > 0) {
        // Retrying cannot route them: they reach the dead-letter queue after maxReceiveCount.
        logger.error('Records without a "lines" or "words" collection attribute', {
          messageIds: unrouted.map(({ messageId }) => messageId),
        });
      }
      for (const [collection, records] of batches) {
        const cache = cacheOf(collection);
        const result = await compactCollection({
          collectionName: collection,
          records,
          store,
          cache,
          lockStore,
          receipts,
          deadline: () => context.getRemainingTimeInMillis(),
          correlationId: config.correlationId === 'awsRequestId' ? context.awsRequestId : undefined,
          chroma: deps.chroma,
          lock: {
            leaseMs: config.leaseMs,
            heartbeatMs: config.heartbeatMs,
            maxHeartbeatFailures: config.maxHeartbeatFailures,
          },
          lockRetry: deps.lockRetry,
          publish: { keepVersions: config.keepVersions },
          mirrors: deps.mirrors?.(collection),
          staleMirrorMarks,
          logger,
          metrics,
        });
        failed.push(...result.batchItemFailures);
        // Keeps the cache (EFS or /tmp) from growing by a snapshot per publish; versions other
        // processes are reading are kept (SnapshotCache.cleanup), and a failure costs nothing.
        await cache.cleanup({ keep: config.cacheKeepVersions }).catch((error: unknown) => {
          logger.warn('Snapshot cache cleanup failed', { collection, error: String(error) });
        });
      }
      metrics.count(
        failed.length === 0 ? 'CompactionLambdaSuccess' : 'CompactionPartialBatchFailure',
        1,
      );
      metrics.count('CompactionFailedMessages', failed.length);
      return { batchItemFailures: failed };
    } finally {
      metrics.timer('CompactionLambdaExecutionTime', performance.now() - started);
      metrics.flush();
    }
  };
};
