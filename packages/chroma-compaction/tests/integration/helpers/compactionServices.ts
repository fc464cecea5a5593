import { randomUUID } from 'node:crypto';
import { DeleteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ChromaClient } from 'chromadb';
import { chromaVectorCollection } from '../../../src/adapters/chroma/chromaVectorCollection.js';
import { DynamoReceiptStore } from '../../../src/adapters/dynamodb/DynamoReceiptStore.js';
import { type CompactionFixture, entityWriters } from '../../helpers/compactionFixture.js';
import { writeItems } from './motoDynamoDb.js';

/**
 * The operations fixture over real services: new `words-{uuid}` and `lines-{uuid}`
 * collections on the Chroma server (not deleted afterwards: see the note in
 * chromaVectorCollection.test.ts on Chroma 1.x reusing list metadata of deleted
 * collections), and a `DynamoReceiptStore` on a moto table shared by the test file (tests
 * keep apart by using a new image id each).
 */
export const makeCompactionServicesFixture = async (
  chroma: ChromaClient,
  dynamo: DynamoDBClient,
  tableName: string,
): Promise<CompactionFixture> => {
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
    ...entityWriters({
      putItems: (...items) => writeItems(dynamo, tableName, items),
      deleteKeys: async (...keys) => {
        for (const { PK, SK } of keys) {
          await dynamo.send(
            new DeleteItemCommand({ TableName: tableName, Key: { PK: { S: PK }, SK: { S: SK } } }),
          );
        }
      },
    }),
  };
};
