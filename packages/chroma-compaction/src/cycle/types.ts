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

/** Options of `compactCollection` in either mode. */
export interface CompactCycleOptions
  extends ObservabilityOptions,
    Pick<
      ProcessCollectionUpdatesOptions,
      'mirrors' | 'mirrorFailure' | 'onStaleMirror' | 'staleMirrorMarks'
    > {
  readonly collectionName: CollectionName;
  /** The SQS records of one invocation (`event.Records`). */
  readonly records: readonly SqsRecordLike[];
  /** Where deltas live (and, in snapshot mode, the snapshots). */
  readonly store: ObjectStore;
  /** The receipts table, the source of truth every operation reads. */
  readonly receipts: ReceiptStore;
  /** Milliseconds left before the invocation times out (`context.getRemainingTimeInMillis`). */
  readonly deadline: () => number;
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
  /**
   * Milliseconds kept in hand at the end of the cycle (to answer Lambda, release the lock).
   * @default 10000
   */
  readonly reserveMs?: number | undefined;
}

/**
 * Snapshot mode: the collection is a versioned snapshot in `store`. Each cycle takes the
 * lock, works on a copy of the pointer's version from `cache` and publishes a new version.
 */
export interface SnapshotCompactionOptions extends CompactCycleOptions {
  readonly target?: undefined;
  /** The local snapshot cache (an EFS mount, or the Lambda's scratch directory). */
  readonly cache: SnapshotCache;
  /** Where the collection's lock lives. */
  readonly lockStore: LockStore;
  /** Opens the working copy. @default a local Chroma server (`openSnapshot`) */
  readonly openCollection?: OpenCollection | undefined;
  /** Versions kept and pack settings of the publish. */
  readonly publish?: Pick<PublishSnapshotOptions, 'keepVersions' | 'pack'> | undefined;
  /**
   * Publishing speed assumed before one was measured, bytes per millisecond of the
   * persist directory. @default 20000 (20 MB/s)
   */
  readonly publishBytesPerMs?: number | undefined;
}

/** Where a remote-mode cycle writes: a running Chroma's collection. */
export interface CompactionTarget {
  /** E.g. `chromaVectorCollection` over a `ChromaClient` or `CloudClient` collection. */
  readonly vectors: VectorCollection;
}

/**
 * Remote mode: the collection lives on a running Chroma (a server, or Chroma Cloud) and
 * the batch is applied to it in place: no download, no publish, and no lock unless
 * `lockStore` is given. Concurrent compactors are safe without one, because every
 * operation writes what it reads from the table (see the guide "Scaling past one
 * snapshot").
 */
export interface RemoteCompactionOptions extends CompactCycleOptions {
  readonly target: CompactionTarget;
  /** Takes the collection's lock around the batch when given. @default no lock */
  readonly lockStore?: LockStore | undefined;
  readonly cache?: undefined;
}

/** Options of `compactCollection`: snapshot mode, or remote mode with `target`. */
export type CompactCollectionOptions = SnapshotCompactionOptions | RemoteCompactionOptions;

/** What one cycle did. */
export interface CompactionResult {
  readonly collection: CollectionName;
  readonly correlationId: string;
  /** One outcome per record (decode failures included). */
  readonly outcomes: readonly RecordOutcome[];
  /** The partial-batch response to return to Lambda. */
  readonly batchItemFailures: BatchItemFailuresResponse['batchItemFailures'];
  /** The version published, or `null` when nothing was (always in remote mode). */
  readonly version: string | null;
  /** Milliseconds per phase that ran, and `total`. */
  readonly timings: Readonly<Partial<Record<CompactionPhase | 'total', number>>>;
  /** What `processCollectionUpdates` did, when it ran. */
  readonly updates: CollectionUpdateResult | null;
  /** Why the whole batch failed (lock held or lost, deadline, Chroma, publish), if it did. */
  readonly error: ChromaCompactionError | null;
}
