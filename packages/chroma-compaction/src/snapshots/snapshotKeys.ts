import { randomBytes } from 'node:crypto';
import type { CollectionName } from '../compaction/types.js';

/** The tarball of a version (spec §12.2). */
export const SNAPSHOT_TARBALL = 'snapshot.tar.gz';
/** `md5:<hex>` of the tarball bytes (spec §12.2). */
export const SNAPSHOT_HASH = '.snapshot_hash';
/** The version's manifest (DESIGN §4); Python readers ignore it. */
export const SNAPSHOT_MANIFEST = 'manifest.json';

/** A version id: `YYYYMMDD_HHMMSS_ffffff_<8 hex>`, UTC (DESIGN §4, spec §12.1). */
export const VERSION_ID_PATTERN: RegExp = /^\d{8}_\d{6}_\d{6}_[0-9a-f]{8}$/;

/**
 * A version id in either form a publisher may have written: `YYYYMMDD_HHMMSS`, or the form of
 * {@link VERSION_ID_PATTERN} (spec §12.1). Both sort by time as strings; pruning considers
 * only names like these.
 */
export const ANY_VERSION_ID_PATTERN: RegExp = /^\d{8}_\d{6}(?:_\d{6}_[0-9a-f]{8})?$/;

/** The keys of a collection's snapshots in the store (DESIGN §4). */
export interface SnapshotKeys {
  /** `{collection}/snapshot/latest-pointer.txt`: its body is the current version id. */
  readonly pointer: string;
  /** `{collection}/snapshot/timestamped/`: one common prefix per version. */
  readonly versions: string;
  /** `{collection}/snapshot/timestamped/{version}/` */
  version(version: string): string;
  /** An object of a version, e.g. `snapshot.tar.gz`. */
  object(version: string, name: string): string;
}

/** The keys of `collection`'s snapshots. */
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

/**
 * A new version id for `atMicros` (microseconds since the epoch, UTC), with 8 random hex
 * digits so two publishers in the same microsecond never collide (spec §18.7).
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
