import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSystemObjectStore } from '../../../../src/adapters/fs/FileSystemObjectStore.js';
import { PreconditionFailedError } from '../../../../src/errors.js';

const md5Etag = (text: string): string => `"${createHash('md5').update(text).digest('hex')}"`;

const readText = async (body: Readable): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
};

const catchError = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

/** A time no write in a test can have, to give a file a modification time of its own. */
const LONG_AGO = new Date('2001-02-03T04:05:06.789Z');

describe('Class: FileSystemObjectStore, ETags of content changed outside a commit', () => {
  let root: string;
  let store: FileSystemObjectStore;

  const objectFile = (key: string): string => join(store.root, key);
  const sidecarFile = (key: string): string => join(store.root, `.~meta.${key}`);
  const readSidecarJson = async (key: string): Promise<Record<string, unknown>> =>
    JSON.parse(await readFile(sidecarFile(key), 'utf8')) as Record<string, unknown>;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'fs-object-store-etags-'));
    store = new FileSystemObjectStore({ root: join(root, 'objects'), fsync: false });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('refuses a stale ifMatch when the sidecar names the inode and size of other content', async () => {
    // Prepare: the content was replaced by a file of the same size that the file system gave
    // the inode number the sidecar names (reused), and the sidecar still holds the old ETag.
    const first = await store.put('pointer', 'version-1', { contentType: 'text/plain' });
    const stale = await readSidecarJson('pointer');
    await writeFile(join(root, 'next'), 'version-2');
    await utimes(join(root, 'next'), LONG_AGO, LONG_AGO);
    await rename(join(root, 'next'), objectFile('pointer'));
    const replaced = await stat(objectFile('pointer'), { bigint: true });
    await writeFile(
      sidecarFile('pointer'),
      JSON.stringify({ ...stale, ino: replaced.ino.toString() }),
    );

    // Act
    const refused = await catchError(store.put('pointer', 'lost update', { ifMatch: first.etag }));
    const info = await store.head('pointer');
    const read = await store.get('pointer');

    // Assess
    expect(refused).toBeInstanceOf(PreconditionFailedError);
    expect((refused as Error).message).toContain(`the current ETag is ${md5Etag('version-2')}`);
    expect(info).toMatchObject({ size: 9, etag: md5Etag('version-2'), metadata: {} });
    expect(info?.contentType).toBeUndefined();
    expect(read.info.etag).toBe(md5Etag('version-2'));
    expect(await readText(read.body)).toBe('version-2');
  });

  it('reports the content ETag after a writer died between committing the content and its sidecar', async () => {
    // Prepare: a commit moved the old sidecar aside and renamed the new content in, then its
    // process was killed before renaming the new sidecar in.
    const before = await store.put('pointer', 'before', { metadata: { v: '1' } });
    await rename(sidecarFile('pointer'), objectFile('.~tmp.aside'));
    await writeFile(objectFile('.~tmp.content'), 'after!');
    await rename(objectFile('.~tmp.content'), objectFile('pointer'));
    await writeFile(objectFile('.~tmp.sidecar'), '{"v":2,"etag":"never committed"}');

    // Act
    const refused = await catchError(store.put('pointer', 'lost update', { ifMatch: before.etag }));
    const info = await store.head('pointer');
    const listed = await store.list();
    const updated = await store.put('pointer', 'next', { ifMatch: md5Etag('after!') });

    // Assess
    expect(refused).toBeInstanceOf(PreconditionFailedError);
    expect(info).toMatchObject({ size: 6, etag: md5Etag('after!'), metadata: {} });
    expect(listed.objects).toMatchObject([{ key: 'pointer', etag: md5Etag('after!') }]);
    expect(updated.etag).toBe(md5Etag('next'));
    expect(await readText((await store.get('pointer')).body)).toBe('next');
  });

  it('reports the new ETag of content rewritten in place (same inode, same size)', async () => {
    // Prepare
    await store.put('k', 'aaaa');
    const { ino } = await stat(objectFile('k'));
    await writeFile(objectFile('k'), 'bbbb');
    await utimes(objectFile('k'), LONG_AGO, LONG_AGO);

    // Act
    const listed = await store.list();
    const info = await store.head('k');

    // Assess
    expect((await stat(objectFile('k'))).ino).toBe(ino);
    expect(listed.objects).toMatchObject([{ key: 'k', size: 4, etag: md5Etag('bbbb') }]);
    expect(info?.etag).toBe(md5Etag('bbbb'));
  });

  it('does not trust a sidecar of the earlier format, which named only inode and size', async () => {
    // Prepare
    await store.put('k', 'content', { contentType: 'text/plain' });
    const { ino } = await stat(objectFile('k'));
    await writeFile(
      sidecarFile('k'),
      JSON.stringify({ v: 1, etag: md5Etag('other'), size: 7, ino: String(ino) }),
    );

    // Act
    const info = await store.head('k');

    // Assess
    expect(info?.etag).toBe(md5Etag('content'));
    expect(info?.contentType).toBeUndefined();
    expect(await readSidecarJson('k')).toMatchObject({ v: 2, etag: md5Etag('content') });
  });

  it('keeps content type and metadata of a mismatched sidecar whose ETag is the content MD5', async () => {
    // Prepare: same bytes, new inode (a file copied over itself).
    await store.put('k', 'same bytes', { contentType: 'text/plain', metadata: { a: 'b' } });
    await writeFile(join(root, 'copy'), 'same bytes');
    await rename(join(root, 'copy'), objectFile('k'));

    // Act
    const info = await store.head('k');

    // Assess
    expect(info).toMatchObject({
      etag: md5Etag('same bytes'),
      contentType: 'text/plain',
      metadata: { a: 'b' },
    });
  });

  it('leaves no lock directory or temp file behind after puts, reads and deletes', async () => {
    // Prepare
    await store.put('d/k', 'v1');
    await writeFile(objectFile('d/k'), 'by hand');

    // Act
    await store.head('d/k');
    await store.put('d/k', 'v2', { ifMatch: md5Etag('by hand') });
    await store.put('d/other', 'x', { ifNoneMatch: '*' });
    await store.delete(['d/other']);

    // Assess
    expect((await readdir(join(store.root, 'd'))).sort()).toEqual(['.~meta.k', 'k']);
  });
});
