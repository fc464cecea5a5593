import { ChromaCompactionError, type ChromaCompactionErrorOptions } from '../errors.js';
import type { CompactionPhase, CompactionResult } from './types.js';

/**
 * Why a cycle gave the whole batch back:
 * - `lock-held`: another worker kept the lock through every retry;
 * - `lock-lost`: the lock was lost during the cycle, so nothing was published;
 * - `deadline`: what was left of the invocation could not cover the rest of the cycle;
 * - `failed`: a phase failed (Chroma did not start, the snapshot is unreadable, the publish
 *   failed); `cause` says how.
 */
export type CompactionAbortReason = 'lock-held' | 'lock-lost' | 'deadline' | 'failed';

/**
 * A compaction cycle stopped before publishing: every message of the batch is returned
 * for retry, and no version was published. `compactCollection` does not throw it: it is the
 * {@link CompactionResult.error} of the cycle's result, with the original error as `cause`.
 */
export class CompactionAbortedError extends ChromaCompactionError {
  /** The phase that was running when the cycle stopped. */
  readonly phase: CompactionPhase;
  /** Why the cycle stopped. */
  readonly reason: CompactionAbortReason;

  constructor(
    message: string,
    options: ChromaCompactionErrorOptions & {
      phase: CompactionPhase;
      reason: CompactionAbortReason;
    },
  ) {
    super(message, {
      cause: options.cause,
      context: { ...options.context, phase: options.phase, reason: options.reason },
    });
    this.phase = options.phase;
    this.reason = options.reason;
  }
}
