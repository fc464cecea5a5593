import { CompactionAbortedError } from './errors.js';
import { type CycleRun, processBatch, withCycleLock } from './runCycle.js';
import type { RemoteCompactionOptions } from './types.js';

/** The least a remote cycle needs to apply a batch. */
const MIN_REMOTE_WORK_MS = 2_000;

/**
 * Remote mode's work on a decoded batch: apply it to the target collection in place (and to
 * the mirrors), under the lock only when `lockStore` is given. Nothing is downloaded or
 * published. @internal
 */
export async function remoteCycle(run: CycleRun, options: RemoteCompactionOptions): Promise<null> {
  const left = options.deadline();
  const needed = MIN_REMOTE_WORK_MS + (options.reserveMs ?? 10_000);
  if (left < needed) {
    throw new CompactionAbortedError(
      `Stopped before process: ${Math.max(0, Math.round(left))} ms left, about ${needed} ms needed. Every message is returned for retry.`,
      {
        phase: 'process',
        reason: 'deadline',
        context: { leftMs: Math.round(left), neededMs: needed },
      },
    );
  }
  const process = () => processBatch(run, options.target.vectors);
  if (options.lockStore === undefined) await process();
  else await withCycleLock(run, options.lockStore, process);
  return null;
}
