import { randomUUID } from 'node:crypto';
import { formatPythonTimestamp } from '@receipt-chroma/dynamo-stream';
import type { CollectionName } from '../compaction/types.js';
import { errorMessage, LockHeldError, LockLostError } from '../errors.js';
import type { LockRecord, LockStore } from '../ports/lockStore.js';
import type { SnapshotLock } from '../snapshots/types.js';
import { LockStateError } from './errors.js';
import { type LockLossReason, LockTenure } from './LockTenure.js';
import {
  type LockManagerOptions,
  type ResolvedLockManagerOptions,
  resolveLockManagerOptions,
  resolveRetry,
  type WithLockOptions,
} from './lockManagerOptions.js';
import { acquireWithRetries } from './lockRetry.js';

/** Epoch milliseconds as the lock item's fixed-width UTC timestamp. */
const stamp = (millis: number): string => formatPythonTimestamp(Math.floor(millis) * 1000);

// The Python LockManager (spec §16.2) without its defects (spec §16.3, §18.6).
/**
 * Holds the compaction lock of one collection over any {@link LockStore}, in the manner of
 * the Python package's `LockManager`, but safer: refreshes are conditional on ownership, a
 * lost lock is never refreshed or released again, and `withLock` retries with jittered
 * backoff instead of failing the batch at once.
 *
 * Each `acquire` starts a tenure with a fresh owner id (a UUID) and the fence the store
 * grants; the fence grows with every tenure of the lock, whoever holds it. A tenure is
 * **lost** when the lease ran out by our clock without a successful refresh, when
 * `maxHeartbeatFailures` refreshes in a row failed, or when the store refused a refresh or
 * showed another owner (see {@link LockLossReason}). On loss the manager logs
 * `compaction lock lost` once (warn), counts the metric `CompactionLockLost` (dimension
 * `collection`), stops its heartbeat, and from then on `validateOwnership()` is `false`,
 * `assertOwnership()` and `fence` throw {@link LockLostError}, and it never writes to the
 * lock again: someone else may hold it.
 *
 * Python compactors use the same item and condition, so they and this manager exclude each
 * other when they use the same lock id (by default the Python compactor's,
 * `chroma-{collection}-compaction`).
 *
 * @example
 * ```ts
 * import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * import {
 *   LockManager,
 *   type ObjectStore,
 *   publishSnapshot,
 * } from '@receipt-chroma/chroma-compaction';
 * import { DynamoLockStore } from '@receipt-chroma/chroma-compaction/dynamodb';
 *
 * declare const dynamo: DynamoDBClient;
 * declare const store: ObjectStore;
 *
 * const locks = new DynamoLockStore({ client: dynamo, tableName: 'ReceiptsTable' });
 * const manager = new LockManager({ store: locks, collection: 'words' });
 * const published = await manager.withLock(async (lock) => {
 *   // … merge and update /tmp/chroma/words under the lock, then:
 *   return publishSnapshot({ store, collection: 'words', dir: '/tmp/chroma/words', lock });
 * });
 * console.log(`published ${published.version}`);
 * ```
 */
export class LockManager implements SnapshotLock {
  /** The lock's id (`PK = LOCK#{collection}#{lockId}`). */
  readonly lockId: string;
  /** The collection the lock guards. */
  readonly collection: CollectionName;
  readonly #options: ResolvedLockManagerOptions;
  #tenure: LockTenure | undefined;
  #acquiring = false;

  /**
   * Creates the manager of one collection's lock; nothing is written until `acquire` or
   * `withLock`.
   * @param options - The store, collection, lock id, lease, heartbeat and observability.
   * @throws {TypeError} for a collection other than `lines` or `words`, or an empty lock id
   * @throws {RangeError} for a duration or count that is not a positive integer, or a
   *   heartbeat that is not shorter than the lease
   */
  constructor(options: LockManagerOptions) {
    this.#options = resolveLockManagerOptions(options);
    this.lockId = this.#options.lockId;
    this.collection = this.#options.collection;
  }

