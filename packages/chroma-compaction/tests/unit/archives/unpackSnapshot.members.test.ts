import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { packSnapshot } from '../../../src/archives/packSnapshot.js';
import type { GzipMember } from '../../../src/archives/packTypes.js';
import { unpackSnapshot } from '../../../src/archives/unpackSnapshot.js';
import { readTree, writeChromaLikeTree } from '../../helpers/snapshotTrees.js';
import { catchError, useUnpackWorkspace } from '../../helpers/unpackWorkspace.js';

/** 16 KiB members: the tree packs into about a dozen. */
const MEMBER_BYTES = 16 * 1024;

/** A copy of `members` with member `index` changed by `change`. */
const withMember = (
  members: readonly GzipMember[],
  index: number,
  change: (member: GzipMember) => Partial<GzipMember>,
): GzipMember[] =>
  members.map((member, i) => (i === index ? { ...member, ...change(member) } : member));

/** A copy of `members` whose member `index` claims `delta` more tar bytes, the rest shifted. */
const shiftTarSize = (members: readonly GzipMember[], index: number, delta: number): GzipMember[] =>
  members.map((member, i) => {
    if (i === index) return { ...member, tarSize: member.tarSize + delta };
    return i < index ? member : { ...member, tarOffset: member.tarOffset + delta };
  });

