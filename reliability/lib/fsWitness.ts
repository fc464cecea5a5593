/**
 * A witness of a directory tree: every path under a root with what it is (type, size, link
 * count, content hash, link target), so a scenario can prove that refusing an archive wrote,
 * changed or linked nothing outside the destination it was given.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Path (relative to the root, `/`-separated) to a description of what is there. */
export type TreeWitness = ReadonlyMap<string, string>;

/** Describes one path without following it. */
const describe = async (path: string): Promise<string> => {
  const stats = await lstat(path);
  if (stats.isSymbolicLink()) return `symlink -> ${await readlink(path)}`;
  if (stats.isDirectory()) return 'directory';
  if (stats.isFile()) {
    const sha256 = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
    return `file ${stats.size} bytes, ${stats.nlink} link(s), sha256 ${sha256}`;
  }
  return `special (mode ${stats.mode.toString(8)})`;
};

/** Every path under `root` (the root itself not included), described. */
export const witnessTree = async (root: string): Promise<TreeWitness> => {
  const seen = new Map<string, string>();
  const visit = async (relative: string): Promise<void> => {
    for (const dirent of await readdir(join(root, relative), { withFileTypes: true })) {
      const path = relative === '' ? dirent.name : `${relative}/${dirent.name}`;
      seen.set(path, await describe(join(root, path)));
      if (dirent.isDirectory()) await visit(path);
    }
  };
  await visit('');
  return seen;
};

/** Whether `path` is `dir` or lies below it (both relative to the same root). */
const within = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir}/`);

/**
 * The paths added, removed or changed between two witnesses of the same root, leaving out
 * those at or below `exempt` (the destination the archive was meant for).
 */
export const changesOutside = (
  before: TreeWitness,
  after: TreeWitness,
  exempt: readonly string[],
): string[] => {
  const changes: string[] = [];
  const paths = new Set([...before.keys(), ...after.keys()]);
  for (const path of [...paths].sort()) {
    if (exempt.some((dir) => within(path, dir))) continue;
    const was = before.get(path);
    const is = after.get(path);
    if (was === is) continue;
    changes.push(`${path}: ${was ?? 'absent'} -> ${is ?? 'absent'}`);
  }
  return changes;
};

/** Paths that are symbolic links, or files with more than one hard link. */
export const linksIn = (witness: TreeWitness): string[] =>
  [...witness.entries()]
    .filter(([, description]) => {
      if (description.startsWith('symlink')) return true;
      const links = / (\d+) link\(s\)/.exec(description)?.[1];
      return links !== undefined && Number(links) > 1;
    })
    .map(([path]) => path);
