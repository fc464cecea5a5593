import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  type DeleteObjectsCommandInput,
  type DeleteObjectsCommandOutput,
  ListObjectsV2Command,
  type ListObjectsV2CommandInput,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../../../src/adapters/s3/S3ObjectStore.js';
import {
  DeleteFailedError,
  ObjectNotFoundError,
  ObjectStoreError,
  PreconditionFailedError,
} from '../../../../src/errors.js';

type Reply = (command: unknown) => Promise<unknown>;

/**
 * A stand-in for `S3Client` that answers `send` with `reply` and records every command. Its
 * `config` has what `@aws-sdk/lib-storage` reads before a multipart upload.
 */
const fakeClient = (reply: Reply): { client: S3Client; commands: unknown[] } => {
  const commands: unknown[] = [];
  const client = {
    send: async (command: unknown) => {
      commands.push(command);
      return reply(command);
    },
    config: { requestChecksumCalculation: async () => 'WHEN_REQUIRED', requestHandler: {} },
  } as unknown as S3Client;
  return { client, commands };
};

/** An error as the SDK throws it for an S3 error response. */
const serviceError = (name: string, status: number): S3ServiceException =>
  new S3ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: `${name} from S3`,
  });

const MIB = 1024 * 1024;

const commandNames = (commands: unknown[]): string[] =>
  commands.map((command) => (command as object).constructor.name);

