import { ChromaCompactionError, type ChromaCompactionErrorOptions } from '../errors.js';

/**
 * Why an archive was refused:
 * - `path-escape`: a name whose `..` segments lead outside the destination;
 * - `absolute-path`: a name starting with `/`, `\` or a Windows drive (`C:`);
 * - `invalid-path`: an empty name, a NUL byte, a backslash, or a file named `.`;
 * - `link`: a symbolic or hard link (every link is refused, wherever it points);
 * - `special-file`: a device file, FIFO or any type other than file or directory;
 * - `duplicate-entry`: a name that appears twice (after normalisation), or names both a
 *   file and a directory;
 * - `too-many-entries` / `entry-too-large` / `too-large`: a limit of {@link UnpackLimits};
 * - `corrupt`: the gzip or tar stream is truncated or invalid;
 * - `destination-not-empty`: the destination already holds files.
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
  | 'destination-not-empty';

/** Options of {@link ArchiveError}. */
export interface ArchiveErrorOptions extends ChromaCompactionErrorOptions {
  readonly reason: ArchiveErrorReason;
  /** The entry name as the archive spells it, when one entry is at fault. */
  readonly entry?: string | undefined;
}

/**
 * An archive was refused or could not be read. Nothing of it is left on disk: the
 * extraction removed what it wrote before throwing.
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
