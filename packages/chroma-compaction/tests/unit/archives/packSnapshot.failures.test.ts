import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { SnapshotSourceError } from '../../../src/archives/errors.js';
import { packSnapshot } from '../../../src/archives/packSnapshot.js';
import { exists, useTempRoot, writeChromaLikeTree } from '../../helpers/snapshotTrees.js';
import { catchError } from '../../helpers/unpackWorkspace.js';

/** Small members, so that with two workers several are in flight when the fault hits. */
const MEMBER_BYTES = 16 * 1024;

/** What opening a source file named `trigger.bin` does, set by each test. */
const fault: { onOpen: ((handle: FileHandle) => void) | undefined } = { onOpen: undefined };

vi.mock('node:fs/promises', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:fs/promises')>();
  const open = async (...args: Parameters<typeof original.open>): Promise<FileHandle> => {
    const handle = await original.open(...args);
    if (String(args[0]).endsWith('trigger.bin')) fault.onOpen?.(handle);
    return handle;
  };
  return { ...original, open, default: { ...original, open } };
});

describe('Function: packSnapshot', () => {
  const temp = useTempRoot('pack-snapshot-failures-');
  const source = (): string => join(temp.root, 'source');
  const archive = (): string => join(temp.root, 'snapshot.tar.gz');

  /** A tree whose last file (in byte order) is the trigger, after 170 kB of others. */
  const writeTree = async (): Promise<void> => {
    await writeChromaLikeTree(source());
    await mkdir(join(source(), 'zz'));
    await writeFile(join(source(), 'zz', 'trigger.bin'), Buffer.alloc(10_000, 1));
  };

  describe.each([1, 2])('with %i worker(s)', (workers) => {
    it('refuses a file that changed size since it was listed, removing the destination', async () => {
      // Prepare
      await writeTree();
      fault.onOpen = (handle) => {
        const stat = handle.stat.bind(handle);
        handle.stat = (async () => {
          const stats = await stat();
          return Object.assign(Object.create(Object.getPrototypeOf(stats) as object), stats, {
            size: stats.size + 1,
          }) as Stats;
        }) as FileHandle['stat'];
      };

      // Act
      const error = await catchError(
        packSnapshot(source(), archive(), { workers, memberBytes: MEMBER_BYTES }),
      );

      // Assess
      expect(error).toBeInstanceOf(SnapshotSourceError);
      expect(error).toMatchObject({ reason: 'changed', path: 'zz/trigger.bin' });
      expect(await exists(archive())).toBe(false);
    });

    it('passes a read error through and removes the destination', async () => {
      // Prepare
      await writeTree();
      const failure = Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
      fault.onOpen = (handle) => {
        handle.read = (async () => {
          throw failure;
        }) as unknown as FileHandle['read'];
      };

      // Act
      const error = await catchError(
        packSnapshot(source(), archive(), { workers, memberBytes: MEMBER_BYTES }),
      );

      // Assess
      expect(error).toBe(failure);
      expect(await exists(archive())).toBe(false);
    });

    it('stops when aborted mid-pack and removes the destination', async () => {
      // Prepare
      await writeTree();
      const controller = new AbortController();
      fault.onOpen = () => controller.abort();

      // Act
      const error = await catchError(
        packSnapshot(source(), archive(), {
          workers,
          memberBytes: MEMBER_BYTES,
          signal: controller.signal,
        }),
      );

      // Assess
      expect(error).toMatchObject({ name: 'AbortError' });
      expect(await exists(archive())).toBe(false);
    });
  });
});
