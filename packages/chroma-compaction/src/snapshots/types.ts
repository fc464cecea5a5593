import type { PackSnapshotOptions } from '../archives/packTypes.js';
import type { DEFAULT_UNPACK_LIMITS, UnpackLimits } from '../archives/types.js';
import type { CollectionName } from '../compaction/types.js';
import type { LockManager } from '../locks/LockManager.js';
import type { ObjectStore } from '../ports/objectStore.js';
import type { ObservabilityOptions } from '../ports/observability.js';
import type { downloadSnapshot } from './downloadSnapshot.js';
import type { SnapshotCheck } from './errors.js';
import type { SnapshotManifest } from './manifest.js';
import type { publishSnapshot } from './publishSnapshot.js';
import type { VERSION_ID_PATTERN } from './snapshotKeys.js';

/**
 * The little {@link publishSnapshot} needs of a lock ({@link LockManager} implements it):
 * whether this worker still holds it, and the fence of its tenure, recorded in each
 * version's manifest.
 */
export interface SnapshotLock {
  /** `true` while this worker holds the lock; `false` once it lost it (never throws for that). */
  validateOwnership(): Promise<boolean>;
  /** The stored fence of the current tenure: larger for every later tenure. */
  readonly fence: number;
}

// As the Python publisher's metadata (spec §12.1).
/**
 * User metadata put on every object of a version; numbers and booleans are stored as their
 * strings, as S3 stores every metadata value.
 */
export type SnapshotMetadata = Readonly<Record<string, string | number | boolean>>;

/** Options of {@link publishSnapshot}. */
export interface PublishSnapshotOptions extends ObservabilityOptions {
  /** Where the snapshots are published (`S3ObjectStore`, `FileSystemObjectStore`). */
  readonly store: ObjectStore;
  /** The collection whose snapshot the directory is. */
  readonly collection: CollectionName;
  /** The Chroma persist directory to publish; nothing may write to it meanwhile. */
  readonly dir: string;
  /**
   * The lock the publisher holds, e.g. a {@link LockManager}: checked before the upload and
   * again before the pointer moves, and its fence recorded in the manifest.
   * @default no lock: nothing is checked, and the manifest's `fence` is `null`
   */
  readonly lock?: SnapshotLock | undefined;
  /**
   * Versions kept after pruning, the new one included; the version the pointer names and
   * every version newer than it are never deleted.
   * @default 4
   */
  readonly keepVersions?: number | undefined;
  /**
   * User metadata for every object written (values stored as strings).
   * @default no metadata
   */
  readonly metadata?: SnapshotMetadata | undefined;
  /**
   * Records per collection in the snapshot, when the caller knows them (for the manifest).
   * @default `null` in the manifest
   */
  readonly recordCounts?: Readonly<Record<string, number>> | undefined;
  /**
   * Where the tarball is staged before upload.
   * @default `os.tmpdir()`
   */
  readonly tempDir?: string | undefined;
  /**
   * How to pack: gzip level, worker threads, bytes per gzip member.
   * @default the defaults of {@link PackSnapshotOptions}
   */
  readonly pack?: Omit<PackSnapshotOptions, 'signal'> | undefined;
}

/** What {@link publishSnapshot} published. */
export interface PublishedSnapshot {
  /**
   * The new version's id, `YYYYMMDD_HHMMSS_ffffff_<8 hex>` (UTC; see
   * {@link VERSION_ID_PATTERN}).
   */
  readonly version: string;
  /** The tarball's key. */
  readonly key: string;
  /** Compressed bytes. */
  readonly size: number;
  /** SHA-256 of the tarball, lower-case hex. */
  readonly sha256: string;
  /** MD5 of the tarball, lower-case hex (what `.snapshot_hash` holds after `md5:`). */
  readonly md5: string;
  /** The version the pointer named before, or `null` for the first version. */
  readonly parent: string | null;
}

/** Options of {@link downloadSnapshot}. */
export interface DownloadSnapshotOptions extends ObservabilityOptions {
  /** Where the snapshots are published. */
  readonly store: ObjectStore;
  /** The collection whose snapshot to download. */
  readonly collection: CollectionName;
  /** An empty or missing directory to extract into; nothing is left there on failure. */
  readonly dest: string;
  /**
   * The version to read.
   * @default the version `latest-pointer.txt` names
   */
  readonly version?: string | undefined;
  /**
   * Limits on what the tarball may unpack to.
   * @default {@link DEFAULT_UNPACK_LIMITS}
   */
  readonly limits?: UnpackLimits | undefined;
  /**
   * Where the tarball is staged before it is checked.
   * @default `os.tmpdir()`
   */
  readonly tempDir?: string | undefined;
}

/** What {@link downloadSnapshot} extracted. */
export interface DownloadedSnapshot {
  /** The version extracted. */
  readonly version: string;
  /**
   * The version's manifest; `null` for a version written without one (by the Python
   * package), which was checked against `.snapshot_hash` or, in the older per-file layout,
   * not checked beyond its listing.
   */
  readonly manifest: SnapshotManifest | null;
  /**
   * Which layout the version had: `tarball` (`snapshot.tar.gz`), or `files` (the older
   * layout, one object per file of the persist directory).
   */
  readonly layout: 'tarball' | 'files';
}

/** What a failed check of a download throws. @internal */
export type Fail = (check: SnapshotCheck, message: string, cause?: unknown) => never;
