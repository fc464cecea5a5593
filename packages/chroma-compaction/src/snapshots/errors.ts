import { ChromaCompactionError, type ChromaCompactionErrorOptions } from '../errors.js';

/** Options of {@link SnapshotError} and its subclasses. */
export interface SnapshotErrorOptions extends ChromaCompactionErrorOptions {
  readonly collection: string;
  /** The version concerned, when there is one. */
  readonly version?: string | undefined;
}

/** Base class of the errors about a collection's snapshots. */
export class SnapshotError extends ChromaCompactionError {
  readonly collection: string;
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

/**
 * The collection has no snapshot yet: `latest-pointer.txt` does not exist. The only case
 * in which `initializeEmptySnapshot` is the right answer (spec §18.8).
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
