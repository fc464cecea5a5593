import { mkdir, readdir, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGzip, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_UNPACK_LIMITS, resolveUnpackLimits } from '../../../src/archives/types.js';
import { unpackSnapshot } from '../../../src/archives/unpackSnapshot.js';
import { tarGz, zeroBomb } from '../../helpers/tarballs.js';
import { catchError, snapshotEntries, useUnpackWorkspace } from '../../helpers/unpackWorkspace.js';

describe('Function: unpackSnapshot', () => {
  const workspace = useUnpackWorkspace();

  describe('limits and corruption', () => {
    it.each([
      ['maxEntries', 0],
      ['maxEntryBytes', -1],
      ['maxTotalBytes', Number.NaN],
      ['maxEntries', 1.5],
    ] as const)('refuses %s = %s before creating or reading anything', async (name, value) => {
      // Prepare
      const archive = await tarGz([{ name: 'f', content: 'x' }]);
      const source = Readable.from([archive]);
      const dest = `${workspace.dest}-new`;

      // Act
      const error = await catchError(unpackSnapshot(source, dest, { [name]: value }));

      // Assess
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toBe(`${name} must be a positive integer, got ${value}`);
      await expect(readdir(dest)).rejects.toMatchObject({ code: 'ENOENT' });
      expect(source.readableDidRead).toBe(false);
    });

    it('keeps the default of a limit given as undefined instead of dropping the limit', () => {
      // Act
      const limits = resolveUnpackLimits({
        maxEntries: undefined as unknown as number,
        maxTotalBytes: 10,
      });

      // Assess
      expect(limits).toEqual({ ...DEFAULT_UNPACK_LIMITS, maxTotalBytes: 10 });
    });

    it('refuses more entries than maxEntries', async () => {
      // Prepare
      const entries = Array.from({ length: 4 }, (_, i) => ({ name: `f${i}`, content: 'x' }));
      const archive = await tarGz(entries);

      // Act & Assess
      expect(
        (await unpackSnapshot(Readable.from([archive]), workspace.dest, { maxEntries: 4 })).entries,
      ).toBe(4);
      await rm(workspace.dest, { recursive: true });
      await mkdir(workspace.dest);
      await workspace.expectRefused(Readable.from([archive]), 'too-many-entries', {
        maxEntries: 3,
      });
    });

    it('refuses an entry larger than maxEntryBytes', async () => {
      // Prepare
      const archive = await tarGz([
        { name: 'small', content: Buffer.alloc(1000) },
        { name: 'big', content: Buffer.alloc(1001) },
      ]);

      // Act
      const error = await workspace.expectRefused(Readable.from([archive]), 'entry-too-large', {
        maxEntryBytes: 1000,
      });

      // Assess
      expect(error.entry).toBe('big');
    });

    it('stops a 1 GiB gzip bomb at maxTotalBytes without inflating it', async () => {
      // Prepare
      const bomb = zeroBomb(1024 ** 3);

      // Act
      await workspace.expectRefused(bomb.stream, 'too-large', { maxTotalBytes: 32 * 1024 * 1024 });

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
      await workspace.expectRefused(source, 'too-large');

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
      await workspace.expectRefused(Readable.from([damage(archive)]), 'corrupt');
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
      const error = await catchError(unpackSnapshot(source, workspace.dest));

      // Assess
      expect(error).toBe(lost);
      expect(await readdir(workspace.dest)).toEqual([]);
    });

    it('refuses a tar cut in the middle of an entry as corrupt', async () => {
      // Prepare
      const tar = gunzipSync(await tarGz(snapshotEntries));

      // Act & Assess
      await workspace.expectRefused(Readable.from([gzipSync(tar.subarray(0, 40_000))]), 'corrupt');
    });
  });
});
