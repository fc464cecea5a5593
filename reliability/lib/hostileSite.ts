/**
 * The place a hostile archive is opened in: a witnessed directory (`site`) holding a sentinel
 * file, the destination's parent two levels down, and a staging folder, next to a store that
 * is not witnessed. An archive that escapes its destination by up to three `..` lands inside
 * the site, where the witness sees it.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSystemObjectStore } from '@receipt-chroma/chroma-compaction';
import { changesOutside, linksIn, type TreeWitness, witnessTree } from './fsWitness.js';

/** Paths of the destination and the staging folder, relative to the site. */
export const DEST = 'outer/inner/dest';
export const STAGING = 'outer/inner/staging';

/** One site; remove it with `remove()`. */
export interface HostileSite {
  /** The witnessed directory. */
  readonly site: string;
  /** The destination an archive is extracted into (absolute; absent until created). */
  readonly dest: string;
  /** The `tempDir` given to readers (absolute, exists, empty). */
  readonly staging: string;
  /** Where crafted archives are written to be read as files (outside the site). */
  readonly scratch: string;
  /** A store outside the site. */
  readonly store: FileSystemObjectStore;
  /** Witnesses the site as it is before the archive is read. */
  witness(): Promise<void>;
  /** What changed outside the destination and staging, and the links anywhere in the site. */
  damage(): Promise<{ readonly outside: string[]; readonly links: string[] }>;
  /** Names in the staging folder. */
  staged(): Promise<string[]>;
  remove(): Promise<void>;
}

/** A fresh site under the system's temporary directory. */
export const createHostileSite = async (): Promise<HostileSite> => {
  const base = await mkdtemp(join(tmpdir(), 'reliability-hostile-'));
  const site = join(base, 'site');
  const scratch = join(base, 'scratch');
  await mkdir(join(site, STAGING), { recursive: true });
  await mkdir(scratch);
  await writeFile(join(site, 'sentinel.txt'), 'an archive must never change this file\n');
  let before: TreeWitness | undefined;
  return {
    site,
    dest: join(site, DEST),
    staging: join(site, STAGING),
    scratch,
    store: new FileSystemObjectStore({ root: join(base, 'store'), fsync: false }),
    witness: async () => {
      before = await witnessTree(site);
    },
    damage: async () => {
      if (before === undefined) throw new Error('Witness the site before reading the archive');
      const after = await witnessTree(site);
      return { outside: changesOutside(before, after, [DEST, STAGING]), links: linksIn(after) };
    },
    staged: () => readdir(join(site, STAGING)),
    remove: () => rm(base, { recursive: true, force: true }),
  };
};
