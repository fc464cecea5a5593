import type { BigIntStats } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { PutOptions } from '../../ports/objectStore.js';
import { errorCode, isMissing, tempPathIn, unlinkQuietly } from './objectFiles.js';
import type { ObjectPaths } from './objectKeyPath.js';

/**
 * Which version of a content file a sidecar describes: its inode number, size and
 * modification time in nanoseconds, as `stat` reports them after the last byte was written.
 * A rename keeps all three, so the identity survives the commit; a copy (`cp -a`) gets new
 * inodes, and a file rewritten in place gets a new modification time.
 * @internal
 */
export interface FileIdentity {
  /** The inode number, in decimal (bigint-safe). */
  readonly ino: string;
  readonly size: number;
  /** The modification time in nanoseconds since the epoch, in decimal. */
  readonly mtimeNs: string;
}

/**
 * What the store keeps next to an object (`.~meta.<name>`, JSON): its ETag, content type and
 * metadata, and the {@link FileIdentity} of the content they belong to. The sidecar is
 * trusted only when that identity is the one of the content file read; the commit rule that
 * makes this safe is on `FileSystemObjectStore`.
 * @internal
 */
export interface ObjectSidecar extends FileIdentity {
  readonly v: 2;
  readonly etag: string;
  readonly contentType?: string | undefined;
  readonly metadata?: Readonly<Record<string, string>> | undefined;
}

/**
 * A sidecar as read from disk. `identity` is `undefined` for a sidecar this store cannot
 * match to a content file (an earlier format): its fields are then only reused when the
 * content's MD5 equals its ETag.
 * @internal
 */
export interface StoredSidecar {
  readonly etag: string;
  readonly contentType?: string | undefined;
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  readonly identity?: FileIdentity | undefined;
}

/** The identity of the content file with these stats. @internal */
export const identityOf = (stats: BigIntStats): FileIdentity => ({
  ino: stats.ino.toString(),
  size: Number(stats.size),
  mtimeNs: stats.mtimeNs.toString(),
});

/**
 * The sidecar of content just written: its ETag, the identity of the temp file (a rename
 * keeps it), and the put's content type and metadata (keys lower-cased, as S3 returns them).
 * @internal
 */
export const sidecarFor = (
  etag: string,
  stats: BigIntStats,
  options: Pick<PutOptions, 'contentType' | 'metadata'>,
): ObjectSidecar => ({
  v: 2,
  etag,
  ...identityOf(stats),
  contentType: options.contentType,
  metadata:
    options.metadata === undefined
      ? undefined
      : Object.fromEntries(
          Object.entries(options.metadata).map(([name, value]) => [name.toLowerCase(), value]),
        ),
});

const isStringRecord = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' &&
  value !== null &&
  Object.values(value).every((entry) => typeof entry === 'string');

/** Parses a sidecar's JSON; `undefined` for a torn or foreign file. */
const parseSidecar = (text: string): StoredSidecar | undefined => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const fields = value as Record<string, unknown>;
  const { v, etag, contentType, metadata, ino, size, mtimeNs } = fields;
  if ((v !== 1 && v !== 2) || typeof etag !== 'string') return undefined;
  if (contentType !== undefined && typeof contentType !== 'string') return undefined;
  if (metadata !== undefined && !isStringRecord(metadata)) return undefined;
  const identity =
    v === 2 && typeof ino === 'string' && typeof size === 'number' && typeof mtimeNs === 'string'
      ? { ino, size, mtimeNs }
      : undefined;
  return { etag, contentType, metadata, identity };
};

/** Reads a sidecar; `undefined` when it is missing or not a sidecar. @internal */
export const readSidecar = async (path: string): Promise<StoredSidecar | undefined> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isMissing(error) || errorCode(error) === 'EISDIR') return undefined;
    throw error;
  }
  return parseSidecar(text);
};

/** Whether a sidecar describes the content file with these stats. @internal */
export const sidecarMatches = (sidecar: StoredSidecar | undefined, stats: BigIntStats): boolean => {
  const identity = sidecar?.identity;
  if (identity === undefined) return false;
  const actual = identityOf(stats);
  return (
    identity.ino === actual.ino &&
    identity.size === actual.size &&
    identity.mtimeNs === actual.mtimeNs
  );
};

/**
 * Writes a sidecar to a fresh temp file in the object's directory and returns its path; the
 * caller renames it over `paths.meta` when committing (or removes it).
 * @internal
 */
export const writeSidecarTemp = async (
  paths: ObjectPaths,
  sidecar: ObjectSidecar,
): Promise<string> => {
  const path = tempPathIn(paths.dir);
  try {
    await writeFile(path, JSON.stringify(sidecar), { encoding: 'utf8', flag: 'wx' });
  } catch (error) {
    // A torn temp file is removed; a name collision leaves the other file alone.
    if (errorCode(error) !== 'EEXIST') await unlinkQuietly(path);
    throw error;
  }
  return path;
};

/** Codes of a file system that refuses writes; a sidecar repair is then skipped. */
const READ_ONLY_CODES = new Set(['EROFS', 'EACCES', 'EPERM', 'ENOSPC', 'EDQUOT']);

/** Whether an error says the file system refuses writes here. @internal */
export const isWriteRefused = (error: unknown): boolean =>
  READ_ONLY_CODES.has(errorCode(error) ?? '');

/**
 * Replaces an object's sidecar with one derived from its content. The caller holds the
 * object's lock, so no commit runs meanwhile. A file system that refuses the write leaves the
 * old sidecar: the repair only saves hashing the content again, so nothing is lost.
 * @internal
 */
export const repairSidecar = async (paths: ObjectPaths, sidecar: ObjectSidecar): Promise<void> => {
  let temp: string | undefined;
  try {
    temp = await writeSidecarTemp(paths, sidecar);
    await rename(temp, paths.meta);
  } catch (error) {
    if (temp !== undefined) await unlinkQuietly(temp);
    if (!isWriteRefused(error)) throw error;
  }
};
