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
import type {
  DEFAULT_LOCK_RETRY,
  LockManagerOptions,
  WithLockOptions,
} from '../locks/lockManagerOptions.js';
import type { LockStore } from '../ports/lockStore.js';
import type { ObjectStore } from '../ports/objectStore.js';
import type { ObservabilityOptions } from '../ports/observability.js';
import type { ReceiptStore } from '../ports/receiptStore.js';
import type { VectorCollection } from '../ports/vectorCollection.js';
import type { SnapshotCache } from '../snapshots/cache/SnapshotCache.js';
import type { PublishSnapshotOptions } from '../snapshots/types.js';
import type { CompactionAbortedError } from './errors.js';

/**
 * The phases of one compaction cycle, in order: decode the SQS records, take the lock, bring
 * the snapshot into the cache and copy it, open it, process the batch, close it, publish, and
 * mark the merged compaction runs completed in the receipts table. Remote mode runs only
 * `decode`, `lock` (with a `lockStore`), `process` and `mark`. `mark` runs only when the
 * batch merged a delta and the receipts store can write run states.
 */
export const COMPACTION_PHASES = [
  'decode',
  'lock',
  'snapshot',
  'open',
  'process',
  'close',
  'publish',
  'mark',
] as const;

/**
 * One phase of a compaction cycle: a span name (`compaction.{phase}`) and a key of
 * {@link CompactionResult.timings}.
 */
export type CompactionPhase = (typeof COMPACTION_PHASES)[number];

/** Attributes of a span: the cycle's `collection` and `correlationId`. */
export type SpanAttributes = Readonly<Record<string, string | number | boolean>>;

/** A span the cycle opened for one phase, through {@link CompactionTracer.startSpan}. */
export interface CompactionSpan {
  /**
   * Ends the span; called exactly once per span.
   * @param error - What the phase failed with; absent when it succeeded.
   */
  end(error?: unknown): void;
}

/**
 * Receives a span per phase of a compaction cycle: Powertools Tracer fits behind it
 * (`addNewSubsegment(name)`, annotations, `close()`), and so does OpenTelemetry
 * (`tracer.startSpan(name, { attributes })`, `recordException`, `end()`).
 * @example
 * ```ts
 * import type { CompactionTracer } from '@receipt-chroma/chroma-compaction';
 *
 * // Logs each phase's duration; an OpenTelemetry tracer fits the same way.
 * const tracer: CompactionTracer = {
 *   startSpan: (name, attributes) => {
 *     const started = performance.now();
 *     return {
 *       end: (error) => {
 *         const ms = Math.round(performance.now() - started);
 *         const outcome = error === undefined ? 'ok' : 'failed';
 *         console.log(name, attributes['correlationId'], ms, outcome);
 *       },
 *     };
 *   },
 * };
 * ```
 */
export interface CompactionTracer {
  /**
   * Opens the span of a phase when it starts.
   * @param name - `compaction.{phase}`, e.g. `compaction.publish`.
   * @param attributes - The cycle's collection and correlation id.
   * @returns The span, ended when the phase ends.
   */
  startSpan(name: string, attributes: SpanAttributes): CompactionSpan;
}

/** A collection opened from a persist directory, and how to close it. */
export interface OpenedCollection {
  /** The collection the batch is applied to. */
  readonly vectors: VectorCollection;
  /** Stops whatever serves the directory and waits until its files are flushed. */
  close(): Promise<void>;
}

/**
 * Opens the collection `name` of the persist directory `dir` (the cycle's working copy of
 * the snapshot); {@link SnapshotCompactionOptions.openCollection} replaces the local Chroma
 * server with it.
 */
export type OpenCollection = (dir: string, name: CollectionName) => Promise<OpenedCollection>;

/** Options of `compactCollection` in either mode. */
export interface CompactCycleOptions
  extends ObservabilityOptions,
    Pick<
      ProcessCollectionUpdatesOptions,
      'mirrors' | 'mirrorFailure' | 'onStaleMirror' | 'staleMirrorMarks'
    > {
  /** The collection the records are for (one compactor queue per collection). */
  readonly collectionName: CollectionName;
  /** The SQS records of one invocation (`event.Records`). */
  readonly records: readonly SqsRecordLike[];
  /** Where deltas live (and, in snapshot mode, the snapshots). */
  readonly store: ObjectStore;
  /**
   * The receipts table, the source of truth every operation reads. When it has
   * `markCompactionRunCompleted` (as `DynamoReceiptStore` does), each compaction run the
   * cycle merged is marked `COMPLETED` for the collection once its vectors are durable (see
   * {@link CompactionResult.runStates}); a store without the method leaves run items as they
   * are.
   */
  readonly receipts: ReceiptStore;
  /** Milliseconds left before the invocation times out (`context.getRemainingTimeInMillis`). */
  readonly deadline: () => number;
  /**
   * Merges the embedding deltas of compaction runs.
   * @default `createDeltaMerger({ store, logger, metrics })`
   */
  readonly mergeDeltas?: MergeDeltas | undefined;
  /**
   * Carried by every log line and span, and returned in the result.
   * @default the first record's `messageId` (a random UUID when there is no record)
   */
  readonly correlationId?: string | undefined;
  /**
   * Receives a span per phase.
   * @default no tracing
   */
  readonly tracer?: CompactionTracer | undefined;
  /**
   * Lock settings (lease, heartbeat, lock id) besides the store and collection.
   * @default the defaults of {@link LockManagerOptions}
   */
  readonly lock?:
    | Omit<LockManagerOptions, 'store' | 'collection' | 'logger' | 'metrics'>
    | undefined;
  /**
   * How long to wait for a lock another worker holds.
   * @default {@link DEFAULT_LOCK_RETRY}: 5 retries, waiting 200 ms to 5 s before each
   */
  readonly lockRetry?: Omit<WithLockOptions, 'signal'> | undefined;
  /**
   * Milliseconds kept in hand at the end of the cycle (to answer Lambda, release the lock):
   * a phase does not start when `deadline()` minus this cannot cover it.
   * @default 10000
   */
  readonly reserveMs?: number | undefined;
}

