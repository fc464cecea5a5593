import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ObjectNotFoundError,
  ObjectStoreError,
  PreconditionFailedError,
} from '../../src/errors.js';
import type { ObjectStore } from '../../src/ports/objectStore.js';

const MIB = 1024 * 1024;
/** Larger than the part size contract fixtures must use (at most 6 MiB), so it goes up in parts. */
const MULTIPART_BYTES = 13 * MIB;
/** The streamed object of the streaming test. */
const STREAM_BYTES = 100 * MIB;
/** Time allowed to the tests that move many keys or many bytes. */
const SLOW_TEST_MS = 120_000;
/** How far the producer may run ahead of what reached the store during the streaming test. */
const MAX_AHEAD_BYTES = 48 * MIB;

/** What a contract test runs against. */
export interface ObjectStoreContractFixture {
  readonly store: ObjectStore;
  /**
   * Bytes of uploads in progress that have already reached the backend (S3: parts sent and
   * acknowledged; file system: bytes in temp files). The streaming test samples it while
   * producing the body to show the store does not read the whole body first.
   */
  readonly bytesReceived: () => Promise<number>;
  /** Releases what the fixture made (temp directories, clients). */
  readonly dispose?: (() => Promise<void>) | undefined;
}

/** What the backend under test guarantees beyond the common contract. */
export interface ObjectStoreContractCapabilities {
  /**
   * Whether `ifMatch` is enforced when a multipart upload completes (an overwrite during the
   * upload makes it fail). The file system and AWS S3: yes; moto: no (it ignores `If-Match`
   * on `CompleteMultipartUpload`), so its integration test checks the header is sent instead.
   */
  readonly ifMatchCheckedOnCompletion: boolean;
}

/** Reads a stream to the end and returns its bytes. */
const readBytes = async (body: Readable): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
};

/** Reads a stream to the end and returns its text. */
const readText = async (body: Readable): Promise<string> =>
  (await readBytes(body)).toString('utf8');

/** Hashes a stream chunk by chunk: sha256 hex and byte count. */
const hashStream = async (body: Readable): Promise<{ sha256: string; size: number }> => {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of body) {
    const bytes = chunk as Uint8Array;
    hash.update(bytes);
    size += bytes.byteLength;
  }
  return { sha256: hash.digest('hex'), size };
};

/** A fresh 1 MiB chunk whose bytes depend on its index (so reordered chunks change the hash). */
const chunkAt = (index: number): Buffer => {
  const chunk = Buffer.alloc(MIB, index % 251);
  chunk.writeUInt32BE(index, 0);
  return chunk;
};

const md5Etag = (text: string): string => `"${createHash('md5').update(text).digest('hex')}"`;

const catchError = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

/**
 * The behaviour every {@link ObjectStore} must have, run against each adapter: the file
 * system store in unit tests, the S3 store on moto in integration tests. Each test works
 * under its own random key prefix, so fixtures may share a bucket or directory.
 *
 * @param label - names the adapter in the test titles
 * @param makeFixture - makes a fresh fixture before each test (S3 fixtures must use a part
 *   size of at most 6 MiB so 13 MiB bodies go up in parts)
 * @param capabilities - what the backend guarantees beyond the common contract
 */
