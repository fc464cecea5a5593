import { randomUUID } from 'node:crypto';
import { DeleteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  receiptSectionKeys,
  receiptSectionToItem,
  receiptWordLabelKeys,
  receiptWordLabelToItem,
} from '@receipt-chroma/dynamo-stream';
import { afterAll, beforeAll } from 'vitest';
import { chromaVectorCollection } from '../../../src/adapters/chroma/chromaVectorCollection.js';
import { DynamoReceiptStore } from '../../../src/adapters/dynamodb/dynamoReceiptStore.js';
import { describeLabelOperationsContract } from '../../contracts/labelOperations.contract.js';
import { sharedChromaClient } from '../helpers/localChroma.js';
import {
  createReceiptsTable,
  deleteTable,
  motoDynamoDbClient,
  writeItems,
} from '../helpers/motoDynamoDb.js';

let dynamo: DynamoDBClient;
let tableName: string;
const chroma = sharedChromaClient();

beforeAll(async () => {
  dynamo = motoDynamoDbClient();
  tableName = await createReceiptsTable(dynamo, 'label-operations');
});

afterAll(async () => {
  await deleteTable(dynamo, tableName);
  dynamo.destroy();
});

const deleteKeys = async (keys: { PK: string; SK: string }): Promise<void> => {
  await dynamo.send(
    new DeleteItemCommand({
      TableName: tableName,
      Key: { PK: { S: keys.PK }, SK: { S: keys.SK } },
    }),
  );
};

/**
 * New `words` and `lines` collections per test (not deleted afterwards: see the note in
 * chromaVectorCollection.test.ts on Chroma 1.x reusing list metadata of deleted collections);
 * one moto table for the file, kept apart by a new image id per test.
 */
describeLabelOperationsContract('Chroma server and DynamoDB on moto', async () => {
  const suffix = randomUUID();
  const [words, lines] = await Promise.all(
    ['words', 'lines'].map((kind) =>
      chroma.createCollection({ name: `${kind}-${suffix}`, embeddingFunction: null }),
    ),
  );
  return {
    words: chromaVectorCollection(words as NonNullable<typeof words>),
    lines: chromaVectorCollection(lines as NonNullable<typeof lines>),
    receipts: new DynamoReceiptStore({ client: dynamo, tableName }),
    putLabels: (...labels) => writeItems(dynamo, tableName, labels.map(receiptWordLabelToItem)),
    deleteLabels: async (...labels) => {
      for (const label of labels) await deleteKeys(receiptWordLabelKeys(label));
    },
    putSections: (...sections) => writeItems(dynamo, tableName, sections.map(receiptSectionToItem)),
    deleteSections: async (...sections) => {
      for (const section of sections) await deleteKeys(receiptSectionKeys(section));
    },
  };
});
