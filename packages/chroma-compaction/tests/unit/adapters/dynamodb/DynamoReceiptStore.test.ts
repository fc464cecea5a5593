import { receiptPlaceToItem, receiptWordToItem } from '@receipt-chroma/dynamo-stream';
import { describe, expect, it } from 'vitest';
import { DynamoReceiptStore } from '../../../../src/adapters/dynamodb/DynamoReceiptStore.js';
import { InvalidReceiptItemError, ReceiptStoreError } from '../../../../src/errors.js';
import { makePlace, makeWord } from '../../../helpers/factories.js';
import { conditionalCheckFailed, stubDynamoDbClient } from '../../../helpers/stubDynamoDbClient.js';

const IMAGE_ID = '7e2bd911-7afb-4e0a-84de-57f51ce4daff';

describe('Class: DynamoReceiptStore', () => {
  it('reads the receipt with one consistent GetItem on its exact key', async () => {
    // Prepare
    const stub = stubDynamoDbClient({ output: {} });
    const store = new DynamoReceiptStore({ client: stub.client, tableName: 'Receipts' });

    // Act
    const receipt = await store.getReceipt({ imageId: IMAGE_ID, receiptId: 7 });

    // Assess
    expect(receipt).toBeUndefined();
    expect(stub.calls).toEqual([
      [
        'GetItemCommand',
        {
          TableName: 'Receipts',
          Key: { PK: { S: `IMAGE#${IMAGE_ID}` }, SK: { S: 'RECEIPT#00007' } },
          ConsistentRead: true,
        },
      ],
    ]);
  });

  it('looks for a legacy metadata row only when the receipt has no place', async () => {
    // Prepare
    const place = receiptPlaceToItem(makePlace(IMAGE_ID, 1));
    const stub = stubDynamoDbClient({ output: { Item: place } }, { output: {} }, { output: {} });
    const store = new DynamoReceiptStore({ client: stub.client, tableName: 'Receipts' });

    // Act
    const found = await store.getReceiptPlace({ imageId: IMAGE_ID, receiptId: 1 });
    const missing = await store.getReceiptPlace({ imageId: IMAGE_ID, receiptId: 2 });

    // Assess
    expect(found?.merchant_name).toBe('Target');
    expect(missing).toBeUndefined();
    expect(stub.calls.map(([, input]) => (input['Key'] as { SK: { S: string } }).SK.S)).toEqual([
      'RECEIPT#00001#PLACE',
      'RECEIPT#00002#PLACE',
      'RECEIPT#00002#METADATA',
    ]);
  });

  it('turns a failed GetItem into ReceiptStoreError holding the SDK error', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ProvisionedThroughputExceededException',
    });
    const stub = stubDynamoDbClient({ error: throttled });
    const store = new DynamoReceiptStore({ client: stub.client, tableName: 'Receipts' });

    // Act
    const read = store.getReceipt({ imageId: IMAGE_ID, receiptId: 1 });

    // Assess
    await expect(read).rejects.toBeInstanceOf(ReceiptStoreError);
    await expect(read).rejects.toMatchObject({
      operation: 'getReceipt',
      cause: throttled,
      message: 'getReceipt: DynamoDB GetItem on Receipts failed: Rate exceeded',
    });
  });

  it('queries the image partition by SK prefix, consistently by default', async () => {
    // Prepare
    const stub = stubDynamoDbClient({ output: { Items: [] } });
    const store = new DynamoReceiptStore({ client: stub.client, tableName: 'Receipts' });

    // Act
    await store.listWordLabels({ imageId: IMAGE_ID, receiptId: 12, lineId: 3, wordId: 123_456 });

    // Assess
    expect(stub.calls).toEqual([
      [
        'QueryCommand',
        {
          TableName: 'Receipts',
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': 'PK', '#sk': 'SK' },
          ExpressionAttributeValues: {
            ':pk': { S: `IMAGE#${IMAGE_ID}` },
            ':prefix': { S: 'RECEIPT#00012#LINE#00003#WORD#123456#LABEL#' },
          },
          ConsistentRead: true,
          Limit: undefined,
          ExclusiveStartKey: undefined,
        },
      ],
    ]);
  });

  it('follows LastEvaluatedKey until the last page, with the configured page size', async () => {
    // Prepare
    const words = [1, 2, 3].map((wordId) => makeWord(IMAGE_ID, 1, 1, wordId));
    const lastKey = {
      PK: { S: `IMAGE#${IMAGE_ID}` },
      SK: { S: 'RECEIPT#00001#LINE#00001#WORD#00002' },
    };
    const stub = stubDynamoDbClient(
      { output: { Items: words.slice(0, 2).map(receiptWordToItem), LastEvaluatedKey: lastKey } },
      { output: { Items: words.slice(2).map(receiptWordToItem) } },
    );
    const store = new DynamoReceiptStore({
      client: stub.client,
      tableName: 'Receipts',
      consistentRead: false,
      pageSize: 2,
    });

    // Act
    const read = await store.listReceiptWords({ imageId: IMAGE_ID, receiptId: 1 });

    // Assess
    expect(read).toEqual(words);
    expect(
      stub.calls.map(([, input]) => [
        input['Limit'],
        input['ConsistentRead'],
        input['ExclusiveStartKey'],
      ]),
    ).toEqual([
      [2, false, undefined],
      [2, false, lastKey],
    ]);
  });

  it('reports invalid items found on any page, after reading every page', async () => {
    // Prepare
    const bad = receiptWordToItem(makeWord(IMAGE_ID, 1, 1, 9));
    bad['SK'] = { S: 'RECEIPT#00001#LINE#00001#WORD#abcde' };
    const stub = stubDynamoDbClient(
      { output: { Items: [bad], LastEvaluatedKey: { PK: { S: 'x' }, SK: { S: 'y' } } } },
      { output: { Items: [receiptWordToItem(makeWord(IMAGE_ID, 1, 2, 1))] } },
    );
    const store = new DynamoReceiptStore({ client: stub.client, tableName: 'Receipts' });

    // Act
    const read = store.listReceiptWords({ imageId: IMAGE_ID, receiptId: 1 });

    // Assess
    await expect(read).rejects.toBeInstanceOf(InvalidReceiptItemError);
    await expect(read).rejects.toMatchObject({
      items: [{ pk: `IMAGE#${IMAGE_ID}`, sk: 'RECEIPT#00001#LINE#00001#WORD#abcde' }],
    });
    expect(stub.calls).toHaveLength(2);
  });

  it('rejects an invalid reference before calling DynamoDB', async () => {
    // Prepare
    const stub = stubDynamoDbClient();
    const store = new DynamoReceiptStore({ client: stub.client, tableName: 'Receipts' });

    // Act
    const read = store.listReceiptLines({ imageId: 'not-a-uuid', receiptId: 1 });

    // Assess
    await expect(read).rejects.toThrow(/imageId must be a UUID/);
    await expect(read).rejects.toMatchObject({ operation: 'listReceiptLines' });
    expect(stub.calls).toEqual([]);
  });

  it('wraps an SDK error in ReceiptStoreError and keeps it as cause', async () => {
    // Prepare
    const sdkError = Object.assign(new Error('Rate exceeded'), {
      name: 'ProvisionedThroughputExceededException',
    });
    const stub = stubDynamoDbClient({ error: sdkError });
    const store = new DynamoReceiptStore({ client: stub.client, tableName: 'Receipts' });

    // Act
    const read = store.listReceiptWordLabels({ imageId: IMAGE_ID, receiptId: 1 });

    // Assess
    const error = await read.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(ReceiptStoreError);
    expect(error).toMatchObject({
      operation: 'listReceiptWordLabels',
      cause: sdkError,
      context: { tableName: 'Receipts', pk: `IMAGE#${IMAGE_ID}`, skPrefix: 'RECEIPT#00001#LINE#' },
    });
    expect((error as Error).message).toMatch(/Rate exceeded/);
  });

  describe('Method: markCompactionRunCompleted', () => {
    const RUN_ID = '0f7e6d5c-4b3a-4928-8170-6f5e4d3c2b1a';
    const completion = {
      imageId: IMAGE_ID,
      receiptId: 7,
      runId: RUN_ID,
      collection: 'words',
      mergedVectors: 12,
      finishedAt: '2026-01-04T12:34:56.123456+00:00',
    } as const;

    it("is one conditional UpdateItem of the collection's state fields on the run's key", async () => {
      // Prepare
      const stub = stubDynamoDbClient({ output: {} });
      const store = new DynamoReceiptStore({ client: stub.client, tableName: 'Receipts' });

      // Act
      const status = await store.markCompactionRunCompleted(completion);

      // Assess
      expect(status).toBe('updated');
      expect(stub.calls).toEqual([
        [
          'UpdateItemCommand',
          {
            TableName: 'Receipts',
            Key: {
              PK: { S: `IMAGE#${IMAGE_ID}` },
              SK: { S: `RECEIPT#00007#COMPACTION_RUN#${RUN_ID}` },
            },
            UpdateExpression:
              'SET #words_state = :words_state, #words_finished_at = :words_finished_at, ' +
              '#words_merged_vectors = :words_merged_vectors, #updated_at = :updated_at',
            ConditionExpression: 'attribute_exists(#PK) AND attribute_exists(#SK)',
            ExpressionAttributeNames: {
              '#words_state': 'words_state',
              '#words_finished_at': 'words_finished_at',
              '#words_merged_vectors': 'words_merged_vectors',
              '#updated_at': 'updated_at',
              '#PK': 'PK',
              '#SK': 'SK',
            },
            ExpressionAttributeValues: {
              ':words_state': { S: 'COMPLETED' },
              ':words_finished_at': { S: completion.finishedAt },
              ':words_merged_vectors': { N: '12' },
              ':updated_at': { S: completion.finishedAt },
            },
          },
        ],
      ]);
    });

    it("resolves to 'missing' when the condition fails (no run item)", async () => {
      // Prepare
      const stub = stubDynamoDbClient({ error: conditionalCheckFailed() });
      const store = new DynamoReceiptStore({ client: stub.client, tableName: 'Receipts' });

      // Act
      const status = await store.markCompactionRunCompleted(completion);

      // Assess
      expect(status).toBe('missing');
      expect(stub.calls).toHaveLength(1);
    });

    it('wraps any other failure in ReceiptStoreError holding the SDK error', async () => {
      // Prepare
      const throttled = Object.assign(new Error('Rate exceeded'), {
        name: 'ProvisionedThroughputExceededException',
      });
      const stub = stubDynamoDbClient({ error: throttled });
      const store = new DynamoReceiptStore({ client: stub.client, tableName: 'Receipts' });

      // Act
      const write = store.markCompactionRunCompleted(completion);

      // Assess
      await expect(write).rejects.toBeInstanceOf(ReceiptStoreError);
      await expect(write).rejects.toMatchObject({
        operation: 'markCompactionRunCompleted',
        cause: throttled,
        message:
          'markCompactionRunCompleted: DynamoDB UpdateItem on Receipts failed: Rate exceeded',
      });
    });

    it('rejects an invalid reference before any call', async () => {
      // Prepare
      const stub = stubDynamoDbClient();
      const store = new DynamoReceiptStore({ client: stub.client, tableName: 'Receipts' });

      // Act
      const write = store.markCompactionRunCompleted({ ...completion, imageId: 'not-a-uuid' });

      // Assess
      await expect(write).rejects.toBeInstanceOf(ReceiptStoreError);
      expect(stub.calls).toEqual([]);
    });
  });

  it.each([
    ['an empty table name', { tableName: '' }],
    ['a page size of 0', { tableName: 'Receipts', pageSize: 0 }],
    ['a fractional page size', { tableName: 'Receipts', pageSize: 2.5 }],
  ])('rejects %s', (_name, options) => {
    // Prepare
    const { client } = stubDynamoDbClient();

    // Act & Assess
    expect(() => new DynamoReceiptStore({ client, ...options })).toThrow(ReceiptStoreError);
  });
});
