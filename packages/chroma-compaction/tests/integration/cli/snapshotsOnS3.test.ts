import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLockStore } from '../../../src/adapters/dynamodb/DynamoLockStore.js';
import { S3ObjectStore } from '../../../src/adapters/s3/S3ObjectStore.js';
import { LockManager } from '../../../src/locks/LockManager.js';
import { defaultLockId } from '../../../src/locks/lockManagerOptions.js';
import { RELEASED_EXPIRES } from '../../../src/locks/lockRules.js';
import { parseSnapshotManifest } from '../../../src/snapshots/manifest.js';
import { snapshotKeys } from '../../../src/snapshots/snapshotKeys.js';
import { runReceiptChroma } from '../../helpers/cliRun.js';
import { allKeys, objectText } from '../../helpers/snapshotStores.js';
import { readTree, useTempRoot, writeChromaLikeTree } from '../../helpers/snapshotTrees.js';
import {
  createReceiptsTable,
  deleteTable,
  motoDynamoDbClient,
  serializedClient,
} from '../helpers/motoDynamoDb.js';
import {
  createBucket,
  deleteBucket,
  motoS3Client,
  type RecordingS3Client,
} from '../helpers/motoS3.js';
import { AWS_ENV, motoEndpointOption } from './awsCli.js';

let s3: RecordingS3Client;
let dynamo: DynamoDBClient;
let bucket: string;
let table: string;

beforeAll(async () => {
  s3 = motoS3Client();
  dynamo = motoDynamoDbClient();
  bucket = await createBucket(s3.client, 'cli-snapshots');
  table = await createReceiptsTable(dynamo, 'cli-locks', { withGsi1: true });
});

afterAll(async () => {
  await deleteBucket(s3.client, bucket);
  await deleteTable(dynamo, table);
  s3.client.destroy();
  dynamo.destroy();
});

describe('receipt-chroma snapshot on S3 and the DynamoDB lock (moto)', () => {
  const temp = useTempRoot('cli-snapshots-s3-');
  const on = (): string => `--bucket ${bucket} ${motoEndpointOption()}`;
  const persistDir = async (): Promise<string> => {
    const dir = `${temp.root}/persist`;
    await writeChromaLikeTree(dir);
    return dir;
  };

  it('pushes under the lock, lists, pulls, verifies and prunes a collection', async () => {
    // Prepare
    const dir = await persistDir();
    const store = new S3ObjectStore({ client: s3.client, bucket });
    const keys = snapshotKeys('lines');

    // Act
    const first = await runReceiptChroma(
      `snapshot push lines --dir ${dir} ${on()} --table ${table} --json`,
      { env: AWS_ENV },
    );
    const second = await runReceiptChroma(
      `snapshot push lines --dir ${dir} ${on()} --table ${table} --json`,
      { env: AWS_ENV },
    );
    const listed = await runReceiptChroma(`snapshot list lines ${on()} --json`, { env: AWS_ENV });
    const pulled = await runReceiptChroma(
      `snapshot pull lines ${on()} --dest ${temp.root}/pulled --json`,
      { env: AWS_ENV },
    );
    const verified = await runReceiptChroma(`snapshot verify lines ${on()}`, { env: AWS_ENV });
    const pruned = await runReceiptChroma(`snapshot prune lines ${on()} --keep 1 --json`, {
      env: AWS_ENV,
    });

    // Assess
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const [one, two] = [first.json(), second.json()] as { version: string; fence: number }[];
    expect(two?.fence).toBe((one?.fence ?? 0) + 1);
    const manifest = parseSnapshotManifest(
      await objectText(store, keys.object(two?.version ?? '', 'manifest.json')),
    );
    expect('manifest' in manifest && manifest.manifest.fence).toBe(two?.fence);
    const lock = await new DynamoLockStore({ client: dynamo, tableName: table }).read({
      lockId: defaultLockId('lines'),
      collection: 'lines',
    });
    expect(lock?.expires).toBe(RELEASED_EXPIRES);
    expect(listed.json<{ current: string }>().current).toBe(two?.version);
    expect(pulled.json()).toMatchObject({ version: two?.version, checkedAgainst: 'manifest.json' });
    expect(await readTree(`${temp.root}/pulled`)).toEqual(await readTree(dir));
    expect(verified.stdout).toMatch(new RegExp(`^Verified lines ${two?.version}: 9 files, `));
    expect(pruned.json()).toMatchObject({ kept: [], removed: [one?.version] });
    expect(
      (await allKeys(store, keys.versions)).every((key) => key.includes(two?.version ?? '?')),
    ).toBe(true);
  });

  it('refuses to push while a compactor holds the lock, uploading nothing', async () => {
    // Prepare
    const dir = await persistDir();
    const compactor = new LockManager({
      store: new DynamoLockStore({ client: serializedClient(dynamo), tableName: table }),
      collection: 'words',
    });
    await compactor.acquire();
    const store = new S3ObjectStore({ client: s3.client, bucket });

    // Act
    const run = await runReceiptChroma(
      `snapshot push words --dir ${dir} ${on()} --table ${table} --lock-retries 0`,
      { env: AWS_ENV },
    ).finally(() => compactor.release());

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr).toMatch(/^receipt-chroma: .*chroma-words-compaction.*held/i);
    expect(await allKeys(store, 'words/')).toEqual([]);
  });

  it('reaches S3 through AWS_ENDPOINT_URL as well as --endpoint, without a region', async () => {
    // Prepare
    // No region at all: with an endpoint, the CLI picks us-east-1 as local services accept.
    const { AWS_REGION: _region, ...credentials } = AWS_ENV;
    const env = { ...credentials, AWS_ENDPOINT_URL: motoEndpointOption().split(' ')[1] };

    // Act
    const run = await runReceiptChroma(`snapshot list words --bucket ${bucket}`, { env });

    // Assess
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^No versions of words are stored/);
  });

  it('reports a missing bucket in one line', async () => {
    // Act
    const run = await runReceiptChroma(
      `snapshot list lines --bucket no-such-bucket-cli ${motoEndpointOption()}`,
      {
        env: AWS_ENV,
      },
    );

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr).toMatch(/^receipt-chroma: .*no-such-bucket-cli/);
  });
});
