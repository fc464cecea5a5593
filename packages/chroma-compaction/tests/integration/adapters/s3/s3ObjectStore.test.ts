import { Readable } from 'node:stream';
import { ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../../../src/adapters/s3/s3ObjectStore.js';
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
