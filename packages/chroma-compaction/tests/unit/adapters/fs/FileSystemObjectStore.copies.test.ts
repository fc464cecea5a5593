import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileSystemObjectStore } from '../../../../src/adapters/fs/FileSystemObjectStore.js';
import { md5OfHandle } from '../../../../src/adapters/fs/objectFiles.js';

// Counts how often the store hashes a content file, without changing what it computes.
vi.mock('../../../../src/adapters/fs/objectFiles.js', async (importOriginal) => {
  const original =
    await importOriginal<typeof import('../../../../src/adapters/fs/objectFiles.js')>();
  return { ...original, md5OfHandle: vi.fn(original.md5OfHandle) };
});
const hashes = vi.mocked(md5OfHandle);

const md5Etag = (text: string): string => `"${createHash('md5').update(text).digest('hex')}"`;

/** `cp -a source target`: what the class documentation tells users to do. */
const copyArchive = (source: string, target: string): void => {
  execFileSync('cp', ['-a', source, target]);
};

/** Every `.~meta.*` file under `dir`, relative to it. */
const sidecarsUnder = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile() && entry.name.startsWith('.~meta.'))
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();

describe('Class: FileSystemObjectStore, a root copied with cp -a', () => {
  let dir: string;
  let source: FileSystemObjectStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fs-object-store-copies-'));
    source = new FileSystemObjectStore({ root: join(dir, 'source'), fsync: false });
    await source.put('words/one.txt', 'one', {
      contentType: 'text/plain',
      metadata: { Producer: 'test' },
    });
    await source.put('words/two.bin', new Uint8Array([1, 2, 3]));
    await source.put('empty', '');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists right ETags, hashing each object once, and keeps content types and metadata', async () => {
    // Prepare
    copyArchive(source.root, join(dir, 'copy'));
    const copy = new FileSystemObjectStore({ root: join(dir, 'copy') });
    const expected = (await source.list()).objects.map(({ key, size, etag }) => ({
      key,
      size,
      etag,
    }));
    hashes.mockClear();

    // Act
    const first = await copy.list();
    const hashedByFirst = hashes.mock.calls.length;
    const second = await copy.list();
    const info = await copy.head('words/one.txt');

    // Assess
    expect(first.objects).toMatchObject(expected);
    expect(second.objects).toEqual(first.objects);
    expect(hashedByFirst).toBe(3);
    expect(hashes).toHaveBeenCalledTimes(3);
    expect(info).toMatchObject({
      etag: md5Etag('one'),
      contentType: 'text/plain',
      metadata: { producer: 'test' },
    });
  });

  it('lists right ETags of a copy without sidecars, hashing each object once and repairing its sidecar', async () => {
    // Prepare
    copyArchive(source.root, join(dir, 'copy'));
    const copyRoot = join(dir, 'copy');
    for (const sidecar of await sidecarsUnder(copyRoot)) await rm(join(copyRoot, sidecar));
    const copy = new FileSystemObjectStore({ root: copyRoot });
    hashes.mockClear();

    // Act
    const first = await copy.list({ prefix: 'words/' });
    const repaired = await sidecarsUnder(copyRoot);
    const second = await copy.list({ prefix: 'words/' });
    const info = await copy.head('words/one.txt');

    // Assess
    expect(first.objects).toMatchObject([
      { key: 'words/one.txt', size: 3, etag: md5Etag('one') },
      {
        key: 'words/two.bin',
        size: 3,
        etag: `"${createHash('md5')
          .update(new Uint8Array([1, 2, 3]))
          .digest('hex')}"`,
      },
    ]);
    expect(repaired).toEqual(['words/.~meta.one.txt', 'words/.~meta.two.bin']);
    expect(second.objects).toEqual(first.objects);
    expect(hashes).toHaveBeenCalledTimes(2);
    expect(info).toMatchObject({ etag: md5Etag('one'), metadata: {} });
    expect(info?.contentType).toBeUndefined();
  });

  it('leaves the source untouched and hashes nothing there', async () => {
    // Prepare
    const before = await sidecarsUnder(source.root);
    hashes.mockClear();

    // Act
    copyArchive(source.root, join(dir, 'copy'));
    const listed = await source.list();

    // Assess
    expect(listed.objects).toHaveLength(3);
    expect(hashes).not.toHaveBeenCalled();
    expect(await sidecarsUnder(source.root)).toEqual(before);
  });
});
