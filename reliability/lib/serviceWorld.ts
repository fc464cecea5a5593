/**
 * The wire world on real services: the receipts table on moto's DynamoDB (which also holds
 * the compaction lock, as the production table does) and the collections on a Chroma
 * server, plus the comparison of collections the scenarios share.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Metadata, VectorCollection } from '@receipt-chroma/chroma-compaction';
import { chromaVectorCollection } from '@receipt-chroma/chroma-compaction/chroma';
import { ChromaClient } from 'chromadb';
import { createReceiptsTable } from '../../packages/chroma-compaction/tests/integration/helpers/motoDynamoDb.js';
import { collectionContents, seedWireWorld, type WireQueue } from './wireWorld.js';

/** A DynamoDB client for moto (or a proxy in front of it); `maxAttempts: 1` turns SDK retries off. */
export const motoClient = (endpoint: string, maxAttempts?: number): DynamoDBClient =>
  new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
  });

export {
  deleteTable,
  writeItems,
} from '../../packages/chroma-compaction/tests/integration/helpers/motoDynamoDb.js';

/**
 * Creates `{prefix}-{uuid}` with the keys and the GSI1 the lock item writes, as the package's
 * integration tests create it, and returns its name.
 */
export const createTable = (client: DynamoDBClient, prefix: string): Promise<string> =>
  createReceiptsTable(client, prefix, { withGsi1: true });

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