  /** Whether a tenure is held and not lost (by our clock; the store is not read). */
  get isHeld(): boolean {
    const tenure = this.#tenure;
    return tenure !== undefined && !this.#lost(tenure);
  }

  /**
   * The fence the store granted the current tenure: larger for every later tenure.
   * @throws {@link LockLostError} once the tenure is lost
   * @throws {@link LockStateError} when no lock is held
   */
  get fence(): number {
    return this.#live('fence').fence;
  }

  /**
   * Takes the lock for a new tenure with a lease of `leaseMs`.
   * @returns `true` when taken, `false` when another owner holds it
   * @throws {@link LockStateError} when this manager already holds the lock or is acquiring it
   * @throws {@link LockStoreError} for any other store failure
   */
  async acquire(): Promise<boolean> {
    return (await this.#tryAcquire()) === undefined;
  }

  /**
   * Ends the current tenure: stops the heartbeat and releases the lock in the store, unless
   * the tenure was lost (then the store is left alone). Without a tenure it does nothing.
   * @throws {@link LockStoreError} when the store fails (the tenure ends anyway and the lock
   *   lapses after its lease); a refusal because someone else holds the lock counts as a
   *   loss instead
   */
  async release(): Promise<void> {
    const tenure = this.#tenure;
    if (tenure === undefined) return;
    this.#tenure = undefined;
    await this.#stopBeating(tenure);
    tenure.stopTimers();
    if (this.#lost(tenure)) return;
    const { store, logger } = this.#options;
    try {
      await store.release({
        lockId: this.lockId,
        collection: this.collection,
        owner: tenure.owner,
      });
    } catch (error) {
      if (error instanceof LockLostError) {
        this.#markLost(tenure, 'release-rejected', error);
        return;
      }
      throw error;
    }
    logger.info('compaction lock released', tenure.logContext());
  }

  /**
   * Refreshes the lease every `heartbeatMs` until `stopHeartbeat`, `release` or a loss. The
   * first refresh comes `heartbeatMs` after this call. Calling it again does nothing.
   * @throws {@link LockLostError} once the tenure is lost
   * @throws {@link LockStateError} when no lock is held
   */
  startHeartbeat(): void {
    const tenure = this.#live('startHeartbeat');
    if (tenure.beating) return;
    tenure.beating = true;
    this.#scheduleBeat(tenure);
  }

  /** Stops the heartbeat; resolves once a refresh under way has settled. */
  async stopHeartbeat(): Promise<void> {
    const tenure = this.#tenure;
    if (tenure !== undefined) await this.#stopBeating(tenure);
  }

  /**
   * Extends the lease now (what each heartbeat does).
   * @returns `true` when extended; `false` when no lock is held, it is lost, or this refresh
   *   failed (failures count towards `maxHeartbeatFailures`)
   */
  async refresh(): Promise<boolean> {
    const tenure = this.#tenure;
    return tenure === undefined ? false : this.#refresh(tenure);
  }

  /**
   * Whether this manager still holds the lock: a tenure not lost, a lease not run out by our
   * clock, and a read of the store that shows our owner id and fence. Never throws; a store
   * that cannot be read gives `false` (without counting as a loss).
   */
  async validateOwnership(): Promise<boolean> {
    return (await this.#check('validateOwnership')) === undefined;
  }

  /**
   * Like {@link LockManager.validateOwnership}, but throws the reason.
   * @throws {@link LockLostError} when the lock is lost
   * @throws {@link LockStateError} when no lock is held
   * @throws {@link LockStoreError} when the store cannot be read
   */
  async assertOwnership(): Promise<void> {
    const problem = await this.#check('assertOwnership');
    if (problem !== undefined) throw problem;
  }

  /** Milliseconds left on the lease by our clock; 0 when no lock is held or it is lost. */
  remainingMs(): number {
    const tenure = this.#tenure;
    if (tenure === undefined || this.#lost(tenure)) return 0;
    return tenure.deadline - this.#options.clock.now();
  }

  /**
   * Runs `fn` under the lock: acquires it (retrying while another owner holds it, waiting
   * with jittered exponential backoff), heartbeats while `fn` runs, and releases it whatever
   * `fn` does. A failure to release is logged, not thrown: the lock lapses after its lease.
   * @param fn - The work to do under the lock; it receives this manager (a
   *   {@link SnapshotLock} for `publishSnapshot`).
   * @param options - How long to wait for a lock another owner holds.
   * @returns what `fn` returned
   * @throws {@link LockHeldError} when the lock is still held by another owner after
   *   `retries` retries (its context names the holder and the attempts)
   * @throws {@link LockLostError} when the lock was lost while `fn` ran (after `fn` settled;
   *   an error `fn` threw takes precedence)
   * @throws {@link LockStateError} when this manager already holds the lock
   * @throws {@link LockStoreError} when the store fails while acquiring
   * @throws {RangeError} when a retry option is not an integer `>= 0`, or `maxDelayMs` is
   *   below `minDelayMs`
   * @throws the signal's reason when `signal` aborts while waiting for the lock
   * @throws whatever `fn` throws, after the lock is released
   */
  async withLock<T>(
    fn: (lock: LockManager) => Promise<T>,
    options: WithLockOptions = {},
  ): Promise<T> {
    await acquireWithRetries(
      () => this.#tryAcquire(),
      this,
      resolveRetry(options),
      this.#options.random,
      options.signal,
    );
    const tenure = this.#tenure as LockTenure;
    let result: T;
    try {
      this.startHeartbeat();
      result = await fn(this);
    } catch (error) {
      await this.#endQuietly(tenure);
      throw error;
    }
    await this.#endQuietly(tenure);
    if (tenure.loss !== undefined) throw tenure.lostError('withLock');
    return result;
  }

  /** Acquires once; `undefined` when taken, the store's `LockHeldError` when held. */
  async #tryAcquire(): Promise<LockHeldError | undefined> {
    const current = this.#tenure;
    if (this.#acquiring || (current !== undefined && !this.#lost(current))) {
      const state = this.#acquiring ? 'acquiring' : 'held';
      throw new LockStateError(
        `LockManager for ${this.lockId} (${this.collection}) is ${state}; release it first (a manager holds one tenure at a time)`,
        { state, context: { lockId: this.lockId, collection: this.collection } },
      );
    }
    this.#tenure = undefined;
    const { store, clock, leaseMs, logger } = this.#options;
    const owner = randomUUID();
    const now = clock.now();
    let record: LockRecord;
    this.#acquiring = true;
    try {
      record = await store.acquire({
        lockId: this.lockId,
        collection: this.collection,
        owner,
        now: stamp(now),
        expires: stamp(now + leaseMs),
        heartbeat: stamp(now),
      });
    } catch (error) {
      if (error instanceof LockHeldError) return error;
      throw error;
    } finally {
      this.#acquiring = false;
    }
    const tenure = new LockTenure(
      { lockId: this.lockId, collection: this.collection, owner },
      record.fence,
      now + leaseMs,
    );
    this.#tenure = tenure;
    this.#scheduleLeaseCheck(tenure);
    logger.info('compaction lock acquired', { ...tenure.logContext(), leaseMs });
    return undefined;
  }

  /** The current tenure if it is live, else the error for `operation`. */
  #live(operation: string): LockTenure {
    const tenure = this.#tenure;
    if (tenure === undefined) throw this.#notHeld(operation);
    if (this.#lost(tenure)) throw tenure.lostError(operation);
    return tenure;
  }

  #notHeld(operation: string): LockStateError {
    return new LockStateError(
      `${operation}: LockManager for ${this.lockId} (${this.collection}) holds no lock; acquire it first`,
      { state: 'idle', context: { lockId: this.lockId, collection: this.collection } },
    );
  }

  /** Whether `tenure` is lost, marking it so when its lease ran out by our clock. */
  #lost(tenure: LockTenure): boolean {
    if (tenure.loss === undefined && this.#options.clock.now() >= tenure.deadline) {
      this.#markLost(tenure, 'lease-expired', undefined);
    }
    return tenure.loss !== undefined;
  }

  #markLost(tenure: LockTenure, reason: LockLossReason, cause: unknown): void {
    if (tenure.loss !== undefined) return;
    tenure.loss = { reason, cause };
    tenure.stopTimers();
    const { logger, metrics } = this.#options;
    logger.warn('compaction lock lost', {
      ...tenure.logContext(),
      reason,
      failures: tenure.failures,
      ...(cause === undefined ? {} : { error: errorMessage(cause) }),
    });
    metrics.count('CompactionLockLost', 1, { collection: this.collection });
  }

