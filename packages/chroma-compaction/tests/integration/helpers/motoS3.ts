/// <reference path="../../../../../scripts/vitest/globalSetup.ts" />
import { randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { inject } from 'vitest';

/** What an S3 client sent: each command's name and input, in order. */
export interface SentCommand {
  readonly name: string;
  readonly input: Readonly<Record<string, unknown>>;
}

/** An S3 client on the moto server, recording what it sends. */
export interface RecordingS3Client {
  readonly client: S3Client;
  /** Every command sent so far. */
  readonly sent: SentCommand[];
  /** Body bytes of `PutObject` / `UploadPart` requests that moto has acknowledged. */
  readonly acknowledgedBytes: () => number;
}

/** An S3 client pointed at the moto server of the integration global setup. */
export const motoS3Client = (): RecordingS3Client => {
  const client = new S3Client({
    endpoint: inject('motoEndpoint'),
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const sent: SentCommand[] = [];
  let acknowledged = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      const input = args.input as Record<string, unknown>;
      sent.push({ name, input: { ...input, Body: undefined } });
      const result = await next(args);
      const body = input['Body'];
      if (
        (name === 'PutObjectCommand' || name === 'UploadPartCommand') &&
        body instanceof Uint8Array
      ) {
        acknowledged += body.byteLength;
      }
      return result;
    },
    { step: 'initialize', name: 'recordSentCommands' },
  );
  return { client, sent, acknowledgedBytes: () => acknowledged };
};

/** Creates a bucket named `{prefix}-{random}` and returns its name. */
export const createBucket = async (client: S3Client, prefix: string): Promise<string> => {
  const bucket = `${prefix}-${randomUUID().slice(0, 8)}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
};

/** Deletes every object of a bucket, then the bucket. */
export const deleteBucket = async (client: S3Client, bucket: string): Promise<void> => {
  for (;;) {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (page.Contents ?? []).flatMap((item) => (item.Key ? [{ Key: item.Key }] : []));
    if (keys.length === 0) break;
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
};
