import type { CompactionLock } from '@receipt-chroma/dynamo-stream';
import {
  acquiredLock,
  blocksAcquire,
  checkAcquire,
  checkLockRef,
  checkOwnerRef,
  checkRefresh,
  lockHeldError,
  lockLostError,
  lockPk,
  nextFence,
  RELEASED_EXPIRES,
  toLockRecord,
} from '../locks/lockRules.js';
import type {
  AcquireLockRequest,
  LockOwnerRef,
  LockRecord,
  LockStore,
  RefreshLockRequest,
} from '../ports/lockStore.js';

/**
 * An in-memory `LockStore` for tests, held to the same contract suite as `DynamoLockStore`
 * and sharing its rules: the same request validation, `acquire` succeeds when there is no
 * lock or `expires < now` (string comparison, as DynamoDB compares), `refresh` and `release`
 * need the owner and an unreleased lock, `release` keeps the lock with
 * `expires = 0001-01-01T00:00:00.000000+00:00`, and fences come from a counter kept apart
 * from the lock (like DynamoDB's `SK = FENCE` item), which {@link InMemoryLockStore.delete}
 * and {@link InMemoryLockStore.put} leave alone, so a fence is one above the previous one
 * whatever happened to the lock in between. Each call decides atomically, so concurrent
 * acquires have exactly one winner.
 *
 * @example
 * ```ts
 * import { LockManager } from '@receipt-chroma/chroma-compaction';
 * import { InMemoryLockStore } from '@receipt-chroma/chroma-compaction/testing';
 *
 * const store = new InMemoryLockStore();
 * const locks = new LockManager({ store, collection: 'words' });
 * await locks.withLock(async () => {
 *   // the compaction work, under the lock
 * });
 * const released = await store.read({ lockId: 'chroma-words-compaction', collection: 'words' });
 * ```
 */
export class InMemoryLockStore implements LockStore {
  readonly #locks = new Map<string, CompactionLock>();
  /** The fence counters by lock key; nothing removes them. */
  readonly #fences = new Map<string, number>();

  /**
   * Takes the lock when it is free or expired.
   * @param request - the lock, the new holder, its lapse time and the current time
   * @returns the stored lock, with the fence of the new tenure
   * @throws {LockHeldError} when another owner holds the lock and it has not expired
   * @throws {LockStoreError} when a field of the request is invalid
   */
  async acquire(request: AcquireLockRequest): Promise<LockRecord> {
    checkAcquire(request);
    const key = lockPk(request);
    const current = this.#locks.get(key);
    if (blocksAcquire(current, request.now)) throw lockHeldError(request, current);
    const fence = nextFence(this.#fences.get(key), current?.fence);
    const lock = acquiredLock(request, fence, null);
    this.#fences.set(key, fence);
    this.#locks.set(key, lock);
    return toLockRecord(lock);
  }

  /**
   * Extends `expires` and `heartbeat` while `owner` holds the lock.
   * @param request - the lock, its holder and the new times
   * @returns the stored lock after the change
   * @throws {LockLostError} when `owner` no longer holds the lock (missing, released or taken over)
   * @throws {LockStoreError} when a field of the request is invalid
   */
  async refresh(request: RefreshLockRequest): Promise<LockRecord> {
    checkRefresh(request);
    const current = this.#owned('refresh', request);
    const lock: CompactionLock = {
      ...current,
      expires: request.expires,
      heartbeat: request.heartbeat,
    };
    this.#locks.set(lockPk(request), lock);
    return toLockRecord(lock);
  }

  /**
   * Frees a lock `owner` holds (keeping its fence), so the next acquire succeeds at once.
   * @param request - the lock and its holder
   * @throws {LockLostError} when `owner` does not hold the lock (missing, released or taken over)
   * @throws {LockStoreError} when a field of the request is invalid
   */
  async release(request: LockOwnerRef): Promise<void> {
    checkOwnerRef(request);
    const current = this.#owned('release', request);
    this.#locks.set(lockPk(request), { ...current, expires: RELEASED_EXPIRES });
  }

  /**
   * The stored lock, released or expired ones included, or `undefined`.
   * @param lock - the lock's name and collection
   * @throws {LockStoreError} when a field is invalid
   */
  async read(lock: Pick<LockOwnerRef, 'lockId' | 'collection'>): Promise<LockRecord | undefined> {
    checkLockRef(lock);
    const current = this.#locks.get(lockPk(lock));
    return current === undefined ? undefined : toLockRecord(current);
  }

  /**
   * Stores a lock as another writer would (e.g. an item the Python package's
   * `CompactionLock` wrote, whose fence reads as 0), replacing any lock with the same id and
   * collection. The item is stored as given, without validation.
   * @param lock - the lock item, as dynamo-stream parses it
   * @returns this store, for chaining
   */
  put(lock: CompactionLock): this {
    this.#locks.set(lockPk({ lockId: lock.lock_id, collection: lock.collection }), { ...lock });
    return this;
  }

  /**
   * Removes a lock item (as DynamoDB TTL would), keeping its fence counter.
   * @param lock - the lock's name and collection
   * @returns true when there was one
   */
  delete(lock: Pick<LockOwnerRef, 'lockId' | 'collection'>): boolean {
    return this.#locks.delete(lockPk(lock));
  }

  #owned(operation: 'refresh' | 'release', request: LockOwnerRef): CompactionLock {
    const current = this.#locks.get(lockPk(request));
    if (
      current === undefined ||
      current.owner !== request.owner ||
      current.expires === RELEASED_EXPIRES
    ) {
      throw lockLostError(operation, request, current);
    }
    return current;
  }
}
