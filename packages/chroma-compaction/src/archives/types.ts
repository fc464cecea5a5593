import { checkedInteger } from '../options/checkedInteger.js';

/** Limits of {@link unpackSnapshot}, counted on the bytes actually inflated, not on headers. */
export interface UnpackLimits {
  /**
   * Most entries (files and directories) the archive may hold.
   * @default 100_000
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

/** What {@link unpackSnapshot} wrote. */
export interface UnpackResult {
  /** Entries written (files and directories, the destination itself not counted). */
  readonly entries: number;
  /** Bytes of file content written. */
  readonly bytes: number;
}

/** Default {@link UnpackLimits}. */
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
