/**
 * Where `SnapshotCache` learns of versions other than by downloading them: the store's
 * pointer (the default version), and a folder this process just published.
 * @packageDocumentation
 */
import { cp, rm } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { ObjectNotFoundError } from '../errors.js';
import { isDirectory, moveIntoPlace, readTrimmed, writeFileAtomic } from './cacheFiles.js';
import type { CacheContext } from './cacheOperations.js';
import { NoSnapshotError } from './errors.js';
import { snapshotKeys } from './snapshotKeys.js';

/**
 * The version `latest-pointer.txt` names, trimmed as the Python reader does (spec §15.1).
 * @throws NoSnapshotError when the pointer does not exist
 * @internal
 */
export async function readPointerVersion(context: CacheContext): Promise<string> {
  const key = snapshotKeys(context.collection).pointer;
  try {
    const read = await context.store.get(key);
    return (await text(read.body)).trim();
  } catch (error) {
    if (error instanceof ObjectNotFoundError) {
      throw new NoSnapshotError(
        `Collection ${context.collection} has no snapshot: ${key} does not exist`,
        { collection: context.collection, cause: error, context: { key } },
      );
    }
    throw error;
  }
}

/**
 * Copies the published folder `dir` in as `version` (to a temporary, then renamed) unless
 * it is there already, and advances `.version` to it unless a newer version is current.
 * Call under the version's lock.
 * @internal
 */
export async function copyIntoCache(
  context: CacheContext,
  dir: string,
  version: string,
): Promise<void> {
  const { layout } = context;
  const path = layout.versionPath(version);
  if (!(await isDirectory(path))) {
    const temporary = layout.newTemporary(version);
    try {
      await cp(dir, temporary, { recursive: true, errorOnExist: true, force: false });
      await moveIntoPlace(temporary, path);
    } catch (error) {
      await rm(temporary, { recursive: true, force: true });
      throw error;
    }
  }
  const current = await readTrimmed(layout.currentFile);
  // Version ids sort by time (spec §12.1): a publisher that lost the race keeps the newer one.
  if (current === undefined || current < version) {
    await writeFileAtomic(layout.currentFile, layout.newTemporary(version), version);
  }
}
