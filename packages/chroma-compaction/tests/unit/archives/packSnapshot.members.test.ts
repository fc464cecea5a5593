import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { gzipOutputBytes } from '../../../src/archives/gzipMembers.js';
import { packSnapshot } from '../../../src/archives/packSnapshot.js';
import type { GzipMember } from '../../../src/archives/packTypes.js';
import { unpackSnapshot } from '../../../src/archives/unpackSnapshot.js';
import { firstDifference } from '../../helpers/bytes.js';
import { readTree, run, useTempRoot, writeChromaLikeTree } from '../../helpers/snapshotTrees.js';
import { catchError } from '../../helpers/unpackWorkspace.js';

/** 16 KiB members: the 100 kB file of the tree spans several. */
const MEMBER_BYTES = 16 * 1024;

/** Everything Node's streaming gunzip inflates from `path`. */
const gunzipFile = async (path: string): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  await pipeline(
    [await readFile(path)],
    createGunzip(),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
    }),
  );
  return Buffer.concat(chunks);
};

describe('Function: packSnapshot', () => {
  const temp = useTempRoot('pack-snapshot-members-');
  const source = (): string => join(temp.root, 'source');
  const archive = (): string => join(temp.root, 'snapshot.tar.gz');

  const packMembers = async (workers = 2): Promise<readonly GzipMember[]> => {
    await writeChromaLikeTree(source());
    return (await packSnapshot(source(), archive(), { workers, memberBytes: MEMBER_BYTES }))
      .members;
  };

  describe('parallel gzip members', () => {
    /** A tree of one 12 MiB file and small ones: a dozen members of 1 MiB. */
    const writeLargeTree = async (): Promise<void> => {
      await mkdir(join(source(), 'small'), { recursive: true });
      await writeFile(join(source(), 'big.bin'), randomBytes(12 * 1024 * 1024 + 5));
      for (let i = 0; i < 20; i += 1) {
        await writeFile(join(source(), 'small', `${i}.bin`), randomBytes(500 + i * 911));
      }
    };
    const LARGE_MEMBER_BYTES = 1024 * 1024;

    it('writes a file from a handful of reused output buffers', async () => {
      // Prepare
      await writeLargeTree();
      const allocations = vi.spyOn(Buffer, 'allocUnsafeSlow');

      // Act
      const packed = await packSnapshot(source(), archive(), {
        memberBytes: LARGE_MEMBER_BYTES,
        level: 1,
      });

      // Assess
      const outputBytes = gzipOutputBytes(LARGE_MEMBER_BYTES);
      const outputBuffers = allocations.mock.calls.filter(([size]) => size === outputBytes);
      allocations.mockRestore();
      expect(packed.members.length).toBeGreaterThan(12);
      expect(outputBuffers.length).toBeGreaterThan(0);
      expect(outputBuffers.length).toBeLessThanOrEqual(6);
      const dest = join(temp.root, 'unpacked');
      await unpackSnapshot(archive(), dest, { members: packed.members });
      expect(await readTree(dest)).toEqual(await readTree(source()));
    });

    it('hands a stream destination members it may keep, never a buffer reused later', async () => {
      // Prepare: a destination that keeps every chunk it is given, as an upload may.
      await writeLargeTree();
      const kept: Buffer[] = [];
      const keeper = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          kept.push(chunk);
          callback();
        },
      });
      const options = { memberBytes: LARGE_MEMBER_BYTES, level: 1 };

      // Act
      const streamed = await packSnapshot(source(), keeper, options);
      await packSnapshot(source(), archive(), options);

      // Assess
      expect(streamed.members.length).toBeGreaterThan(12);
      expect(firstDifference(Buffer.concat(kept), await readFile(archive()))).toBeUndefined();
    });

    it('cuts the tar into contiguous members of memberBytes, each a gzip of its range', async () => {
      // Act
      const members = await packMembers();

      // Assess
      const bytes = await readFile(archive());
      const tar = await gunzipFile(archive());
      expect(members.length).toBe(Math.ceil(tar.length / MEMBER_BYTES));
      let offset = 0;
      let tarOffset = 0;
      for (const member of members) {
        expect(member).toMatchObject({ offset, tarOffset });
        expect(member.tarSize).toBe(Math.min(MEMBER_BYTES, tar.length - tarOffset));
        const inflated = gunzipSync(bytes.subarray(member.offset, member.offset + member.size));
        expect(
          firstDifference(inflated, tar.subarray(tarOffset, tarOffset + member.tarSize)),
        ).toBeUndefined();
        offset += member.size;
        tarOffset += member.tarSize;
      }
      expect(offset).toBe(bytes.length);
    });

    it('is read whole by Node gunzip, GNU tar and Python tarfile r:gz', async () => {
      // Prepare
      const members = await packMembers();
      const byTar = join(temp.root, 'by-tar');
      const byPython = join(temp.root, 'by-python');
      await run('mkdir', [byTar]);

      // Act
      const tar = await gunzipFile(archive());
      await run('tar', ['-xzf', archive(), '-C', byTar]);
      await run('python3', [
        '-c',
        'import sys, tarfile; tarfile.open(sys.argv[1], "r:gz").extractall(sys.argv[2])',
        archive(),
        byPython,
      ]);

      // Assess
      expect(tar.length).toBe(members.reduce((sum, member) => sum + member.tarSize, 0));
      const expected = await readTree(source());
      expect(await readTree(byTar)).toEqual(expected);
      expect(await readTree(byPython)).toEqual(expected);
    });

    it("is not read by Python's stream mode r|gz, which stops after the first member", async () => {
      // Prepare
      await packMembers();

      // Act
      const error = await catchError(
        run('python3', [
          '-c',
          'import sys, tarfile; tarfile.open(sys.argv[1], "r|gz").extractall(sys.argv[2])',
          archive(),
          join(temp.root, 'by-stream'),
        ]),
      );

      // Assess
      expect(String((error as { stderr?: string }).stderr)).toContain(
        'tarfile.ReadError: unexpected end of data',
      );
    });

    it('writes the same bytes whatever the number of workers', async () => {
      // Prepare
      await packMembers(2);
      const two = await readFile(archive());

      // Act
      const three = await packSnapshot(source(), join(temp.root, 'three.tar.gz'), {
        workers: 3,
        memberBytes: MEMBER_BYTES,
      });

      // Assess
      expect(three.size).toBe(two.length);
      expect(firstDifference(await readFile(join(temp.root, 'three.tar.gz')), two)).toBeUndefined();
    });

    it('spreads a file larger than memberBytes over several members', async () => {
      // Prepare
      const members = await packMembers();
      const tar = await gunzipFile(archive());
      const content = await readFile(join(source(), '4f1c', 'data_level0.bin'));

      // Act
      const start = tar.indexOf(content.subarray(0, 64));
      const end = start + content.length;
      const holding = members.filter(
        (member) => member.tarOffset < end && member.tarOffset + member.tarSize > start,
      );

      // Assess
      expect(firstDifference(tar.subarray(start, end), content)).toBeUndefined();
      expect(holding.length).toBeGreaterThanOrEqual(Math.floor(content.length / MEMBER_BYTES));
    });

    it('holds a small tree in a single member', async () => {
      // Prepare
      await writeChromaLikeTree(source());

      // Act
      const packed = await packSnapshot(source(), archive(), { workers: 2 });

      // Assess
      expect(packed.members).toEqual([
        { offset: 0, size: packed.size, tarOffset: 0, tarSize: expect.any(Number) },
      ]);
      expect(gunzipSync(await readFile(archive())).length).toBe(packed.members[0]?.tarSize);
    });
  });
});
