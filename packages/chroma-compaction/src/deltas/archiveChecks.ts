import { archiveEntryPath } from '../archives/archiveEntryPath.js';
import { ArchiveError, type ArchiveErrorReason } from '../archives/errors.js';
import { type DeltaCheck, DeltaIntegrityError } from './errors.js';

const CHECK_OF_REASON: Readonly<Record<ArchiveErrorReason, DeltaCheck>> = {
  'path-escape': 'entry-path',
  'absolute-path': 'entry-path',
  'invalid-path': 'entry-path',
  link: 'entry-type',
  'special-file': 'entry-type',
  'duplicate-entry': 'entry-duplicate',
  'too-many-entries': 'too-large',
  'entry-too-large': 'too-large',
  'too-large': 'too-large',
  corrupt: 'archive',
  'destination-not-empty': 'archive',
  'member-mismatch': 'archive',
};

/**
 * The delta check an archive refusal stands for, as a {@link DeltaIntegrityError}; any other
 * error is returned as it is.
 * @internal
 */
export const deltaErrorOfArchive = (error: unknown, prefix: string): unknown =>
  error instanceof ArchiveError
    ? new DeltaIntegrityError(`Delta refused: ${error.message}`, {
        prefix,
        check: CHECK_OF_REASON[error.reason],
        entry: error.entry,
        cause: error,
      })
    : error;

/**
 * An entry's name relative to the delta (no `./` prefixes), or a `DeltaIntegrityError`
 * (`entry-path`) for a name that could leave it (the rules of `archiveEntryPath`).
 * @internal
 */
export const deltaEntryName = (name: string, prefix: string): string => {
  try {
    return archiveEntryPath(name);
  } catch (error) {
    throw deltaErrorOfArchive(error, prefix);
  }
};
