/**
 * The compaction lock item (Python `CompactionLock`, spec §16.1, plus `fence` and
 * `time_to_live`): `PK = LOCK#{collection}#{lockId}`, `SK = LOCK`.
 */
export interface LockRecord {
  readonly lockId: string;
  readonly collection: string;
  /** A UUID identifying the holder. */
  readonly owner: string;
  /** When the lock lapses, fixed-width UTC `YYYY-MM-DDTHH:MM:SS.ffffff+00:00`. */
  readonly expires: string;
  /** The holder's last heartbeat, same format, or `null`. */
  readonly heartbeat: string | null;
  /**
   * A number that grows with every successful acquisition of this lock, so writes made
   * under an older holder can be told apart (fencing token). A lock item written by Python
   * (which knows no fences) reads as 0.
   */
  readonly fence: number;
}

/** Identifies a lock and its holder. */
export interface LockOwnerRef {
  readonly lockId: string;
  readonly collection: string;
  readonly owner: string;
}

/** A request to take a lock. */
export interface AcquireLockRequest extends LockOwnerRef {
  readonly expires: string;
  readonly heartbeat: string | null;
  /** The current time in the same format; a lock whose `expires` is earlier can be taken over. */
  readonly now: string;
}

/** A request to extend a held lock. */
export interface RefreshLockRequest extends LockOwnerRef {
  readonly expires: string;
  readonly heartbeat: string | null;
}

/**
 * Conditional storage of lock items. Races are decided by the store, never by a read
 * followed by a write.
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
 * Other failures reject with `LockStoreError`.
 */
export interface LockStore {
  acquire(request: AcquireLockRequest): Promise<LockRecord>;
  refresh(request: RefreshLockRequest): Promise<LockRecord>;
  release(request: LockOwnerRef): Promise<void>;
  read(lock: {
    readonly lockId: string;
    readonly collection: string;
  }): Promise<LockRecord | undefined>;
}
