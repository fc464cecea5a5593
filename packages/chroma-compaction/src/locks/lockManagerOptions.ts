import type { CollectionName } from '../compaction/types.js';
import { checkedInteger } from '../options/checkedInteger.js';
import type { LockStore } from '../ports/lockStore.js';
import {
  type Logger,
  type Metrics,
  NOOP_LOGGER,
  NOOP_METRICS,
  type ObservabilityOptions,
} from '../ports/observability.js';
import type { LockManager } from './LockManager.js';

/** A source of the current time for a {@link LockManager} (`Date` fits). */
export interface LockClock {
  /** The current time, in epoch milliseconds. */
  now(): number;
}

// The Python LockManager's settings (spec §16.2: lock_duration_minutes=5,
// heartbeat_interval=60, three failed heartbeats).
/** How long an acquire or a refresh holds the lock by default: 5 minutes, as in Python. */
export const DEFAULT_LEASE_MS = 300_000;

/** Time between heartbeat refreshes by default: 60 s, as the Python compactor. */
export const DEFAULT_HEARTBEAT_MS = 60_000;

/** Consecutive failed refreshes after which a lock counts as lost, by default. */
export const DEFAULT_MAX_HEARTBEAT_FAILURES = 3;

/** Defaults of {@link WithLockOptions}: 5 retries, waiting 200 ms to 5 s before each. */
export const DEFAULT_LOCK_RETRY: LockRetryPolicy = {
  retries: 5,
  minDelayMs: 200,
  maxDelayMs: 5000,
};

// The Python compactor's lock id (spec §13.3).
/**
 * The lock id the Python compactor uses for a collection, `chroma-{collection}-compaction`:
 * the default of {@link LockManagerOptions.lockId}, so both exclude each other.
 * @param collection - The collection the lock guards.
 * @returns The lock id, e.g. `chroma-lines-compaction`.
 */
export const defaultLockId = (collection: CollectionName): string =>
  `chroma-${collection}-compaction`;

/** Options of {@link LockManager}. */
export interface LockManagerOptions extends ObservabilityOptions {
  /** Where the lock lives (`DynamoLockStore`, or `InMemoryLockStore` in tests). */
  readonly store: LockStore;
  /** The collection the lock guards. */
  readonly collection: CollectionName;
  /**
   * The lock's id; Python compactors of the same collection exclude us only under the same id.
   * @default `chroma-{collection}-compaction`, the Python compactor's ({@link defaultLockId})
   */
  readonly lockId?: string | undefined;
  /**
   * How long an acquire or a refresh holds the lock, in milliseconds.
   * @default `300_000` (5 minutes, as the Python compactor; {@link DEFAULT_LEASE_MS})
   */
  readonly leaseMs?: number | undefined;
  /**
   * Time between heartbeat refreshes, in milliseconds; less than `leaseMs`.
   * @default `60_000` (as the Python compactor; {@link DEFAULT_HEARTBEAT_MS}), or a third of
   *   `leaseMs` when that is shorter
   */
  readonly heartbeatMs?: number | undefined;
  /**
   * Consecutive failed refreshes after which the lock counts as lost.
   * @default 3 ({@link DEFAULT_MAX_HEARTBEAT_FAILURES})
   */
  readonly maxHeartbeatFailures?: number | undefined;
  /**
   * The clock that stamps `expires` and `heartbeat` and decides when our lease ran out.
   * @default `Date`
   */
  readonly clock?: LockClock | undefined;
  /**
   * Uniform random numbers in `[0, 1)` for the retry jitter of `withLock`.
   * @default `Math.random`
   */
  readonly random?: (() => number) | undefined;
}

/** Options of {@link LockManager.withLock}: how long to wait for a lock another owner holds. */
export interface WithLockOptions {
  /**
   * Further acquire attempts after the first while another owner holds the lock.
   * @default 5
   */
  readonly retries?: number | undefined;
  /**
   * The shortest wait before a retry, and the base of the exponential window, in ms.
   * @default 200
   */
  readonly minDelayMs?: number | undefined;
  /**
   * The longest wait before a retry, in ms.
   * @default 5000, or `minDelayMs` when that is longer
   */
  readonly maxDelayMs?: number | undefined;
  /**
   * Stops waiting for the lock: `withLock` rejects with the signal's reason.
   * @default none: wait through every retry
   */
  readonly signal?: AbortSignal | undefined;
}

