import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSystemObjectStore } from '../../../../src/adapters/fs/FileSystemObjectStore.js';
import {
  DeleteFailedError,
  ObjectNotFoundError,
  ObjectStoreError,
  PreconditionFailedError,
} from '../../../../src/errors.js';
import { describeObjectStoreContract } from '../../../contracts/objectStore.contract.js';

const makeRoot = (): Promise<string> => mkdtemp(join(tmpdir(), 'fs-object-store-'));

/** Every file under `dir`, as `/`-joined paths relative to it. */
const filesUnder = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();

/** Bytes written so far to the store's temp files (uploads in progress). */
const tempBytes = async (root: string): Promise<number> => {
  let total = 0;
  for (const file of await filesUnder(root).catch(() => [])) {
    if (!file.split('/').at(-1)?.startsWith('.~tmp.')) continue;
    total += await stat(join(root, file)).then(
      (stats) => stats.size,
      () => 0,
    );
  }
  return total;
};

const readText = async (body: Readable): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
};

const md5Etag = (text: string): string => `"${createHash('md5').update(text).digest('hex')}"`;

const catchError = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describeObjectStoreContract(
  'FileSystemObjectStore',
  async () => {
    const root = await makeRoot();
    return {
      // No fsync: it changes durability, not behaviour, and 1,100 fsyncs slow the suite.
      store: new FileSystemObjectStore({ root, fsync: false }),
      bytesReceived: () => tempBytes(root),
      dispose: () => rm(root, { recursive: true, force: true }),
    };
  },
  { ifMatchCheckedOnCompletion: true },
);

