import { execFileSync } from 'node:child_process';
import { mkdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SnapshotSourceError } from '../../../src/archives/errors.js';
import { packSnapshot } from '../../../src/archives/packSnapshot.js';
import { unpackSnapshot } from '../../../src/archives/unpackSnapshot.js';
import { firstDifference } from '../../helpers/bytes.js';
import {
  exists,
  fileHashes,
  readTree,
  run,
  useTempRoot,
  writeChromaLikeTree,
} from '../../helpers/snapshotTrees.js';
import { catchError } from '../../helpers/unpackWorkspace.js';

/** Collects what is written to it. */
const collector = (): { stream: Writable; bytes: () => Buffer } => {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return { stream, bytes: () => Buffer.concat(chunks) };
};

describe('Function: packSnapshot', () => {
  const temp = useTempRoot('pack-snapshot-');
  const source = (): string => join(temp.root, 'source');
  const archive = (): string => join(temp.root, 'snapshot.tar.gz');

  describe('one thread', () => {
    it('packs a tree that unpacks to the same files and directories', async () => {
      // Prepare
      await writeChromaLikeTree(source());
      const dest = join(temp.root, 'dest');

      // Act
      const packed = await packSnapshot(source(), archive(), { workers: 1 });
      await unpackSnapshot(archive(), dest);

      // Assess
      expect(await readTree(dest)).toEqual(await readTree(source()));
      expect(packed.members).toEqual([
        { offset: 0, size: packed.size, tarOffset: 0, tarSize: expect.any(Number) },
      ]);
      expect(packed.directories).toBe(6);
      expect(packed.files.map((file) => file.path)).toEqual([
        '4f1c/data_level0.bin',
        '4f1c/header.bin',
        '4f1c/length.bin',
        'B-upper.txt',
        'a-dash/x.txt',
        'a/inner.txt',
        'chroma.sqlite3',
        `deep/${'n'.repeat(60)}/${'m'.repeat(70)}.bin`,
        'zero.bin',
      ]);
      expect(packed.files[0]).toEqual({ path: '4f1c/data_level0.bin', size: 100_000 });
    });

    it('returns the size, SHA-256 and MD5 of the bytes written', async () => {
      // Prepare
      await writeChromaLikeTree(source());

      // Act
      const packed = await packSnapshot(source(), archive(), { workers: 1 });

      // Assess
      expect({ sha256: packed.sha256, md5: packed.md5 }).toEqual(await fileHashes(archive()));
      expect(packed.size).toBe((await readFile(archive())).length);
    });

    it('writes the same bytes for the same tree, whatever the mtimes', async () => {
      // Prepare
      await writeChromaLikeTree(source());
      const first = await packSnapshot(source(), archive(), { workers: 1 });
      await utimes(join(source(), 'chroma.sqlite3'), 1_000_000, 1_000_000);
      await utimes(join(source(), '4f1c'), 2_000_000, 2_000_000);

      // Act
      const second = await packSnapshot(source(), join(temp.root, 'again.tar.gz'), { workers: 1 });

      // Assess
      expect(second.sha256).toBe(first.sha256);
      expect(second.size).toBe(first.size);
    });

    it('writes entries sorted by bytes, relative, with fixed owners and modes', async () => {
      // Prepare
      await writeChromaLikeTree(source());

      // Act
      await packSnapshot(source(), archive(), { workers: 1 });

      // Assess
      const listing = await run('tar', ['--numeric-owner', '--full-time', '-tvzf', archive()]);
      const lines = listing.trim().split('\n');
      expect(lines.map((line) => line.split(/\s+/).slice(5).join(' '))).toEqual([
        '4f1c/',
        '4f1c/data_level0.bin',
        '4f1c/header.bin',
        '4f1c/length.bin',
        'B-upper.txt',
        'a/',
        'a-dash/',
        'a-dash/x.txt',
        'a/inner.txt',
        'chroma.sqlite3',
        'deep/',
        `deep/${'n'.repeat(60)}/`,
        `deep/${'n'.repeat(60)}/${'m'.repeat(70)}.bin`,
        'empty/',
        'zero.bin',
      ]);
      for (const line of lines) {
        expect(line).toMatch(/^(-rw-r--r--|drwxr-xr-x) 0\/0 .* 1970-01-01 00:00:00 /);
      }
    });

    it('packs an empty directory into an archive of no entries', async () => {
      // Prepare
      await mkdir(source());
      const dest = join(temp.root, 'dest');

      // Act
      const packed = await packSnapshot(source(), archive(), { workers: 1 });
      const result = await unpackSnapshot(archive(), dest);

      // Assess
      expect(packed).toMatchObject({ files: [], directories: 0 });
      expect(packed.members).toEqual([
        { offset: 0, size: packed.size, tarOffset: 0, tarSize: 1024 },
      ]);
      expect(result).toEqual({ entries: 0, bytes: 0 });
      expect(await run('tar', ['-tzf', archive()])).toBe('');
    });

    it('writes to a stream and ends it', async () => {
      // Prepare
      await writeChromaLikeTree(source());
      const sink = collector();
      const reference = await packSnapshot(source(), archive(), { workers: 1 });

      // Act
      const packed = await packSnapshot(source(), sink.stream, { workers: 1 });

      // Assess
      expect(sink.stream.writableFinished).toBe(true);
      expect(packed.sha256).toBe(reference.sha256);
      expect(firstDifference(sink.bytes(), await readFile(archive()))).toBeUndefined();
    });

    it('is read by GNU tar and by Python tarfile', async () => {
      // Prepare
      await writeChromaLikeTree(source());
      const byTar = join(temp.root, 'by-tar');
      const byPython = join(temp.root, 'by-python');
      await mkdir(byTar);

      // Act
      await packSnapshot(source(), archive(), { workers: 1 });
      await run('tar', ['-xzf', archive(), '-C', byTar]);
      await run('python3', [
        '-c',
        'import sys, tarfile; tarfile.open(sys.argv[1], "r:gz").extractall(sys.argv[2])',
        archive(),
        byPython,
      ]);

      // Assess
      const expected = await readTree(source());
      expect(await readTree(byTar)).toEqual(expected);
      expect(await readTree(byPython)).toEqual(expected);
    });
  });

  describe('refusals', () => {
    it.each([
      ['a symbolic link', 'link', (path: string) => symlink('chroma.sqlite3', path)],
      ['a FIFO', 'special-file', async (path: string) => execFileSync('mkfifo', [path])],
    ] as const)('refuses %s before writing anything', async (_label, reason, make) => {
      // Prepare
      await writeChromaLikeTree(source());
      await make(join(source(), '4f1c', 'odd'));

      // Act
      const error = await catchError(packSnapshot(source(), archive(), { workers: 1 }));

      // Assess
      expect(error).toBeInstanceOf(SnapshotSourceError);
      expect(error).toMatchObject({ reason, path: '4f1c/odd' });
      expect(await exists(archive())).toBe(false);
    });

    it('refuses a path that is not a directory', async () => {
      // Prepare
      await writeFile(source(), 'a file');

      // Act
      const error = await catchError(packSnapshot(source(), archive(), { workers: 1 }));

      // Assess
      expect(error).toBeInstanceOf(SnapshotSourceError);
      expect(error).toMatchObject({ reason: 'not-a-directory', path: '.' });
      expect(await exists(archive())).toBe(false);
    });

    it.each([
      ['level', { level: 10 }, 'level must be an integer from 0 to 9, got 10'],
      ['level', { level: -1 }, 'level must be an integer >= 0, got -1'],
      ['workers', { workers: 0 }, 'workers must be a positive integer, got 0'],
      ['memberBytes', { memberBytes: 1.5 }, 'memberBytes must be a positive integer, got 1.5'],
    ])('refuses an invalid %s before reading anything', async (_name, options, message) => {
      // Act
      const error = await catchError(packSnapshot(join(temp.root, 'missing'), archive(), options));

      // Assess
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toBe(message);
      expect(await exists(archive())).toBe(false);
    });
  });

  describe('abort', () => {
    it('rejects an aborted signal before reading anything', async () => {
      // Prepare
      await writeChromaLikeTree(source());
      const controller = new AbortController();
      controller.abort();

      // Act
      const error = await catchError(
        packSnapshot(source(), archive(), { workers: 1, signal: controller.signal }),
      );

      // Assess
      expect(error).toMatchObject({ name: 'AbortError' });
      expect(await exists(archive())).toBe(false);
    });

    it('stops when aborted mid-pack and destroys the destination stream', async () => {
      // Prepare
      await writeChromaLikeTree(source());
      const controller = new AbortController();
      const destination = new Writable({
        write(_chunk: Buffer, _encoding, callback) {
          controller.abort();
          callback();
        },
      });

      // Act
      const error = await catchError(
        packSnapshot(source(), destination, { workers: 1, signal: controller.signal }),
      );

      // Assess
      expect(error).toMatchObject({ name: 'AbortError' });
      expect(destination.destroyed).toBe(true);
      expect(destination.writableFinished).toBe(false);
    });
  });

  it('reads back through Node gunzip', async () => {
    // Prepare
    await writeChromaLikeTree(source());
    const packed = await packSnapshot(source(), archive(), { workers: 1 });
    const gunzip = createGunzip();
    const inflated: Buffer[] = [];
    gunzip.on('data', (chunk: Buffer) => inflated.push(chunk));
    const ended = new Promise((resolve) => gunzip.on('end', resolve));

    // Act
    gunzip.end(await readFile(archive()));
    await ended;

    // Assess
    expect(Buffer.concat(inflated).length).toBe(packed.members[0]?.tarSize);
  });
});