describe('Function: unpackSnapshot', () => {
  const workspace = useUnpackWorkspace();
  const source = (): string => join(workspace.root, 'source');
  const archive = (): string => join(workspace.root, 'snapshot.tar.gz');

  const pack = async (workers = 2): Promise<readonly GzipMember[]> => {
    await writeChromaLikeTree(source());
    return (await packSnapshot(source(), archive(), { workers, memberBytes: MEMBER_BYTES }))
      .members;
  };

  describe('with members', () => {
    it.each([
      ['in parallel', 2],
      ['on one worker', 1],
    ])('unpacks a multi-member snapshot %s to the source tree', async (_label, workers) => {
      // Prepare
      const members = await pack();

      // Act
      const result = await unpackSnapshot(archive(), workspace.dest, { members, workers });

      // Assess
      expect(members.length).toBeGreaterThan(5);
      expect(await readTree(workspace.dest)).toEqual(await readTree(source()));
      expect(result.entries).toBe(15);
    });

    it('unpacks the same multi-member snapshot without members, on one thread', async () => {
      // Prepare
      await pack();

      // Act
      await unpackSnapshot(archive(), workspace.dest);

      // Assess
      expect(await readTree(workspace.dest)).toEqual(await readTree(source()));
    });

    it('unpacks a single-member snapshot with its one member', async () => {
      // Prepare
      const members = await pack(1);

      // Act
      await unpackSnapshot(archive(), workspace.dest, { members });

      // Assess
      expect(members).toHaveLength(1);
      expect(await readTree(workspace.dest)).toEqual(await readTree(source()));
    });

    it('reuses the buffers members inflate into once their bytes are on disk', async () => {
      // Prepare: 1 MiB members, larger than a write batch as the default 4 MiB ones are.
      const files: [string, Buffer][] = [
        ['big.bin', randomBytes(12 * 1024 * 1024 + 17)],
        ...Array.from({ length: 40 }, (_, i): [string, Buffer] => [
          `small/${i}.bin`,
          randomBytes(1000 + i * 997),
        ]),
      ];
      for (const [path, content] of files) {
        await mkdir(dirname(join(source(), path)), { recursive: true });
        await writeFile(join(source(), path), content);
      }
      const { members } = await packSnapshot(source(), archive(), {
        memberBytes: 1024 * 1024,
        level: 1,
      });
      const capacity = Math.max(...members.map((member) => member.tarSize)) + 1;
      const allocations = vi.spyOn(Buffer, 'allocUnsafeSlow');

      // Act
      await unpackSnapshot(archive(), workspace.dest, { members, workers: 2 });

      // Assess
      const inflateBuffers = allocations.mock.calls.filter(([size]) => size === capacity);
      allocations.mockRestore();
      expect(members.length).toBeGreaterThan(12);
      expect(inflateBuffers.length).toBeGreaterThan(0);
      expect(inflateBuffers.length).toBeLessThanOrEqual(6);
      expect(await readTree(workspace.dest)).toEqual(await readTree(source()));
    });

    it('accepts a list that groups two members as one range', async () => {
      // Prepare
      const members = await pack();
      const [first, second, ...rest] = members as [GzipMember, GzipMember, ...GzipMember[]];
      const grouped = [
        { ...first, size: first.size + second.size, tarSize: first.tarSize + second.tarSize },
        ...rest,
      ];

      // Act
      await unpackSnapshot(archive(), workspace.dest, { members: grouped });

      // Assess
      expect(await readTree(workspace.dest)).toEqual(await readTree(source()));
    });
  });

  describe('a members list that disagrees with the file', () => {
    it.each<[string, (members: readonly GzipMember[]) => GzipMember[], string]>([
      ['an empty list', () => [], 'The members list is empty'],
      [
        'a gap between members',
        (members) => withMember(members, 1, (m) => ({ offset: m.offset + 1 })),
        'Member 1 starts at byte',
      ],
      [
        'a gap in the tar ranges',
        (members) => withMember(members, 2, (m) => ({ tarOffset: m.tarOffset - 1 })),
        'Member 2 starts at byte',
      ],
      [
        'a last member past the end of the file',
        (members) => withMember(members, members.length - 1, (m) => ({ size: m.size + 10 })),
        'but the file holds',
      ],
      [
        'a list that stops before the end of the file',
        (members) => members.slice(0, -1),
        'but the file holds',
      ],
      [
        'a size that is not an integer',
        (members) => withMember(members, 0, () => ({ size: 1.5 })),
        'Member 0 has a size or tarSize that is not a positive integer',
      ],
      [
        'a member above 64 MiB',
        (members) => withMember(members, 0, () => ({ tarSize: 64 * 1024 * 1024 + 1 })),
        'more than the 67108864 a member may hold',
      ],
    ])('refuses %s before creating anything', async (_label, change, message) => {
      // Prepare
      const members = change(await pack());
      const fresh = join(workspace.root, 'fresh');

      // Act
      const error = await catchError(unpackSnapshot(archive(), fresh, { members }));

      // Assess
      expect(error).toMatchObject({ name: 'ArchiveError', reason: 'member-mismatch' });
      expect((error as Error).message).toContain(message);
      await expect(readdir(fresh)).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it.each<[string, (members: readonly GzipMember[]) => GzipMember[]]>([
      [
        'a member that inflates to fewer bytes than its tarSize',
        (members) => shiftTarSize(members, 4, 1),
      ],
      [
        'a member that inflates to more bytes than its tarSize',
        (members) => shiftTarSize(members, 4, -1),
      ],
      [
        'a range that cuts a member short',
        (members) =>
          members.map((m, i) =>
            i === 4
              ? { ...m, size: m.size - 5 }
              : i === 5
                ? { ...m, offset: m.offset - 5, size: m.size + 5 }
                : m,
          ),
      ],
    ])('refuses %s, removing what was written', async (_label, change) => {
      // Prepare
      const members = change(await pack());

      // Act
      const error = await workspace.expectRefused(archive(), 'member-mismatch', { members });

      // Assess
      expect(error.message).toMatch(/^Member [45] \(bytes \d+ to \d+\)/);
    });

    it('refuses members with a stream source before reading it', async () => {
      // Prepare
      const members = await pack();
      const stream = createReadStream(archive());

      // Act
      const error = await catchError(unpackSnapshot(stream, workspace.dest, { members }));

      // Assess
      expect(error).toBeInstanceOf(TypeError);
      expect(stream.readableDidRead).toBe(false);
      stream.destroy();
    });

    it('refuses an invalid worker count before creating anything', async () => {
      // Prepare
      const members = await pack();
      const fresh = join(workspace.root, 'fresh');

      // Act
      const error = await catchError(unpackSnapshot(archive(), fresh, { members, workers: 0 }));

      // Assess
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toBe('workers must be a positive integer, got 0');
      await expect(readdir(fresh)).rejects.toMatchObject({ code: 'ENOENT' });
    });
  });
});
