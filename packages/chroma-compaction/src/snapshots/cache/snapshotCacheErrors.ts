/**
 * Errors of `SnapshotCache`, the local (EFS-style) cache of a collection's snapshots. They
 * extend {@link SnapshotError}, so `collection` and `version` are on every one of them.
 * @packageDocumentation
 */
import { SnapshotError, type SnapshotErrorOptions } from '../errors.js';

/** Options of {@link SnapshotCacheError} and its subclasses. */
export interface SnapshotCacheErrorOptions extends SnapshotErrorOptions {
  /** The cache operation that failed: `ensure`, `acquire`, `cleanup`, `publish`, … */
  readonly operation: string;
  /** The cache directory, `{root}/snapshots/{collection}`. */
  readonly dir: string;
}

/**
 * A cache operation failed on the file system (permissions, a full disk, an unreachable
 * mount); the `cause` is the `node:fs` error. Errors of the store and of the snapshot
 * itself (`ObjectStoreError`, `SnapshotIntegrityError`, …) pass through unwrapped.
 */
export class SnapshotCacheError extends SnapshotError {
  readonly operation: string;
  readonly dir: string;

  constructor(message: string, options: SnapshotCacheErrorOptions) {
    super(message, {
      ...options,
      context: { ...options.context, operation: options.operation, dir: options.dir },
    });
    this.operation = options.operation;
    this.dir = options.dir;
  }
}

/**
 * The version is not in the cache, so it cannot become the current one: `ensure` or
 * `publish` it first.
 */
export class SnapshotNotCachedError extends SnapshotCacheError {}

/**
 * A version id cannot name a cache folder: it is empty, starts with a dot, or holds a
 * character other than letters, digits, `_`, `-` and `.` (so a pointer cannot point
 * outside the cache).
 */
export class InvalidSnapshotVersionError extends SnapshotCacheError {}

/**
 * Another process kept a cache lock longer than `lockWaitMs` while refreshing it (a lock
 * whose owner died is taken over once it is `lockStaleMs` old).
 */
export class SnapshotCacheLockTimeoutError extends SnapshotCacheError {
  /** The lock directory waited for. */
  readonly lockPath: string;
  /** How long it waited, in milliseconds. */
  readonly waitedMs: number;

  constructor(
    message: string,
    options: SnapshotCacheErrorOptions & { lockPath: string; waitedMs: number },
  ) {
    super(message, {
      ...options,
      context: { ...options.context, lockPath: options.lockPath, waitedMs: options.waitedMs },
    });
    this.lockPath = options.lockPath;
    this.waitedMs = options.waitedMs;
  }
}
