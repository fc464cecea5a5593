import { randomBytes } from 'node:crypto';
import type { CollectionName } from '../compaction/types.js';
import type { SnapshotManifest } from './manifest.js';

// The objects of a version, as the Python publisher names them (spec §12.2), plus the manifest.
/** The name of a version's tarball: the persist directory as a gzip tar. */
export const SNAPSHOT_TARBALL = 'snapshot.tar.gz';
/**
 * The name of a version's hash object: `md5:<hex>` of the tarball bytes, what Python readers
 * check.
 */
export const SNAPSHOT_HASH = '.snapshot_hash';
/** The name of a version's {@link SnapshotManifest}; Python readers ignore it. */
export const SNAPSHOT_MANIFEST = 'manifest.json';

// Version ids: spec §12.1.
/**
 * The form of the version ids this package writes: `YYYYMMDD_HHMMSS_ffffff_<8 hex>` (UTC,
 * microseconds, then random hex), so ids sort by time as strings.
 */
export const VERSION_ID_PATTERN: RegExp = /^\d{8}_\d{6}_\d{6}_[0-9a-f]{8}$/;

/**
 * A version id in either form a publisher may have written: `YYYYMMDD_HHMMSS` (the Python
 * package's), or the form of {@link VERSION_ID_PATTERN}. Both sort by time as strings;
 * pruning considers only names like these.
 */
export const ANY_VERSION_ID_PATTERN: RegExp = /^\d{8}_\d{6}(?:_\d{6}_[0-9a-f]{8})?$/;

/**
 * A name that can stand for a version in a key: one path segment (no `/`, `\\`, NUL, `.` or
 * `..`). Whatever it names is checked by reading it; this only keeps a name from leaving
 * the collection's prefix. @internal
 */
export const SAFE_VERSION_NAME: RegExp = /^(?!\.{1,2}$)[^/\\\0]+$/;

/** The keys of a collection's snapshots in the store, as {@link snapshotKeys} builds them. */
export interface SnapshotKeys {
  /** `{collection}/snapshot/latest-pointer.txt`: its body is the current version id. */
  readonly pointer: string;
  /** `{collection}/snapshot/timestamped/`: one common prefix per version. */
  readonly versions: string;
  /**
   * The key prefix of a version: `{collection}/snapshot/timestamped/{version}/`.
   * @param version - The version id.
   */
  version(version: string): string;
  /**
   * The key of an object of a version:
   * `{collection}/snapshot/timestamped/{version}/{name}`.
   * @param version - The version id.
   * @param name - The object's name, e.g. {@link SNAPSHOT_TARBALL}.
   */
  object(version: string, name: string): string;
}

/**
 * The keys of a collection's snapshots in the store: the pointer, and the prefix and objects
 * of each version (the layout the Python package reads and writes).
 * @param collection - The collection.
 * @returns The pointer key, the versions prefix, and builders for a version's keys.
 * @example
 * ```ts
 * import { SNAPSHOT_TARBALL, snapshotKeys } from '@receipt-chroma/chroma-compaction';
 *
 * const keys = snapshotKeys('lines');
 * console.log(keys.pointer); // lines/snapshot/latest-pointer.txt
 * console.log(keys.object('20250101_000000_000000_0123abcd', SNAPSHOT_TARBALL));
 * ```
 */
export const snapshotKeys = (collection: CollectionName): SnapshotKeys => {
  const versions = `${collection}/snapshot/timestamped/`;
  return {
    pointer: `${collection}/snapshot/latest-pointer.txt`,
    versions,
    version: (version) => `${versions}${version}/`,
    object: (version, name) => `${versions}${version}/${name}`,
  };
};

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/** The time a version id names, in microseconds since the epoch; `undefined` for other names. */
export const versionMicros = (version: string): number | undefined => {
  const match = /^(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})(?:_(\d{6})_[0-9a-f]{8})?$/.exec(
    version,
  );
  if (match === null) return undefined;
  const [year, month, day, hours, minutes, seconds] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Date.UTC(year, month - 1, day, hours, minutes, seconds);
  const micros = match[7] === undefined ? 0 : Number(match[7]);
  return millis * 1000 + micros;
};

/**
 * A new version id later than `after` (the version the pointer names), whatever this host's
 * clock says: ids along the pointer's history only grow, which pruning relies on.
 */
export const nextVersionId = (
  after: string | undefined,
  nowMicros: number = Date.now() * 1000,
): string => {
  const floor = after === undefined ? undefined : versionMicros(after);
  return newVersionId(floor !== undefined && floor >= nowMicros ? floor + 1 : nowMicros);
};

// The random digits fix spec §18.7 (two publishers in the same second collided).
/**
 * A new version id of the {@link VERSION_ID_PATTERN} form for a time, with 8 random hex
 * digits so two publishers in the same microsecond never collide.
 * @param atMicros - The time, in microseconds since the epoch (UTC). Defaults to now.
 * @returns The id, e.g. `20250101_093000_123456_0123abcd`.
 */
export const newVersionId = (atMicros: number = Date.now() * 1000): string => {
  const date = new Date(Math.floor(atMicros / 1000));
  const micros = Math.floor(atMicros % 1_000_000);
  return [
    `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1, 2)}${pad(date.getUTCDate(), 2)}`,
    `${pad(date.getUTCHours(), 2)}${pad(date.getUTCMinutes(), 2)}${pad(date.getUTCSeconds(), 2)}`,
    pad(micros, 6),
    randomBytes(4).toString('hex'),
  ].join('_');
};
