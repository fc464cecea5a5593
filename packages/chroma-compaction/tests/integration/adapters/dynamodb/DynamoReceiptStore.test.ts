import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { receiptWordToItem } from '@receipt-chroma/dynamo-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoReceiptStore } from '../../../../src/adapters/dynamodb/DynamoReceiptStore.js';
import { ReceiptStoreError } from '../../../../src/errors.js';
import {
  type InMemoryReceiptStoreSeed,
  receiptSeedItems,
} from '../../../../src/testing/InMemoryReceiptStore.js';
import { describeReceiptStoreContract } from '../../../contracts/receiptStore.contract.js';
import { letterItem, makeWord } from '../../../helpers/factories.js';
import {
  createReceiptsTable,
  deleteTable,
  motoDynamoDbClient,
  writeItems,
} from '../../helpers/motoDynamoDb.js';

let client: DynamoDBClient;
let tableName: string;

beforeAll(async () => {
  client = motoDynamoDbClient();
  tableName = await createReceiptsTable(client, 'receipt-store');
});

afterAll(async () => {
  await deleteTable(client, tableName);
  client.destroy();
});

const seedTable = async (seed: InMemoryReceiptStoreSeed): Promise<void> => {
  await writeItems(client, tableName, receiptSeedItems(seed));
};

describeReceiptStoreContract('DynamoReceiptStore on moto (1 MB pages)', async (seed) => {
  await seedTable(seed);
  return new DynamoReceiptStore({ client, tableName });
});

describeReceiptStoreContract('DynamoReceiptStore on moto (pages of 7 items)', async (seed) => {
  await seedTable(seed);
  return new DynamoReceiptStore({ client, tableName, pageSize: 7, consistentRead: false });
});

describe('Class: DynamoReceiptStore', () => {
  it('follows LastEvaluatedKey past DynamoDB 1 MB pages', async () => {
    // Prepare
    const imageId = randomUUID();
    const words = Array.from({ length: 30 }, (_, index) => makeWord(imageId, 1, 1, index + 1));
    const padding = 'x'.repeat(60_000);
    const letters = words.map((word) => ({
      ...letterItem(imageId, 1, 1, word.word_id, 1),
      text: { S: padding },
    }));
    await writeItems(client, tableName, [...words.map(receiptWordToItem), ...letters]);
    let queries = 0;
    const countingClient = {
      send: (command: Parameters<DynamoDBClient['send']>[0]) => {
        queries += 1;
        return client.send(command);
      },
    } as unknown as DynamoDBClient;
    const store = new DynamoReceiptStore({ client: countingClient, tableName });

    // Act
    const read = await store.listReceiptWords({ imageId, receiptId: 1 });

    // Assess
    expect(read).toEqual(words);
    expect(queries).toBeGreaterThan(1);
  });

  it('wraps a failed Query in ReceiptStoreError with the SDK error as cause', async () => {
    // Prepare
    const store = new DynamoReceiptStore({ client, tableName: `missing-${randomUUID()}` });

    // Act
    const read = store.listReceiptSections({ imageId: randomUUID(), receiptId: 1 });

    // Assess
    const error = await read.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(ReceiptStoreError);
    expect((error as ReceiptStoreError).operation).toBe('listReceiptSections');
    expect((error as ReceiptStoreError).cause).toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
