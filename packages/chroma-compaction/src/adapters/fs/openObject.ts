import type { BigIntStats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import type { ObjectInfo } from '../../ports/objectStore.js';
import { backOff, errorCode, isMissing, md5OfHandle } from './objectFiles.js';
import type { ObjectPaths } from './objectKeyPath.js';
import { withObjectLock } from './objectLock.js';
import {
  identityOf,
  isWriteRefused,
  type ObjectSidecar,
  readSidecar,
  repairSidecar,
  type StoredSidecar,
  sidecarMatches,
} from './objectSidecar.js';

/** Re-reads of an unproven object, without its lock, before hashing the content. */
const SIDECAR_RETRIES = 3;

/** An open object: the handle to stream from and what the store knows about it. @internal */
export interface OpenObject {
  readonly handle: FileHandle;
  readonly info: ObjectInfo;
}

/**
 * A content file opened for reading, with its stats and the sidecar read after opening it.
 * The open handle keeps the file's inode alive, so no later file can take its inode number
 * while the two are compared.
 * @internal
 */
export interface PinnedObject {
  readonly handle: FileHandle;
  readonly stats: BigIntStats;
  readonly sidecar: StoredSidecar | undefined;
}

const infoOf = (
  key: string,
  stats: BigIntStats,
  fields: Pick<StoredSidecar, 'etag' | 'contentType' | 'metadata'>,
): ObjectInfo => ({
  key,
  size: Number(stats.size),
  etag: fields.etag,
  lastModified: stats.mtime,
  contentType: fields.contentType,
  metadata: { ...fields.metadata },
});

/**
 * Opens an object's content file and reads its sidecar. `undefined` when there is no object
 * (nothing there, or a directory of other keys). The caller closes the handle.
 * @internal
 */
export const openPinned = async (paths: ObjectPaths): Promise<PinnedObject | undefined> => {
  let handle: FileHandle;
  try {
    handle = await open(paths.file, 'r');
  } catch (error) {
    if (isMissing(error) || errorCode(error) === 'EISDIR') return undefined;
    throw error;
  }
  try {
    const stats = await handle.stat({ bigint: true });
    if (!stats.isFile()) {
      await handle.close();
      return undefined;
    }
    return { handle, stats, sidecar: await readSidecar(paths.meta) };
  } catch (error) {
    await handle.close();
    throw error;
  }
};

/** The object's info from its sidecar, when the sidecar belongs to this content file. @internal */
export const provenInfo = (key: string, pinned: PinnedObject): ObjectInfo | undefined =>
  sidecarMatches(pinned.sidecar, pinned.stats)
    ? infoOf(key, pinned.stats, pinned.sidecar as StoredSidecar)
    : undefined;

/**
 * Hashes the content and returns its info and a sidecar for it. The content type and
 * metadata of the sidecar found are kept only when its ETag is the MD5 just computed (a copied
 * store: same bytes, new inode); otherwise they are unknown.
 */
const derive = async (
  key: string,
  pinned: PinnedObject,
): Promise<{ info: ObjectInfo; sidecar: ObjectSidecar }> => {
  const etag = await md5OfHandle(pinned.handle);
  const same = pinned.sidecar?.etag === etag ? pinned.sidecar : undefined;
  const sidecar: ObjectSidecar = {
    v: 2,
    etag,
    ...identityOf(pinned.stats),
    contentType: same?.contentType,
    metadata: same?.metadata,
  };
  return { info: infoOf(key, pinned.stats, sidecar), sidecar };
};

/**
 * Opens an object while the caller holds its lock, so no commit runs meanwhile: the sidecar
 * when it matches the content, else the MD5 of the content (and with `repair`, a new sidecar
 * so the next read is cheap). `undefined` when there is no object. The caller closes the
 * handle.
 * @internal
 */
export const settleObject = async (
  paths: ObjectPaths,
  key: string,
  repair: boolean,
): Promise<OpenObject | undefined> => {
  const pinned = await openPinned(paths);
  if (pinned === undefined) return undefined;
  try {
    const proven = provenInfo(key, pinned);
    if (proven !== undefined) return { handle: pinned.handle, info: proven };
    const { info, sidecar } = await derive(key, pinned);
    if (repair) await repairSidecar(paths, sidecar);
    return { handle: pinned.handle, info };
  } catch (error) {
    await pinned.handle.close();
    throw error;
  }
};

/**
 * Opens an object without its lock (a store this process may not write): re-reads while its
 * sidecar does not match (a commit in progress elsewhere), then hashes the content, whose
 * MD5 is right whatever the sidecar says. `undefined` when there is no object. The caller
 * closes the handle.
 * @internal
 */
export const openObjectUnlocked = async (
  paths: ObjectPaths,
  key: string,
): Promise<OpenObject | undefined> => {
  for (let attempt = 0; ; attempt += 1) {
    const pinned = await openPinned(paths);
    if (pinned === undefined) return undefined;
    try {
      const proven = provenInfo(key, pinned);
      if (proven !== undefined) return { handle: pinned.handle, info: proven };
      if (attempt >= SIDECAR_RETRIES) {
        return { handle: pinned.handle, info: (await derive(key, pinned)).info };
      }
    } catch (error) {
      await pinned.handle.close();
      throw error;
    }
    await pinned.handle.close();
    await backOff(attempt);
  }
};

/**
 * Reads an object whose sidecar did not match: under its lock (a commit elsewhere has then
 * finished, or the content is hashed and the sidecar repaired), or, when this process may
 * not write the store, without it.
 */
const settle = async (paths: ObjectPaths, key: string): Promise<OpenObject | undefined> => {
  try {
    const settled = await withObjectLock(paths, () => settleObject(paths, key, true), {
      createDir: false,
    });
    return settled.acquired ? settled.value : undefined;
  } catch (error) {
    if (!isWriteRefused(error)) throw error;
    return openObjectUnlocked(paths, key);
  }
};

/**
 * Opens an object for `get` and `head`: lock-free when its sidecar matches its content (the
 * usual case), else settled under its lock. `undefined` when there is no object. The caller
 * closes the handle.
 * @internal
 */
export const openObject = async (
  paths: ObjectPaths,
  key: string,
): Promise<OpenObject | undefined> => {
  const pinned = await openPinned(paths);
  if (pinned === undefined) return undefined;
  const proven = provenInfo(key, pinned);
  if (proven !== undefined) return { handle: pinned.handle, info: proven };
  await pinned.handle.close();
  return settle(paths, key);
};

/**
 * A listed object's info (no content type or metadata): from a `stat` and its sidecar when
 * they match, without opening the content; else settled under its lock. `undefined` when
 * there is no object.
 * @internal
 */
export const listedInfo = async (
  paths: ObjectPaths,
  key: string,
): Promise<ObjectInfo | undefined> => {
  const stats = await stat(paths.file, { bigint: true }).catch((error: unknown) => {
    if (isMissing(error)) return undefined;
    throw error;
  });
  if (stats === undefined || !stats.isFile()) return undefined;
  const sidecar = await readSidecar(paths.meta);
  if (sidecar !== undefined && sidecarMatches(sidecar, stats)) {
    return { key, size: Number(stats.size), etag: sidecar.etag, lastModified: stats.mtime };
  }
  const opened = await settle(paths, key);
  await opened?.handle.close();
  if (opened === undefined) return undefined;
  const { size, etag, lastModified } = opened.info;
  return { key, size, etag, lastModified };
};
