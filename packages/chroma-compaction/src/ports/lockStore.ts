// The compaction lock item: Python's `CompactionLock` (spec §16.1) plus `fence` and
// `time_to_live`.

/**
 * A compaction lock as the store holds it: who holds the lock on one collection, until when,
 * and the fencing token of that tenure. The DynamoDB item has `PK = LOCK#{collection}#{lockId}`
 * and `SK = LOCK`, the same item the Python package's `CompactionLock` reads and writes.
 */
export interface LockRecord {
  /** The lock's name, unique per collection (e.g. `chroma-words-compaction`). */
  readonly lockId: string;
  /** The collection the lock guards: `lines` or `words`. */
  readonly collection: string;
  /** A UUID identifying the holder. */
  readonly owner: string;
  /** When the lock lapses, fixed-width UTC `YYYY-MM-DDTHH:MM:SS.ffffff+00:00`. */
  readonly expires: string;
  /** The holder's last heartbeat, same format, or `null`. */
  readonly heartbeat: string | null;
  /**
   * A number that grows with every successful acquisition of this lock, so writes made
   * under an older holder can be told apart (fencing token). A lock item written by the
   * Python package (which knows no fences) reads as 0.
   */
  readonly fence: number;
}

/** Identifies a lock and its holder. */
export interface LockOwnerRef {
  /** The lock's name, unique per collection. */
  readonly lockId: string;
  /** The collection the lock guards: `lines` or `words`. */
  readonly collection: string;
  /** The holder, a version 4 or 5 UUID. */
  readonly owner: string;
}

/** A request to take a lock. */
export interface AcquireLockRequest extends LockOwnerRef {
  /**
   * When the new tenure lapses, fixed-width UTC `YYYY-MM-DDTHH:MM:SS.ffffff+00:00`; later
   * than `now`.
   */
  readonly expires: string;
  /** The holder's heartbeat time in the same format, or `null`. */
  readonly heartbeat: string | null;
  /** The current time in the same format; a lock whose `expires` is earlier can be taken over. */
  readonly now: string;
}

/** A request to extend a held lock. */
export interface RefreshLockRequest extends LockOwnerRef {
  /** The new lapse time, fixed-width UTC `YYYY-MM-DDTHH:MM:SS.ffffff+00:00`. */
  readonly expires: string;
  /** The holder's heartbeat time in the same format, or `null`. */
  readonly heartbeat: string | null;
}

/**
 * Conditional storage of lock items. Races are decided by the store, never by a read
 * followed by a write. Adapters: `DynamoLockStore` (`@receipt-chroma/chroma-compaction/dynamodb`)
 * and `InMemoryLockStore` (`@receipt-chroma/chroma-compaction/testing`), held to one contract
 * test suite.
 *
 * - `acquire` succeeds when no lock item exists or the existing one has expired
 *   (`expires < now`), and returns the stored record with its new `fence`: one more than
 *   the fence of the previous acquire, whatever the acquirers' clocks and even when the lock
 *   item was deleted or replaced by a writer that knows no fences in between. Otherwise it
 *   rejects with `LockHeldError`.
 * - `refresh` extends `expires`/`heartbeat` only while `owner` still holds the lock;
 *   otherwise `LockLostError`.
 * - `release` ends the lock only if `owner` holds it; releasing a lock that is missing or
 *   held by another owner rejects with `LockLostError`.
 * - `read` returns the item or `undefined`.
 *
 * Other failures, and requests with an invalid field, reject with `LockStoreError`.
 */
export interface LockStore {
  /**
   * Takes the lock when it is free or expired.
   * @param request - the lock, the new holder, its lapse time and the current time
   * @returns the stored lock, with the fence of the new tenure
   * @throws {LockHeldError} when another owner holds the lock and it has not expired
   * @throws {LockStoreError} when a field of the request is invalid or the store fails
   */
  acquire(request: AcquireLockRequest): Promise<LockRecord>;
  /**
   * Extends a held lock's `expires` and `heartbeat`.
   * @param request - the lock, its holder and the new times
   * @returns the stored lock after the change
   * @throws {LockLostError} when `owner` no longer holds the lock (missing, released or taken over)
   * @throws {LockStoreError} when a field of the request is invalid or the store fails
   */
  refresh(request: RefreshLockRequest): Promise<LockRecord>;
  /**
   * Ends a held lock, so the next acquire succeeds at once.
   * @param request - the lock and its holder
   * @throws {LockLostError} when `owner` does not hold the lock (missing, released or taken over)
   * @throws {LockStoreError} when a field of the request is invalid or the store fails
   */
  release(request: LockOwnerRef): Promise<void>;
  /**
   * Reads the stored lock, whoever holds it, released or expired ones included.
   * @param lock - the lock's name and collection
   * @returns the lock, or `undefined` when the store has none
   * @throws {LockStoreError} when a field is invalid or the store fails
   */
  read(lock: {
    /** The lock's name, unique per collection. */
    readonly lockId: string;
    /** The collection the lock guards: `lines` or `words`. */
    readonly collection: string;
  }): Promise<LockRecord | undefined>;
}
