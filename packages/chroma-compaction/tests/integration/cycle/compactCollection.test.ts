import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactCollection } from '../../../src/adapters/chroma/compactCollection.js';
import { openSnapshot } from '../../../src/adapters/chroma/openSnapshot.js';
import { DynamoLockStore } from '../../../src/adapters/dynamodb/DynamoLockStore.js';
import { DynamoReceiptStore } from '../../../src/adapters/dynamodb/DynamoReceiptStore.js';
import { S3ObjectStore } from '../../../src/adapters/s3/S3ObjectStore.js';
import type { SqsRecordLike } from '../../../src/compaction/decodeSqsRecords.js';
import type { CompactionResult } from '../../../src/cycle/types.js';
import { writeDelta } from '../../../src/deltas/writeDelta.js';
import { SnapshotCache } from '../../../src/snapshots/cache/SnapshotCache.js';
import { downloadSnapshot } from '../../../src/snapshots/downloadSnapshot.js';
import { entityWriters } from '../../helpers/compactionFixture.js';
import { sqsRecord } from '../../helpers/cycleWorld.js';
import { deltaRecords, IMAGE_ID, recordId } from '../../helpers/deltaArchives.js';
import { deltaInput, makeLine, makeReceipt } from '../../helpers/factories.js';
import { chromaCommand } from '../helpers/localChroma.js';
import {
  createReceiptsTable,
  deleteTable,
  motoDynamoDbClient,
  writeItems,
} from '../helpers/motoDynamoDb.js';
import {
  createBucket,
  deleteBucket,
  motoS3Client,
  type RecordingS3Client,
} from '../helpers/motoS3.js';

let s3: RecordingS3Client;
let dynamo: DynamoDBClient;
let bucket: string;
let table: string;
let work: string;

beforeAll(async () => {
  s3 = motoS3Client();
  dynamo = motoDynamoDbClient();
  bucket = await createBucket(s3.client, 'cycle');
  table = await createReceiptsTable(dynamo, 'cycle', { withGsi1: true });
  work = await mkdtemp(join(tmpdir(), 'cycle-it-'));
});

afterAll(async () => {
  await deleteBucket(s3.client, bucket);
  await deleteTable(dynamo, table);
  s3.client.destroy();
  dynamo.destroy();
  await rm(work, { recursive: true, force: true });
});

describe('compactCollection with a real Chroma, moto S3 and moto DynamoDB', () => {
  const store = (): S3ObjectStore => new S3ObjectStore({ client: s3.client, bucket });
  const writer = () =>
    entityWriters({
      putItems: (...items) => writeItems(dynamo, table, items),
      deleteKeys: async () => {},
    });

  /** A receipt of three lines in the table, its delta in the bucket, and its message. */
  const receiptWithDelta = async (receiptId: number): Promise<SqsRecordLike> => {
    await writer().putReceipts(makeReceipt(IMAGE_ID, receiptId));
    await writer().putLines(...[1, 2, 3].map((line) => makeLine(IMAGE_ID, receiptId, line)));
    const prefix = `lines/delta/run-${receiptId}/`;
    await writeDelta(store(), prefix, {
      collection: 'lines',
      records: deltaRecords({ count: 3, receiptId }),
    });
    return sqsRecord(
      deltaInput(`m-${receiptId}`, IMAGE_ID, receiptId, `run-${receiptId}`, prefix),
      'lines',
    );
  };

  /** One compactor (its own cache, as a separate Lambda would have) on `records`. */
  const compact = (name: string, records: SqsRecordLike[]): Promise<CompactionResult> =>
    compactCollection({
      collectionName: 'lines',
      records,
      store: store(),
      cache: new SnapshotCache({ root: join(work, name), collection: 'lines', store: store() }),
      lockStore: new DynamoLockStore({ client: dynamo, tableName: table }),
      receipts: new DynamoReceiptStore({ client: dynamo, tableName: table }),
      deadline: () => 600_000,
      chroma: { command: chromaCommand() },
      lockRetry: { retries: 30, minDelayMs: 200, maxDelayMs: 1_000 },
    });

  /** The ids of the published snapshot's `lines` collection. */
  const publishedIds = async (): Promise<string[]> => {
    const dest = await mkdtemp(join(work, 'published-'));
    await rm(dest, { recursive: true });
    await downloadSnapshot({ store: store(), collection: 'lines', dest });
    const opened = await openSnapshot(dest, { command: chromaCommand() });
    try {
      return (await (await opened.collection('lines')).get({ include: [] })).ids.toSorted();
    } finally {
      await opened.close();
    }
  };

  it('merges a batch into a first version, then two compactors at once lose nothing', async () => {
    // Prepare
    const first = await receiptWithDelta(1);
    const [second, third] = [await receiptWithDelta(2), await receiptWithDelta(3)];

    // Act
    const initial = await compact('a', [first]);
    const concurrent = await Promise.all([compact('b', [second]), compact('c', [third])]);
    // Whatever a compactor returned is retried, as SQS would redeliver it.
    let returned = concurrent.flatMap((result, index) =>
      result.batchItemFailures.length === 0 ? [] : [[second, third][index] as SqsRecordLike],
    );
    for (let attempt = 0; attempt < 3 && returned.length > 0; attempt += 1) {
      const retried = await compact(`retry-${attempt}`, returned);
      if (retried.batchItemFailures.length === 0) returned = [];
    }

    // Assess
    expect(initial.error).toBeNull();
    expect(initial.batchItemFailures).toEqual([]);
    expect(initial.version).not.toBeNull();
    expect(returned).toEqual([]);
    const expected = [1, 2, 3].flatMap((receiptId) =>
      [0, 1, 2].map((index) => recordId('lines', index, IMAGE_ID, receiptId)),
    );
    expect(await publishedIds()).toEqual(expected.toSorted());
  }, 120_000);
});
