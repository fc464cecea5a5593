import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, expect } from 'vitest';
import { ArchiveError, type ArchiveErrorReason } from '../../src/archives/errors.js';
import type { UnpackSnapshotOptions } from '../../src/archives/types.js';
import { unpackSnapshot } from '../../src/archives/unpackSnapshot.js';
import type { TarEntrySpec } from './tarballs.js';

export const catchError = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

/** A Python-style snapshot: `./` prefixes, nested and implied directories, binary files. */
export const snapshotEntries: TarEntrySpec[] = [
  { name: './', type: 'directory' },
  { name: './chroma.sqlite3', content: Buffer.from(Array.from({ length: 70_000 }, (_, i) => i)) },
  { name: './4f1c/', type: 'directory' },
  { name: './4f1c/data_level0.bin', content: Buffer.alloc(100_000, 7) },
  { name: './4f1c/header.bin', content: 'header' },
  { name: 'deep/er/still/notes.txt', content: 'implied parents' },
  { name: './empty/', type: 'directory' },
];

/** A temp `root` per test holding an empty `dest` and its empty sibling `outside`. */
export interface UnpackWorkspace {
  readonly root: string;
  readonly dest: string;
  readonly outside: string;
  /** Asserts the refusal, and that neither `dest` nor its sibling holds anything. */
  expectRefused(
    source: Readable | string,
    reason: ArchiveErrorReason,
    options?: UnpackSnapshotOptions,
  ): Promise<ArchiveError>;
}

/** Registers the hooks that create and remove an {@link UnpackWorkspace} around each test. */
export const useUnpackWorkspace = (): UnpackWorkspace => {
  let root = '';
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'unpack-snapshot-'));
    await mkdir(join(root, 'dest'));
    await mkdir(join(root, 'outside'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });
  return {
    get root() {
      return root;
    },
    get dest() {
      return join(root, 'dest');
    },
    get outside() {
      return join(root, 'outside');
    },
    async expectRefused(source, reason, options = {}) {
      const error = await catchError(unpackSnapshot(source, this.dest, options));
      expect(error).toBeInstanceOf(ArchiveError);
      expect((error as ArchiveError).reason).toBe(reason);
      expect(await readdir(this.dest)).toEqual([]);
      expect(await readdir(this.outside)).toEqual([]);
      return error as ArchiveError;
    },
  };
};
