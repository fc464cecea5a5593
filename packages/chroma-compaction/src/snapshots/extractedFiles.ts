import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { listSnapshotSource } from '../archives/snapshotSource.js';

/** Whether `path` exists (before a download writes into it). @internal */
export const pathExists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * Removes what a download extracted into `dest`: the whole directory when the download
 * created it, else its contents. @internal
 */
export const removeExtracted = async (dest: string, existedBefore: boolean): Promise<void> => {
  if (!existedBefore) {
    await rm(dest, { recursive: true, force: true });
    return;
  }
  const names = await readdir(dest).catch(() => []);
  await Promise.all(names.map((name) => rm(join(dest, name), { recursive: true, force: true })));
};

/**
 * Compares the regular files under `dest` with a manifest's list (paths and sizes).
 * @returns a description of the first difference, or `undefined` when they agree
 * @internal
 */
export const checkExtractedFiles = async (
  dest: string,
  expected: readonly { readonly path: string; readonly size: number }[],
): Promise<string | undefined> => {
  const found = new Map(
    (await listSnapshotSource(dest))
      .filter((entry) => entry.type === 'file')
      .map((entry) => [entry.path, entry.size]),
  );
  for (const { path, size } of expected) {
    const actual = found.get(path);
    if (actual === undefined) return `manifest.json lists ${path}, which the tarball lacks`;
    if (actual !== size) return `${path} has ${actual} bytes; manifest.json says ${size}`;
    found.delete(path);
  }
  const extra = found.keys().next();
  return extra.done === true
    ? undefined
    : `the tarball holds ${extra.value}, which manifest.json does not list`;
};
