import { type CompactionLock, compactionLockKeys } from '@receipt-chroma/dynamo-stream';
import { LockHeldError, LockLostError } from '../errors.js';
import {
  checkAcquire,
  checkLockRef,
  checkOwnerRef,
  checkRefresh,
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

const keyOf = (ref: { readonly lockId: string; readonly collection: string }): string =>
  compactionLockKeys({
    collection: ref.collection as CompactionLock['collection'],
    lock_id: ref.lockId,
    expires: '',
  }).PK;

/**
 * An in-memory `LockStore` for tests, held to the same contract suite as `DynamoLockStore`
 * and sharing its rules: the same request validation, `acquire` succeeds when there is no
 * lock or `expires < now` (string comparison, as DynamoDB compares), `refresh` and `release`
 * need the owner and an unreleased lock, `release` keeps the lock with
 * `expires = 0001-01-01T00:00:00.000000+00:00` so the fence survives, and a fence starts at
 * the epoch milliseconds of `now` plus one. Each call decides atomically, so concurrent
 * acquires have exactly one winner.
 *
 * @example
 * ```ts
 * import { InMemoryLockStore } from '@receipt-chroma/chroma-compaction/testing';
 *
 * const locks = new InMemoryLockStore();
 * const lock = await locks.acquire({ lockId: 'l', collection: 'words', owner, now, expires, heartbeat: now });
 * ```
 */
export class InMemoryLockStore implements LockStore {
  readonly #locks = new Map<string, CompactionLock>();

  /** Takes the lock when it is free or expired, else `LockHeldError`. */
  async acquire(request: AcquireLockRequest): Promise<LockRecord> {
    const { nowMillis } = checkAcquire(request);
    const key = keyOf(request);
    const current = this.#locks.get(key);
    if (current !== undefined && !(current.expires < request.now)) {
      const held = toLockRecord(current);
      throw new LockHeldError(
        `Lock ${request.lockId} (${request.collection}) is held by ${current.owner} until ${current.expires}; retry after it expires`,
        {
          context: {
            lockId: request.lockId,
            collection: request.collection,
            currentOwner: held.owner,
            currentExpires: held.expires,
            currentFence: held.fence,
          },
        },
      );
    }
    const lock: CompactionLock = {
      lock_id: request.lockId,
      collection: request.collection as CompactionLock['collection'],
      owner: request.owner,
      expires: request.expires,
      heartbeat: request.heartbeat,
      fence: (current?.fence ?? nowMillis) + 1,
      time_to_live: null,
    };
    this.#locks.set(key, lock);
    return toLockRecord(lock);
  }

  /** Extends `expires` and `heartbeat` while `owner` holds the lock, else `LockLostError`. */
  async refresh(request: RefreshLockRequest): Promise<LockRecord> {
    checkRefresh(request);
    const current = this.#owned('refresh', request);
    const lock: CompactionLock = {
      ...current,
      expires: request.expires,
      heartbeat: request.heartbeat,
    };
    this.#locks.set(keyOf(request), lock);
    return toLockRecord(lock);
  }

  /** Frees a lock `owner` holds (keeping its fence), else `LockLostError`. */
  async release(request: LockOwnerRef): Promise<void> {
    checkOwnerRef(request);
    const current = this.#owned('release', request);
    this.#locks.set(keyOf(request), { ...current, expires: RELEASED_EXPIRES });
  }

  /** The stored lock, released or expired ones included, or `undefined`. */
  async read(lock: {
    readonly lockId: string;
    readonly collection: string;
  }): Promise<LockRecord | undefined> {
    checkLockRef(lock);
    const current = this.#locks.get(keyOf(lock));
    return current === undefined ? undefined : toLockRecord(current);
  }

  /**
   * Stores a lock as another writer would (e.g. a Python `CompactionLock` item, whose fence
   * reads as 0), replacing any lock with the same id and collection.
   */
  put(lock: CompactionLock): this {
    this.#locks.set(keyOf({ lockId: lock.lock_id, collection: lock.collection }), { ...lock });
    return this;
  }

  /** Removes a lock (as DynamoDB TTL would); true when there was one. */
  delete(lock: { readonly lockId: string; readonly collection: string }): boolean {
    return this.#locks.delete(keyOf(lock));
  }

  #owned(operation: 'refresh' | 'release', request: LockOwnerRef): CompactionLock {
    const current = this.#locks.get(keyOf(request));
    if (
      current === undefined ||
      current.owner !== request.owner ||
      current.expires === RELEASED_EXPIRES
    ) {
      const state =
        current === undefined
          ? 'does not exist'
          : current.expires === RELEASED_EXPIRES
            ? 'was released'
            : `is held by ${current.owner}`;
      throw new LockLostError(
        `Cannot ${operation} lock ${request.lockId} (${request.collection}) for ${request.owner}: it ${state}`,
        {
          context: {
            lockId: request.lockId,
            collection: request.collection,
            owner: request.owner,
            currentOwner: current?.owner,
            currentExpires: current?.expires,
            currentFence: current?.fence ?? undefined,
          },
        },
      );
    }
    return current;
  }
}
