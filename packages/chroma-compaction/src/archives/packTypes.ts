import { availableParallelism } from 'node:os';
import { checkedInteger } from '../options/checkedInteger.js';
import type { packSnapshot } from './packSnapshot.js';

/** Options of {@link packSnapshot}. */
export interface PackSnapshotOptions {
  /**
   * Gzip compression level, 0 (store) to 9 (smallest).
   * @default 6 ({@link DEFAULT_PACK_LEVEL})
   */
  readonly level?: number;
  /**
   * Worker threads compressing gzip members in parallel. `1` compresses on the calling
   * thread into a single gzip member (the output of a plain `tar -czf`).
   * @default os.availableParallelism()
   */
  readonly workers?: number;
  /**
   * Uncompressed tar bytes per gzip member when `workers` is more than 1. Each member is
   * compressed on its own, so smaller members cost a little ratio and bound memory: about
   * `workers + 1` members are in flight at once.
   * @default 4 MiB ({@link DEFAULT_MEMBER_BYTES})
   */
  readonly memberBytes?: number;
  /**
   * Aborts the pack; the promise then rejects with an `AbortError`.
   * @default none: the pack runs to its end
   */
  readonly signal?: AbortSignal;
}

/**
 * One gzip member of a snapshot: its byte range in the compressed file and the range of the
 * tar stream it inflates to. The members are contiguous in both: each starts where the
 * previous one ends, the first at 0.
 */
export interface GzipMember {
  /** Offset of the member in the compressed file. */
  readonly offset: number;
  /** Compressed bytes of the member. */
  readonly size: number;
  /** Offset in the uncompressed tar stream of the first byte the member holds. */
  readonly tarOffset: number;
  /** Uncompressed tar bytes the member holds. */
  readonly tarSize: number;
}

/** A regular file of a packed snapshot. */
export interface PackedFile {
  /** Path relative to the directory packed, with `/` separators. */
  readonly path: string;
  /** Bytes of content. */
  readonly size: number;
}

/** What {@link packSnapshot} wrote: sizes, digests, files and gzip members. */
export interface PackedSnapshot {
  /** Compressed bytes written. */
  readonly size: number;
  /** SHA-256 of the compressed bytes, lowercase hex. */
  readonly sha256: string;
  /**
   * MD5 of the compressed bytes, lowercase hex (what a version's `.snapshot_hash` holds
   * after `md5:`).
   */
  readonly md5: string;
  /** The regular files packed, in archive order (paths sorted by byte order). */
  readonly files: readonly PackedFile[];
  /** Directories packed, the directory itself not counted. */
  readonly directories: number;
  /** The gzip members, in order; one when `workers` is 1. */
  readonly members: readonly GzipMember[];
}

/** Default gzip level of {@link packSnapshot}, that of `gzip` and `tar -czf`. */
export const DEFAULT_PACK_LEVEL = 6;

/** Default uncompressed tar bytes per gzip member of {@link packSnapshot}: 4 MiB. */
export const DEFAULT_MEMBER_BYTES: number = 4 * 1024 * 1024;

/** {@link PackSnapshotOptions} checked, with their defaults. @internal */
export interface PackSettings {
  readonly level: number;
  readonly workers: number;
  readonly memberBytes: number;
  readonly signal: AbortSignal | undefined;
}

/**
 * The options to apply, each checked.
 * @throws RangeError for a level outside 0..9 or a worker count or member size that is not a
 * positive integer
 * @internal
 */
export const resolvePackOptions = (options: PackSnapshotOptions): PackSettings => {
  const level = checkedInteger('level', options.level ?? DEFAULT_PACK_LEVEL, 0);
  if (level > 9) throw new RangeError(`level must be an integer from 0 to 9, got ${level}`);
  return {
    level,
    workers: checkedInteger('workers', options.workers ?? availableParallelism(), 1),
    memberBytes: checkedInteger('memberBytes', options.memberBytes ?? DEFAULT_MEMBER_BYTES, 1),
    signal: options.signal,
  };
};
