import { markCompletedRuns } from './markCompletedRuns.js';
import { PublishBudget } from './PublishBudget.js';
import { type CycleRun, processBatch, withCycleLock } from './runCycle.js';
import type { RemoteCompactionOptions } from './types.js';

/** The least a remote cycle needs to apply a batch. */
const MIN_REMOTE_WORK_MS = 2_000;

/**
 * Remote mode's work on a decoded batch: apply it to the target collection in place (and to
 * the mirrors), under the lock only when `lockStore` is given, then mark the merged runs
 * completed. Nothing is downloaded or published, so the deadline only has to cover the
 * batch. @internal
 */
export async function remoteCycle(run: CycleRun, options: RemoteCompactionOptions): Promise<null> {
  // Nothing is published: the budget's publishing speed is never used.
  new PublishBudget(options.deadline, options.reserveMs ?? 10_000, 1).check(
    'process',
    MIN_REMOTE_WORK_MS,
  );
  const process = () => processBatch(run, options.target.vectors);
  if (options.lockStore === undefined) await process();
  else await withCycleLock(run, options.lockStore, process);
  // The target holds the merged vectors now: the runs can say so.
  await markCompletedRuns(run);
  return null;
}
