import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../../src/adapters/s3/S3ObjectStore.js';
import { readDelta } from '../../../src/deltas/readDelta.js';
import { runReceiptChroma } from '../../helpers/cliRun.js';
import { asRead, collectBatches, deltaRecords } from '../../helpers/deltaArchives.js';
import { useTempRoot } from '../../helpers/snapshotTrees.js';
import {
  createBucket,
  deleteBucket,
  motoS3Client,
  type RecordingS3Client,
} from '../helpers/motoS3.js';
import { AWS_ENV, motoEndpointOption } from './awsCli.js';

let s3: RecordingS3Client;
let bucket: string;

beforeAll(async () => {
  s3 = motoS3Client();
  bucket = await createBucket(s3.client, 'cli-deltas');
});

afterAll(async () => {
  await deleteBucket(s3.client, bucket);
  s3.client.destroy();
});

describe('receipt-chroma delta on S3 (moto)', () => {
  const temp = useTempRoot('cli-deltas-s3-');

  it('writes a delta to an s3:// prefix of the bucket, inspects and verifies it', async () => {
    // Prepare
    const records = deltaRecords({ count: 300, collection: 'words', dimension: 8 });
    const file = join(temp.root, 'words.ndjson');
    await writeFile(file, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
    const on = `--bucket ${bucket} ${motoEndpointOption()}`;

    // Act
    const written = await runReceiptChroma(
      `delta write s3://${bucket}/words/delta/run-9/ --collection words --from ${file} ${on} --progress`,
      { env: AWS_ENV },
    );
    const inspected = await runReceiptChroma(`delta inspect words/delta/run-9 ${on} --json`, {
      env: AWS_ENV,
    });
    const verified = await runReceiptChroma(
      `delta verify words/delta/run-9 ${on} --collection words --json`,
      {
        env: AWS_ENV,
      },
    );
    const otherBucket = await runReceiptChroma(
      `delta inspect s3://elsewhere/words/delta/run-9 ${on}`,
      {
        env: AWS_ENV,
      },
    );

    // Assess
    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(/^Wrote 300 words records of dimension 8 /);
    expect(written.stderr).toMatch(
      /^reading .*words\.ndjson: .*\nuploading s3:\/\/.*: [\d.]+ KiB\n$/s,
    );
    expect(inspected.json()).toMatchObject({
      layout: 'portable',
      manifest: { count: 300, dimension: 8 },
    });
    expect(verified.json()).toMatchObject({ verified: true, batches: 2, manifest: { count: 300 } });
    const delta = await readDelta(
      new S3ObjectStore({ client: s3.client, bucket }),
      'words/delta/run-9',
    );
    expect((await collectBatches(delta)).records).toEqual(records.map(asRead));
    expect(otherBucket.code).toBe(1);
    expect(otherBucket.stderr).toMatch(/is in bucket "elsewhere", but this store reads bucket/);
  });
});
