import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from 'vitest';
import { S3ObjectStore } from '../../../src/adapters/s3/S3ObjectStore.js';
import { describeDeltaMergeContract } from '../../contracts/deltaMerge.contract.js';
import { makeCompactionServicesFixture } from '../helpers/compactionServices.js';
import { sharedChromaClient } from '../helpers/localChroma.js';
import { createReceiptsTable, deleteTable, motoDynamoDbClient } from '../helpers/motoDynamoDb.js';
import { createBucket, deleteBucket, motoS3Client } from '../helpers/motoS3.js';

let dynamo: DynamoDBClient;
let s3: S3Client;
let tableName: string;
let bucket: string;
const chroma = sharedChromaClient();

beforeAll(async () => {
  dynamo = motoDynamoDbClient();
  s3 = motoS3Client().client;
  tableName = await createReceiptsTable(dynamo, 'delta-merge');
  bucket = await createBucket(s3, 'delta-merge');
});

afterAll(async () => {
  await deleteTable(dynamo, tableName);
  await deleteBucket(s3, bucket);
  dynamo.destroy();
  s3.destroy();
});

describeDeltaMergeContract('S3 on moto, Chroma server and DynamoDB on moto', async () => ({
  ...(await makeCompactionServicesFixture(chroma, dynamo, tableName)),
  store: new S3ObjectStore({ client: s3, bucket }),
}));
