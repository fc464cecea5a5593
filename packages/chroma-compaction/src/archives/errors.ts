import { ChromaCompactionError, type ChromaCompactionErrorOptions } from '../errors.js';
import type { packSnapshot } from './packSnapshot.js';
import type { UnpackLimits } from './types.js';
import type { unpackSnapshot } from './unpackSnapshot.js';

/**
 * Why an archive was refused:
 * - `path-escape`: a name whose `..` segments lead outside the destination;
 * - `absolute-path`: a name starting with `/`, `\` or a Windows drive (`C:`);
 * - `invalid-path`: an empty name, a NUL byte, a backslash, or a file named `.`;
 * - `link`: a symbolic or hard link (every link is refused, wherever it points);
 * - `special-file`: a device file, FIFO or any type other than file or directory;
 * - `duplicate-entry`: a name that appears twice (after normalisation), or names both a
 *   file and a directory;
 * - `too-many-entries` / `entry-too-large` / `too-large`: a limit of {@link UnpackLimits}
 *   (`too-large` also for an archive with far more header or padding bytes than content);
 * - `corrupt`: the gzip or tar stream is truncated or invalid;
 * - `destination-not-empty`: the destination already holds files;
 * - `member-mismatch`: the gzip members passed to `unpackSnapshot` disagree with the file
 *   (not contiguous, past its end, or a member that does not inflate to its `tarSize`), or
 *   one holds more than 64 MiB.
 */
export type ArchiveErrorReason =
  | 'path-escape'
  | 'absolute-path'
  | 'invalid-path'
  | 'link'
  | 'special-file'
  | 'duplicate-entry'
  | 'too-many-entries'
  | 'entry-too-large'
  | 'too-large'
  | 'corrupt'
  | 'destination-not-empty'
  | 'member-mismatch';

/** Options of {@link ArchiveError}. */
export interface ArchiveErrorOptions extends ChromaCompactionErrorOptions {
  /** What is wrong with the archive. */
  readonly reason: ArchiveErrorReason;
  /**
   * The entry name as the archive spells it, when one entry is at fault.
   * @default none: the archive as a whole is at fault
   */
  readonly entry?: string | undefined;
}

/**
 * An archive given to {@link unpackSnapshot} was refused or could not be read. Nothing of
 * it is left on disk: the extraction removed what it wrote before throwing.
 */
export class ArchiveError extends ChromaCompactionError {
  /** What is wrong with the archive. */
  readonly reason: ArchiveErrorReason;
  /** The entry name as the archive spells it, when one entry is at fault. */
  readonly entry: string | undefined;

  constructor(message: string, options: ArchiveErrorOptions) {
    super(message, {
      cause: options.cause,
      context: { ...options.context, reason: options.reason, entry: options.entry },
    });
    this.reason = options.reason;
    this.entry = options.entry;
  }
}

/**
 * Why a directory could not be packed:
 * - `not-a-directory`: the path given is not a directory;
 * - `link`: a symbolic link inside it (links are never packed, wherever they point);
 * - `special-file`: a FIFO, socket or device file inside it;
 * - `changed`: a file changed size or type while it was being packed (pack a directory
 *   nobody writes to, e.g. with Chroma stopped and the lock held).
 */
export type SnapshotSourceErrorReason = 'not-a-directory' | 'link' | 'special-file' | 'changed';

/** Options of {@link SnapshotSourceError}. */
export interface SnapshotSourceErrorOptions extends ChromaCompactionErrorOptions {
  /** What is wrong with the directory. */
  readonly reason: SnapshotSourceErrorReason;
  /** The path at fault, relative to the directory packed (`'.'` for the directory itself). */
  readonly path: string;
}

/**
 * A directory given to {@link packSnapshot} holds something a snapshot may not: only regular
 * files and directories are packed. A refusal found while listing happens before any byte is
 * written; a file that changes later fails the pack, which then removes a destination path.
 */
export class SnapshotSourceError extends ChromaCompactionError {
  /** What is wrong with the directory. */
  readonly reason: SnapshotSourceErrorReason;
  /** The path at fault, relative to the directory packed. */
  readonly path: string;

  constructor(message: string, options: SnapshotSourceErrorOptions) {
    super(message, {
      cause: options.cause,
      context: { ...options.context, reason: options.reason, path: options.path },
    });
    this.reason = options.reason;
    this.path = options.path;
  }
}

/** A zlib failure in a worker, with zlib's code (`Z_DATA_ERROR`, `ERR_BUFFER_TOO_LARGE`, …). @internal */
export class ZlibTaskError extends Error {
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined) {
    super(message);
    this.name = 'ZlibTaskError';
    this.code = code;
  }
}