/** `LockManagerOptions` with defaults applied and numbers checked. @internal */
export interface ResolvedLockManagerOptions {
  readonly store: LockStore;
  readonly collection: CollectionName;
  readonly lockId: string;
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  readonly maxHeartbeatFailures: number;
  readonly clock: LockClock;
  readonly random: () => number;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

const COLLECTIONS: readonly string[] = ['lines', 'words'];
const DATE_CLOCK: LockClock = { now: () => Date.now() };

/**
 * Applies the defaults and checks the options.
 * @throws TypeError for a collection other than `lines`/`words` or an empty lock id
 * @throws RangeError for a duration or count that is not a positive integer, or a heartbeat
 *   that is not shorter than the lease
 * @internal
 */
export const resolveLockManagerOptions = (
  options: LockManagerOptions,
): ResolvedLockManagerOptions => {
  const { collection } = options;
  if (!COLLECTIONS.includes(collection)) {
    throw new TypeError(`collection must be "lines" or "words", got ${JSON.stringify(collection)}`);
  }
  const lockId = options.lockId ?? defaultLockId(collection);
  if (typeof lockId !== 'string' || lockId.trim() === '') {
    throw new TypeError(`lockId must be a non-empty string, got ${JSON.stringify(lockId)}`);
  }
  const leaseMs = checkedInteger('leaseMs', options.leaseMs ?? DEFAULT_LEASE_MS, 1);
  const heartbeatMs = checkedInteger(
    'heartbeatMs',
    options.heartbeatMs ?? Math.max(1, Math.min(DEFAULT_HEARTBEAT_MS, Math.floor(leaseMs / 3))),
    1,
  );
  if (heartbeatMs >= leaseMs) {
    throw new RangeError(
      `heartbeatMs (${heartbeatMs}) must be shorter than leaseMs (${leaseMs}), or the lease lapses between refreshes`,
    );
  }
  return {
    store: options.store,
    collection,
    lockId,
    leaseMs,
    heartbeatMs,
    maxHeartbeatFailures: checkedInteger(
      'maxHeartbeatFailures',
      options.maxHeartbeatFailures ?? DEFAULT_MAX_HEARTBEAT_FAILURES,
      1,
    ),
    clock: options.clock ?? DATE_CLOCK,
    random: options.random ?? Math.random,
    logger: options.logger ?? NOOP_LOGGER,
    metrics: options.metrics ?? NOOP_METRICS,
  };
};

/**
 * The retry settings of {@link WithLockOptions}, all given: the type of
 * {@link DEFAULT_LOCK_RETRY}.
 */
export interface LockRetryPolicy {
  /** Further acquire attempts after the first while another owner holds the lock. */
  readonly retries: number;
  /** The shortest wait before a retry, and the base of the exponential window, in ms. */
  readonly minDelayMs: number;
  /** The longest wait before a retry, in ms. */
  readonly maxDelayMs: number;
}

/**
 * Applies the retry defaults and checks them.
 * @throws RangeError for a negative or fractional count or delay, or `maxDelayMs < minDelayMs`
 * @internal
 */
export const resolveRetry = (options: WithLockOptions): LockRetryPolicy => {
  const retries = checkedInteger('retries', options.retries ?? DEFAULT_LOCK_RETRY.retries, 0);
  const minDelayMs = checkedInteger(
    'minDelayMs',
    options.minDelayMs ?? DEFAULT_LOCK_RETRY.minDelayMs,
    0,
  );
  const maxDelayMs = checkedInteger(
    'maxDelayMs',
    options.maxDelayMs ?? Math.max(minDelayMs, DEFAULT_LOCK_RETRY.maxDelayMs),
    minDelayMs,
  );
  return { retries, minDelayMs, maxDelayMs };
};