  /** Checks ownership against the store; `undefined` when we hold the lock, else why not. */
  async #check(operation: string): Promise<Error | undefined> {
    let tenure: LockTenure;
    let stored: LockRecord | undefined;
    try {
      tenure = this.#live(operation);
    } catch (error) {
      return error as Error;
    }
    try {
      stored = await this.#options.store.read({ lockId: this.lockId, collection: this.collection });
    } catch (error) {
      this.#options.logger.warn('compaction lock ownership could not be checked', {
        ...tenure.logContext(),
        error: errorMessage(error),
      });
      return error as Error;
    }
    if (this.#tenure !== tenure) return this.#notHeld(operation);
    if (!tenure.matches(stored)) this.#markLost(tenure, 'taken-over', undefined);
    return this.#lost(tenure) ? tenure.lostError(operation) : undefined;
  }

  async #refresh(tenure: LockTenure): Promise<boolean> {
    if (this.#tenure !== tenure || this.#lost(tenure)) return false;
    const { store, clock, leaseMs, maxHeartbeatFailures, logger } = this.#options;
    let now = Number.NaN;
    try {
      now = clock.now();
      await store.refresh({
        lockId: this.lockId,
        collection: this.collection,
        owner: tenure.owner,
        expires: stamp(now + leaseMs),
        heartbeat: stamp(now),
      });
    } catch (error) {
      // Released meanwhile, or already lost: the result no longer matters.
      if (this.#tenure !== tenure || tenure.loss !== undefined) return false;
      if (error instanceof LockLostError) {
        this.#markLost(tenure, 'refresh-rejected', error);
        return false;
      }
      tenure.failures += 1;
      logger.warn('compaction lock refresh failed', {
        ...tenure.logContext(),
        failures: tenure.failures,
        maxHeartbeatFailures,
        error: errorMessage(error),
      });
      if (tenure.failures >= maxHeartbeatFailures) {
        this.#markLost(tenure, 'heartbeat-failures', error);
      }
      return false;
    }
    // A loss noticed while the refresh was under way (our lease ran out) stands.
    if (this.#tenure !== tenure || this.#lost(tenure)) return false;
    tenure.failures = 0;
    tenure.deadline = Math.max(tenure.deadline, now + leaseMs);
    this.#scheduleLeaseCheck(tenure);
    return true;
  }

  #scheduleBeat(tenure: LockTenure): void {
    tenure.scheduleBeat(this.#options.heartbeatMs, () => {
      const beat = this.#refresh(tenure).then(() => {
        if (tenure.beating && tenure.loss === undefined) this.#scheduleBeat(tenure);
      });
      tenure.inFlight = beat;
      void beat.finally(() => {
        if (tenure.inFlight === beat) tenure.inFlight = undefined;
      });
    });
  }

  #scheduleLeaseCheck(tenure: LockTenure): void {
    tenure.scheduleLeaseCheck(tenure.deadline - this.#options.clock.now(), () => {
      if (!this.#lost(tenure)) this.#scheduleLeaseCheck(tenure);
    });
  }

  async #stopBeating(tenure: LockTenure): Promise<void> {
    tenure.beating = false;
    tenure.cancelBeat();
    await tenure.inFlight;
  }

  /** Ends `tenure` for `withLock`: a store failure on release is logged, not thrown. */
  async #endQuietly(tenure: LockTenure): Promise<void> {
    if (this.#tenure !== tenure) {
      await this.#stopBeating(tenure);
      return;
    }
    try {
      await this.release();
    } catch (error) {
      this.#options.logger.warn('compaction lock release failed; it lapses after its lease', {
        ...tenure.logContext(),
        error: errorMessage(error),
      });
    }
  }
}
