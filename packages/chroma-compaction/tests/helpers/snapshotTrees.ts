import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach } from 'vitest';

/** Runs a program, resolving to its stdout; rejects with its stderr on a non-zero exit. */
export const run: (file: string, args: readonly string[]) => Promise<string> = async (file, args) =>
  (await promisify(execFile)(file, [...args], { maxBuffer: 16 * 1024 * 1024 })).stdout;

/** One path of a tree as read back: a directory, or a file with its content's SHA-256. */
export interface TreeEntry {
  readonly path: string;
  readonly type: 'file' | 'directory';
  readonly sha256?: string;
}

/**
 * A small Chroma-shaped persist directory: a sqlite file, a segment directory with binary
 * files, an empty directory, names that sort differently by bytes than by locale, and a
 * name longer than the 100 bytes of a plain ustar name.
 */
export const writeChromaLikeTree = async (root: string): Promise<void> => {
  const files: Record<string, Buffer> = {
    'chroma.sqlite3': Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251)),
    '4f1c/data_level0.bin': randomBytes(100_000),
    '4f1c/header.bin': Buffer.from('header'),
    '4f1c/length.bin': Buffer.alloc(4000, 3),
    'B-upper.txt': Buffer.from('upper case sorts first in byte order'),
    'a-dash/x.txt': Buffer.from('"a-dash" sorts before "a/"'),
    'a/inner.txt': Buffer.from('inner'),
    [`deep/${'n'.repeat(60)}/${'m'.repeat(70)}.bin`]: Buffer.from('a long name'),
    'zero.bin': Buffer.alloc(0),
  };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  await mkdir(join(root, 'empty'), { recursive: true });
};

/** Every file and directory under `root`, sorted by path, files with their SHA-256. */
export const readTree = async (root: string, relative = ''): Promise<TreeEntry[]> => {
  const entries: TreeEntry[] = [];
  for (const dirent of await readdir(join(root, relative), { withFileTypes: true })) {
    const path = relative === '' ? dirent.name : `${relative}/${dirent.name}`;
    if (dirent.isDirectory()) {
      entries.push({ path, type: 'directory' }, ...(await readTree(root, path)));
    } else {
      const content = await readFile(join(root, path));
      entries.push({
        path,
        type: 'file',
        sha256: createHash('sha256').update(content).digest('hex'),
      });
    }
  }
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
};

/** SHA-256 and MD5 of a file, hex. */
export const fileHashes = async (path: string): Promise<{ sha256: string; md5: string }> => {
  const bytes = await readFile(path);
  return {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    md5: createHash('md5').update(bytes).digest('hex'),
  };
};

/** Whether a path exists. */
export const exists = async (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

/** A temp directory per test, removed after it. */
export interface TempRoot {
  readonly root: string;
}

/** Registers the hooks that create and remove a {@link TempRoot} around each test. */
export const useTempRoot = (prefix: string): TempRoot => {
  let root = '';
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });
  return {
    get root() {
      return root;
    },
  };
};
