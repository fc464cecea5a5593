import { LockLostError } from '../errors.js';
import type { LockRecord } from '../ports/lockStore.js';
import { RELEASED_EXPIRES } from './lockRules.js';

/**
 * Why a held lock counts as lost:
 * - `lease-expired`: our clock passed the lease's end without a successful refresh;
 * - `heartbeat-failures`: `maxHeartbeatFailures` refreshes in a row failed;
 * - `refresh-rejected`: the store refused a refresh (`LockLostError`: another owner holds
 *   the lock, or it was released or removed);
 * - `taken-over`: a read of the store showed another owner, another fence or no lock;
 * - `release-rejected`: the store refused our release for the same reasons.
 */
export type LockLossReason =
  | 'lease-expired'
  | 'heartbeat-failures'
  | 'refresh-rejected'
  | 'taken-over'
  | 'release-rejected';

type Timer = ReturnType<typeof setTimeout>;

/** A timer that does not keep the process alive on its own (like Python's daemon thread). */
const unrefTimer = (callback: () => void, ms: number): Timer => {
  const timer = setTimeout(callback, Math.max(0, ms));
  (timer as { unref?: () => void }).unref?.();
  return timer;
};

/**
 * One tenure of a `LockManager`: the owner id and fence it was granted, the end of its lease
 * by our clock, its heartbeat and lease timers, and, once lost, why. A manager starts a new
 * tenure (new owner id) for every acquire; results that arrive for an older tenure are
 * ignored.
 * @internal
 */
export class LockTenure {
  readonly lockId: string;
  readonly collection: string;
  /** The owner id written to the lock item (a UUID per tenure). */
  readonly owner: string;
  /** The fence the store granted this tenure. */
  readonly fence: number;
  /** When the lease ends, in epoch ms by our clock (the `expires` we last stored). */
  deadline: number;
  /** Consecutive failed refreshes. */
  failures = 0;
  /** Set once, when the tenure is lost; never cleared. */
  loss: { readonly reason: LockLossReason; readonly cause: unknown } | undefined;
  /** Whether the heartbeat runs. */
  beating = false;
  /** The refresh under way, if any. */
  inFlight: Promise<void> | undefined;
  #beatTimer: Timer | undefined;
  #leaseTimer: Timer | undefined;

  constructor(
    ref: { readonly lockId: string; readonly collection: string; readonly owner: string },
    fence: number,
    deadline: number,
  ) {
    this.lockId = ref.lockId;
    this.collection = ref.collection;
    this.owner = ref.owner;
    this.fence = fence;
    this.deadline = deadline;
  }

  /** Runs `beat` after `ms`, replacing a pending beat. */
  scheduleBeat(ms: number, beat: () => void): void {
    clearTimeout(this.#beatTimer);
    this.#beatTimer = unrefTimer(() => {
      this.#beatTimer = undefined;
      beat();
    }, ms);
  }

  /** Runs `check` after `ms` (at the lease's end), replacing a pending check. */
  scheduleLeaseCheck(ms: number, check: () => void): void {
    clearTimeout(this.#leaseTimer);
    this.#leaseTimer = unrefTimer(() => {
      this.#leaseTimer = undefined;
      check();
    }, ms);
  }

  /** Cancels a pending beat (a refresh under way goes on). */
  cancelBeat(): void {
    clearTimeout(this.#beatTimer);
    this.#beatTimer = undefined;
  }

  /** Stops the heartbeat and the lease timer. */
  stopTimers(): void {
    this.beating = false;
    clearTimeout(this.#beatTimer);
    clearTimeout(this.#leaseTimer);
    this.#beatTimer = undefined;
    this.#leaseTimer = undefined;
  }

  /** Whether the stored lock is still this tenure's: our owner id and fence, not released. */
  matches(stored: LockRecord | undefined): boolean {
    return (
      stored !== undefined &&
      stored.owner === this.owner &&
      stored.fence === this.fence &&
      stored.expires !== RELEASED_EXPIRES
    );
  }

  /** Fields that identify this tenure in logs. */
  logContext(): Record<string, unknown> {
    return {
      lockId: this.lockId,
      collection: this.collection,
      owner: this.owner,
      fence: this.fence,
    };
  }

  /** The error that reports this tenure's loss. */
  lostError(operation: string): LockLostError {
    const reason = this.loss?.reason ?? 'lease-expired';
    return new LockLostError(
      `${operation}: lock ${this.lockId} (${this.collection}) was lost by owner ${this.owner} (fence ${this.fence}): ${reason}`,
      {
        cause: this.loss?.cause,
        context: {
          lockId: this.lockId,
          collection: this.collection,
          owner: this.owner,
          fence: this.fence,
          reason,
          operation,
        },
      },
    );
  }
}