/**
 * Snapshot mode: the collection is a versioned snapshot in `store`. Each cycle takes the
 * lock, works on a copy of the pointer's version from `cache` and publishes a new version.
 */
export interface SnapshotCompactionOptions extends CompactCycleOptions {
  /** Absent in snapshot mode (giving a `target` selects remote mode). */
  readonly target?: undefined;
  /** The local snapshot cache (an EFS mount, or the Lambda's scratch directory). */
  readonly cache: SnapshotCache;
  /** Where the collection's lock lives. */
  readonly lockStore: LockStore;
  /**
   * Opens the working copy.
   * @default a local Chroma server on it (`openSnapshot` of
   *   `@receipt-chroma/chroma-compaction/chroma`)
   */
  readonly openCollection?: OpenCollection | undefined;
  /**
   * Versions kept and pack settings of the publish.
   * @default those of {@link PublishSnapshotOptions}
   */
  readonly publish?: Pick<PublishSnapshotOptions, 'keepVersions' | 'pack'> | undefined;
  /**
   * Publishing speed assumed before one was measured, bytes per millisecond of the
   * persist directory (the speed measured while downloading, halved, when lower).
   * @default `20_000` (20 MB/s)
   */
  readonly publishBytesPerMs?: number | undefined;
}

/** Where a remote-mode cycle writes: a running Chroma's collection. */
export interface CompactionTarget {
  /**
   * The collection, e.g. `chromaVectorCollection` over a `ChromaClient` or `CloudClient`
   * collection.
   */
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
  /** The running Chroma's collection the batch is applied to. */
  readonly target: CompactionTarget;
  /**
   * Takes the collection's lock around the batch when given.
   * @default no lock
   */
  readonly lockStore?: LockStore | undefined;
  /** Absent in remote mode: nothing is downloaded or cached. */
  readonly cache?: undefined;
}

/** Options of `compactCollection`: snapshot mode, or remote mode with `target`. */
export type CompactCollectionOptions = SnapshotCompactionOptions | RemoteCompactionOptions;

/**
 * What one compaction cycle did: the outcomes, the partial-batch response, the version
 * published.
 */
export interface CompactionResult {
  /** The collection compacted. */
  readonly collection: CollectionName;
  /** The correlation id every log line and span of the cycle carried. */
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
  /**
   * The compaction runs marked `COMPLETED` for the collection at the end of the cycle, or
   * `null` when no marking was attempted: the cycle stopped (`error` is set), or the receipts
   * store has no `markCompactionRunCompleted`.
   *
   * Marking follows durability: in snapshot mode it happens after the new version is
   * published (or, when nothing was applied and so nothing published, only for runs whose
   * delta held no vectors); in remote mode after the batch was applied to the target. A run
   * is marked when the delta merger answered it without failing: `applied` (with the vectors
   * merged) or `skipped` for an empty delta (with 0). A failed merge leaves the run as it was,
   * so its retry can mark it, and so does a delta the table said not to merge (its receipt
   * deleted, or a newer run of the receipt in the table): its vectors are not in the
   * collection, and the newer run is marked when it is merged.
   */
  readonly runStates: CompactionRunStates | null;
  /**
   * Why the whole batch failed (lock held or lost, deadline, Chroma, publish), if it did: a
   * {@link CompactionAbortedError} whose `cause` is the original error.
   */
  readonly error: ChromaCompactionError | null;
}

/** What marking one compaction run completed did; see {@link CompactionRunStates}. */
export interface CompactionRunStateWrite {
  /** The compaction run's id. */
  readonly runId: string;
  /** The image of the run's receipt. */
  readonly imageId: string;
  /** The run's receipt within the image. */
  readonly receiptId: number;
  /** The merged count written to `{collection}_merged_vectors`. */
  readonly mergedVectors: number;
  /**
   * `updated`: the run item now says `COMPLETED`; `missing`: the table has no such run item
   * (none was created); `failed`: the write failed (logged, and counted as the metric
   * `CompactionRunStateUpdateError`); the run's message still succeeded.
   */
  readonly status: 'updated' | 'missing' | 'failed';
  /** Why the write failed, for a `failed` write. */
  readonly error?: Error | undefined;
}

/**
 * The compaction runs a cycle marked `COMPLETED` in the receipts table
 * ({@link CompactionResult.runStates}): a tally and one write per run.
 */
export interface CompactionRunStates {
  /** Run items set to `COMPLETED`. */
  readonly marked: number;
  /** Runs the table no longer holds. */
  readonly missing: number;
  /** Writes that failed; their messages succeeded all the same. */
  readonly failed: number;
  /** One write per merged run, in the order of the delta results. */
  readonly writes: readonly CompactionRunStateWrite[];
}
