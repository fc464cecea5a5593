import { randomUUID } from 'node:crypto';
import { decodeSqsRecords } from '../compaction/decodeSqsRecords.js';
import { processCollectionUpdates } from '../compaction/processCollectionUpdates.js';
import { toBatchItemFailures } from '../compaction/toBatchItemFailures.js';
import type {
  CollectionName,
  CollectionUpdateInput,
  CollectionUpdateResult,
  RecordOutcome,
} from '../compaction/types.js';
import { createDeltaMerger } from '../deltas/deltaMerger.js';
import { type ChromaCompactionError, LockHeldError, LockLostError } from '../errors.js';
import { LockManager } from '../locks/LockManager.js';
import type { LockStore } from '../ports/lockStore.js';
import { type Logger, type Metrics, NOOP_LOGGER, NOOP_METRICS } from '../ports/observability.js';
import type { VectorCollection } from '../ports/vectorCollection.js';
import { SnapshotLockError } from '../snapshots/errors.js';
import { CyclePhases, withFields } from './CyclePhases.js';
import { CompactionAbortedError } from './errors.js';
import { recordMergerResults } from './markCompletedRuns.js';
import type {
  CompactCycleOptions,
  CompactionPhase,
  CompactionResult,
  CompactionRunStates,
} from './types.js';

/** One cycle as it runs: what both modes share. @internal */
export interface CycleRun {
  readonly options: CompactCycleOptions;
  readonly inputs: readonly CollectionUpdateInput[];
  readonly collection: CollectionName;
  readonly correlationId: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly phases: CyclePhases;
  /** The phase running now, named by the abort error if the cycle stops. */
  phase: CompactionPhase;
  /** What `processCollectionUpdates` did, once it ran. */
  updates: CollectionUpdateResult | null;
  /** The `recordId`s the delta merger answered (the others were skipped by the table). */
  readonly mergerResults: Set<string>;
  /** The run states marked at the end of the cycle, once they were. */
  runStates: CompactionRunStates | null;
}

/** A mode's work on the decoded batch; resolves to the version published, if any. @internal */
export type CycleBody = (run: CycleRun) => Promise<string | null>;

/** Every input failed with the abort's message (nothing was published). */
const failAll = (recordIds: readonly string[], error: ChromaCompactionError): RecordOutcome[] =>
  recordIds.map((recordId) => ({ recordId, status: 'failed', reason: error.message, error }));

/** The abort error for whatever stopped the cycle in `phase`. */
const abortError = (error: unknown, phase: CompactionPhase): CompactionAbortedError => {
  if (error instanceof CompactionAbortedError) return error;
  if (error instanceof LockHeldError) {
    return new CompactionAbortedError(
      `Another compactor holds the lock: ${error.message}. Every message is returned for retry.`,
      { phase: 'lock', reason: 'lock-held', cause: error },
    );
  }
  if (error instanceof LockLostError || error instanceof SnapshotLockError) {
    return new CompactionAbortedError(
      `The lock was lost during ${phase}; nothing was published: ${error.message}`,
      { phase, reason: 'lock-lost', cause: error },
    );
  }
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new CompactionAbortedError(`The cycle failed in ${phase}: ${detail}`, {
    phase,
    reason: 'failed',
    cause: error,
  });
};

/**
 * The frame of a cycle in either mode: decode the records (an undecodable body fails alone),
 * run the mode's `body` on the rest, turn whatever stops it into one abort that returns every
 * message, and build the result, its partial-batch response, log line and metrics. @internal
 */
export async function runCycle(
  options: CompactCycleOptions,
  body: CycleBody,
): Promise<CompactionResult> {
  const collection = options.collectionName;
  const correlationId = options.correlationId ?? options.records[0]?.messageId ?? randomUUID();
  const logger = withFields(options.logger ?? NOOP_LOGGER, { correlationId, collection });
  const metrics = options.metrics ?? NOOP_METRICS;
  const dimensions = { collection };
  const phases = new CyclePhases(logger, options.tracer, { collection, correlationId });
  const started = performance.now();
  const { inputs, failures } = await phases.run('decode', async () =>
    decodeSqsRecords(options.records),
  );
  const run: CycleRun = {
    options,
    inputs,
    collection,
    correlationId,
    logger,
    metrics,
    phases,
    phase: 'lock',
    updates: null,
    mergerResults: new Set(),
    runStates: null,
  };
  let version: string | null = null;
  let aborted: CompactionAbortedError | null = null;
  if (inputs.length > 0) {
    try {
      version = await body(run);
    } catch (error) {
      aborted = abortError(error, run.phase);
      metrics.count('CompactionCycleAborted', 1, { ...dimensions, reason: aborted.reason });
      logger.error('compaction cycle aborted: every message is returned', {
        phase: aborted.phase,
        reason: aborted.reason,
        error: aborted.message,
      });
    }
  }

  const processed: readonly RecordOutcome[] =
    aborted !== null
      ? failAll(
          inputs.map((input) => input.recordId),
          aborted,
        )
      : (run.updates?.outcomes ?? []);
  const outcomes = [...processed, ...failures];
  phases.record('total', performance.now() - started);
  const { batchItemFailures } = toBatchItemFailures({ outcomes }, { records: options.records });
  metrics.count('CompactionMessagesFailed', batchItemFailures.length, dimensions);
  logger.info('compaction cycle done', {
    version,
    messages: options.records.length,
    failed: batchItemFailures.length,
    timings: phases.timings,
  });
  return {
    collection,
    correlationId,
    outcomes,
    batchItemFailures,
    version,
    timings: phases.timings,
    updates: run.updates,
    runStates: aborted === null ? run.runStates : null,
    error: aborted,
  };
}

/**
 * Runs `task` under the collection's lock from `lockStore` (bounded retries while another
 * worker holds it, a heartbeat while `task` runs, released in every path), timing the wait
 * as the `lock` phase. @internal
 */
export async function withCycleLock<T>(
  run: CycleRun,
  lockStore: LockStore,
  task: (lock: LockManager) => Promise<T>,
): Promise<T> {
  const { options, collection, logger, metrics, phases } = run;
  const manager = new LockManager({
    ...options.lock,
    store: lockStore,
    collection,
    logger,
    metrics,
  });
  run.phase = 'lock';
  const endLock = phases.begin('lock');
  return manager
    .withLock(async (lock) => {
      endLock();
      return task(lock);
    }, options.lockRetry)
    .catch((error: unknown) => {
      endLock(error);
      throw error;
    });
}

/**
 * The `process` phase: the batch applied to `vectors` (and the mirrors) by
 * `processCollectionUpdates`, deltas merged by the options' merger. @internal
 */
export async function processBatch(
  run: CycleRun,
  vectors: VectorCollection,
): Promise<CollectionUpdateResult> {
  const { options, logger, metrics } = run;
  run.phase = 'process';
  const updates = await run.phases.run('process', () =>
    processCollectionUpdates(run.inputs, run.collection, {
      vectors,
      receipts: options.receipts,
      mergeDeltas: recordMergerResults(
        options.mergeDeltas ?? createDeltaMerger({ store: options.store, logger, metrics }),
        run.mergerResults,
      ),
      mirrors: options.mirrors,
      mirrorFailure: options.mirrorFailure,
      onStaleMirror: options.onStaleMirror,
      staleMirrorMarks: options.staleMirrorMarks,
      logger,
      metrics,
    }),
  );
  run.updates = updates;
  return updates;
}
