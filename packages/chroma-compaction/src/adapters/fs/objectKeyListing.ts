import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isMissing } from './objectFiles.js';
import { keyProblem, RESERVED_NAME_PREFIX, sortByUtf8 } from './objectKeyPath.js';

/** The keys of a listing, before the store reads each object's info. @internal */
export interface KeyListing {
  /** Keys listed as objects, sorted by UTF-8 bytes. */
  readonly objectKeys: string[];
  /** With a delimiter: the distinct common prefixes, sorted by UTF-8 bytes. */
  readonly prefixes: string[];
}

/** Collects the keys of the files under `dir` (whose key prefix is `dirKey`) that start with `prefix`. */
const walk = async (dir: string, dirKey: string, prefix: string, keys: string[]): Promise<void> => {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  for (const entry of entries) {
    // The store's own files, and names no key could produce, are not objects.
    if (entry.name.startsWith(RESERVED_NAME_PREFIX) || keyProblem(entry.name) !== undefined) {
      continue;
    }
    const key = `${dirKey}${entry.name}`;
    if (entry.isDirectory()) {
      const below = `${key}/`;
      if (below.startsWith(prefix) || prefix.startsWith(below)) {
        await walk(join(dir, entry.name), below, prefix, keys);
      }
    } else if (entry.isFile() && key.startsWith(prefix)) {
      keys.push(key);
    }
  }
};

/**
 * The keys under `root` that start with `prefix`, with S3's delimiter semantics: a key whose
 * rest (after the prefix) contains the delimiter is rolled up into the common prefix ending
 * at its first delimiter. Only the directory named by the prefix's complete segments is
 * walked; a prefix whose directory part no key could have matches nothing. Empty
 * directories yield no prefix, since prefixes come from keys.
 * @internal
 */
export const listKeys = async (
  root: string,
  prefix: string,
  delimiter: string | undefined,
): Promise<KeyListing> => {
  const baseKey = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  if (baseKey !== '' && keyProblem(baseKey.slice(0, -1)) !== undefined) {
    return { objectKeys: [], prefixes: [] };
  }
  const keys: string[] = [];
  await walk(join(root, ...baseKey.split('/')), baseKey, prefix, keys);
  const objectKeys: string[] = [];
  const prefixes = new Set<string>();
  for (const key of keys) {
    const at = delimiter === undefined ? -1 : key.indexOf(delimiter, prefix.length);
    if (delimiter !== undefined && at !== -1) {
      prefixes.add(key.slice(0, at + delimiter.length));
    } else {
      objectKeys.push(key);
    }
  }
  const byKey = (value: string): string => value;
  return { objectKeys: sortByUtf8(objectKeys, byKey), prefixes: sortByUtf8([...prefixes], byKey) };
};
