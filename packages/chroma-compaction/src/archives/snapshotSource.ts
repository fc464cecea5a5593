/**
 * The listing `packSnapshot` packs: every regular file and directory under a root, in the
 * order the archive holds them. The whole tree is listed (and refused) before any byte is
 * written, so a link or FIFO in the directory never leaves a partial snapshot behind.
 */
import type { Stats } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SnapshotSourceError } from './errors.js';

/** One entry to pack: a path relative to the root, with `/` separators. @internal */
export interface SourceEntry {
  readonly path: string;
  readonly type: 'file' | 'directory';
  /** Bytes of a file (0 for a directory), as listed; the packer checks it still holds. */
  readonly size: number;
}

/** Byte order of the UTF-8 names, the order GNU tar's `--sort=name` and `ls` in C locale use. */
const byteOrder = (a: SourceEntry, b: SourceEntry): number =>
  Buffer.compare(Buffer.from(a.path), Buffer.from(b.path));

/**
 * Lists `root` recursively, sorted by path in byte order, so a directory comes before its
 * contents (a path sorts before every path it prefixes). The root itself is not listed.
 * @throws {@link SnapshotSourceError} for a root that is not a directory, a symbolic link, a
 * FIFO, a socket or a device file.
 * @internal
 */
export const listSnapshotSource = async (root: string): Promise<SourceEntry[]> => {
  const rootStats = await stat(root);
  if (!rootStats.isDirectory()) {
    throw new SnapshotSourceError(`${root} is not a directory; pack a Chroma persist directory`, {
      reason: 'not-a-directory',
      path: '.',
    });
  }
  const entries: SourceEntry[] = [];
  const pending: string[] = [''];
  for (let relative = pending.pop(); relative !== undefined; relative = pending.pop()) {
    const names = await readdir(join(root, relative));
    const listed = await Promise.all(
      names.map(async (name) => {
        const path = relative === '' ? name : `${relative}/${name}`;
        return sourceEntry(path, await lstat(join(root, path)));
      }),
    );
    for (const entry of listed) {
      entries.push(entry);
      if (entry.type === 'directory') pending.push(entry.path);
    }
  }
  return entries.sort(byteOrder);
};

/** What the archive holds for one path, or the refusal of anything else. @internal */
export const sourceEntry = (path: string, stats: Stats): SourceEntry => {
  if (stats.isFile()) return { path, type: 'file', size: stats.size };
  if (stats.isDirectory()) return { path, type: 'directory', size: 0 };
  if (stats.isSymbolicLink()) {
    throw new SnapshotSourceError(`"${path}" is a symbolic link; snapshots hold no links`, {
      reason: 'link',
      path,
    });
  }
  const kind = stats.isFIFO() ? 'FIFO' : stats.isSocket() ? 'socket' : 'device file';
  throw new SnapshotSourceError(
    `"${path}" is a ${kind}; snapshots hold only regular files and directories`,
    { reason: 'special-file', path },
  );
};
