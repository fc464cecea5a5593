/**
 * Where `SnapshotCache` learns of versions other than by downloading them: the store's
 * pointer (the default version), and a folder this process just published.
 * @packageDocumentation
 */
import { cp, rm } from 'node:fs/promises';
import { NoSnapshotError } from '../errors.js';
import { snapshotKeys } from '../snapshotKeys.js';
import { readPointer } from '../snapshotObjects.js';
import { isDirectory, moveIntoPlace, readTrimmed, writeFileAtomic } from './cacheFiles.js';
import type { CacheContext } from './cacheOperations.js';

// Trimmed as in spec §15.1.
/**
 * The version `latest-pointer.txt` names, trimmed as the Python reader does.
 * @throws NoSnapshotError when the pointer does not exist
 * @internal
 */
export async function readPointerVersion(context: CacheContext): Promise<string> {
  const keys = snapshotKeys(context.collection);
  const pointer = await readPointer(context.store, keys);
  if (pointer === undefined) {
    throw new NoSnapshotError(
      `Collection ${context.collection} has no snapshot: ${keys.pointer} does not exist`,
      { collection: context.collection, context: { key: keys.pointer } },
    );
  }
  return pointer.version;
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
