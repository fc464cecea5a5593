/// <reference path="../../../../../scripts/vitest/globalSetup.ts" />
import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBItem } from '@receipt-chroma/dynamo-stream';
import { inject } from 'vitest';

/** A DynamoDB client pointed at the moto server of the integration global setup. */
export const motoDynamoDbClient = (): DynamoDBClient =>
  new DynamoDBClient({
    endpoint: inject('motoEndpoint'),
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });

/**
 * Creates a table named `{prefix}-{random}` with string keys `PK`/`SK` (and, when asked, the
 * GSI1 the lock item writes) and returns its name.
 */
export const createReceiptsTable = async (
  client: DynamoDBClient,
  prefix: string,
  { withGsi1 = false }: { withGsi1?: boolean } = {},
): Promise<string> => {
  const tableName = `${prefix}-${randomUUID()}`;
  const keys = withGsi1 ? ['PK', 'SK', 'GSI1PK', 'GSI1SK'] : ['PK', 'SK'];
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: keys.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      ...(withGsi1
        ? {
            GlobalSecondaryIndexes: [
              {
                IndexName: 'GSI1',
                KeySchema: [
                  { AttributeName: 'GSI1PK', KeyType: 'HASH' },
                  { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
                ],
                Projection: { ProjectionType: 'ALL' },
              },
            ],
          }
        : {}),
    }),
  );
  return tableName;
};

/** Deletes a table created by {@link createReceiptsTable}. */
export const deleteTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
};

/** Writes raw items with `BatchWriteItem`, 25 at a time, retrying unprocessed ones. */
export const writeItems = async (
  client: DynamoDBClient,
  tableName: string,
  items: readonly DynamoDBItem[],
): Promise<void> => {
  for (let start = 0; start < items.length; start += 25) {
    let requests = items.slice(start, start + 25).map((item) => ({
      PutRequest: { Item: item as unknown as Record<string, AttributeValue> },
    }));
    while (requests.length > 0) {
      const output = await client.send(
        new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }),
      );
      requests = (output.UnprocessedItems?.[tableName] ?? []).flatMap((request) =>
        request.PutRequest?.Item ? [{ PutRequest: { Item: request.PutRequest.Item } }] : [],
      );
    }
  }
};

/**
 * Wraps a client so that its requests reach moto one at a time. moto's server is threaded
 * and does not isolate conditional writes to one item from each other: with five concurrent
 * conditional `UpdateItem`s on a missing item, about 1 run in 20 had two winners (conditional
 * `PutItem`: about 1 in 150). DynamoDB applies writes to one item one after another, so this
 * wrapper gives moto that guarantee; the callers still race (their requests are issued
 * together and decided in arrival order).
 */
export const serializedClient = (client: DynamoDBClient): DynamoDBClient => {
  let queue: Promise<unknown> = Promise.resolve();
  const send = (command: Parameters<DynamoDBClient['send']>[0]): Promise<unknown> => {
    const result = queue.then(() => client.send(command));
    queue = result.catch(() => undefined);
    return result;
  };
  return { send } as unknown as DynamoDBClient;
};
