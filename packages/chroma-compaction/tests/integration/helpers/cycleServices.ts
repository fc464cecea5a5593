import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBItem } from '@receipt-chroma/dynamo-stream';
import { afterAll, beforeAll } from 'vitest';
import { DynamoLockStore } from '../../../src/adapters/dynamodb/DynamoLockStore.js';
import { DynamoReceiptStore } from '../../../src/adapters/dynamodb/DynamoReceiptStore.js';
import { S3ObjectStore } from '../../../src/adapters/s3/S3ObjectStore.js';
import type { SqsRecordLike } from '../../../src/compaction/decodeSqsRecords.js';
import { writeDelta } from '../../../src/deltas/writeDelta.js';
import { entityWriters } from '../../helpers/compactionFixture.js';
import { sqsRecord } from '../../helpers/cycleWorld.js';
import { deltaRecords, IMAGE_ID } from '../../helpers/deltaArchives.js';
import { deltaInput, makeLine, makeReceipt } from '../../helpers/factories.js';
import {
  createReceiptsTable,
  deleteTable,
  motoDynamoDbClient,
  writeItems,
} from './motoDynamoDb.js';
import { createBucket, deleteBucket, motoS3Client, type RecordingS3Client } from './motoS3.js';

/** What a compaction-cycle test file works with, on moto's S3 and DynamoDB. */
export interface CycleServices {
  /** A scratch directory, removed after the file's tests. */
  readonly work: () => string;
  readonly store: () => S3ObjectStore;
  readonly receipts: () => DynamoReceiptStore;
  readonly lockStore: () => DynamoLockStore;
  /** Writes raw items to the receipts table (e.g. `compactionRunToItem` of a run). */
  readonly putItems: (...items: readonly DynamoDBItem[]) => Promise<void>;
  /** A receipt of three lines in the table, its delta in the bucket, and its message. */
  readonly receiptWithDelta: (receiptId: number) => Promise<SqsRecordLike>;
}

/**
 * Creates a bucket, a receipts table and a scratch directory for the test file (`name` keeps
 * them apart from other files'), and removes them after its tests.
 */
export const useCycleServices = (name: string): CycleServices => {
  let s3: RecordingS3Client;
  let dynamo: DynamoDBClient;
  let bucket: string;
  let table: string;
  let work: string;

  beforeAll(async () => {
    s3 = motoS3Client();
    dynamo = motoDynamoDbClient();
    bucket = await createBucket(s3.client, name);
    table = await createReceiptsTable(dynamo, name, { withGsi1: true });
    work = await mkdtemp(join(tmpdir(), `${name}-it-`));
  });

  afterAll(async () => {
    await deleteBucket(s3.client, bucket);
    await deleteTable(dynamo, table);
    s3.client.destroy();
    dynamo.destroy();
    await rm(work, { recursive: true, force: true });
  });

  const store = (): S3ObjectStore => new S3ObjectStore({ client: s3.client, bucket });
  const writer = () =>
    entityWriters({
      putItems: (...items) => writeItems(dynamo, table, items),
      deleteKeys: async () => {},
    });
  return {
    work: () => work,
    store,
    receipts: () => new DynamoReceiptStore({ client: dynamo, tableName: table }),
    lockStore: () => new DynamoLockStore({ client: dynamo, tableName: table }),
    putItems: (...items) => writeItems(dynamo, table, items),
    receiptWithDelta: async (receiptId) => {
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
    },
  };
};