export const describeObjectStoreContract = (
  label: string,
  makeFixture: () => Promise<ObjectStoreContractFixture>,
  capabilities: ObjectStoreContractCapabilities,
): void => {
  describe(`ObjectStore contract: ${label}`, () => {
    let fixture: ObjectStoreContractFixture;
    let store: ObjectStore;
    let ns: string;

    beforeEach(async () => {
      fixture = await makeFixture();
      store = fixture.store;
      ns = `contract-${randomUUID()}/`;
    });

    afterEach(async () => {
      await fixture.dispose?.();
    });

    describe('Method: put / get', () => {
      it('round-trips text and bytes and returns the quoted MD5 ETag of a small body', async () => {
        // Prepare
        const bytes = new Uint8Array([0, 1, 2, 250, 255]);

        // Act
        const text = await store.put(`${ns}text.txt`, 'héllo wörld');
        const binary = await store.put(`${ns}bin/data`, bytes);
        const readTextBack = await store.get(`${ns}text.txt`);
        const readBinaryBack = await store.get(`${ns}bin/data`);

        // Assess
        expect(text.etag).toBe(md5Etag('héllo wörld'));
        expect(await readText(readTextBack.body)).toBe('héllo wörld');
        expect(readTextBack.info).toMatchObject({
          key: `${ns}text.txt`,
          size: Buffer.byteLength('héllo wörld'),
          etag: text.etag,
        });
        expect(readTextBack.info.lastModified).toBeInstanceOf(Date);
        expect(new Uint8Array(await readBytes(readBinaryBack.body))).toEqual(bytes);
        expect(readBinaryBack.info.etag).toBe(binary.etag);
      });

      it('stores an empty body', async () => {
        // Act
        const { etag } = await store.put(`${ns}empty`, '');
        const read = await store.get(`${ns}empty`);

        // Assess
        expect(etag).toBe(md5Etag(''));
        expect(read.info.size).toBe(0);
        expect(await readText(read.body)).toBe('');
      });

      it('round-trips a stream body and a body of several parts', async () => {
        // Prepare
        const big = Buffer.alloc(MULTIPART_BYTES, 7);
        async function* pieces(): AsyncGenerator<Uint8Array> {
          yield Buffer.from('one,');
          yield Buffer.from('two');
        }

        // Act
        await store.put(`${ns}stream`, pieces());
        const multipart = await store.put(`${ns}big`, big);
        const streamed = await store.get(`${ns}stream`);
        const bigRead = await store.get(`${ns}big`);

        // Assess
        expect(await readText(streamed.body)).toBe('one,two');
        expect(bigRead.info.etag).toBe(multipart.etag);
        expect(bigRead.info.size).toBe(MULTIPART_BYTES);
        expect(await hashStream(bigRead.body)).toEqual({
          sha256: createHash('sha256').update(big).digest('hex'),
          size: MULTIPART_BYTES,
        });
      });

      it('stores content type and metadata, with metadata keys lower-cased', async () => {
        // Act
        await store.put(`${ns}meta.json`, '{}', {
          contentType: 'application/json',
          metadata: { 'Run-Id': 'r-1', sha256: 'abc' },
        });
        const read = await store.get(`${ns}meta.json`);
        await readText(read.body);

        // Assess
        expect(read.info.contentType).toBe('application/json');
        expect(read.info.metadata).toEqual({ 'run-id': 'r-1', sha256: 'abc' });
      });

      it('replaces content, content type and metadata on overwrite', async () => {
        // Prepare
        await store.put(`${ns}k`, 'first', { contentType: 'text/plain', metadata: { a: '1' } });

        // Act
        const second = await store.put(`${ns}k`, 'second', { metadata: { b: '2' } });
        const read = await store.get(`${ns}k`);

        // Assess
        expect(await readText(read.body)).toBe('second');
        expect(read.info.etag).toBe(second.etag);
        expect(read.info.metadata).toEqual({ b: '2' });
        expect(read.info.contentType).not.toBe('text/plain');
      });

      it('rejects a get of a missing key with ObjectNotFoundError naming the key', async () => {
        // Act
        const error = await catchError(store.get(`${ns}missing`));

        // Assess
        expect(error).toBeInstanceOf(ObjectNotFoundError);
        expect(error).toMatchObject({ key: `${ns}missing`, operation: 'get' });
        expect((error as Error).message).toContain(`${ns}missing`);
      });
    });

    describe('Method: head', () => {
      it('returns undefined for a missing key', async () => {
        // Act & Assess
        expect(await store.head(`${ns}nothing`)).toBeUndefined();
      });

      it('returns size, ETag, last-modified time, content type and metadata', async () => {
        // Prepare
        const { etag } = await store.put(`${ns}h.txt`, 'abc', {
          contentType: 'text/plain',
          metadata: { owner: 'me' },
        });

        // Act
        const info = await store.head(`${ns}h.txt`);

        // Assess
        expect(info).toMatchObject({
          key: `${ns}h.txt`,
          size: 3,
          etag,
          contentType: 'text/plain',
          metadata: { owner: 'me' },
        });
        expect(info?.lastModified).toBeInstanceOf(Date);
      });
    });

    describe('Method: put (conditional)', () => {
      it('creates with ifNoneMatch "*" once, then rejects with PreconditionFailedError', async () => {
        // Act
        const created = await store.put(`${ns}once`, 'v1', { ifNoneMatch: '*' });
        const error = await catchError(store.put(`${ns}once`, 'v2', { ifNoneMatch: '*' }));

        // Assess
        expect(created.etag).toBe(md5Etag('v1'));
        expect(error).toBeInstanceOf(PreconditionFailedError);
        expect(error).toMatchObject({ key: `${ns}once`, operation: 'put' });
        expect(await readText((await store.get(`${ns}once`)).body)).toBe('v1');
      });

      it('updates with the current ETag in ifMatch and rejects a stale one', async () => {
        // Prepare
        const first = await store.put(`${ns}cas`, 'v1');
        const second = await store.put(`${ns}cas`, 'v2', { ifMatch: first.etag });

        // Act
        const stale = await catchError(store.put(`${ns}cas`, 'v3', { ifMatch: first.etag }));
        const third = await store.put(`${ns}cas`, 'v3', { ifMatch: second.etag });

        // Assess
        expect(stale).toBeInstanceOf(PreconditionFailedError);
        expect(third.etag).toBe(md5Etag('v3'));
        expect(await readText((await store.get(`${ns}cas`)).body)).toBe('v3');
      });

      it('rejects ifMatch on a missing key with PreconditionFailedError', async () => {
        // Act
        const error = await catchError(store.put(`${ns}absent`, 'v', { ifMatch: md5Etag('x') }));

        // Assess
        expect(error).toBeInstanceOf(PreconditionFailedError);
        expect(await store.head(`${ns}absent`)).toBeUndefined();
      });

      it('applies ifNoneMatch and ifMatch to bodies sent in parts', async () => {
        // Prepare
        const first = await store.put(`${ns}mp`, 'small');
        await store.put(`${ns}mp`, 'newer');

        // Act
        const exists = await catchError(
          store.put(`${ns}mp`, Buffer.alloc(MULTIPART_BYTES, 1), { ifNoneMatch: '*' }),
        );
        const stale = await catchError(
          store.put(`${ns}mp`, Buffer.alloc(MULTIPART_BYTES, 2), { ifMatch: first.etag }),
        );
        const created = await store.put(`${ns}mp-new`, Buffer.alloc(MULTIPART_BYTES, 3), {
          ifNoneMatch: '*',
        });

        // Assess
        expect(exists).toBeInstanceOf(PreconditionFailedError);
        expect(stale).toBeInstanceOf(PreconditionFailedError);
        expect(await readText((await store.get(`${ns}mp`)).body)).toBe('newer');
        expect((await store.head(`${ns}mp-new`))?.etag).toBe(created.etag);
      });

      it('rejects a streamed ifNoneMatch put when the key is created during the upload', async () => {
        // Prepare
        const key = `${ns}race-create`;
        async function* body(): AsyncGenerator<Uint8Array> {
          yield Buffer.alloc(7 * MIB, 1);
          await store.put(key, 'winner');
          yield Buffer.alloc(7 * MIB, 2);
        }

        // Act
        const error = await catchError(store.put(key, body(), { ifNoneMatch: '*' }));

        // Assess
        expect(error).toBeInstanceOf(PreconditionFailedError);
        expect(await readText((await store.get(key)).body)).toBe('winner');
      });

      if (capabilities.ifMatchCheckedOnCompletion) {
        it('rejects a streamed ifMatch put when the key is overwritten during the upload', async () => {
          // Prepare
          const key = `${ns}race-update`;
          const { etag } = await store.put(key, 'v1');
          async function* body(): AsyncGenerator<Uint8Array> {
            yield Buffer.alloc(7 * MIB, 1);
            await store.put(key, 'v2');
            yield Buffer.alloc(7 * MIB, 2);
          }

          // Act
          const error = await catchError(store.put(key, body(), { ifMatch: etag }));

          // Assess
          expect(error).toBeInstanceOf(PreconditionFailedError);
          expect(await readText((await store.get(key)).body)).toBe('v2');
        });
      }
    });

    describe('Method: list', () => {
      it('lists keys under a prefix sorted by UTF-8 bytes, with sizes and ETags', async () => {
        // Prepare: U+E000 sorts before U+1F600 in UTF-8 but after it in UTF-16.
        const keys = [`${ns}b`, `${ns}a/x`, `${ns}\u{1F600}`, `${ns}\uE000`, `${ns}a-1`, `${ns}A`];
        const etags = new Map<string, string>();
        for (const key of keys) etags.set(key, (await store.put(key, key)).etag);
        await store.put(`other-${ns}a`, 'outside the prefix');

        // Act
        const listing = await store.list({ prefix: ns });

        // Assess
        expect(listing.objects.map((object) => object.key)).toEqual([
          `${ns}A`,
          `${ns}a-1`,
          `${ns}a/x`,
          `${ns}b`,
          `${ns}\uE000`,
          `${ns}\u{1F600}`,
        ]);
        expect(listing.prefixes).toEqual([]);
        for (const object of listing.objects) {
          expect(object.etag).toBe(etags.get(object.key));
          expect(object.size).toBe(Buffer.byteLength(object.key));
        }
      });

      it('rolls keys up into common prefixes at the delimiter, after a partial prefix', async () => {
        // Prepare
        for (const key of ['v1/a', 'v1/b/c', 'v1/b/d', 'v2/x', 'v10/y', 'top', 'vx']) {
          await store.put(`${ns}${key}`, key);
        }

        // Act
        const root = await store.list({ prefix: ns, delimiter: '/' });
        const partial = await store.list({ prefix: `${ns}v1`, delimiter: '/' });
        const dash = await store.list({ prefix: `${ns}v1/`, delimiter: 'b' });

        // Assess
        expect(root.objects.map((object) => object.key)).toEqual([`${ns}top`, `${ns}vx`]);
        expect(root.prefixes).toEqual([`${ns}v1/`, `${ns}v10/`, `${ns}v2/`]);
        expect(partial.objects).toEqual([]);
        expect(partial.prefixes).toEqual([`${ns}v1/`, `${ns}v10/`]);
        expect(dash.objects.map((object) => object.key)).toEqual([`${ns}v1/a`]);
        expect(dash.prefixes).toEqual([`${ns}v1/b`]);
      });

      it('returns an empty listing for a prefix with no keys', async () => {
        // Act & Assess
        expect(await store.list({ prefix: `${ns}none/`, delimiter: '/' })).toEqual({
          objects: [],
          prefixes: [],
        });
      });

      it(
        'lists and deletes more than 1,000 keys in nested prefixes',
        async () => {
          // Prepare: 1,050 prefixes one level down plus 50 keys at the top = 1,100 keys.
          const nested = Array.from(
            { length: 1050 },
            (_, i) => `${ns}big/d${String(i).padStart(4, '0')}/x`,
          );
          const flat = Array.from(
            { length: 50 },
            (_, i) => `${ns}big/f${String(i).padStart(3, '0')}`,
          );
          const all = [...nested, ...flat];
          for (let i = 0; i < all.length; i += 25) {
            await Promise.all(all.slice(i, i + 25).map((key) => store.put(key, 'x')));
          }

          // Act
          const everything = await store.list({ prefix: `${ns}big/` });
          const level = await store.list({ prefix: `${ns}big/`, delimiter: '/' });
          const narrowed = await store.list({ prefix: `${ns}big/d00`, delimiter: '/' });
          await store.delete([...all, `${ns}big/never-existed`]);
          const afterDelete = await store.list({ prefix: `${ns}big/` });

          // Assess
          expect(everything.objects).toHaveLength(1100);
          expect(everything.objects.map((object) => object.key)).toEqual([...all].sort());
          expect(level.objects.map((object) => object.key)).toEqual(flat);
          expect(level.prefixes).toEqual(nested.map((key) => key.slice(0, -'x'.length)));
          expect(narrowed.prefixes).toHaveLength(100);
          expect(afterDelete).toEqual({ objects: [], prefixes: [] });
        },
        SLOW_TEST_MS,
      );
    });

    describe('Method: delete', () => {
      it('deletes existing keys and ignores missing and repeated ones', async () => {
        // Prepare
        await store.put(`${ns}d/1`, '1');
        await store.put(`${ns}d/2`, '2');
        await store.put(`${ns}d/keep`, 'k');

        // Act
        await store.delete([`${ns}d/1`, `${ns}d/2`, `${ns}d/1`, `${ns}d/missing`]);
        await store.delete([]);

        // Assess
        expect(await store.head(`${ns}d/1`)).toBeUndefined();
        expect(await store.head(`${ns}d/2`)).toBeUndefined();
        expect((await store.list({ prefix: `${ns}d/` })).objects.map((o) => o.key)).toEqual([
          `${ns}d/keep`,
        ]);
        const error = await catchError(store.get(`${ns}d/1`));
        expect(error).toBeInstanceOf(ObjectNotFoundError);
        expect(error).toBeInstanceOf(ObjectStoreError);
      });
    });

    describe('Method: put / get (streaming)', () => {
      it(
        'streams a 100 MiB body in and out without reading it whole first',
        async () => {
          // Prepare
          const key = `${ns}stream/100mib.bin`;
          const produced = createHash('sha256');
          let producedBytes = 0;
          let maxAhead = 0;
          let receivedBeforeLastChunk = -1;
          let finished = false;
          async function* body(): AsyncGenerator<Uint8Array> {
            const chunks = STREAM_BYTES / MIB;
            for (let index = 0; index < chunks; index += 1) {
              const received = await fixture.bytesReceived();
              maxAhead = Math.max(maxAhead, producedBytes - received);
              if (index === chunks - 1) receivedBeforeLastChunk = received;
              const chunk = chunkAt(index);
              produced.update(chunk);
              producedBytes += chunk.byteLength;
              yield chunk;
            }
            finished = true;
          }

          // Act
          const { etag } = await store.put(key, body(), {
            contentType: 'application/octet-stream',
          });
          const read = await store.get(key);
          const consumed = await hashStream(read.body);

          // Assess
          expect(finished).toBe(true);
          expect(receivedBeforeLastChunk).toBeGreaterThan(0);
          expect(maxAhead).toBeLessThan(MAX_AHEAD_BYTES);
          expect(consumed).toEqual({ sha256: produced.digest('hex'), size: STREAM_BYTES });
          expect(read.info).toMatchObject({ key, size: STREAM_BYTES, etag });
        },
        SLOW_TEST_MS,
      );
    });
  });
};
