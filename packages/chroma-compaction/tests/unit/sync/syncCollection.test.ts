import { describe, expect, it } from 'vitest';
import type { VectorCollection } from '../../../src/ports/vectorCollection.js';
import { type SyncProgress, syncCollection } from '../../../src/sync/syncCollection.js';
import { InMemoryVectorCollection } from '../../../src/testing/InMemoryVectorCollection.js';
import { CHROMA_CLOUD_LIMITS, VectorLimitError } from '../../../src/vectors/limits.js';
import { FlakyCollection } from '../../helpers/flakyCollection.js';

/** A collection of `count` records `r-0000` … with a 3-dimensional embedding, a document and metadata. */
const seeded = async (name: string, count: number, from = 0): Promise<InMemoryVectorCollection> => {
  const collection = new InMemoryVectorCollection(name);
  const ids = Array.from(
    { length: count },
    (_, index) => `r-${String(from + index).padStart(4, '0')}`,
  );
  if (count > 0) {
    await collection.upsert({
      ids,
      embeddings: ids.map((_, index) => [from + index, 0.5, -1]),
      documents: ids.map((id) => `text of ${id}`),
      metadatas: ids.map((id, index) => ({
        source: id,
        rank: from + index,
        valid: index % 2 === 0,
      })),
    });
  }
  return collection;
};

