import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type ChromaCollectionLike,
  chromaVectorCollection,
} from '../../../src/adapters/chroma/chromaVectorCollection.js';
import { VectorStoreError } from '../../../src/errors.js';
import { describeVectorCollectionContract } from '../../contracts/vectorCollection.contract.js';
import { sharedChromaClient } from '../helpers/localChroma.js';

const MAX_BATCH_SIZE = 250;

/** A client for the shared server of the integration setup (`inject('chromaUrl')`). */
const client = sharedChromaClient();

/**
 * A new collection with a unique name. The contract tests do not delete their collections:
 * Chroma 1.x leaves the list-valued metadata of a deleted collection's records behind in its
 * SQLite file, and records created afterwards in any collection can inherit them (row ids
 * are reused). The server's data directory is temporary, so nothing is lost by keeping them.
 */
const createCollection = async () => {
  const name = `vector-contract-${randomUUID()}`;
  const collection = await client.createCollection({ name, embeddingFunction: null });
  // Only for collections that never held list metadata (see above).
  return { collection, remove: () => client.deleteCollection({ name }) };
};

describeVectorCollectionContract('chromaVectorCollection on a Chroma server', async () => {
  const { collection } = await createCollection();
  let writes = 0;
  const counted: ChromaCollectionLike = {
    name: collection.name,
    get: (args) => collection.get(args),
    count: (args) => collection.count(args),
    upsert: (args) => {
      writes += 1;
      return collection.upsert(args);
    },
    update: (args) => {
      writes += 1;
      return collection.update(args);
    },
    delete: (args) => {
      writes += 1;
      return collection.delete(args);
    },
  };
  return {
    collection: chromaVectorCollection(counted, { maxBatchSize: MAX_BATCH_SIZE }),
    writeRequests: () => writes,
    expectedWriteRequests: (records) => Math.ceil(records / MAX_BATCH_SIZE),
  };
});

describe('Function: chromaVectorCollection (Chroma server)', () => {
  it('wraps a failure of the server in a VectorStoreError with the client error as cause', async () => {
    // Prepare
    const { collection, remove } = await createCollection();
    const vectors = chromaVectorCollection(collection);
    await remove();

    // Act
    const error = await vectors.count().catch((reason: unknown) => reason);

    // Assess
    expect(error).toBeInstanceOf(VectorStoreError);
    expect(error).toMatchObject({ collection: collection.name, operation: 'count' });
    expect((error as VectorStoreError).cause).toBeInstanceOf(Error);
  });

  it('writes more records than the server accepts in one request', async () => {
    // Prepare
    const { collection, remove } = await createCollection();
    const vectors = chromaVectorCollection(collection, { maxBatchSize: 6000 });
    const ids = Array.from({ length: 6000 }, (_, index) => `r${index}`);

    // Act
    const error = await vectors
      .upsert({ ids, embeddings: ids.map(() => [1, 2]) })
      .catch((reason: unknown) => reason);
    await remove();

    // Assess
    expect(error).toBeInstanceOf(VectorStoreError);
    expect((error as VectorStoreError).message).toContain('exceeds max batch size');
  });
});