describe('Class: FileSystemObjectStore', () => {
  let root: string;
  let store: FileSystemObjectStore;

  beforeEach(async () => {
    root = await makeRoot();
    store = new FileSystemObjectStore({ root: join(root, 'objects') });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  describe('Method: put', () => {
    it('keeps the content at <root>/<key> and only reserved names beside it', async () => {
      // Act
      await store.put('words/snapshot/latest-pointer.txt', 'v1', {
        contentType: 'text/plain',
        metadata: { a: 'b' },
      });

      // Assess
      expect(store.root).toBe(join(root, 'objects'));
      expect(await readFile(join(store.root, 'words/snapshot/latest-pointer.txt'), 'utf8')).toBe(
        'v1',
      );
      expect(await filesUnder(store.root)).toEqual([
        'words/snapshot/.~meta.latest-pointer.txt',
        'words/snapshot/latest-pointer.txt',
      ]);
    });

    it.each([
      ['an empty key', ''],
      ['a parent segment', '../outside'],
      ['a nested parent segment', 'a/../../outside'],
      ['a current segment', 'a/./b'],
      ['an absolute path', '/etc/passwd'],
      ['a double slash', 'a//b'],
      ['a trailing slash', 'a/'],
      ['a backslash', 'a\\..\\b'],
      ['a NUL', 'a\0b'],
      ['a reserved sidecar name', 'a/.~meta.b'],
      ['a reserved temp name', '.~tmp.123'],
      ['a segment longer than 248 bytes', 'é'.repeat(125)],
    ])('refuses a key with %s before touching the file system', async (_label, key) => {
      // Act
      const errors = [
        await catchError(store.put(key, 'x')),
        await catchError(store.get(key)),
        await catchError(store.head(key)),
        await catchError(store.delete(['fine', key])),
      ];

      // Assess
      for (const error of errors) {
        expect(error).toBeInstanceOf(ObjectStoreError);
        expect(error).not.toBeInstanceOf(ObjectNotFoundError);
        expect(error).toMatchObject({ key });
        expect((error as Error).message).toContain('refused');
      }
      expect(existsSync(store.root)).toBe(false);
    });

    it('accepts a 248-byte segment and names with dots and tildes that are not reserved', async () => {
      // Act
      for (const key of ['é'.repeat(124), '.hidden', '~x', 'a/..b', 'a/~.b']) {
        await store.put(key, key);
      }

      // Assess
      expect((await store.list()).objects.map((object) => object.key)).toEqual([
        '.hidden',
        'a/..b',
        'a/~.b',
        '~x',
        'é'.repeat(124),
      ]);
    });

    it('lets exactly one of many concurrent ifNoneMatch puts on one key succeed', async () => {
      // Act
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => store.put('once', `v${i}`, { ifNoneMatch: '*' })),
      );

      // Assess
      const fulfilled = results.filter((result) => result.status === 'fulfilled');
      const rejected = results.flatMap((result) =>
        result.status === 'rejected' ? [result.reason] : [],
      );
      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(19);
      for (const reason of rejected) expect(reason).toBeInstanceOf(PreconditionFailedError);
    });

    it('lets exactly one of many concurrent ifMatch puts with the same ETag succeed, across store instances', async () => {
      // Prepare
      const { etag } = await store.put('cas', 'v0');
      const other = new FileSystemObjectStore({ root: store.root });

      // Act
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? store : other).put('cas', `v${i + 1}`, { ifMatch: etag }),
        ),
      );

      // Assess
      const winners = results.flatMap((result, i) =>
        result.status === 'fulfilled' ? [`v${i + 1}`] : [],
      );
      expect(winners).toHaveLength(1);
      expect(await readText((await store.get('cas')).body)).toBe(winners[0]);
      for (const result of results) {
        if (result.status === 'rejected') {
          expect(result.reason).toBeInstanceOf(PreconditionFailedError);
        }
      }
    });

    it('accepts an ifMatch ETag with or without quotes', async () => {
      // Prepare
      const { etag } = await store.put('q', 'v1');

      // Act
      const second = await store.put('q', 'v2', { ifMatch: etag.replaceAll('"', '') });

      // Assess
      expect(second.etag).toBe(md5Etag('v2'));
    });

    it('leaves the previous object and no temp file when the body stream fails', async () => {
      // Prepare
      await store.put('k', 'before', { metadata: { v: '1' } });
      async function* failing(): AsyncGenerator<Uint8Array> {
        yield Buffer.from('partial');
        throw new Error('source broke');
      }

      // Act
      const error = await catchError(store.put('k', failing()));

      // Assess
      expect(error).toBeInstanceOf(ObjectStoreError);
      expect((error as Error).cause).toMatchObject({ message: 'source broke' });
      expect(await readText((await store.get('k')).body)).toBe('before');
      expect(await filesUnder(store.root)).toEqual(['.~meta.k', 'k']);
    });

    it('destroys a Readable body when the put fails before reading it', async () => {
      // Prepare
      await store.put('k', 'v');
      const body = Readable.from([Buffer.from('never read')]);

      // Act
      const error = await catchError(store.put('k', body, { ifNoneMatch: '*' }));

      // Assess
      expect(error).toBeInstanceOf(PreconditionFailedError);
      expect(body.destroyed).toBe(true);
    });

    it('rejects a body that yields something other than bytes or text', async () => {
      // Prepare
      async function* objects(): AsyncGenerator<Uint8Array> {
        yield { not: 'bytes' } as unknown as Uint8Array;
      }

      // Act
      const error = await catchError(store.put('k', objects()));

      // Assess
      expect(error).toBeInstanceOf(ObjectStoreError);
      expect(await store.head('k')).toBeUndefined();
    });

    it('rejects a body whose size differs from contentLength and stores nothing', async () => {
      // Act
      const error = await catchError(store.put('k', 'four', { contentLength: 5 }));

      // Assess
      expect(error).toBeInstanceOf(ObjectStoreError);
      expect((error as Error).message).toContain('contentLength is 5 but the body had 4 bytes');
      expect(await store.head('k')).toBeUndefined();
      expect(await filesUnder(store.root)).toEqual([]);
    });

    it('refuses a key that is also the directory of other keys, and the reverse', async () => {
      // Prepare
      await store.put('a', 'file');
      await store.put('x/y', 'below');

      // Act
      const below = await catchError(store.put('a/b', 'x'));
      const above = await catchError(store.put('x', 'x'));
      const aboveCreate = await catchError(store.put('x', 'x', { ifNoneMatch: '*' }));

      // Assess
      for (const error of [below, above, aboveCreate]) {
        expect(error).toBeInstanceOf(ObjectStoreError);
        expect(error).not.toBeInstanceOf(PreconditionFailedError);
        expect((error as Error).message).toContain('conflicts with another key');
      }
      expect(await store.head('x')).toBeUndefined();
      expect(await filesUnder(store.root)).toEqual(['.~meta.a', 'a', 'x/.~meta.y', 'x/y']);
    });

    it('writes without fsync when asked to', async () => {
      // Prepare
      const fast = new FileSystemObjectStore({ root: store.root, fsync: false });

      // Act
      const { etag } = await fast.put('k', 'v');

      // Assess
      expect((await store.head('k'))?.etag).toBe(etag);
    });
  });

  describe('Method: get', () => {
    it('keeps streaming the version it opened when the key is overwritten', async () => {
      // Prepare
      await store.put('k', 'old content');
      const read = await store.get('k');

      // Act
      await store.put('k', 'new content');

      // Assess
      expect(await readText(read.body)).toBe('old content');
      expect(await readText((await store.get('k')).body)).toBe('new content');
    });

    it('treats a directory of other keys as a missing object', async () => {
      // Prepare
      await store.put('dir/k', 'v');

      // Act
      const error = await catchError(store.get('dir'));

      // Assess
      expect(error).toBeInstanceOf(ObjectNotFoundError);
      expect(await store.head('dir')).toBeUndefined();
    });
  });

  describe('Method: head', () => {
    it('computes the ETag of a file placed by hand, without content type or metadata', async () => {
      // Prepare
      await mkdir(join(store.root, 'hand'), { recursive: true });
      await writeFile(join(store.root, 'hand', 'made.txt'), 'by hand');

      // Act
      const info = await store.head('hand/made.txt');
      const listed = await store.list({ prefix: 'hand/' });

      // Assess
      expect(info).toMatchObject({ key: 'hand/made.txt', size: 7, etag: md5Etag('by hand') });
      expect(info?.contentType).toBeUndefined();
      expect(info?.metadata).toEqual({});
      expect(listed.objects).toMatchObject([{ key: 'hand/made.txt', etag: md5Etag('by hand') }]);
    });

    it('does not trust a sidecar left from an earlier version of the file', async () => {
      // Prepare: another writer replaced the content and crashed before its sidecar rename.
      await store.put('k', 'first', { contentType: 'text/plain', metadata: { v: '1' } });
      await writeFile(join(root, 'replacement'), 'second!');
      await rename(join(root, 'replacement'), join(store.root, 'k'));

      // Act
      const info = await store.head('k');

      // Assess
      expect(info).toMatchObject({ size: 7, etag: md5Etag('second!'), metadata: {} });
      expect(info?.contentType).toBeUndefined();
    });
  });

  describe('Method: list', () => {
    it('never lists sidecars, temp files or empty directories', async () => {
      // Prepare
      await store.put('p/a', 'a', { metadata: { x: 'y' } });
      await writeFile(join(store.root, 'p', '.~tmp.leftover'), 'crashed upload');
      await mkdir(join(store.root, 'p', 'empty'), { recursive: true });
      await mkdir(join(store.root, 'p', '.~tmp.dir'), { recursive: true });
      await writeFile(join(store.root, 'p', '.~tmp.dir', 'x'), 'x');

      // Act
      const flat = await store.list({ prefix: 'p/' });
      const rolled = await store.list({ prefix: 'p/', delimiter: '/' });

      // Assess
      expect(flat.objects.map((object) => object.key)).toEqual(['p/a']);
      expect(rolled).toMatchObject({ objects: [{ key: 'p/a' }], prefixes: [] });
    });

    it('lists the whole store without a prefix, and nothing for a prefix leaving the root', async () => {
      // Prepare
      await store.put('z', 'z');
      await store.put('a/b', 'b');
      await writeFile(join(root, 'outside'), 'not in the store');

      // Act
      const all = await store.list();
      const escaping = await store.list({ prefix: '../' });

      // Assess
      expect(all.objects.map((object) => object.key)).toEqual(['a/b', 'z']);
      expect(escaping).toEqual({ objects: [], prefixes: [] });
    });

    it('lists an empty store before its root exists', async () => {
      // Act & Assess
      expect(await store.list({ delimiter: '/' })).toEqual({ objects: [], prefixes: [] });
    });
  });

  describe('Method: delete', () => {
    it('removes directories left empty, up to the root', async () => {
      // Prepare
      await store.put('p/q/r', 'r');
      await store.put('p/s', 's');

      // Act
      await store.delete(['p/q/r']);
      const afterFirst = await filesUnder(store.root);
      await store.delete(['p/s']);

      // Assess
      expect(afterFirst).toEqual(['p/.~meta.s', 'p/s']);
      expect(existsSync(join(store.root, 'p'))).toBe(false);
      expect(existsSync(store.root)).toBe(true);
    });

    it('ignores a key that names a directory of other keys', async () => {
      // Prepare
      await store.put('dir/k', 'v');

      // Act
      await store.delete(['dir']);

      // Assess
      expect(await store.head('dir/k')).toBeDefined();
    });

    it('deletes the other keys and reports each key it could not delete', async () => {
      // Prepare: a directory where the sidecar should be makes that key's delete fail.
      await store.put('bad', 'x');
      await store.put('good', 'y');
      await rm(join(store.root, '.~meta.bad'));
      await mkdir(join(store.root, '.~meta.bad', 'blocker'), { recursive: true });

      // Act
      const error = await catchError(store.delete(['good', 'bad']));

      // Assess
      expect(error).toBeInstanceOf(DeleteFailedError);
      expect(error).toMatchObject({
        operation: 'delete',
        key: 'bad',
        failedKeys: ['bad'],
        deleted: 1,
      });
      expect((error as Error).message).toContain('failed for 1 of 2 keys: "bad"');
      const cause = (error as Error).cause;
      expect(cause).toBeInstanceOf(AggregateError);
      expect((cause as AggregateError).errors).toHaveLength(1);
      expect(await store.head('good')).toBeUndefined();
    });
  });
});
