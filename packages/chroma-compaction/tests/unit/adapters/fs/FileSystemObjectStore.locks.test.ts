import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, rmdir, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSystemObjectStore } from '../../../../src/adapters/fs/FileSystemObjectStore.js';

/** Waits, turn by turn, until `condition` holds (no deadline: the test timeout is the limit). */
const until = async (condition: () => Promise<boolean>): Promise<void> => {
  while (!(await condition())) await nextTurn();
};

describe('Class: FileSystemObjectStore, the per-object lock', () => {
  let root: string;
  let store: FileSystemObjectStore;
  const lockDir = (key: string): string => join(store.root, `.~lock.${key}`);

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'fs-object-store-locks-'));
    store = new FileSystemObjectStore({ root: join(root, 'objects'), fsync: false });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('commits only once the process holding the lock releases it', async () => {
    // Prepare: another process holds the lock of "pointer" (its lock directory is fresh).
    await store.put('pointer', 'v1');
    await mkdir(lockDir('pointer'));

    // Act
    const put = store.put('pointer', 'v2');
    // The put has written its content and sidecar temp files and waits for the lock.
    await until(
      async () =>
        (await readdir(store.root)).filter((name) => name.startsWith('.~tmp.')).length === 2,
    );
    const whileHeld = await readFile(join(store.root, 'pointer'), 'utf8');
    await rmdir(lockDir('pointer'));
    await put;

    // Assess
    expect(whileHeld).toBe('v1');
    expect(await readFile(join(store.root, 'pointer'), 'utf8')).toBe('v2');
    expect(existsSync(lockDir('pointer'))).toBe(false);
  });

  it('takes over a lock left by a process that died', async () => {
    // Prepare: a lock directory nobody has refreshed for a minute.
    await store.put('pointer', 'v1');
    await mkdir(lockDir('pointer'));
    const minuteAgo = new Date(Date.now() - 60_000);
    await utimes(lockDir('pointer'), minuteAgo, minuteAgo);

    // Act
    const { etag } = await store.put('pointer', 'v2', {
      ifMatch: (await store.head('pointer'))?.etag,
    });

    // Assess
    expect((await store.head('pointer'))?.etag).toBe(etag);
    expect(existsSync(lockDir('pointer'))).toBe(false);
  });

  it('deletes under the lock and removes the directories left empty', async () => {
    // Prepare
    await store.put('a/b/c', 'x');

    // Act
    await store.delete(['a/b/c', 'a/missing', 'not/there']);

    // Assess
    expect(await readdir(store.root)).toEqual([]);
  });
});
