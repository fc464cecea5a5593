import { ChromaCompactionError, type ChromaCompactionErrorOptions } from '../errors.js';

/** Options of {@link SnapshotError} and its subclasses. */
export interface SnapshotErrorOptions extends ChromaCompactionErrorOptions {
  /** The collection whose snapshot is concerned. */
  readonly collection: string;
  /**
   * The version concerned, when there is one.
   * @default none: the error is about the collection's snapshots as a whole
   */
  readonly version?: string | undefined;
}

/** Base class of the errors about a collection's snapshots. */
export class SnapshotError extends ChromaCompactionError {
  /** The collection whose snapshot is concerned (empty when the error is about a directory). */
  readonly collection: string;
  /** The version concerned, when there is one. */
  readonly version: string | undefined;

  constructor(message: string, options: SnapshotErrorOptions) {
    super(message, {
      cause: options.cause,
      context: { ...options.context, collection: options.collection, version: options.version },
    });
    this.collection = options.collection;
    this.version = options.version;
  }
}

// Only an absent pointer means "no snapshot yet" (spec §18.8).
/**
 * The collection has no snapshot yet: `latest-pointer.txt` does not exist. The only case
 * in which `initializeEmptySnapshot` is the right answer: a pointer naming a missing or
 * broken version is a {@link SnapshotIntegrityError} instead, never a reason to start over.
 */
export class NoSnapshotError extends SnapshotError {}

/**
 * Which check a stored version failed:
 * - `missing-version`: the pointer (or the caller) names a version with no objects;
 * - `missing-object`: an object the version needs is absent (its hash, a listed file);
 * - `manifest`: `manifest.json` is not a valid manifest, or names another collection or
 *   version;
 * - `size` / `sha256`: the tarball differs from its manifest;
 * - `snapshot-hash`: the tarball's MD5 differs from `.snapshot_hash`, or that file is not
 *   `md5:<hex>`;
 * - `members`: the manifest's gzip members do not cover the tarball;
 * - `archive`: the tarball does not unpack safely (corrupt, unsafe entries, too large);
 * - `files`: the files extracted differ from the manifest's list.
 */
export type SnapshotCheck =
  | 'missing-version'
  | 'missing-object'
  | 'manifest'
  | 'size'
  | 'sha256'
  | 'snapshot-hash'
  | 'members'
  | 'archive'
  | 'files';

/** A stored version is incomplete or corrupt; nothing was left at the destination. */
export class SnapshotIntegrityError extends SnapshotError {
  /** The check the version failed. */
  readonly check: SnapshotCheck;

  constructor(message: string, options: SnapshotErrorOptions & { check: SnapshotCheck }) {
    super(message, { ...options, context: { ...options.context, check: options.check } });
    this.check = options.check;
  }
}

/**
 * Another publisher moved the pointer first. This publisher's version was deleted; the
 * pointer names the winner's.
 */
export class SnapshotConflictError extends SnapshotError {}

/**
 * The publisher does not hold its lock (checked before the upload and before the pointer
 * moves): nothing was promoted, and a version already uploaded was deleted.
 */
export class SnapshotLockError extends SnapshotError {
  /** When the check failed. */
  readonly stage: 'before-upload' | 'before-promotion';

  constructor(
    message: string,
    options: SnapshotErrorOptions & { stage: 'before-upload' | 'before-promotion' },
  ) {
    super(message, { ...options, context: { ...options.context, stage: options.stage } });
    this.stage = options.stage;
  }
}

// The errors of `SnapshotCache`, the local (EFS-style) cache of a collection's snapshots.

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
  /** The cache operation that failed: `ensure`, `acquire`, `cleanup`, `publish`, … */
  readonly operation: string;
  /** The cache directory, `{root}/snapshots/{collection}`. */
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
