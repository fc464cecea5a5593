import {
  DeleteObjectsCommand,
  type DeleteObjectsCommandInput,
  type DeleteObjectsCommandOutput,
  ListObjectsV2Command,
  type ListObjectsV2CommandInput,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../../../src/adapters/s3/s3ObjectStore.js';
import { ObjectStoreError } from '../../../../src/errors.js';

type Reply = (command: unknown) => Promise<unknown>;

/** A stand-in for `S3Client` that answers `send` with `reply` and records every command. */
const fakeClient = (reply: Reply): { client: S3Client; commands: unknown[] } => {
  const commands: unknown[] = [];
  const client = {
    send: async (command: unknown) => {
      commands.push(command);
      return reply(command);
    },
  } as unknown as S3Client;
  return { client, commands };
};

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
      expect(inputs.every((input) => input.Bucket === 'b' && input.Delete?.Quiet === true)).toBe(
        true,
      );
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
      expect(error).toBeInstanceOf(ObjectStoreError);
      expect(error).toMatchObject({
        operation: 'delete',
        key: 'k0',
        context: { bucket: 'b', failed: 2, requested: 1500 },
      });
      expect((error as Error).message).toBe(
        'delete in bucket "b" failed for 2 of 1500 keys: "k0", "k1000". The other keys were deleted; see cause.errors for each failure.',
      );
      const cause = (error as Error).cause as AggregateError;
      expect(cause).toBeInstanceOf(AggregateError);
      expect(cause.errors.map((failure: Error) => [failure.name, failure.message])).toEqual([
        ['AccessDenied', 'delete of key "k0" in bucket "b" failed: AccessDenied: Access Denied'],
        ['AccessDenied', 'delete of key "k1000" in bucket "b" failed: AccessDenied: Access Denied'],
      ]);
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
