/**
 * File-system steps of the snapshot cache that must be atomic for readers in other
 * processes: a version or `.version` becomes visible by one `rename` of a finished
 * temporary, and a version disappears by one `rename` to a temporary before it is deleted.
 * @packageDocumentation
 */
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The `code` of a `node:fs` error (`ENOENT`, …), or `undefined`. @internal */
export const errorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;

/** `true` when `path` is an existing directory. @internal */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return false;
    throw error;
  }
}

/**
 * Flushes a directory's entries (a rename in it) to disk. Some file systems cannot fsync a
 * directory (`EINVAL`, `EISDIR`, `EPERM`); there the rename is as durable as they make it.
 * @internal
 */
export async function syncDirectory(path: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch (error) {
    const code = errorCode(error);
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'EBADF') {
      throw error;
    }
  } finally {
    await handle?.close();
  }
}

/**
 * Renames the finished temporary `from` to `to`, unless a folder is already at `to` (put
 * there by a writer that does not take the cache's locks): then that one is kept and `from`
 * removed.
 * @returns `true` when `from` became `to`
 * @internal
 */
export async function moveIntoPlace(from: string, to: string): Promise<boolean> {
  try {
    await rename(from, to);
  } catch (error) {
    const code = errorCode(error);
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    await rm(from, { recursive: true, force: true });
    return false;
  }
  await syncDirectory(dirname(to));
  return true;
}

/**
 * Replaces the file `path` with `text` atomically: writes the temporary `temporary` in the
 * same directory, flushes it, and renames it over `path`.
 * @internal
 */
export async function writeFileAtomic(
  path: string,
  temporary: string,
  text: string,
): Promise<void> {
  try {
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(dirname(path));
}

/**
 * The trimmed text of `path`, or `undefined` when the file does not exist or is blank.
 * @internal
 */
export async function readTrimmed(path: string): Promise<string | undefined> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    return text === '' ? undefined : text;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}
