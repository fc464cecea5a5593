import { checkedInteger } from '../options/checkedInteger.js';
import type { ArchiveError } from './errors.js';
import type { GzipMember } from './packTypes.js';
import type { unpackSnapshot } from './unpackSnapshot.js';

/** Limits of {@link unpackSnapshot}, counted on the bytes actually inflated, not on headers. */
export interface UnpackLimits {
  /**
   * Most entries (files and directories) the archive may hold.
   * @default 100000
   */
  readonly maxEntries?: number;
  /**
   * Most bytes one file may hold.
   * @default 4 GiB
   */
  readonly maxEntryBytes?: number;
  /**
   * Most bytes all files together may hold.
   * @default 16 GiB
   */
  readonly maxTotalBytes?: number;
}

/**
 * Options of {@link unpackSnapshot}: the {@link UnpackLimits}, plus the gzip members of a
 * multi-member snapshot to inflate them in parallel.
 */
export interface UnpackSnapshotOptions extends UnpackLimits {
  /**
   * The gzip members of the snapshot file (`PackedSnapshot.members`, or the list a snapshot
   * manifest carries). When given, the source must be a file path: the members' byte ranges
   * are read and inflated in parallel worker threads, and fed in order to the same checked
   * extraction. A list that does not tile the file exactly, or a member that does not inflate
   * to its `tarSize`, is refused with {@link ArchiveError} `member-mismatch`. Without it the
   * file or stream is inflated on the calling thread.
   * @default none: one thread inflates the whole stream
   */
  readonly members?: readonly GzipMember[] | undefined;
  /**
   * Worker threads inflating members (used only with `members`).
   * @default os.availableParallelism()
   */
  readonly workers?: number | undefined;
}

/** What {@link unpackSnapshot} wrote. */
export interface UnpackResult {
  /** Entries written (files and directories, the destination itself not counted). */
  readonly entries: number;
  /** Bytes of file content written. */
  readonly bytes: number;
}

/** Default {@link UnpackLimits}: 100,000 entries, 4 GiB per file, 16 GiB in all. */
export const DEFAULT_UNPACK_LIMITS: Required<UnpackLimits> = {
  maxEntries: 100_000,
  maxEntryBytes: 4 * 1024 ** 3,
  maxTotalBytes: 16 * 1024 ** 3,
};

/**
 * The limits to apply: the defaults, overridden by each limit given (an `undefined` one
 * keeps its default).
 * @throws RangeError when a limit given is not a positive integer
 * @internal
 */
export function resolveUnpackLimits(limits: UnpackLimits): Required<UnpackLimits> {
  const resolved = { ...DEFAULT_UNPACK_LIMITS };
  for (const name of Object.keys(DEFAULT_UNPACK_LIMITS) as (keyof UnpackLimits)[]) {
    const value = limits[name];
    if (value !== undefined) resolved[name] = checkedInteger(name, value, 1);
  }
  return resolved;
}
