import {
  ChromaClientError,
  ChromaConnectionError,
  ChromaQuotaExceededError,
  ChromaRateLimitError,
  ChromaServerError,
} from 'chromadb';
import { describe, expect, it, vi } from 'vitest';
import {
  type ChromaCollectionLike,
  chromaVectorCollection,
  DEFAULT_CHROMA_MAX_BATCH_SIZE,
} from '../../../../src/adapters/chroma/chromaVectorCollection.js';
import { VectorStoreError } from '../../../../src/errors.js';
import type { Logger, Metrics } from '../../../../src/ports/observability.js';
import { CHROMA_CLOUD_LIMITS } from '../../../../src/vectors/limits.js';

type Call = Record<string, unknown>;

/** A stand-in for a chromadb collection that records the arguments of every call. */
const fakeCollection = (
  overrides: Partial<
    Record<'get' | 'upsert' | 'update' | 'delete' | 'count', (args?: Call) => Promise<unknown>>
  > = {},
) => {
  const calls: { method: string; args: Call | undefined }[] = [];
  const method =
    (name: 'get' | 'upsert' | 'update' | 'delete' | 'count', result: unknown) =>
    async (args?: Call) => {
      calls.push({ method: name, args });
      const override = overrides[name];
      return override === undefined ? result : override(args);
    };
  const collection = {
    name: 'words',
    get: method('get', { ids: [], documents: [], metadatas: [], embeddings: [] }),
    upsert: method('upsert', undefined),
    update: method('update', undefined),
    delete: method('delete', { deleted: 0 }),
    count: method('count', 0),
  } as unknown as ChromaCollectionLike;
  return { collection, calls };
};

const idsOf = (call: { args: Call | undefined }): string[] =>
  (call.args?.['ids'] ?? []) as string[];

const ids = (count: number): string[] => Array.from({ length: count }, (_, index) => `id${index}`);
const vectors = (count: number): number[][] =>
  Array.from({ length: count }, (_, index) => [index, 1]);

