import { listSnapshotSource } from '../archives/snapshotSource.js';
import { CompactionAbortedError } from './errors.js';
import type { CompactionPhase } from './types.js';

/** Fixed costs of a publish besides moving the bytes: pointer, hash, manifest, pruning. */
const PUBLISH_OVERHEAD_MS = 2_000;
/** The least a cycle needs besides publishing: open, a few messages, close. */
const MIN_WORK_MS = 5_000;

/**
 * Bytes of the files `packSnapshot` would pack from `dir`; 0 when it is missing or cannot be
 * packed (the estimate then only errs low; the publish itself reports the problem). @internal
 */
export const directoryBytes = async (dir: string): Promise<number> =>
  (await listSnapshotSource(dir).catch(() => [])).reduce((total, entry) => total + entry.size, 0);

// The Python handler found out only after the fact (spec §18.14).
/**
 * Decides whether what is left of the invocation covers the rest of a cycle (the Python
 * handler found out only after the fact). Publishing is estimated from the
 * snapshot's size and a speed: the one given, or half the speed at which this cycle
 * downloaded the snapshot (packing and uploading are slower than downloading), whichever
 * is lower. @internal
 */
export class PublishBudget {
  readonly #deadline: () => number;
  readonly #reserveMs: number;
  #bytesPerMs: number;

  constructor(deadline: () => number, reserveMs: number, bytesPerMs: number) {
    this.#deadline = deadline;
    this.#reserveMs = reserveMs;
    this.#bytesPerMs = bytesPerMs;
  }

  /** Learns from a download of `bytes` that took `ms`. */
  measuredDownload(bytes: number, ms: number): void {
    if (bytes > 0 && ms > 0) this.#bytesPerMs = Math.min(this.#bytesPerMs, bytes / ms / 2);
  }

  /** The estimated milliseconds to publish a directory of `bytes`. */
  publishMs(bytes: number): number {
    return PUBLISH_OVERHEAD_MS + bytes / this.#bytesPerMs;
  }

  /** Throws unless the time left covers `neededMs` plus the reserve, before `phase` starts. */
  check(phase: CompactionPhase, neededMs: number): void {
    const left = this.#deadline();
    const needed = Math.ceil(neededMs + this.#reserveMs);
    if (left >= needed) return;
    throw new CompactionAbortedError(
      `Stopped before ${phase}: ${Math.max(0, Math.round(left))} ms left, about ${needed} ms needed for the rest of the cycle. Nothing was published; every message is returned for retry.`,
      { phase, reason: 'deadline', context: { leftMs: Math.round(left), neededMs: needed } },
    );
  }

  /** Before the cycle starts: publishing a snapshot of `bytes`, and a little work. */
  checkStart(bytes: number): void {
    this.check('lock', this.publishMs(bytes) + MIN_WORK_MS);
  }
}
