import type { BigIntStats } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import type { ObjectInfo } from '../../ports/objectStore.js';
import {
  backOff,
  errorCode,
  isMissing,
  md5OfHandle,
  type ObjectSidecar,
  readSidecar,
  sidecarMatches,
} from './objectFiles.js';
import type { ObjectPaths } from './objectKeyPath.js';

/** Re-reads of an object whose sidecar belongs to another write, before hashing the content. */
const SIDECAR_RETRIES = 3;

/** An open object: the handle to stream from and what the store knows about it. @internal */
export interface OpenObject {
  readonly handle: FileHandle;
  readonly info: ObjectInfo;
}

const infoOf = (
  key: string,
  stats: BigIntStats,
  sidecar: Pick<ObjectSidecar, 'etag' | 'contentType' | 'metadata'>,
): ObjectInfo => ({
  key,
  size: Number(stats.size),
  etag: sidecar.etag,
  lastModified: stats.mtime,
  contentType: sidecar.contentType,
  metadata: { ...sidecar.metadata },
});

/**
 * Opens an object and reads its sidecar, retrying while they belong to different writes
 * (another process committing); when they never agree (a file placed by hand, or a writer
 * that crashed between its two renames) the ETag is computed from the content and the
 * content type and metadata are unknown. `undefined` when there is no object (nothing
 * there, or a directory of other keys). The caller closes the handle.
 * @internal
 */
export const openObject = async (
  paths: ObjectPaths,
  key: string,
): Promise<OpenObject | undefined> => {
  for (let attempt = 0; ; attempt += 1) {
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
      const sidecar = await readSidecar(paths.meta);
      if (sidecar !== undefined && sidecarMatches(sidecar, stats)) {
        return { handle, info: infoOf(key, stats, sidecar) };
      }
      if (attempt >= SIDECAR_RETRIES) {
        return { handle, info: infoOf(key, stats, { etag: await md5OfHandle(handle) }) };
      }
    } catch (error) {
      await handle.close();
      throw error;
    }
    await handle.close();
    await backOff(attempt);
  }
};
