import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CollectionUpdateResult } from '../compaction/types.js';
import type { LockManager } from '../locks/LockManager.js';
import type { ObservabilityOptions } from '../ports/observability.js';
import type { SnapshotCache } from '../snapshots/cache/SnapshotCache.js';
import { NoSnapshotError, SnapshotConflictError } from '../snapshots/errors.js';
import { markCompletedRuns } from './markCompletedRuns.js';
import { directoryBytes, PublishBudget } from './PublishBudget.js';
import { type CycleRun, processBatch, withCycleLock } from './runCycle.js';
import type { OpenCollection, SnapshotCompactionOptions } from './types.js';

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

// The Python handler's cycle (spec §13) without its bugs (spec §18.6, §18.14).
/**
 * Snapshot mode's work on a decoded batch: take the lock, bring the cache to the pointer's
 * version (or publish an empty one when there is none), work on a copy of it, apply the
 * batch, close, publish under the lock's fence, then mark the merged runs completed.
 * @returns the version published, or `null` when nothing was applied @internal
 */
export async function snapshotCycle(
  run: CycleRun,
  options: SnapshotCompactionOptions,
  chroma: CycleChroma,
): Promise<string | null> {
  const { collection, correlationId, inputs, logger, metrics, phases } = run;
  const { cache } = options;
  const budget = new PublishBudget(
    options.deadline,
    options.reserveMs ?? 10_000,
    options.publishBytesPerMs ?? 20_000,
  );
  let work: string | undefined;
  try {
    const current = await cache.currentVersion();
    budget.checkStart(current === undefined ? 0 : await directoryBytes(join(cache.dir, current)));
    const published = await withCycleLock(run, options.lockStore, async (lock) => {
      run.phase = 'snapshot';
      const snapshot = await phases.run('snapshot', async () => {
        const begun = performance.now();
        const ensured = await ensureSnapshot(cache, chroma, lock, { logger, metrics });
        const dir = await mkdtemp(join(tmpdir(), `receipt-chroma-${collection}-`));
        work = dir;
        await cp(ensured.path, dir, { recursive: true });
        const bytes = await directoryBytes(dir);
        if (ensured.downloaded) budget.measuredDownload(bytes, performance.now() - begun);
        return { ...ensured, bytes, dir };
      });
      budget.check('open', budget.publishMs(snapshot.bytes));
      run.phase = 'open';
      const opened = await phases.run('open', () =>
        chroma.openCollection(snapshot.dir, collection),
      );
      let count: number;
      let updates: CollectionUpdateResult;
      try {
        updates = await processBatch(run, opened.vectors);
        count = await opened.vectors.count();
      } finally {
        run.phase = 'close';
        await phases.run('close', () => opened.close());
      }
      if (updates.counts.applied === 0) {
        logger.info('nothing applied: no version published', { ...updates.counts });
        return null;
      }
      run.phase = 'publish';
      budget.check('publish', budget.publishMs(await directoryBytes(snapshot.dir)));
      return phases.run('publish', () =>
        cache.publish(snapshot.dir, {
          ...options.publish,
          lock,
          logger,
          metrics,
          recordCounts: { [collection]: count },
          metadata: {
            update_type: 'batch_compaction',
            message_count: inputs.length,
            metadata_updates: updates.totalMetadataUpdated,
            label_updates: updates.totalLabelsUpdated,
            section_updates: updates.totalSectionsUpdated,
            delta_merges: updates.deltaMergeCount,
            correlation_id: correlationId,
          },
        }),
      );
    });
    // Reached only when the publish succeeded, or when nothing was applied (and so only runs
    // whose delta held no vectors can be marked).
    await markCompletedRuns(run);
    return published?.version ?? null;
  } finally {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  }
}
