import { Readable } from 'node:stream';
import { ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../../../src/adapters/s3/S3ObjectStore.js';
import {
  ObjectNotFoundError,
  ObjectStoreError,
  PreconditionFailedError,
} from '../../../../src/errors.js';
import { describeObjectStoreContract } from '../../../contracts/objectStore.contract.js';
import {
  createBucket,
  deleteBucket,
  motoS3Client,
  type RecordingS3Client,
} from '../../helpers/motoS3.js';

const MIB = 1024 * 1024;
/** The smallest part size S3 allows, so 13 MiB bodies of the contract go up in parts. */
const PART_SIZE = 5 * MIB;
/**
 * Time allowed to a put whose body is shorter than its `contentLength`: it must fail as soon
 * as the body ends; before the check it waited for the server to time the request out.
 */
const SHORT_BODY_TEST_MS = 60_000;

let admin: RecordingS3Client;
let bucket: string;

beforeAll(async () => {
  admin = motoS3Client();
  bucket = await createBucket(admin.client, 's3-object-store');
});

afterAll(async () => {
  await deleteBucket(admin.client, bucket);
  admin.client.destroy();
});

describeObjectStoreContract(
  'S3ObjectStore on moto',
  async () => {
    const recording = motoS3Client();
    return {
      store: new S3ObjectStore({
        client: recording.client,
        bucket,
        partSize: PART_SIZE,
        queueSize: 2,
      }),
      bytesReceived: async () => recording.acknowledgedBytes(),
      dispose: async () => recording.client.destroy(),
    };
  },
  // moto ignores If-Match on CompleteMultipartUpload (AWS S3 enforces it); the header is
  // checked below instead.
  { ifMatchCheckedOnCompletion: false },
);

const catchError = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

const openUploads = async (client: S3Client, prefix: string): Promise<number> =>
  (await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }))).Uploads
    ?.length ?? 0;