describe('Function: chromaVectorCollection', () => {
  it('splits an upsert into requests of at most 250 records by default, in order', async () => {
    // Prepare
    const { collection, calls } = fakeCollection();
    const vectorsCollection = chromaVectorCollection(collection);
    const all = ids(600);

    // Act
    await vectorsCollection.upsert({
      ids: all,
      embeddings: vectors(600),
      documents: all.map((id) => `doc ${id}`),
      metadatas: all.map((_, index) => ({ index })),
    });

    // Assess
    expect(DEFAULT_CHROMA_MAX_BATCH_SIZE).toBe(250);
    expect(calls.map((call) => call.method)).toEqual(['upsert', 'upsert', 'upsert']);
    expect(calls.map((call) => idsOf(call).length)).toEqual([250, 250, 100]);
    expect(calls.flatMap(idsOf)).toEqual(all);
    expect(calls[2]?.args?.['embeddings']).toEqual(vectors(600).slice(500));
    expect(calls[1]?.args?.['documents']).toEqual(all.slice(250, 500).map((id) => `doc ${id}`));
    expect(calls[0]?.args?.['metadatas']).toEqual(all.slice(0, 250).map((_, index) => ({ index })));
  });

  it('uses the batch size given in its options for upserts, updates and deletes by ids', async () => {
    // Prepare
    const { collection, calls } = fakeCollection();
    const vectorsCollection = chromaVectorCollection(collection, { maxBatchSize: 2 });

    // Act
    await vectorsCollection.upsert({ ids: ids(5), embeddings: vectors(5) });
    await vectorsCollection.update({ ids: ids(3), metadatas: [{ k: 1 }, { k: 2 }, { k: 3 }] });
    await vectorsCollection.delete({ ids: ids(3), where: { k: 1 } });

    // Assess
    expect(calls.map((call) => `${call.method}:${idsOf(call).length}`)).toEqual([
      'upsert:2',
      'upsert:2',
      'upsert:1',
      'update:2',
      'update:1',
      'delete:2',
      'delete:1',
    ]);
    expect(calls[6]?.args).toEqual({ ids: ['id2'], where: { k: 1 } });
  });

  it('refuses a batch size that is not a positive integer', () => {
    // Prepare
    const { collection } = fakeCollection();

    // Act
    const create = () => chromaVectorCollection(collection, { maxBatchSize: 0 });

    // Assess
    expect(create).toThrow(VectorStoreError);
    expect(create).toThrow('maxBatchSize must be a positive integer, got 0');
  });

  it('sends a metadata value of null as JSON null although the client drops nulls', async () => {
    // Prepare
    const { collection, calls } = fakeCollection();
    const vectorsCollection = chromaVectorCollection(collection);

    // Act
    await vectorsCollection.update({
      ids: ['a', 'b'],
      metadatas: [{ label: null, keep: 'x' }, { other: 1 }],
    });

    // Assess
    const metadatas = calls[0]?.args?.['metadatas'] as Record<string, unknown>[];
    expect(JSON.stringify(metadatas)).toBe('[{"label":null,"keep":"x"},{"other":1}]');
    // What the chromadb client's validation sees: a non-empty list of numbers, not null.
    expect(metadatas[0]?.['label']).toBeInstanceOf(Array);
    expect(metadatas[0]?.['label']).toHaveLength(1);
  });

  it('sends null and empty documents as JSON null and "" and leaves out all-null documents', async () => {
    // Prepare
    const { collection, calls } = fakeCollection();
    const vectorsCollection = chromaVectorCollection(collection);

    // Act
    await vectorsCollection.upsert({
      ids: ['a', 'b', 'c'],
      embeddings: vectors(3),
      documents: ['x', null, ''],
    });
    await vectorsCollection.upsert({ ids: ['d'], embeddings: vectors(1), documents: [null] });

    // Assess
    const documents = calls[0]?.args?.['documents'] as unknown[];
    expect(JSON.stringify(documents)).toBe('["x",null,""]');
    expect(documents).toEqual(['x', expect.anything(), expect.anything()]);
    expect(calls[1]?.args).not.toHaveProperty('documents');
  });

  it('sends empty metadata as null and leaves out metadatas that change nothing', async () => {
    // Prepare
    const { collection, calls } = fakeCollection();
    const vectorsCollection = chromaVectorCollection(collection);

    // Act
    await vectorsCollection.upsert({
      ids: ['a', 'b'],
      embeddings: vectors(2),
      metadatas: [{}, { k: 1 }],
    });
    await vectorsCollection.upsert({ ids: ['c'], embeddings: vectors(1), metadatas: [{}] });

    // Assess
    expect(calls[0]?.args?.['metadatas']).toEqual([null, { k: 1 }]);
    expect(calls[1]?.args).toEqual({ ids: ['c'], embeddings: vectors(1) });
  });

  it('skips an update batch that changes nothing', async () => {
    // Prepare
    const { collection, calls } = fakeCollection();
    const vectorsCollection = chromaVectorCollection(collection, { maxBatchSize: 1 });

    // Act
    await vectorsCollection.update({ ids: ['a', 'b'], metadatas: [{}, { k: 1 }] });

    // Assess
    expect(calls).toEqual([{ method: 'update', args: { ids: ['b'], metadatas: [{ k: 1 }] } }]);
  });

  it('holds writes to the limits it is given, and keeps its batches within them', async () => {
    // Prepare
    const { collection, calls } = fakeCollection();
    const limits = { ...CHROMA_CLOUD_LIMITS, maxRecordsPerRequest: 100 };
    const cloud = chromaVectorCollection(collection, { limits });

    // Act
    await cloud.upsert({ ids: ids(250), embeddings: vectors(250) });
    const refused = await cloud
      .update({ ids: ['a', 'b'], metadatas: [{ ok: 1 }, { ['k'.repeat(37)]: 1 }] })
      .catch((reason: unknown) => reason);
    const tooLarge = () => chromaVectorCollection(collection, { limits, maxBatchSize: 101 });

    // Assess
    expect(cloud.limits).toBe(limits);
    expect(calls.map((call) => idsOf(call).length)).toEqual([100, 100, 50]);
    expect(refused).toBeInstanceOf(VectorStoreError);
    expect((refused as VectorStoreError).message).toBe(
      `Chroma update on collection "words" was refused: the record "b": metadata key "${'k'.repeat(37)}" in UTF-8 bytes is 37, over the limit of 36 (maxMetadataKeyBytes)`,
    );
    expect(calls).toHaveLength(3);
    expect(tooLarge).toThrow('maxBatchSize must be a positive integer <= 100 (limits), got 101');
  });

  it('checks the whole request before sending any batch', async () => {
    // Prepare
    const { collection, calls } = fakeCollection();
    const vectorsCollection = chromaVectorCollection(collection);
    const embeddings = vectors(600);
    embeddings[550] = [Number.NaN, 1];

    // Act
    const error = await vectorsCollection
      .upsert({ ids: ids(600), embeddings })
      .catch((reason: unknown) => reason);

    // Assess
    expect(error).toBeInstanceOf(VectorStoreError);
    expect((error as VectorStoreError).message).toBe(
      'Chroma upsert on collection "words" was refused: embedding at index 550 holds a value that is not a finite number',
    );
    expect(calls).toEqual([]);
  });

  it('wraps a client failure with the collection, operation, batch position and cause, and stops', async () => {
    // Prepare
    const cause = new Error('socket hang up');
    let sent = 0;
    const { collection, calls } = fakeCollection({
      upsert: async () => {
        sent += 1;
        if (sent === 2) throw cause;
      },
    });
    const vectorsCollection = chromaVectorCollection(collection);

    // Act
    const error = await vectorsCollection
      .upsert({ ids: ids(600), embeddings: vectors(600) })
      .catch((reason: unknown) => reason);

    // Assess
    expect(error).toBeInstanceOf(VectorStoreError);
    expect(error).toMatchObject({
      collection: 'words',
      operation: 'upsert',
      cause,
      context: { collection: 'words', operation: 'upsert', batch: 2, batches: 3, recordsDone: 250 },
    });
    expect((error as VectorStoreError).message).toBe(
      'Chroma upsert on collection "words" failed (batch 2 of 3, 250 records written before it): socket hang up',
    );
    expect(calls).toHaveLength(2);
  });

  it.each([
    ['get', (c: ReturnType<typeof chromaVectorCollection>) => c.get()],
    ['count', (c: ReturnType<typeof chromaVectorCollection>) => c.count()],
    ['delete', (c: ReturnType<typeof chromaVectorCollection>) => c.delete({ where: { k: 1 } })],
    [
      'update',
      (c: ReturnType<typeof chromaVectorCollection>) =>
        c.update({ ids: ['a'], metadatas: [{ k: 1 }] }),
    ],
  ] as const)('wraps a failing %s in a VectorStoreError', async (operation, act) => {
    // Prepare
    const { collection } = fakeCollection({
      [operation]: async () => {
        throw 'plain string failure';
      },
    });

    // Act
    const error = await act(chromaVectorCollection(collection)).catch((reason: unknown) => reason);

    // Assess
    expect(error).toBeInstanceOf(VectorStoreError);
    expect(error).toMatchObject({ collection: 'words', operation, cause: 'plain string failure' });
    expect((error as VectorStoreError).message).toBe(
      `Chroma ${operation} on collection "words" failed: plain string failure`,
    );
  });

  it('passes a get through and returns only the included fields', async () => {
    // Prepare
    const { collection, calls } = fakeCollection({
      get: async () => ({
        ids: ['a'],
        documents: [],
        metadatas: [{ k: 1 }],
        embeddings: [[1, 2]],
        uris: [],
        include: ['metadatas', 'embeddings'],
      }),
    });
    const vectorsCollection = chromaVectorCollection(collection);

    // Act
    const result = await vectorsCollection.get({
      ids: ['a', 'b'],
      where: { k: 1 },
      include: ['metadatas', 'embeddings'],
      limit: 5,
      offset: 1,
    });

    // Assess
    expect(calls[0]?.args).toEqual({
      ids: ['a', 'b'],
      where: { k: 1 },
      include: ['metadatas', 'embeddings'],
      limit: 5,
      offset: 1,
    });
    expect(result).toEqual({ ids: ['a'], metadatas: [{ k: 1 }], embeddings: [[1, 2]] });
  });

  it('asks for documents and metadatas by default', async () => {
    // Prepare
    const { collection, calls } = fakeCollection();

    // Act
    const result = await chromaVectorCollection(collection).get();

    // Assess
    expect(calls[0]?.args).toEqual({ include: ['documents', 'metadatas'] });
    expect(result).toEqual({ ids: [], documents: [], metadatas: [] });
  });

  it('answers a get or write of an empty id list without a request', async () => {
    // Prepare
    const { collection, calls } = fakeCollection();
    const vectorsCollection = chromaVectorCollection(collection);

    // Act
    const result = await vectorsCollection.get({ ids: [], include: ['embeddings'] });
    await vectorsCollection.upsert({ ids: [], embeddings: [] });
    await vectorsCollection.update({ ids: [] });
    await vectorsCollection.delete({ ids: [] });

    // Assess
    expect(result).toEqual({ ids: [], embeddings: [] });
    expect(calls).toEqual([]);
  });

  it('deletes by where alone in one request and refuses a delete without ids or where', async () => {
    // Prepare
    const { collection, calls } = fakeCollection();
    const vectorsCollection = chromaVectorCollection(collection);

    // Act
    await vectorsCollection.delete({ where: { image_id: 'x' } });
    const error = await vectorsCollection.delete({}).catch((reason: unknown) => reason);

    // Assess
    expect(calls).toEqual([{ method: 'delete', args: { where: { image_id: 'x' } } }]);
    expect(error).toBeInstanceOf(VectorStoreError);
    expect((error as VectorStoreError).operation).toBe('delete');
  });

  it('records a timer per request, the records sent and failures, and logs requests at debug', async () => {
    // Prepare
    const metrics: Metrics = { count: vi.fn(), gauge: vi.fn(), timer: vi.fn() };
    const logger: Logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const { collection } = fakeCollection({
      count: async () => {
        throw new TypeError('fetch failed');
      },
    });
    const vectorsCollection = chromaVectorCollection(collection, {
      metrics,
      logger,
      maxBatchSize: 2,
    });

    // Act
    await vectorsCollection.upsert({ ids: ids(3), embeddings: vectors(3) });
    await vectorsCollection.count().catch(() => undefined);

    // Assess
    const dimensions = { collection: 'words', operation: 'upsert' };
    expect(metrics.timer).toHaveBeenCalledTimes(2);
    expect(metrics.timer).toHaveBeenCalledWith('ChromaRequestTime', expect.any(Number), dimensions);
    expect(metrics.count).toHaveBeenCalledWith('ChromaRecordsSent', 2, dimensions);
    expect(metrics.count).toHaveBeenCalledWith('ChromaRecordsSent', 1, dimensions);
    expect(metrics.count).toHaveBeenCalledWith('ChromaRequestError', 1, {
      collection: 'words',
      operation: 'count',
      error_type: 'TypeError',
    });
    expect(logger.debug).toHaveBeenCalledWith('Chroma request', {
      ...dimensions,
      records: 1,
      batch: 2,
      batches: 2,
      recordsDone: 2,
    });
  });

  it.each([
    [new ChromaRateLimitError('slow down'), 'rate-limited', true],
    [new ChromaQuotaExceededError('too many records'), 'quota-exceeded', true],
    [new ChromaConnectionError('fetch failed'), 'unavailable', true],
    [new ChromaServerError('internal error'), 'unavailable', true],
    [new ChromaClientError('bad request'), undefined, false],
    [new Error('anything else'), undefined, false],
  ] as const)(
    'says why the store failed, and whether to retry: %s',
    async (thrown, failure, retryable) => {
      // Prepare
      const { collection } = fakeCollection({ upsert: () => Promise.reject(thrown) });
      const words = chromaVectorCollection(collection);

      // Act
      const error = await words
        .upsert({ ids: ids(1), embeddings: vectors(1) })
        .catch((caught) => caught);

      // Assess
      expect(error).toBeInstanceOf(VectorStoreError);
      expect(error).toMatchObject({ failure, retryable, cause: thrown });
      expect((error as VectorStoreError).context['failure']).toBe(failure);
    },
  );
});
