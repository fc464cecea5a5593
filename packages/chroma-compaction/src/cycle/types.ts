import type { SqsRecordLike } from '../compaction/decodeSqsRecords.js';
import type { BatchItemFailuresResponse } from '../compaction/toBatchItemFailures.js';
import type {
  CollectionName,
  CollectionUpdateResult,
  MergeDeltas,
  ProcessCollectionUpdatesOptions,
  RecordOutcome,
} from '../compaction/types.js';
import type { ChromaCompactionError } from '../errors.js';
import type { LockManagerOptions, WithLockOptions } from '../locks/lockManagerOptions.js';
import type { LockStore } from '../ports/lockStore.js';
import type { ObjectStore } from '../ports/objectStore.js';
import type { ObservabilityOptions } from '../ports/observability.js';
import type { ReceiptStore } from '../ports/receiptStore.js';
import type { VectorCollection } from '../ports/vectorCollection.js';
import type { SnapshotCache } from '../snapshots/cache/SnapshotCache.js';
import type { PublishSnapshotOptions } from '../snapshots/types.js';

/** The phases of one compaction cycle, in order. */
export const COMPACTION_PHASES = [
  'decode',
  'lock',
  'snapshot',
  'open',
  'process',
  'close',
  'publish',
] as const;

/** One phase of a compaction cycle. */
export type CompactionPhase = (typeof COMPACTION_PHASES)[number];

/** Attributes of a span: the phase's collection, correlation id and figures. */
export type SpanAttributes = Readonly<Record<string, string | number | boolean>>;

/**
 * A span the cycle opened for one phase. `end` is called exactly once, with the error when
 * the phase failed.
 */
export interface CompactionSpan {
  end(error?: unknown): void;
}

/**
 * Receives a span per phase: Powertools Tracer fits behind it (`addNewSubsegment(name)`,
 * annotations, `close()`), and so does OpenTelemetry (`tracer.startSpan(name, { attributes })`,
 * `recordException`, `end()`).
 */
export interface CompactionTracer {
  startSpan(name: string, attributes: SpanAttributes): CompactionSpan;
}

/** A collection opened from a persist directory, and how to close it. */
export interface OpenedCollection {
  readonly vectors: VectorCollection;
  /** Stops whatever serves the directory and waits until its files are flushed. */
  close(): Promise<void>;
}

/** Opens the collection `name` of the persist directory `dir`. */
export type OpenCollection = (dir: string, name: CollectionName) => Promise<OpenedCollection>;

/** Options of `compactCollection`. */
export interface CompactCollectionOptions
  extends ObservabilityOptions,
    Pick<ProcessCollectionUpdatesOptions, 'mirrors' | 'mirrorFailure' | 'onStaleMirror'> {
  readonly collectionName: CollectionName;
  /** The SQS records of one invocation (`event.Records`). */
  readonly records: readonly SqsRecordLike[];
  /** Where snapshots and deltas live. */
  readonly store: ObjectStore;
  /** The local snapshot cache (an EFS mount, or the Lambda's scratch directory). */
  readonly cache: SnapshotCache;
  readonly lockStore: LockStore;
  /** The receipts table, the source of truth every operation reads. */
  readonly receipts: ReceiptStore;
  /** Milliseconds left before the invocation times out (`context.getRemainingTimeInMillis`). */
  readonly deadline: () => number;
  /** Opens the working copy. @default a local Chroma server (`openSnapshot`) */
  readonly openCollection?: OpenCollection | undefined;
  /** @default `createDeltaMerger({ store })` */
  readonly mergeDeltas?: MergeDeltas | undefined;
  /** Carried by every log line and span. @default the first record's `messageId` */
  readonly correlationId?: string | undefined;
  readonly tracer?: CompactionTracer | undefined;
  /** Lock settings (lease, heartbeat, lock id) besides the store and collection. */
  readonly lock?:
    | Omit<LockManagerOptions, 'store' | 'collection' | 'logger' | 'metrics'>
    | undefined;
  /** How long to wait for a lock another worker holds. */
  readonly lockRetry?: Omit<WithLockOptions, 'signal'> | undefined;
  /** Versions kept and pack settings of the publish. */
  readonly publish?: Pick<PublishSnapshotOptions, 'keepVersions' | 'pack'> | undefined;
  /**
   * Milliseconds kept in hand after the publish (to answer Lambda, release the lock).
   * @default 10000
   */
  readonly reserveMs?: number | undefined;
  /**
   * Publishing speed assumed before one was measured, bytes per millisecond of the
   * persist directory. @default 20000 (20 MB/s)
   */
  readonly publishBytesPerMs?: number | undefined;
}

/** What one cycle did. */
export interface CompactionResult {
  readonly collection: CollectionName;
  readonly correlationId: string;
  /** One outcome per record (decode failures included). */
  readonly outcomes: readonly RecordOutcome[];
  /** The partial-batch response to return to Lambda. */
  readonly batchItemFailures: BatchItemFailuresResponse['batchItemFailures'];
  /** The version published, or `null` when nothing was. */
  readonly version: string | null;
  /** Milliseconds per phase that ran, and `total`. */
  readonly timings: Readonly<Partial<Record<CompactionPhase | 'total', number>>>;
  /** What `processCollectionUpdates` did, when it ran. */
  readonly updates: CollectionUpdateResult | null;
  /** Why the whole batch failed (lock held or lost, deadline, Chroma, publish), if it did. */
  readonly error: ChromaCompactionError | null;
}
