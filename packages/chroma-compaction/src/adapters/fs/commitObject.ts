import { link, rename, unlink } from 'node:fs/promises';
import { isMissing, tempPathIn, unlinkQuietly } from './objectFiles.js';
import type { ObjectPaths } from './objectKeyPath.js';
import type { HeldLock } from './objectLock.js';

/** A put ready to commit: its written content and the sidecar describing it, both temp files. @internal */
export interface PendingObject {
  readonly content: string;
  readonly sidecar: string;
}

/** Renames `from` to `to`; `false` when `from` does not exist. */
const renameIfPresent = async (from: string, to: string): Promise<boolean> => {
  try {
    await rename(from, to);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
};

/**
 * Makes a written temp file the object, with its sidecar; the caller holds the object's lock.
 * The order keeps the rule on `FileSystemObjectStore` (a sidecar present belongs to the
 * content present):
 *
 * 1. the current sidecar is moved aside (creating: any sidecar is left from an object that no
 *    longer exists, and is removed), so no reader can pair it with the new content;
 * 2. the content is renamed over the object (creating: hard-linked, which fails with `EEXIST`
 *    when the object exists; the temp name is left for the caller to remove);
 * 3. the new sidecar is renamed in, and the old one removed.
 *
 * When step 2 fails, the old sidecar is put back (the old content is still there). A crash
 * after step 1 leaves content without a sidecar: readers then hash it, so its ETag stays
 * right, but its content type and metadata are lost.
 * @internal
 */
export const commitObject = async (
  paths: ObjectPaths,
  pending: PendingObject,
  createOnly: boolean,
  held: HeldLock,
): Promise<void> => {
  held.assertHeld();
  if (createOnly) {
    await unlinkQuietly(paths.meta);
    await link(pending.content, paths.file);
    await rename(pending.sidecar, paths.meta);
    return;
  }
  const aside = tempPathIn(paths.dir);
  const moved = await renameIfPresent(paths.meta, aside);
  try {
    await rename(pending.content, paths.file);
  } catch (error) {
    if (moved) await rename(aside, paths.meta);
    throw error;
  }
  await rename(pending.sidecar, paths.meta);
  // The object is committed; an old sidecar left under a temp name is never listed.
  if (moved) await unlink(aside).catch(() => undefined);
};
