import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ArchiveError, ArchiveErrorReason } from '../../../src/archives/errors.js';
import { unpackSnapshot } from '../../../src/archives/unpackSnapshot.js';
import { type TarEntrySpec, tarGz } from '../../helpers/tarballs.js';
import { catchError, snapshotEntries, useUnpackWorkspace } from '../../helpers/unpackWorkspace.js';

const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

describe('Function: unpackSnapshot', () => {
  const workspace = useUnpackWorkspace();

  const refuseEntries = async (
    entries: TarEntrySpec[],
    reason: ArchiveErrorReason,
  ): Promise<ArchiveError> => {
    // A valid file first, so the refusal must also remove what was already written.
    const archive = await tarGz([{ name: './first.txt', content: 'written' }, ...entries]);
    return workspace.expectRefused(Readable.from([archive]), reason);
  };

  describe('valid archives', () => {
    it('round-trips files byte for byte from a stream', async () => {
      // Prepare
      const archive = await tarGz(snapshotEntries);

      // Act
      const result = await unpackSnapshot(Readable.from([archive]), workspace.dest);

      // Assess
      expect(result).toEqual({ entries: 6, bytes: 170_000 + 6 + 15 });
      for (const { name, type, content } of snapshotEntries) {
        if (type === 'directory') continue;
        expect(sha256(await readFile(join(workspace.dest, name)))).toBe(sha256(content ?? ''));
      }
      expect(existsSync(join(workspace.dest, 'empty'))).toBe(true);
      expect((await readdir(workspace.dest)).sort()).toEqual([
        '4f1c',
        'chroma.sqlite3',
        'deep',
        'empty',
      ]);
    });

    it('reads a file path and creates a missing destination', async () => {
      // Prepare
      const file = join(workspace.root, 'snapshot.tar.gz');
      await writeFile(file, await tarGz(snapshotEntries));
      const fresh = join(workspace.root, 'new', 'dest');

      // Act
      const result = await unpackSnapshot(file, fresh);

      // Assess
      expect(result.entries).toBe(6);
      expect(await readFile(join(fresh, '4f1c', 'header.bin'), 'utf8')).toBe('header');
    });

    it('refuses a destination that already holds files, leaving them alone', async () => {
      // Prepare
      await writeFile(join(workspace.dest, 'mine.txt'), 'keep');
      const archive = await tarGz([{ name: 'mine.txt', content: 'theirs' }]);

      // Act
      const error = await catchError(unpackSnapshot(Readable.from([archive]), workspace.dest));

      // Assess
      expect((error as ArchiveError).reason).toBe('destination-not-empty');
      expect(await readFile(join(workspace.dest, 'mine.txt'), 'utf8')).toBe('keep');
    });

    it('removes a destination it created when the archive is refused', async () => {
      // Prepare
      const archive = await tarGz([
        { name: 'a.txt', content: 'a' },
        { name: '../x', content: 'x' },
      ]);
      const fresh = join(workspace.root, 'new', 'dest');

      // Act
      const error = await catchError(unpackSnapshot(Readable.from([archive]), fresh));

      // Assess
      expect((error as ArchiveError).reason).toBe('path-escape');
      expect(existsSync(join(workspace.root, 'new'))).toBe(false);
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
});