describe('Class: S3ObjectStore', () => {
  let recording: RecordingS3Client;
  let store: S3ObjectStore;
  let ns: string;

  beforeEach(() => {
    recording = motoS3Client();
    store = new S3ObjectStore({ client: recording.client, bucket, partSize: PART_SIZE });
    ns = `s3-${Math.random().toString(36).slice(2)}/`;
    return () => recording.client.destroy();
  });

  const commandNames = (): string[] => recording.sent.map((command) => command.name);

  describe('Method: put', () => {
    it('sends a small byte body as one PutObject and a larger one in parts', async () => {
      // Act
      await store.put(`${ns}small`, Buffer.alloc(PART_SIZE, 1));
      const small = commandNames();
      recording.sent.length = 0;
      await store.put(`${ns}large`, Buffer.alloc(PART_SIZE + 1, 1));

      // Assess
      expect(small).toEqual(['PutObjectCommand']);
      expect(commandNames()).toEqual([
        'CreateMultipartUploadCommand',
        'UploadPartCommand',
        'UploadPartCommand',
        'CompleteMultipartUploadCommand',
      ]);
      expect((await store.head(`${ns}large`))?.etag).toMatch(/^"[0-9a-f]{32}-2"$/);
    });

    it('sends a stream of known small length as one PutObject', async () => {
      // Prepare
      async function* body(): AsyncGenerator<Uint8Array> {
        yield Buffer.from('abc');
        yield Buffer.from('def');
      }

      // Act
      await store.put(`${ns}known`, body(), { contentLength: 6, ifNoneMatch: '*' });

      // Assess
      expect(commandNames()).toEqual(['PutObjectCommand']);
      expect(recording.sent[0]?.input).toMatchObject({ IfNoneMatch: '*', ContentLength: 6 });
      expect((await store.head(`${ns}known`))?.size).toBe(6);
    });

    it('checks the conditions before a multipart upload and sends them on CompleteMultipartUpload', async () => {
      // Prepare
      const { etag } = await store.put(`${ns}cas`, 'v1');
      recording.sent.length = 0;

      // Act
      await store.put(`${ns}cas`, Buffer.alloc(PART_SIZE * 2, 1), { ifMatch: etag });
      await store.put(`${ns}new`, Buffer.alloc(PART_SIZE * 2, 1), { ifNoneMatch: '*' });

      // Assess
      const completes = recording.sent.filter(
        (command) => command.name === 'CompleteMultipartUploadCommand',
      );
      expect(completes.map((command) => command.input)).toMatchObject([
        { Key: `${ns}cas`, IfMatch: etag },
        { Key: `${ns}new`, IfNoneMatch: '*' },
      ]);
      expect(commandNames().filter((name) => name === 'HeadObjectCommand')).toHaveLength(2);
      expect(commandNames()[0]).toBe('HeadObjectCommand');
    });

    it('aborts the multipart upload that fails its precondition on completion', async () => {
      // Prepare
      const key = `${ns}race`;
      async function* body(): AsyncGenerator<Uint8Array> {
        yield Buffer.alloc(7 * MIB, 1);
        await store.put(key, 'winner');
        yield Buffer.alloc(7 * MIB, 2);
      }

      // Act
      const error = await catchError(store.put(key, body(), { ifNoneMatch: '*' }));

      // Assess
      expect(error).toBeInstanceOf(PreconditionFailedError);
      expect((error as Error).message).toContain(`bucket "${bucket}"`);
      expect((error as Error).cause).toMatchObject({ name: 'PreconditionFailed' });
      expect(commandNames()).toContain('AbortMultipartUploadCommand');
      expect(await openUploads(recording.client, ns)).toBe(0);
    });

    it('destroys a Readable body when the put fails before reading it', async () => {
      // Prepare
      await store.put(`${ns}k`, 'v');
      const body = Readable.from([Buffer.from('never read')]);

      // Act
      const error = await catchError(store.put(`${ns}k`, body, { ifNoneMatch: '*' }));

      // Assess
      expect(error).toBeInstanceOf(PreconditionFailedError);
      expect(body.destroyed).toBe(true);
      expect(commandNames()).not.toContain('CreateMultipartUploadCommand');
    });

    it('wraps a failing body stream in ObjectStoreError and leaves no upload open', async () => {
      // Prepare
      async function* body(): AsyncGenerator<Uint8Array> {
        yield Buffer.alloc(6 * MIB, 1);
        throw new Error('source broke');
      }

      // Act
      const error = await catchError(store.put(`${ns}broken`, body()));

      // Assess
      expect(error).toBeInstanceOf(ObjectStoreError);
      expect((error as Error).message).toContain('source broke');
      expect(await store.head(`${ns}broken`)).toBeUndefined();
      expect(await openUploads(recording.client, ns)).toBe(0);
    });
  });

  describe('Method: put, contentLength', () => {
    /** A stream of `sizes.length` chunks of the given sizes. */
    const chunks = async function* (...sizes: number[]): AsyncGenerator<Uint8Array> {
      for (const size of sizes) yield Buffer.alloc(size, 1);
    };

    it.each([
      ['one PutObject', [4, 4], 10],
      ['a multipart upload', [6 * MIB, 5 * MIB], 12 * MIB],
    ])(
      'fails promptly on a stream shorter than contentLength (%s) and writes nothing',
      async (_label, sizes, contentLength) => {
        // Prepare
        const key = `${ns}short`;
        const received = sizes.reduce((sum, size) => sum + size, 0);

        // Act
        const error = await catchError(store.put(key, chunks(...sizes), { contentLength }));

        // Assess
        expect(error).toBeInstanceOf(ObjectStoreError);
        expect(error).not.toBeInstanceOf(PreconditionFailedError);
        expect((error as Error).message).toBe(
          `put of key "${key}" in bucket "${bucket}" did not complete (nothing was written): contentLength is ${contentLength} but the body ended after ${received} bytes.`,
        );
        expect(commandNames()).not.toContain('PutObjectCommand');
        expect(commandNames()).not.toContain('CompleteMultipartUploadCommand');
        expect(await store.head(key)).toBeUndefined();
        expect(await openUploads(recording.client, ns)).toBe(0);
      },
      SHORT_BODY_TEST_MS,
    );

    it.each([
      ['one PutObject', [4, 4, 4], 10, 12],
      ['a multipart upload', [6 * MIB, 6 * MIB], 11 * MIB, 12 * MIB],
    ])(
      'fails on a stream longer than contentLength (%s) and writes nothing',
      async (_label, sizes, contentLength, atLeast) => {
        // Prepare
        const key = `${ns}long`;

        // Act
        const error = await catchError(store.put(key, chunks(...sizes), { contentLength }));

        // Assess
        expect(error).toBeInstanceOf(ObjectStoreError);
        expect((error as Error).message).toBe(
          `put of key "${key}" in bucket "${bucket}" did not complete (nothing was written): contentLength is ${contentLength} but the body has more bytes (at least ${atLeast}).`,
        );
        expect(commandNames()).not.toContain('PutObjectCommand');
        expect(commandNames()).not.toContain('CompleteMultipartUploadCommand');
        expect(await store.head(key)).toBeUndefined();
        expect(await openUploads(recording.client, ns)).toBe(0);
      },
    );

    it('aborts the multipart upload of a mis-sized stream and leaves an existing object as it was', async () => {
      // Prepare
      const key = `${ns}kept`;
      const { etag } = await store.put(key, 'previous');

      // Act
      const error = await catchError(
        store.put(key, chunks(6 * MIB, 5 * MIB), { contentLength: 12 * MIB, ifMatch: etag }),
      );

      // Assess
      expect(error).toBeInstanceOf(ObjectStoreError);
      expect(error).not.toBeInstanceOf(PreconditionFailedError);
      expect(commandNames()).toContain('UploadPartCommand');
      expect(commandNames()).toContain('AbortMultipartUploadCommand');
      expect((await store.head(key))?.etag).toBe(etag);
      expect(await openUploads(recording.client, ns)).toBe(0);
    });

    it('stores a stream of exactly contentLength bytes, in one request or in parts', async () => {
      // Act
      await store.put(`${ns}one`, chunks(3, 4), { contentLength: 7 });
      await store.put(`${ns}parts`, chunks(6 * MIB, 5 * MIB), { contentLength: 11 * MIB });

      // Assess
      expect((await store.head(`${ns}one`))?.size).toBe(7);
      expect((await store.head(`${ns}parts`))?.size).toBe(11 * MIB);
    });
  });

  describe('Method: put, preconditions', () => {
    it('reports S3 refusing ifNoneMatch on an existing key as PreconditionFailedError', async () => {
      // Prepare
      const key = `${ns}taken`;
      await store.put(key, 'first');
      recording.sent.length = 0;

      // Act
      const error = await catchError(store.put(key, 'second', { ifNoneMatch: '*' }));

      // Assess
      expect(commandNames()).toEqual(['PutObjectCommand']);
      expect(error).toBeInstanceOf(PreconditionFailedError);
      expect(error).toMatchObject({
        operation: 'put',
        key,
        context: { bucket, code: 'PreconditionFailed', status: 412 },
      });
      expect((error as Error).message).toBe(
        `put of key "${key}" in bucket "${bucket}" failed its precondition (If-None-Match: *): the current object does not satisfy it.`,
      );
      expect(await (await store.get(key)).body.toArray()).toEqual([Buffer.from('first')]);
    });

    it('reports S3 refusing ifMatch on a missing key (NoSuchKey) as PreconditionFailedError', async () => {
      // Prepare
      const key = `${ns}absent`;

      // Act
      const error = await catchError(store.put(key, 'v', { ifMatch: '"0123"' }));

      // Assess
      expect(commandNames()).toEqual(['PutObjectCommand']);
      expect(error).toBeInstanceOf(PreconditionFailedError);
      expect(error).toMatchObject({ context: { code: 'NoSuchKey', status: 404 } });
      expect((error as Error).message).toContain('the object does not exist');
      expect(await store.head(key)).toBeUndefined();
    });
  });

  describe('Method: put, body stream', () => {
    it('ends an iterable body when the upload fails while reading it', async () => {
      // Prepare
      const nowhere = new S3ObjectStore({ client: recording.client, bucket: `${bucket}-absent` });
      let finished: () => void = () => undefined;
      const ended = new Promise<void>((resolve) => {
        finished = resolve;
      });
      async function* endless(): AsyncGenerator<Uint8Array> {
        try {
          for (;;) yield Buffer.alloc(MIB, 1);
        } finally {
          finished();
        }
      }

      // Act
      const error = await catchError(nowhere.put('k', endless()));
      // The test times out, and fails, if the generator is left suspended.
      await ended;

      // Assess
      expect(error).toBeInstanceOf(ObjectStoreError);
      expect((error as Error).message).toContain('NoSuchBucket');
    });
  });

  describe('Method: get', () => {
    it('names the bucket, the key and the operation of a missing object', async () => {
      // Act
      const error = await catchError(store.get(`${ns}missing`));

      // Assess
      expect(error).toBeInstanceOf(ObjectNotFoundError);
      expect(error).toMatchObject({
        operation: 'get',
        key: `${ns}missing`,
        context: { bucket, code: 'NoSuchKey', status: 404 },
      });
      expect((error as Error).message).toBe(
        `get of key "${ns}missing" in bucket "${bucket}" failed: the object does not exist.`,
      );
      expect((error as Error).cause).toMatchObject({ name: 'NoSuchKey' });
    });
  });

  describe('missing bucket', () => {
    it('reports a missing bucket as ObjectStoreError, not as a missing object', async () => {
      // Prepare
      const nowhere = new S3ObjectStore({ client: recording.client, bucket: `${bucket}-absent` });

      // Act
      const errors = [
        await catchError(nowhere.get('k')),
        await catchError(nowhere.put('k', 'v')),
        await catchError(nowhere.list({ prefix: 'k' })),
        await catchError(nowhere.delete(['k'])),
      ];

      // Assess
      for (const error of errors) {
        expect(error).toBeInstanceOf(ObjectStoreError);
        expect(error).not.toBeInstanceOf(ObjectNotFoundError);
        expect((error as Error).message).toContain('NoSuchBucket');
        expect((error as Error).message).toContain(`"${bucket}-absent"`);
      }
      expect(await nowhere.head('k')).toBeUndefined();
    });
  });
});
