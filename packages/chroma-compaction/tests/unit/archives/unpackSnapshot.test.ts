import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiveError, type ArchiveErrorReason } from '../../../src/archives/errors.js';
import { unpackSnapshot } from '../../../src/archives/unpackSnapshot.js';
import { type TarEntrySpec, tarGz, zeroBomb } from '../../helpers/tarballs.js';

const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

const catchError = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

/** A Python-style snapshot: `./` prefixes, nested directories, a binary file. */
const snapshotEntries: TarEntrySpec[] = [
  { name: './', type: 'directory' },
  { name: './chroma.sqlite3', content: Buffer.from(Array.from({ length: 70_000 }, (_, i) => i)) },
  { name: './4f1c/', type: 'directory' },
  { name: './4f1c/data_level0.bin', content: Buffer.alloc(100_000, 7) },
  { name: './4f1c/header.bin', content: 'header' },
  { name: 'deep/er/still/notes.txt', content: 'implied parents' },
  { name: './empty/', type: 'directory' },
];

describe('Function: unpackSnapshot', () => {
  let root: string;
  let dest: string;
  let outside: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'unpack-snapshot-'));
    dest = join(root, 'dest');
    outside = join(root, 'outside');
    await mkdir(dest);
    await mkdir(outside);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Asserts the refusal, and that neither `dest` nor its sibling holds anything. */
  const expectRefused = async (
    source: Readable | string,
    reason: ArchiveErrorReason,
    limits = {},
  ): Promise<ArchiveError> => {
    const error = await catchError(unpackSnapshot(source, dest, limits));
    expect(error).toBeInstanceOf(ArchiveError);
    expect((error as ArchiveError).reason).toBe(reason);
    expect(await readdir(dest)).toEqual([]);
    expect(await readdir(outside)).toEqual([]);
    return error as ArchiveError;
  };

  const refuseEntries = async (
    entries: TarEntrySpec[],
    reason: ArchiveErrorReason,
  ): Promise<ArchiveError> => {
    // A valid file first, so the refusal must also remove what was already written.
    const archive = await tarGz([{ name: './first.txt', content: 'written' }, ...entries]);
    return expectRefused(Readable.from([archive]), reason);
  };

  describe('valid archives', () => {
    it('round-trips files byte for byte from a stream', async () => {
      // Prepare
      const archive = await tarGz(snapshotEntries);

      // Act
      const result = await unpackSnapshot(Readable.from([archive]), dest);

      // Assess
      expect(result).toEqual({ entries: 6, bytes: 170_000 + 6 + 15 });
      for (const { name, type, content } of snapshotEntries) {
        if (type === 'directory') continue;
        expect(sha256(await readFile(join(dest, name)))).toBe(sha256(content ?? ''));
      }
      expect(existsSync(join(dest, 'empty'))).toBe(true);
      expect((await readdir(dest)).sort()).toEqual(['4f1c', 'chroma.sqlite3', 'deep', 'empty']);
    });

    it('reads a file path and creates a missing destination', async () => {
      // Prepare
      const file = join(root, 'snapshot.tar.gz');
      await writeFile(file, await tarGz(snapshotEntries));
      const fresh = join(root, 'new', 'dest');

      // Act
      const result = await unpackSnapshot(file, fresh);

      // Assess
      expect(result.entries).toBe(6);
      expect(await readFile(join(fresh, '4f1c', 'header.bin'), 'utf8')).toBe('header');
    });

    it('refuses a destination that already holds files, leaving them alone', async () => {
      // Prepare
      await writeFile(join(dest, 'mine.txt'), 'keep');
      const archive = await tarGz([{ name: 'mine.txt', content: 'theirs' }]);

      // Act
      const error = await catchError(unpackSnapshot(Readable.from([archive]), dest));

      // Assess
      expect((error as ArchiveError).reason).toBe('destination-not-empty');
      expect(await readFile(join(dest, 'mine.txt'), 'utf8')).toBe('keep');
    });

    it('removes a destination it created when the archive is refused', async () => {
      // Prepare
      const archive = await tarGz([
        { name: 'a.txt', content: 'a' },
        { name: '../x', content: 'x' },
      ]);
      const fresh = join(root, 'new', 'dest');

      // Act
      const error = await catchError(unpackSnapshot(Readable.from([archive]), fresh));

      // Assess
      expect((error as ArchiveError).reason).toBe('path-escape');
      expect(existsSync(join(root, 'new'))).toBe(false);
    });
  });

  describe('hostile entries', () => {
    it.each<[string, TarEntrySpec, ArchiveErrorReason]>([
      ['a .. that climbs out', { name: '../outside/pwned', content: 'x' }, 'path-escape'],
      ['a .. in the middle', { name: './a/../../outside/pwned', content: 'x' }, 'path-escape'],
      ['an absolute path', { name: '/tmp/unpack-snapshot-pwned', content: 'x' }, 'absolute-path'],
      ['a Windows drive path', { name: 'C:/Windows/pwned', content: 'x' }, 'absolute-path'],
      ['a backslash', { name: '..\\outside\\pwned', content: 'x' }, 'invalid-path'],
      ['a symlink inside', { name: 'link', type: 'symlink', linkname: 'first.txt' }, 'link'],
      ['a symlink outside', { name: 'link', type: 'symlink', linkname: '../outside' }, 'link'],
      ['a hard link', { name: 'hard', type: 'link', linkname: 'first.txt' }, 'link'],
      ['a FIFO', { name: 'fifo', type: 'fifo' }, 'special-file'],
      ['a character device', { name: 'null', type: 'character-device' }, 'special-file'],
      ['a block device', { name: 'sda', type: 'block-device' }, 'special-file'],
      ['a duplicate name', { name: 'first.txt', content: 'again' }, 'duplicate-entry'],
      [
        'a duplicate after normalisation',
        { name: 'x/../first.txt', content: 'y' },
        'duplicate-entry',
      ],
      ['a path under a file', { name: './first.txt/inner', content: 'y' }, 'duplicate-entry'],
    ])('refuses %s', async (_label, entry, reason) => {
      // Act
      const error = await refuseEntries([entry], reason);

      // Assess
      expect(error.entry).toBe(entry.name);
      expect(error.message).toContain(entry.name);
    });

    it('refuses a directory listed twice', async () => {
      await refuseEntries(
        [
          { name: 'd/', type: 'directory' },
          { name: './d', type: 'directory' },
        ],
        'duplicate-entry',
      );
    });
  });

  describe('limits and corruption', () => {
    it('refuses more entries than maxEntries', async () => {
      // Prepare
      const entries = Array.from({ length: 4 }, (_, i) => ({ name: `f${i}`, content: 'x' }));
      const archive = await tarGz(entries);

      // Act & Assess
      expect(
        (await unpackSnapshot(Readable.from([archive]), dest, { maxEntries: 4 })).entries,
      ).toBe(4);
      await rm(dest, { recursive: true });
      await mkdir(dest);
      await expectRefused(Readable.from([archive]), 'too-many-entries', { maxEntries: 3 });
    });

    it('refuses an entry larger than maxEntryBytes', async () => {
      // Prepare
      const archive = await tarGz([
        { name: 'small', content: Buffer.alloc(1000) },
        { name: 'big', content: Buffer.alloc(1001) },
      ]);

      // Act
      const error = await expectRefused(Readable.from([archive]), 'entry-too-large', {
        maxEntryBytes: 1000,
      });

      // Assess
      expect(error.entry).toBe('big');
    });

    it('stops a 1 GiB gzip bomb at maxTotalBytes without inflating it', async () => {
      // Prepare
      const bomb = zeroBomb(1024 ** 3);

      // Act
      await expectRefused(bomb.stream, 'too-large', { maxTotalBytes: 32 * 1024 * 1024 });

      // Assess
      expect(bomb.generated()).toBeLessThan(128 * 1024 * 1024);
    });

    it('stops a gzip of zeros that is no tar at all', async () => {
      // Prepare
      const gzip = createGzip({ level: 1 });
      let generated = 0;
      const zeros = Buffer.alloc(1024 * 1024);
      const source = Readable.from(
        (function* () {
          while (generated < 1024 ** 3) {
            generated += zeros.length;
            yield zeros;
          }
        })(),
      ).pipe(gzip);

      // Act
      await expectRefused(source, 'too-large');

      // Assess
      expect(generated).toBeLessThan(128 * 1024 * 1024);
    });

    it.each([
      ['a truncated gzip', (bytes: Buffer) => bytes.subarray(0, bytes.length - 20)],
      ['bytes that are not gzip', (bytes: Buffer) => Buffer.from(bytes.toString('base64'))],
    ])('refuses %s as corrupt', async (_label, damage) => {
      // Prepare
      const archive = await tarGz(snapshotEntries);

      // Act & Assess
      await expectRefused(Readable.from([damage(archive)]), 'corrupt');
    });

    it('rethrows a failing source unchanged and removes what it wrote', async () => {
      // Prepare
      const archive = await tarGz(snapshotEntries);
      const lost = new Error('connection reset');
      const source = Readable.from(
        (async function* () {
          yield archive.subarray(0, archive.length - 100);
          // Time to write the first files, which the failure must then remove.
          await new Promise((resolve) => setTimeout(resolve, 100));
          throw lost;
        })(),
      );

      // Act
      const error = await catchError(unpackSnapshot(source, dest));

      // Assess
      expect(error).toBe(lost);
      expect(await readdir(dest)).toEqual([]);
    });

    it('refuses a tar cut in the middle of an entry as corrupt', async () => {
      // Prepare
      const { gunzipSync, gzipSync } = await import('node:zlib');
      const tar = gunzipSync(await tarGz(snapshotEntries));

      // Act & Assess
      await expectRefused(Readable.from([gzipSync(tar.subarray(0, 40_000))]), 'corrupt');
    });
  });
});
