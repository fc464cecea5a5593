import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { describeConvergenceContract } from '../../contracts/convergence.contract.js';
import { makeCompactionServicesFixture } from '../helpers/compactionServices.js';
import { sharedChromaClient } from '../helpers/localChroma.js';
import { createReceiptsTable, deleteTable, motoDynamoDbClient } from '../helpers/motoDynamoDb.js';

let dynamo: DynamoDBClient;
let tableName: string;
const chroma = sharedChromaClient();

beforeAll(async () => {
  dynamo = motoDynamoDbClient();
  tableName = await createReceiptsTable(dynamo, 'convergence');
});

afterAll(async () => {
  await deleteTable(dynamo, tableName);
  dynamo.destroy();
});

describeConvergenceContract('Chroma server and DynamoDB on moto', () =>
  makeCompactionServicesFixture(chroma, dynamo, tableName),
);