const catchError = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('Class: S3ObjectStore', () => {
  describe('constructor', () => {
    it.each([
      [{ partSize: 5 * 1024 * 1024 - 1 }, 'partSize must be an integer of at least 5242880 bytes'],
      [{ partSize: 5 * 1024 * 1024 + 0.5 }, 'partSize must be an integer'],
      [{ queueSize: 0 }, 'queueSize must be a positive integer'],
    ])('refuses %o', (options, message) => {
      // Prepare
      const { client } = fakeClient(async () => ({}));

      // Act & Assess
      expect(() => new S3ObjectStore({ client, bucket: 'b', ...options })).toThrow(
        expect.objectContaining({
          name: 'ObjectStoreError',
          message: expect.stringContaining(message),
        }),
      );
    });

    it('exposes its bucket', () => {
      // Act
      const store = new S3ObjectStore({ client: fakeClient(async () => ({})).client, bucket: 'b' });

      // Assess
      expect(store.bucket).toBe('b');
    });
  });

  describe('Method: delete', () => {
    it('sends DeleteObjects in quiet batches of 1,000 distinct keys', async () => {
      // Prepare
      const { client, commands } = fakeClient(async () => ({ Errors: [] }));
      const store = new S3ObjectStore({ client, bucket: 'b' });
      const keys = Array.from({ length: 2500 }, (_, i) => `k${i}`);

      // Act
      await store.delete([...keys, 'k0', 'k1']);
      await store.delete([]);

      // Assess
      const inputs = commands.map((command) => {
        expect(command).toBeInstanceOf(DeleteObjectsCommand);
        return (command as DeleteObjectsCommand).input as DeleteObjectsCommandInput;
      });
      expect(inputs.map((input) => input.Delete?.Objects?.length)).toEqual([1000, 1000, 500]);
      expect(inputs.map((input) => [input.Bucket, input.Delete?.Quiet])).toEqual([
        ['b', true],
        ['b', true],
        ['b', true],
      ]);
      expect(inputs.flatMap((input) => input.Delete?.Objects?.map((o) => o.Key))).toEqual(keys);
    });

    it('sends every batch and reports the per-key errors of all of them', async () => {
      // Prepare
      const { client, commands } = fakeClient(async (command) => {
        const objects = (command as DeleteObjectsCommand).input.Delete?.Objects ?? [];
        const first = objects[0]?.Key ?? '';
        return {
          Errors: [{ Key: first, Code: 'AccessDenied', Message: 'Access Denied' }],
        } satisfies Partial<DeleteObjectsCommandOutput>;
      });
      const store = new S3ObjectStore({ client, bucket: 'b' });
      const keys = Array.from({ length: 1500 }, (_, i) => `k${i}`);

      // Act
      const error = await catchError(store.delete(keys));

      // Assess
      expect(commands).toHaveLength(2);
      expect(error).toBeInstanceOf(DeleteFailedError);
      expect(error).toBeInstanceOf(ObjectStoreError);
      expect(error).toMatchObject({
        name: 'DeleteFailedError',
        operation: 'delete',
        key: 'k0',
        failedKeys: ['k0', 'k1000'],
        deleted: 1498,
        context: { bucket: 'b', failed: 2, deleted: 1498, requested: 1500 },
      });
      expect((error as Error).message).toBe(
        'delete in bucket "b" failed for 2 of 1500 keys ("k0", "k1000"); the other 1498 were deleted. First failure, of "k0": AccessDenied: Access Denied. See failedKeys, and cause.errors for why each key failed.',
      );
      const cause = (error as Error).cause as AggregateError;
      expect(cause).toBeInstanceOf(AggregateError);
      expect(
        cause.errors.map((failure: ObjectStoreError) => [failure.key, failure.message]),
      ).toEqual([
        ['k0', 'delete of key "k0" in bucket "b" failed: AccessDenied: Access Denied.'],
        ['k1000', 'delete of key "k1000" in bucket "b" failed: AccessDenied: Access Denied.'],
      ]);
      expect(cause.errors[0]).toMatchObject({ context: { bucket: 'b', code: 'AccessDenied' } });
    });

    it('still sends the later batches when a request throws, and reports its keys as failed', async () => {
      // Prepare
      const thrown = serviceError('InternalError', 500);
      let request = 0;
      const { client, commands } = fakeClient(async () => {
        request += 1;
        if (request === 2) throw thrown;
        return request === 3
          ? { Errors: [{ Key: 'k2001', Code: 'AccessDenied', Message: 'no' }] }
          : {};
      });
      const store = new S3ObjectStore({ client, bucket: 'b' });
      const keys = Array.from({ length: 2500 }, (_, i) => `k${i}`);

      // Act
      const error = await catchError(store.delete(keys));

      // Assess
      expect(commands).toHaveLength(3);
      expect(
        commands.map(
          (command) => (command as DeleteObjectsCommand).input.Delete?.Objects?.[0]?.Key,
        ),
      ).toEqual(['k0', 'k1000', 'k2000']);
      expect(error).toBeInstanceOf(DeleteFailedError);
      const failed = error as DeleteFailedError;
      expect(failed.failedKeys).toEqual([...keys.slice(1000, 2000), 'k2001']);
      expect(failed.deleted).toBe(1499);
      expect(failed.message).toBe(
        'delete in bucket "b" failed for 1001 of 2500 keys ("k1000", "k1001", "k1002", "k1003", "k1004" and 996 more); the other 1499 were deleted. First failure, of "k1000": the DeleteObjects request of batch 2 of 3 (keys 1001 to 2000 of 2500) failed: InternalError: InternalError from S3. See failedKeys, and cause.errors for why each key failed.',
      );
      const errors = (failed.cause as AggregateError).errors as ObjectStoreError[];
      expect(errors).toHaveLength(1001);
      expect(errors.map((each) => each.key)).toEqual(failed.failedKeys);
      expect(errors[0]).toMatchObject({
        key: 'k1000',
        cause: thrown,
        context: { bucket: 'b', code: 'InternalError', status: 500 },
      });
      expect(errors[1000]?.message).toBe(
        'delete of key "k2001" in bucket "b" failed: AccessDenied: no.',
      );
    });

    it('reports every key as failed and none deleted when every request throws', async () => {
      // Prepare
      const { client, commands } = fakeClient(async () => {
        throw serviceError('NoSuchBucket', 404);
      });
      const store = new S3ObjectStore({ client, bucket: 'b' });
      const keys = Array.from({ length: 1001 }, (_, i) => `k${i}`);

      // Act
      const error = await catchError(store.delete(keys));

      // Assess
      expect(commands).toHaveLength(2);
      expect(error).toBeInstanceOf(DeleteFailedError);
      expect(error).not.toBeInstanceOf(ObjectNotFoundError);
      expect(error).toMatchObject({ failedKeys: keys, deleted: 0 });
      expect((error as Error).message).toContain(
        'NoSuchBucket: NoSuchBucket from S3. Create the bucket or fix the `bucket` option.',
      );
    });
  });

  describe('Method: put', () => {
    /** Answers a multipart upload whose upload is gone when it is completed (aborted elsewhere). */
    const abortedUpload =
      (head: Record<string, unknown> | undefined): Reply =>
      async (command) => {
        if (command instanceof CreateMultipartUploadCommand) return { UploadId: 'upload-1' };
        if (command instanceof UploadPartCommand) return { ETag: '"part"' };
        if (
          command instanceof CompleteMultipartUploadCommand ||
          command instanceof AbortMultipartUploadCommand
        ) {
          throw serviceError('NoSuchUpload', 404);
        }
        if (head === undefined) throw serviceError('NotFound', 404);
        return head;
      };

    it.each([
      ['no condition', {}, undefined],
      ['ifNoneMatch "*"', { ifNoneMatch: '*' as const }, undefined],
      ['ifMatch', { ifMatch: '"current"' }, { ETag: '"current"', ContentLength: 1 }],
    ])(
      'reports NoSuchUpload on completion (%s) as a put that wrote nothing, not as a lost race',
      async (_label, options, head) => {
        // Prepare
        const { client, commands } = fakeClient(abortedUpload(head));
        const store = new S3ObjectStore({ client, bucket: 'b' });

        // Act
        const error = await catchError(store.put('k', Buffer.alloc(5 * MIB + 1, 1), options));

        // Assess
        expect(error).toBeInstanceOf(ObjectStoreError);
        expect(error).not.toBeInstanceOf(PreconditionFailedError);
        expect(error).not.toBeInstanceOf(ObjectNotFoundError);
        expect(error).toMatchObject({
          operation: 'put',
          key: 'k',
          context: { bucket: 'b', code: 'NoSuchUpload', status: 404 },
        });
        expect((error as Error).message).toContain(
          'put of key "k" in bucket "b" did not complete (S3 refused it; nothing was written): NoSuchUpload',
        );
        expect(commandNames(commands)).toEqual(
          expect.arrayContaining(['CompleteMultipartUploadCommand', 'AbortMultipartUploadCommand']),
        );
      },
    );

    it.each([
      ['longer', 'abcdef', 5],
      ['shorter', 'abcd', 5],
    ])(
      'refuses a byte body %s than contentLength before sending anything',
      async (_label, body, contentLength) => {
        // Prepare
        const { client, commands } = fakeClient(async () => ({ ETag: '"x"' }));
        const store = new S3ObjectStore({ client, bucket: 'b' });

        // Act
        const error = await catchError(store.put('k', body, { contentLength }));

        // Assess
        expect(error).toBeInstanceOf(ObjectStoreError);
        expect(error).toMatchObject({
          operation: 'put',
          key: 'k',
          context: { bucket: 'b', contentLength, received: body.length },
        });
        expect((error as Error).message).toBe(
          `put of key "k" in bucket "b" did not complete (nothing was written): contentLength is ${contentLength} but the body has ${body.length} bytes.`,
        );
        expect(commands).toEqual([]);
      },
    );

    it('sends a byte body whose length is contentLength', async () => {
      // Prepare
      const { client, commands } = fakeClient(async () => ({ ETag: '"x"' }));
      const store = new S3ObjectStore({ client, bucket: 'b' });

      // Act
      const { etag } = await store.put('k', 'abcde', { contentLength: 5 });

      // Assess
      expect(etag).toBe('"x"');
      expect(commands).toHaveLength(1);
      expect(commands[0]).toBeInstanceOf(PutObjectCommand);
      expect((commands[0] as PutObjectCommand).input).toMatchObject({ ContentLength: 5 });
    });
  });

  describe('Method: list', () => {
    it('follows continuation tokens and collects objects and common prefixes of every page', async () => {
      // Prepare
      const pages: Partial<ListObjectsV2CommandOutput>[] = [
        {
          Contents: [{ Key: 'p/a', Size: 1, ETag: '"1"' }],
          CommonPrefixes: [{ Prefix: 'p/d1/' }],
          IsTruncated: true,
          NextContinuationToken: 't1',
        },
        {
          Contents: [{ Key: 'p/b', Size: 2, ETag: '"2"' }],
          CommonPrefixes: [{ Prefix: 'p/d2/' }],
          IsTruncated: false,
        },
      ];
      const { client, commands } = fakeClient(async () => pages.shift());
      const store = new S3ObjectStore({ client, bucket: 'b' });

      // Act
      const listing = await store.list({ prefix: 'p/', delimiter: '/' });

      // Assess
      expect(
        commands.map((command) => {
          expect(command).toBeInstanceOf(ListObjectsV2Command);
          return (command as ListObjectsV2Command).input as ListObjectsV2CommandInput;
        }),
      ).toEqual([
        { Bucket: 'b', Prefix: 'p/', Delimiter: '/' },
        { Bucket: 'b', Prefix: 'p/', Delimiter: '/', ContinuationToken: 't1' },
      ]);
      expect(listing).toEqual({
        objects: [
          { key: 'p/a', size: 1, etag: '"1"', lastModified: undefined },
          { key: 'p/b', size: 2, etag: '"2"', lastModified: undefined },
        ],
        prefixes: ['p/d1/', 'p/d2/'],
      });
    });
  });
});