/** Everything a collection holds, sorted by id. */
const contents = async (collection: VectorCollection): Promise<unknown[]> => {
  const all = await collection.get({ include: ['embeddings', 'documents', 'metadatas'] });
  return all.ids
    .map((id, index) => ({
      id,
      embedding: all.embeddings?.[index],
      document: all.documents?.[index],
      metadata: all.metadatas?.[index],
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
};

describe('Function: syncCollection', () => {
  it('copies every record, ids, embeddings, documents and metadata, page by page', async () => {
    // Prepare
    const from = await seeded('words', 1_003);
    const to = new InMemoryVectorCollection('words');

    // Act
    const result = await syncCollection({ from, to, batchSize: 100, concurrency: 3 });

    // Assess
    expect(await contents(to)).toEqual(await contents(from));
    expect(result).toMatchObject({
      total: 1_003,
      copied: 1_003,
      removed: 0,
      failedBatches: 0,
      failures: [],
      refused: [],
      targetCount: 1_003,
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('lists the records the target cannot store instead of dropping their keys, and copies the rest', async () => {
    // Prepare: two records carry a metadata key over Chroma Cloud's 36 bytes.
    const from = await seeded('words', 10);
    const wide = { ['k'.repeat(37)]: 1 };
    await from.update({ ids: ['r-0003', 'r-0007'], metadatas: [wide, wide] });
    const to = new InMemoryVectorCollection('words', { limits: CHROMA_CLOUD_LIMITS });

    // Act
    const result = await syncCollection({ from, to, batchSize: 4 });

    // Assess
    expect(result.refused.map(({ id, error }) => [id, error.limit])).toEqual([
      ['r-0003', 'maxMetadataKeyBytes'],
      ['r-0007', 'maxMetadataKeyBytes'],
    ]);
    expect(result.refused[0]?.error).toBeInstanceOf(VectorLimitError);
    expect(result).toMatchObject({ copied: 8, failedBatches: 0, targetCount: 8 });
    const expected = (await contents(from)).filter(
      (record) => !['r-0003', 'r-0007'].includes((record as { id: string }).id),
    );
    expect(await contents(to)).toEqual(expected);
  });

  it('overwrites what the target already holds, so a second sync changes nothing', async () => {
    // Prepare
    const from = await seeded('words', 120);
    const to = await seeded('words', 50);
    await to.update({ ids: ['r-0007'], metadatas: [{ source: 'stale' }] });

    // Act
    await syncCollection({ from, to, batchSize: 50 });
    const first = await contents(to);
    const again = await syncCollection({ from, to, batchSize: 50 });

    // Assess
    expect(first).toEqual(await contents(from));
    expect(await contents(to)).toEqual(first);
    expect(again).toMatchObject({ copied: 120, targetCount: 120 });
  });

  it('retries a failed write with backoff and then copies the page', async () => {
    // Prepare
    const from = await seeded('words', 30);
    const to = new FlakyCollection(new InMemoryVectorCollection('words'))
      .failCall('upsert', 1)
      .failCall('upsert', 2);

    // Act
    const result = await syncCollection({ from, to, batchSize: 30, retryDelayMs: 1 });

    // Assess
    expect(result).toMatchObject({ copied: 30, failedBatches: 0, targetCount: 30 });
  });

  it('gives a page up after its retries, copies the others, and a rerun converges', async () => {
    // Prepare: every write of the page holding r-0010 fails.
    const from = await seeded('words', 40);
    const inner = new InMemoryVectorCollection('words');
    const flaky = new FlakyCollection(inner).failWhen('upsert', (request) =>
      (request as { ids: string[] }).ids.includes('r-0010'),
    );

    // Act
    const failed = await syncCollection({
      from,
      to: flaky,
      batchSize: 10,
      retries: 2,
      retryDelayMs: 1,
    });
    const rerun = await syncCollection({ from, to: inner, batchSize: 10 });

    // Assess
    expect(failed).toMatchObject({ total: 40, copied: 30, failedBatches: 1, targetCount: 30 });
    expect(failed.failures).toEqual([
      {
        offset: 10,
        step: 'write',
        error: expect.objectContaining({ message: 'Injected upsert failure' }),
      },
    ]);
    expect(rerun).toMatchObject({ copied: 40, failedBatches: 0 });
    expect(await contents(inner)).toEqual(await contents(from));
  });

  it('with prune, deletes the records the source no longer has', async () => {
    // Prepare
    const from = await seeded('words', 25);
    const to = await seeded('words', 10, 20);

    // Act
    const result = await syncCollection({ from, to, batchSize: 7, prune: true });

    // Assess
    expect(result).toMatchObject({ copied: 25, removed: 5, targetCount: 25 });
    expect(await contents(to)).toEqual(await contents(from));
  });

  it('deletes nothing when a page of the source could not be read', async () => {
    // Prepare
    const source = new FlakyCollection(await seeded('words', 20)).failWhen(
      'get',
      (request) => (request as { offset?: number }).offset === 10,
    );
    const to = await seeded('words', 5, 100);

    // Act
    const result = await syncCollection({
      from: source,
      to,
      batchSize: 10,
      prune: true,
      retries: 0,
    });

    // Assess
    expect(result).toMatchObject({ copied: 10, removed: 0, failedBatches: 1, targetCount: 15 });
    expect(result.failures.map(({ offset, step }) => ({ offset, step }))).toEqual([
      { offset: 10, step: 'read' },
    ]);
  });

  it('reports its progress after each page', async () => {
    // Prepare
    const from = await seeded('words', 25);
    const progress: SyncProgress[] = [];

    // Act
    await syncCollection({
      from,
      to: new InMemoryVectorCollection('words'),
      batchSize: 10,
      concurrency: 1,
      onProgress: (step) => progress.push(step),
    });

    // Assess
    expect(progress).toEqual([
      { total: 25, copied: 10, failedBatches: 0 },
      { total: 25, copied: 20, failedBatches: 0 },
      { total: 25, copied: 25, failedBatches: 0 },
    ]);
  });

  it('copies nothing from an empty source', async () => {
    // Act
    const result = await syncCollection({
      from: new InMemoryVectorCollection('words'),
      to: new InMemoryVectorCollection('words'),
    });

    // Assess
    expect(result).toMatchObject({ total: 0, copied: 0, targetCount: 0 });
  });

  it.each([
    [{ batchSize: 0 }, 'batchSize must be a positive integer, got 0'],
    [{ concurrency: 1.5 }, 'concurrency must be a positive integer, got 1.5'],
    [{ retryDelayMs: -1 }, 'retryDelayMs must be a positive integer, got -1'],
    [{ retries: -1 }, 'retries must be an integer >= 0, got -1'],
  ])('refuses %j with a RangeError', async (options, message) => {
    // Prepare
    const collection = new InMemoryVectorCollection('words');

    // Act
    const sync = syncCollection({ from: collection, to: collection, ...options });

    // Assess
    await expect(sync).rejects.toThrow(new RangeError(message));
  });

  it('stops with the signal’s reason once it aborts', async () => {
    // Prepare: the first write fails, and the sync aborts while it waits to retry.
    const from = await seeded('words', 10);
    const to = new FlakyCollection(new InMemoryVectorCollection('words')).failCall('upsert', 1);
    const controller = new AbortController();
    const reason = new Error('deploy in progress');
    setTimeout(() => controller.abort(reason), 5);

    // Act
    const sync = syncCollection({ from, to, retryDelayMs: 60_000, signal: controller.signal });

    // Assess
    await expect(sync).rejects.toBe(reason);
  });
});
