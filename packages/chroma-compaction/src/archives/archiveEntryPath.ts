import { posix } from 'node:path';
import { ArchiveError } from './errors.js';

/**
 * The destination-relative path of an entry, normalised with `path.posix` and without
 * `./` prefixes or trailing slashes; `'.'` is the destination itself. Refuses every name
 * that could leave the destination on any platform: absolute paths (`/x`, `\x`, `C:x`),
 * `..` that climbs out, backslashes (a separator on Windows), NUL bytes and empty names.
 * @internal
 */
export const archiveEntryPath = (name: string): string => {
  if (name === '' || name.includes('\0')) {
    throw new ArchiveError(`Archive entry ${JSON.stringify(name)} has an empty or NUL name`, {
      reason: 'invalid-path',
      entry: name,
    });
  }
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name)) {
    throw new ArchiveError(
      `Archive entry "${name}" is an absolute path; snapshot entries must be relative`,
      { reason: 'absolute-path', entry: name },
    );
  }
  if (name.includes('\\')) {
    throw new ArchiveError(
      `Archive entry "${name}" contains a backslash, which Windows reads as a separator`,
      { reason: 'invalid-path', entry: name },
    );
  }
  const normalised = posix.normalize(name).replace(/\/+$/, '');
  if (normalised === '..' || normalised.startsWith('../')) {
    throw new ArchiveError(`Archive entry "${name}" climbs out of the destination with ".."`, {
      reason: 'path-escape',
      entry: name,
    });
  }
  return normalised === '' ? '.' : normalised;
};

/** What a destination-relative path is: a file, a listed directory or an implied one. @internal */
export type PathKind = 'file' | 'directory' | 'parent';

/**
 * Records `relative` and its parents in `paths`, refusing a name seen before or a file used
 * as a parent. A directory may be listed once after files inside it implied it.
 * @internal
 */
export const claimPath = (
  relative: string,
  isDirectory: boolean,
  name: string,
  paths: Map<string, PathKind>,
): void => {
  const previous = paths.get(relative);
  if (previous !== undefined && !(previous === 'parent' && isDirectory)) {
    throw new ArchiveError(`Archive entry "${name}" names "${relative}" a second time`, {
      reason: 'duplicate-entry',
      entry: name,
    });
  }
  const segments = relative.split('/');
  for (let end = 1; end < segments.length; end += 1) {
    const parent = segments.slice(0, end).join('/');
    if (paths.get(parent) === 'file') {
      throw new ArchiveError(`Archive entry "${name}" puts a path under the file "${parent}"`, {
        reason: 'duplicate-entry',
        entry: name,
      });
    }
    if (!paths.has(parent)) paths.set(parent, 'parent');
  }
  paths.set(relative, isDirectory ? 'directory' : 'file');
};
