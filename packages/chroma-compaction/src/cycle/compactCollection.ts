import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSqsRecords } from '../compaction/decodeSqsRecords.js';
import { processCollectionUpdates } from '../compaction/processCollectionUpdates.js';
import { toBatchItemFailures } from '../compaction/toBatchItemFailures.js';
import type { CollectionUpdateResult, RecordOutcome } from '../compaction/types.js';
import { createDeltaMerger } from '../deltas/deltaMerger.js';
import { type ChromaCompactionError, LockHeldError, LockLostError } from '../errors.js';
import { LockManager } from '../locks/LockManager.js';
import { NOOP_LOGGER, NOOP_METRICS, type ObservabilityOptions } from '../ports/observability.js';
import type { SnapshotCache } from '../snapshots/cache/SnapshotCache.js';
import { NoSnapshotError, SnapshotConflictError, SnapshotLockError } from '../snapshots/errors.js';
import { CyclePhases, withFields } from './CyclePhases.js';
import { CompactionAbortedError } from './errors.js';
import { directoryBytes, PublishBudget } from './PublishBudget.js';
import type {
  CompactCollectionOptions,
  CompactionPhase,
  CompactionResult,
  OpenCollection,
} from './types.js';

/** What the cycle needs from outside the core: Chroma, to open and to initialise. @internal */
export interface CycleChroma {
  readonly openCollection: OpenCollection;
  /** Publishes an empty collection as the first version (under `lock`). */
  readonly initialize: (lock: LockManager) => Promise<void>;
}

/** Makes the pointer's version current in the cache, initialising it when there is none. */
const ensureSnapshot = async (
  cache: SnapshotCache,
  chroma: CycleChroma,
  lock: LockManager,
  observability: ObservabilityOptions,
): Promise<{ path: string; version: string; downloaded: boolean }> => {
  try {
    const ensured = await cache.ensure(undefined, observability);
    return { ...ensured, downloaded: ensured.source === 'download' };
  } catch (error) {
    if (!(error instanceof NoSnapshotError)) throw error;
  }
  // Only an absent pointer means "no snapshot yet" (spec §18.8).
  await chroma.initialize(lock).catch((error: unknown) => {
    // Another worker initialised it first: use theirs.
    if (!(error instanceof SnapshotConflictError)) throw error;
  });
  const ensured = await cache.ensure(undefined, observability);
  return { ...ensured, downloaded: true };
};

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
 * One whole compaction cycle of a collection for the records of one invocation (spec §13
 * without its bugs, §18.6, §18.14): decode, take the lock, bring the cache to the pointer's
 * version (or publish an empty one when there is none), work on a copy of it, apply the
 * messages with `processCollectionUpdates` (deltas merged by `createDeltaMerger`), close,
 * publish under the lock's fence, release. @internal (the public entry adds Chroma)
 */
export async function runCompactionCycle(
  options: CompactCollectionOptions,
  chroma: CycleChroma,
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
  let updates: CollectionUpdateResult | null = null;
  let version: string | null = null;
  let aborted: CompactionAbortedError | null = null;
  let phase: CompactionPhase = 'lock';

  if (inputs.length > 0) {
    const budget = new PublishBudget(
      options.deadline,
      options.reserveMs ?? 10_000,
      options.publishBytesPerMs ?? 20_000,
    );
    const manager = new LockManager({
      ...options.lock,
      store: options.lockStore,
      collection,
      logger,
      metrics,
    });
    let work: string | undefined;
    try {
      const current = await options.cache.currentVersion();
      budget.checkStart(
        current === undefined ? 0 : await directoryBytes(join(options.cache.dir, current)),
      );
      const endLock = phases.begin('lock');
      const published = await manager
        .withLock(async (lock) => {
          endLock();
          phase = 'snapshot';
          const snapshot = await phases.run('snapshot', async () => {
            const begun = performance.now();
            const ensured = await ensureSnapshot(options.cache, chroma, lock, { logger, metrics });
            const dir = await mkdtemp(join(tmpdir(), `receipt-chroma-${collection}-`));
            work = dir;
            await cp(ensured.path, dir, { recursive: true });
            const bytes = await directoryBytes(dir);
            if (ensured.downloaded) budget.measuredDownload(bytes, performance.now() - begun);
            return { ...ensured, bytes, dir };
          });
          budget.check('open', budget.publishMs(snapshot.bytes));
          phase = 'open';
          const opened = await phases.run('open', () =>
            chroma.openCollection(snapshot.dir, collection),
          );
          let count: number;
          try {
            phase = 'process';
            updates = await phases.run('process', () =>
              processCollectionUpdates(inputs, collection, {
                vectors: opened.vectors,
                receipts: options.receipts,
                mergeDeltas:
                  options.mergeDeltas ??
                  createDeltaMerger({ store: options.store, logger, metrics }),
                mirrors: options.mirrors,
                mirrorFailure: options.mirrorFailure,
                onStaleMirror: options.onStaleMirror,
                logger,
                metrics,
              }),
            );
            count = await opened.vectors.count();
          } finally {
            phase = 'close';
            await phases.run('close', () => opened.close());
          }
          const result: CollectionUpdateResult = updates;
          if (result.counts.applied === 0) {
            logger.info('nothing applied: no version published', { ...result.counts });
            return null;
          }
          phase = 'publish';
          budget.check('publish', budget.publishMs(await directoryBytes(snapshot.dir)));
          return phases.run('publish', () =>
            options.cache.publish(snapshot.dir, {
              ...options.publish,
              lock,
              logger,
              metrics,
              recordCounts: { [collection]: count },
              metadata: {
                update_type: 'batch_compaction',
                message_count: inputs.length,
                metadata_updates: result.totalMetadataUpdated,
                label_updates: result.totalLabelsUpdated,
                section_updates: result.totalSectionsUpdated,
                delta_merges: result.deltaMergeCount,
                correlation_id: correlationId,
              },
            }),
          );
        }, options.lockRetry)
        .catch((error: unknown) => {
          endLock(error);
          throw error;
        });
      version = published?.version ?? null;
    } catch (error) {
      aborted = abortError(error, phase);
      metrics.count('CompactionCycleAborted', 1, { ...dimensions, reason: aborted.reason });
      logger.error('compaction cycle aborted: every message is returned', {
        phase: aborted.phase,
        reason: aborted.reason,
        error: aborted.message,
      });
    } finally {
      if (work !== undefined) await rm(work, { recursive: true, force: true });
    }
  }

  const processed: readonly RecordOutcome[] =
    aborted !== null
      ? failAll(
          inputs.map((input) => input.recordId),
          aborted,
        )
      : ((updates as CollectionUpdateResult | null)?.outcomes ?? []);
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
    updates,
    error: aborted,
  };
}
