/**
 * The wire world on real services: the receipts table on moto's DynamoDB (which also holds
 * the compaction lock, as the production table does) and the collections on a Chroma
 * server, plus the comparison of collections the scenarios share.
 */
import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { Metadata, VectorCollection } from '@receipt-chroma/chroma-compaction';
import { chromaVectorCollection } from '@receipt-chroma/chroma-compaction/chroma';
import type { DynamoDBItem } from '@receipt-chroma/dynamo-stream';
import { ChromaClient } from 'chromadb';
import { collectionContents, seedWireWorld, type WireQueue } from './wireWorld.js';

/** A DynamoDB client for moto (or a proxy in front of it); `maxAttempts: 1` turns SDK retries off. */
export const motoClient = (endpoint: string, maxAttempts?: number): DynamoDBClient =>
  new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
  });

/**
 * Creates `{prefix}-{uuid}` with string keys `PK`/`SK` and the GSI1 the lock item writes
 * (as the package's integration tests create it), and returns its name.
 */
export const createTable = async (client: DynamoDBClient, prefix: string): Promise<string> => {
  const tableName = `${prefix}-${randomUUID()}`;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['PK', 'SK', 'GSI1PK', 'GSI1SK'].map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
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
    }),
  );
  return tableName;
};

/** Deletes a table made by {@link createTable}. */
export const deleteTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
};

/** Writes raw items, 25 per `BatchWriteItem`, retrying unprocessed ones. */
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

/** A chromadb client for the server (or proxy) at `url`. */
export const chromaClientAt = (url: string): ChromaClient => {
  const { hostname, port, protocol } = new URL(url);
  return new ChromaClient({ host: hostname, port: Number(port), ssl: protocol === 'https:' });
};

/**
 * A new `{queue}-{uuid}` collection holding the world's `queue` collection before the
 * edits. Collections are not deleted afterwards (Chroma 1.x reuses list metadata of deleted
 * collections); the server's data directory is temporary.
 */
export const seedChromaCollection = async (
  client: ChromaClient,
  queue: WireQueue,
): Promise<string> => {
  const name = `${queue}-${randomUUID()}`;
  const collection = await client.createCollection({ name, embeddingFunction: null });
  const world = await seedWireWorld();
  const stored = await collectionContents(world[queue]);
  await chromaVectorCollection(collection).upsert({
    ids: stored.map(({ id }) => id),
    embeddings: stored.map(({ embedding }) => embedding as number[]),
    documents: stored.map(({ document }) => document as string | null),
    metadatas: stored.map(({ metadata }) => metadata as Metadata | null),
  });
  return name;
};

/** The collection `name` on the server `client` talks to, as a `VectorCollection`. */
export const chromaCollection = async (
  client: ChromaClient,
  name: string,
): Promise<VectorCollection> => chromaVectorCollection(await client.getCollection({ name }));
