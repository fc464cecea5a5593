import { describe, expect, it } from 'vitest';
import { VectorStoreError } from '../../../src/errors.js';
import type { VectorCollection, Where } from '../../../src/ports/vectorCollection.js';
import { InMemoryVectorCollection } from '../../../src/testing/InMemoryVectorCollection.js';
import { describeVectorCollectionContract } from '../../contracts/vectorCollection.contract.js';

let sequence = 0;

describeVectorCollectionContract('InMemoryVectorCollection', async () => {
  sequence += 1;
  const inner = new InMemoryVectorCollection(`contract-${sequence}`);
  let writes = 0;
  const collection: VectorCollection = {
    name: inner.name,
    get: (request) => inner.get(request),
    count: () => inner.count(),
    upsert: (request) => {
      writes += 1;
      return inner.upsert(request);
    },
    update: (request) => {
      writes += 1;
      return inner.update(request);
    },
    delete: (request) => {
      writes += 1;
      return inner.delete(request);
    },
  };
  return { collection, writeRequests: () => writes, expectedWriteRequests: () => 1 };
});

describe('Class: InMemoryVectorCollection', () => {
  it('refuses writes over the limits it is given, as Chroma Cloud would', async () => {
    // Prepare
    const cloud = new InMemoryVectorCollection('words', {
      limits: { maxRecordsPerRequest: 2, maxDocumentBytes: 4 },
    });
    const refusal = (write: Promise<void>) => write.catch((reason: unknown) => reason);

    // Act
    const tooMany = await refusal(
      cloud.upsert({ ids: ['a', 'b', 'c'], embeddings: [[1], [2], [3]] }),
    );
    const tooLong = await refusal(
      cloud.update({ ids: ['a'], embeddings: [[1]], documents: ['12345'] }),
    );
    await cloud.upsert({ ids: ['a', 'b'], embeddings: [[1], [2]], documents: ['1234', null] });

    // Assess
    expect(tooMany).toBeInstanceOf(VectorStoreError);
    expect((tooMany as Error).message).toContain(
      'the request carries 3 records, over the limit of 2 (maxRecordsPerRequest)',
    );
    expect((tooLong as Error).message).toContain(
      'the record "a": the document in UTF-8 bytes is 5, over the limit of 4 (maxDocumentBytes)',
    );
    expect(await cloud.count()).toBe(2);
  });

  it('fails the next call of an operation with a VectorStoreError when asked to', async () => {
    // Prepare
    const collection = new InMemoryVectorCollection('words');
    const cause = new Error('connection reset');
    collection.failNext('upsert', cause);

    // Act
    const first = await collection
      .upsert({ ids: ['a'], embeddings: [[1]] })
      .catch((error: unknown) => error);
    await collection.upsert({ ids: ['b'], embeddings: [[1]] });

    // Assess
    expect(first).toBeInstanceOf(VectorStoreError);
    expect(first).toMatchObject({ collection: 'words', operation: 'upsert', cause });
    expect((await collection.get({ include: [] })).ids).toEqual(['b']);
  });

  it('accepts only the dimension given in its options', async () => {
    // Prepare
    const collection = new InMemoryVectorCollection('lines', { dimension: 2 });

    // Act
    const refused = await collection
      .upsert({ ids: ['a'], embeddings: [[1, 2, 3]] })
      .catch((error: unknown) => error);
    await collection.upsert({ ids: ['b'], embeddings: [[1, 2]] });

    // Assess
    expect(refused).toBeInstanceOf(VectorStoreError);
    expect((refused as VectorStoreError).message).toContain('dimension 2');
    expect(await collection.count()).toBe(1);
  });

  it('fixes the dimension with an update of ids that do not exist, as Chroma does', async () => {
    // Prepare
    const collection = new InMemoryVectorCollection('words');
    await collection.update({ ids: ['missing'], embeddings: [[1, 2, 3]] });

    // Act
    const refused = await collection
      .upsert({ ids: ['a'], embeddings: [[1, 2]] })
      .catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(VectorStoreError);
    expect(await collection.count()).toBe(0);
  });

  it('does not keep references to the arrays and objects it was given', async () => {
    // Prepare
    const collection = new InMemoryVectorCollection('words');
    const embedding = [1, 2];
    const tags = ['x'];
    const metadata = { tags };
    await collection.upsert({ ids: ['a'], embeddings: [embedding], metadatas: [metadata] });

    // Act
    embedding[0] = 9;
    tags.push('y');
    (metadata as Record<string, unknown>)['added'] = true;
    const result = await collection.get({ include: ['embeddings', 'metadatas'] });

    // Assess
    expect(result.embeddings).toEqual([[1, 2]]);
    expect(result.metadatas).toEqual([{ tags: ['x'] }]);
  });

  it('treats a metadata key named like an Object.prototype member as ordinary data', async () => {
    // Prepare
    const collection = new InMemoryVectorCollection('words');
    await collection.upsert({
      ids: ['a', 'b'],
      embeddings: [[1], [2]],
      metadatas: [JSON.parse('{"__proto__": "x"}') as Record<string, string>, { k: 1 }],
    });

    // Act
    const proto = await collection.get({
      where: JSON.parse('{"__proto__": "x"}') as Where,
      include: ['metadatas'],
    });
    const inherited = await collection.get({ where: { constructor: { $ne: 'x' } }, include: [] });

    // Assess
    expect(proto.ids).toEqual(['a']);
    expect(Object.keys(proto.metadatas?.[0] ?? {})).toEqual(['__proto__']);
    expect(inherited.ids).toEqual(['a', 'b']);
  });

  it('names the collection and the problem in a refusal', async () => {
    // Prepare
    const collection = new InMemoryVectorCollection('words');

    // Act
    const refused = await collection
      .upsert({ ids: ['a', 'a'], embeddings: [[1], [2]] })
      .catch((error: unknown) => error);

    // Assess
    expect((refused as VectorStoreError).message).toBe(
      'Chroma upsert on collection "words" was refused: id "a" appears more than once in one request',
    );
    expect((refused as VectorStoreError).context).toEqual({
      collection: 'words',
      operation: 'upsert',
    });
  });
});
