import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../../src/adapters/s3/S3ObjectStore.js';
import {
  DeltaIntegrityError,
  DeltaLocationError,
  DeltaNotFoundError,
} from '../../../src/deltas/errors.js';
import { readDelta } from '../../../src/deltas/readDelta.js';
import { writeDelta } from '../../../src/deltas/writeDelta.js';
import {
  asAsync,
  asRead,
  catchError,
  collectBatches,
  deltaRecords,
  flipByte,
  IMAGE_ID,
  RECEIPT_ID,
  tamperDelta,
} from '../../helpers/deltaArchives.js';
import {
  createBucket,
  deleteBucket,
  motoS3Client,
  type RecordingS3Client,
} from '../helpers/motoS3.js';

let admin: RecordingS3Client;
let bucket: string;

beforeAll(async () => {
  admin = motoS3Client();
  bucket = await createBucket(admin.client, 'portable-delta');
});

afterAll(async () => {
  await deleteBucket(admin.client, bucket);
  admin.client.destroy();
});

describe('Function: writeDelta and readDelta on S3 (moto)', () => {
  let recording: RecordingS3Client;
  let store: S3ObjectStore;
  let tempDir: string;
  let prefix: string;

  beforeEach(async () => {
    recording = motoS3Client();
    store = new S3ObjectStore({ client: recording.client, bucket });
    tempDir = await mkdtemp(join(tmpdir(), 'portable-delta-'));
    prefix = `lines/delta/run-${Math.random().toString(36).slice(2)}/`;
  });

  afterEach(async () => {
    recording.client.destroy();
    await rm(tempDir, { recursive: true, force: true });
  });

  it.each([
    ['no records', 0, 4],
    ['one record', 1, 4],
    ['50,000 records', 50_000, 8],
  ])('round-trips %s', async (_label, count, dimension) => {
    // Prepare
    const records = deltaRecords({ count, dimension });

    // Act
    const written = await writeDelta(store, prefix, {
      collection: 'lines',
      records: asAsync(records),
      runId: 'run-1',
      imageId: IMAGE_ID,
      receiptId: RECEIPT_ID,
      tempDir,
    });
    const delta = await readDelta(store, prefix, { collection: 'lines', tempDir });
    const { batches, records: read } = await collectBatches(delta);

    // Assess
    expect(delta.manifest).toEqual(written);
    expect(delta.manifest).toMatchObject({ count, dimension: count === 0 ? 0 : dimension });
    expect(read).toEqual(records.map(asRead));
    expect(Math.max(0, ...batches.map((batch) => batch.ids.length))).toBeLessThanOrEqual(250);
    expect(batches).toHaveLength(Math.ceil(count / 250));
    expect(await readdir(tempDir)).toEqual([]);
    const stored = await store.list({ prefix });
    expect(stored.objects.map((object) => object.key)).toEqual([`${prefix}delta.tar.gz`]);
    // The delta_key / run_id metadata is not checked here: moto's server drops request
    // headers with underscores (x-amz-meta-delta_key); the unit tests check writeDelta sets it.
    const head = await store.head(`${prefix}delta.tar.gz`);
    expect(head?.contentType).toBe('application/gzip');
  });

  it('uploads a delta larger than one part as a multipart upload and reads it back', async () => {
    // Prepare: float32 vectors barely compress, so 12,000 x 128 values make ~6 MB of gzip.
    const records = deltaRecords({ count: 12_000, dimension: 128 });

    // Act
    const written = await writeDelta(store, prefix, { collection: 'lines', records, tempDir });
    const delta = await readDelta(store, prefix, { collection: 'lines', tempDir });
    const { records: read } = await collectBatches(delta);

    // Assess
    const sent = recording.sent.map((command) => command.name);
    expect(sent).toContain('CreateMultipartUploadCommand');
    expect(sent.filter((name) => name === 'UploadPartCommand').length).toBeGreaterThan(1);
    expect(delta.manifest).toEqual(written);
    expect(read).toEqual(records.map(asRead));
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('writes and reads s3://<own bucket>/<prefix>', async () => {
    // Prepare
    const records = deltaRecords({ count: 3, dimension: 4 });

    // Act
    const written = await writeDelta(store, `s3://${bucket}/${prefix}`, {
      collection: 'lines',
      records,
      tempDir,
    });
    const delta = await readDelta(store, `s3://${bucket}/${prefix.slice(0, -1)}`, { tempDir });
    const { records: read } = await collectBatches(delta);

    // Assess
    expect(delta.prefix).toBe(prefix);
    expect(delta.manifest).toEqual(written);
    expect(read).toEqual(records.map(asRead));
    const object = await admin.client.send(
      new GetObjectCommand({ Bucket: bucket, Key: `${prefix}delta.tar.gz` }),
    );
    expect(object.ContentLength).toBeGreaterThan(0);
  });

  it('refuses s3://other-bucket/... for writing and reading, sending nothing', async () => {
    // Act
    const writeError = await catchError(
      writeDelta(store, `s3://other-bucket/${prefix}`, {
        collection: 'lines',
        records: deltaRecords({ count: 1 }),
        tempDir,
      }),
    );
    const readError = await catchError(
      readDelta(store, `s3://other-bucket/${prefix}`, { tempDir }),
    );

    // Assess
    expect(writeError).toBeInstanceOf(DeltaLocationError);
    expect(readError).toBeInstanceOf(DeltaLocationError);
    expect((readError as DeltaLocationError).message).toContain(bucket);
    expect(recording.sent).toEqual([]);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('fails with DeltaNotFoundError for a missing delta, never reading run-10/ for run-1', async () => {
    // Prepare
    const base = prefix.slice(0, -1);
    await writeDelta(store, `${base}0/`, {
      collection: 'lines',
      records: deltaRecords({ count: 2 }),
      tempDir,
    });

    // Act
    const error = await catchError(readDelta(store, base, { tempDir }));

    // Assess
    expect(error).toBeInstanceOf(DeltaNotFoundError);
    expect((error as DeltaNotFoundError).prefix).toBe(prefix);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('fails a corrupted object on S3 with DeltaIntegrityError', async () => {
    // Prepare
    await writeDelta(store, prefix, {
      collection: 'lines',
      records: deltaRecords({ count: 40, dimension: 4 }),
      tempDir,
    });
    await tamperDelta(store, prefix, (entries) => flipByte(entries, 'embeddings.f32', 100));

    // Act
    const error = await catchError(readDelta(store, prefix, { tempDir }));

    // Assess
    expect(error).toBeInstanceOf(DeltaIntegrityError);
    expect((error as DeltaIntegrityError).check).toBe('entry-sha256');
    expect((error as DeltaIntegrityError).entry).toBe('embeddings.f32');
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('fails a truncated object on S3 (archive)', async () => {
    // Prepare
    await writeDelta(store, prefix, {
      collection: 'lines',
      records: deltaRecords({ count: 40, dimension: 4 }),
      tempDir,
    });
    const { body } = await store.get(`${prefix}delta.tar.gz`);
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    const whole = Buffer.concat(chunks);
    await store.put(`${prefix}delta.tar.gz`, whole.subarray(0, whole.length - 30));

    // Act
    const error = await catchError(readDelta(store, prefix, { tempDir }));

    // Assess
    expect(error).toBeInstanceOf(DeltaIntegrityError);
    expect((error as DeltaIntegrityError).check).toBe('archive');
    expect(await readdir(tempDir)).toEqual([]);
  });
});
