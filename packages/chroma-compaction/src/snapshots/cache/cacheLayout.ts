/**
 * Where `SnapshotCache` keeps things under `{root}/snapshots/{collection}/` (DESIGN §4):
 * - `{version}/`: a complete Chroma persist directory. A version folder appears only by
 *   the final rename of a finished temporary, so its existence means it is complete;
 * - `.version`: the current version id, plain text without a newline (as the Python cache);
 * - `.tmp-{version}-{8 hex}`: a download, copy, removal or `.version` write in progress.
 *   It is only ever created and removed under the version's lock, so one found while
 *   holding that lock was left by a process that died;
 * - `.locks/`: cross-process locks (proper-lockfile directories): `collection`, and
 *   `version-{version}` per version;
 * - `.holds/{version}/{pid}-{8 hex}`: one lock directory per `acquire` still in use.
 * Every name of the cache's own starts with a dot, so version folders never clash with it.
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { CollectionName } from '../../compaction/types.js';

/** The paths of one collection's cache. @internal */
export interface CacheLayout {
  /** `{root}/snapshots/{collection}` */
  readonly dir: string;
  /** `{dir}/.version` */
  readonly currentFile: string;
  /** `{dir}/.locks` */
  readonly locksDir: string;
  /** `{dir}/.locks/collection`: held by `cleanup` while it decides and removes. */
  readonly collectionLock: string;
  /** `{dir}/.holds` */
  readonly holdsDir: string;
  /** `{dir}/{version}` */
  versionPath(version: string): string;
  /** `{dir}/.locks/version-{version}`: held around check, download and rename of a version. */
  versionLock(version: string): string;
  /** `{dir}/.holds/{version}`: the holds of a version, one lock directory each. */
  versionHolds(version: string): string;
  /** A new, unused temporary sibling for `version`. */
  newTemporary(version: string): string;
}

/** Names of temporaries start with this. @internal */
export const TEMPORARY_PREFIX = '.tmp-';
const TEMPORARY_NAME = /^\.tmp-(.+)-[0-9a-f]{8}$/;
const VERSION_LOCK_PREFIX = 'version-';

/** A version id usable as a folder name: no dot first, no separators, at most 128 characters. */
const VERSION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** `true` when `name` can be a version folder. @internal */
export const isVersionName = (name: string): boolean => VERSION_NAME.test(name);

/** The version a temporary belongs to, or `undefined` for any other name. @internal */
export const temporaryVersion = (name: string): string | undefined => {
  const version = TEMPORARY_NAME.exec(name)?.[1];
  return version !== undefined && isVersionName(version) ? version : undefined;
};

/** The version of a lock in `.locks/`, or `undefined` for the collection lock. @internal */
export const lockVersion = (name: string): string | undefined =>
  name.startsWith(VERSION_LOCK_PREFIX) ? name.slice(VERSION_LOCK_PREFIX.length) : undefined;

/** The layout of `collection`'s cache under `root`. @internal */
export const cacheLayout = (root: string, collection: CollectionName): CacheLayout => {
  const dir = join(root, 'snapshots', collection);
  const locksDir = join(dir, '.locks');
  const holdsDir = join(dir, '.holds');
  return {
    dir,
    currentFile: join(dir, '.version'),
    locksDir,
    collectionLock: join(locksDir, 'collection'),
    holdsDir,
    versionPath: (version) => join(dir, version),
    versionLock: (version) => join(locksDir, `${VERSION_LOCK_PREFIX}${version}`),
    versionHolds: (version) => join(holdsDir, version),
    newTemporary: (version) =>
      join(dir, `${TEMPORARY_PREFIX}${version}-${randomBytes(4).toString('hex')}`),
  };
};
