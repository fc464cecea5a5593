import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSystemObjectStore } from '../../../src/adapters/fs/FileSystemObjectStore.js';
import type { DeltaMergeRequest, MergeDeltasContext } from '../../../src/compaction/types.js';
import { createDeltaMerger } from '../../../src/deltas/deltaMerger.js';
import { DeltaIntegrityError, DeltaNotFoundError } from '../../../src/deltas/errors.js';
import type { DeltaRecord } from '../../../src/deltas/types.js';
import { writeDelta } from '../../../src/deltas/writeDelta.js';
import { lineChromaId } from '../../../src/ids/chromaIds.js';
import type {
  Embedding,
  UpsertRequest,
  VectorCollection,
} from '../../../src/ports/vectorCollection.js';
import { InMemoryVectorCollection } from '../../../src/testing/InMemoryVectorCollection.js';
import { CountingCollection, RecordingMetrics } from '../../helpers/compactionFixture.js';

const IMAGE = '3f52804b-2fad-4e00-92c8-b593da3a8ed3';

const lines = (count: number, dimension = 4, receiptId = 1): DeltaRecord[] =>
  Array.from({ length: count }, (_, lineId) => ({
    id: lineChromaId({ imageId: IMAGE, receiptId, lineId }),
    embedding: Array.from({ length: dimension }, (_, k) => lineId + k / 8),
    document: `line ${lineId}`,
    metadata: { line_id: lineId, text: `line ${lineId}` },
  }));

const request = (deltaPrefix: string, receiptId = 1): DeltaMergeRequest => ({
  recordId: `msg-${deltaPrefix}`,
  runId: deltaPrefix,
  imageId: IMAGE,
  receiptId,
  deltaPrefix,
  message: {} as DeltaMergeRequest['message'],
});

const contextFor = (vectors: VectorCollection): MergeDeltasContext => ({
  collection: 'lines',
  vectors,
});

/** Drops the chosen ids from every upsert, as a store that loses writes would. */
class DroppingCollection extends InMemoryVectorCollection {
  readonly #drop: Set<string>;
  constructor(drop: readonly string[]) {
    super('lines');
    this.#drop = new Set(drop);
  }
  override upsert(request: UpsertRequest): Promise<void> {
    const keep = request.ids.flatMap((id, index) => (this.#drop.has(id) ? [] : [index]));
    return super.upsert({
      ids: keep.map((index) => request.ids[index] as string),
      embeddings: keep.map((index) => request.embeddings[index] as Embedding),
      documents: keep.map((index) => request.documents?.[index] ?? null),
      metadatas: keep.map((index) => request.metadatas?.[index] ?? null),
    });
  }
}

describe('Function: createDeltaMerger', () => {
  let root: string;
  let store: FileSystemObjectStore;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'delta-merger-'));
    store = new FileSystemObjectStore({ root: join(root, 'objects') });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const write = (prefix: string, records: DeltaRecord[], receiptId = 1): Promise<unknown> =>
    writeDelta(store, prefix, {
      collection: 'lines',
      records,
      imageId: IMAGE,
      receiptId,
      runId: prefix,
    });

  it('upserts every record in batches of at most maxBatchSize and verifies them', async () => {
    // Prepare
    const records = lines(600);
    await write('lines/delta/run-1/', records);
    const vectors = new CountingCollection(new InMemoryVectorCollection('lines'));
    const metrics = new RecordingMetrics();
    const merge = createDeltaMerger({ store, metrics });

    // Act
    const results = await merge([request('lines/delta/run-1/')], {
      ...contextFor(vectors),
      metrics,
    });

    // Assess
    expect(results).toEqual([
      expect.objectContaining({
        recordId: 'msg-lines/delta/run-1/',
        status: 'applied',
        mergedCount: 600,
      }),
    ]);
    expect(vectors.calls.upsert).toBe(3);
    const stored = await vectors.get({ include: ['documents', 'metadatas', 'embeddings'] });
    expect(stored.ids).toEqual(records.map((record) => record.id));
    expect(stored.documents?.[599]).toBe('line 599');
    expect(stored.metadatas?.[7]).toEqual({ line_id: 7, text: 'line 7' });
    expect(stored.embeddings?.[3]).toEqual([3, 3.125, 3.25, 3.375]);
    expect(metrics.names()).toContain('DeltaVectorsMerged');
  });

  it('leaves the same records when the same delta is merged again', async () => {
    // Prepare
    await write('lines/delta/run-1/', lines(40));
    const vectors = new InMemoryVectorCollection('lines');
    const merge = createDeltaMerger({ store });
    await merge([request('lines/delta/run-1/')], contextFor(vectors));
    const first = await vectors.get({ include: ['documents', 'metadatas', 'embeddings'] });

    // Act
    const again = await merge([request('lines/delta/run-1/')], contextFor(vectors));

    // Assess
    expect(again[0]?.status).toBe('applied');
    expect(await vectors.get({ include: ['documents', 'metadatas', 'embeddings'] })).toEqual(first);
  });

  it('skips an empty delta with 0 merged', async () => {
    // Prepare
    await write('lines/delta/empty/', []);
    const vectors = new InMemoryVectorCollection('lines');

    // Act
    const [result] = await createDeltaMerger({ store })(
      [request('lines/delta/empty/')],
      contextFor(vectors),
    );

    // Assess
    expect(result).toMatchObject({ status: 'skipped', mergedCount: 0, reason: 'empty delta' });
  });

  it('fails a missing delta, naming it', async () => {
    // Act
    const [result] = await createDeltaMerger({ store })(
      [request('lines/delta/nowhere/')],
      contextFor(new InMemoryVectorCollection('lines')),
    );

    // Assess
    expect(result).toMatchObject({ status: 'failed', mergedCount: 0 });
    expect(result?.reason).toBe('delta not found: lines/delta/nowhere/');
    expect(result?.error).toBeInstanceOf(DeltaNotFoundError);
  });

  it.each([
    [
      'another collection',
      'collection',
      async (s: FileSystemObjectStore) => {
        await writeDelta(s, 'lines/delta/x/', { collection: 'words', records: [] });
      },
    ],
    [
      'another receipt',
      'receipt',
      async (s: FileSystemObjectStore) => {
        await writeDelta(s, 'lines/delta/x/', {
          collection: 'lines',
          records: lines(2, 4, 9),
          imageId: IMAGE,
          receiptId: 9,
        });
      },
    ],
    [
      'a corrupt archive',
      'archive',
      async () => {
        await mkdir(join(root, 'objects', 'lines/delta/x'), { recursive: true });
        await writeFile(
          join(root, 'objects', 'lines/delta/x/delta.tar.gz'),
          Buffer.from([0x1f, 0x8b, 8, 0, 1, 2]),
        );
      },
    ],
  ] as const)('fails a delta of %s (check %s) and writes nothing', async (_, check, make) => {
    // Prepare
    await make(store);
    const vectors = new InMemoryVectorCollection('lines');

    // Act
    const [result] = await createDeltaMerger({ store })(
      [request('lines/delta/x/')],
      contextFor(vectors),
    );

    // Assess
    expect(result?.status).toBe('failed');
    expect(result?.error).toBeInstanceOf(DeltaIntegrityError);
    expect(result?.error).toMatchObject({ check });
    expect(result?.reason).toContain(`${check} check`);
    expect(await vectors.count()).toBe(0);
  });

  it('fails a delta whose dimension differs from the collection and writes nothing from it', async () => {
    // Prepare
    const vectors = new InMemoryVectorCollection('lines');
    await vectors.upsert({ ids: ['IMAGE#x#RECEIPT#00001#LINE#00001'], embeddings: [[1, 2, 3]] });
    await write('lines/delta/run-1/', lines(5, 4));

    // Act
    const [result] = await createDeltaMerger({ store })(
      [request('lines/delta/run-1/')],
      contextFor(vectors),
    );

    // Assess
    expect(result).toMatchObject({ status: 'failed', mergedCount: 0 });
    expect(result?.reason).toBe("delta dimension 4 differs from the collection's 3");
    expect(await vectors.count()).toBe(1);
  });

  it('answers each request on its own: a bad delta fails only itself', async () => {
    // Prepare
    await write('lines/delta/good/', lines(3));
    const vectors = new InMemoryVectorCollection('lines');

    // Act
    const results = await createDeltaMerger({ store })(
      [request('lines/delta/missing/'), request('lines/delta/good/')],
      contextFor(vectors),
    );

    // Assess
    expect(results.map((result) => [result.recordId, result.status])).toEqual([
      ['msg-lines/delta/missing/', 'failed'],
      ['msg-lines/delta/good/', 'applied'],
    ]);
    expect(await vectors.count()).toBe(3);
  });

  it('re-checks only the missing ids and fails when some stay missing', async () => {
    // Prepare
    const records = lines(300);
    await write('lines/delta/run-1/', records);
    const dropped = [records[10]?.id, records[280]?.id] as string[];
    const inner = new DroppingCollection(dropped);
    const vectors = new CountingCollection(inner);
    const merge = createDeltaMerger({ store, verifyRetries: 2, verifyDelayMs: 0 });

    // Act
    const [result] = await merge([request('lines/delta/run-1/')], contextFor(vectors));

    // Assess
    expect(result).toMatchObject({
      status: 'failed',
      mergedCount: 0,
      reason: 'upsert verification failed: 2 of 300 vectors missing',
    });
    // 1 dimension read, 2 batches of the first check, then 1 re-check read per retry.
    expect(vectors.calls.get).toBe(1 + 2 + 2);
  });

  it('counts a failed verification read as missing and succeeds once the ids are found', async () => {
    // Prepare
    await write('lines/delta/run-1/', lines(10));
    const vectors = new InMemoryVectorCollection('lines');
    const merge = createDeltaMerger({ store, verifyDelayMs: 0 });
    const original = vectors.get.bind(vectors);
    let gets = 0;
    vectors.get = async (getRequest) => {
      gets += 1;
      if (gets === 2) throw new Error('read timed out');
      return original(getRequest);
    };

    // Act
    const [result] = await merge([request('lines/delta/run-1/')], contextFor(vectors));

    // Assess
    expect(result).toMatchObject({ status: 'applied', mergedCount: 10 });
    expect(gets).toBe(3);
  });

  it('fails the run when an upsert fails', async () => {
    // Prepare
    await write('lines/delta/run-1/', lines(10));
    const vectors = new InMemoryVectorCollection('lines');
    vectors.failNext('upsert', new Error('chroma is down'));

    // Act
    const [result] = await createDeltaMerger({ store })(
      [request('lines/delta/run-1/')],
      contextFor(vectors),
    );

    // Assess
    expect(result?.status).toBe('failed');
    expect(result?.reason).toMatch(/^delta merge failed: /);
  });

  it('removes its staged files whatever the outcome', async () => {
    // Prepare
    const tempDir = join(root, 'staging');
    await mkdir(tempDir);
    await write('lines/delta/good/', lines(3));
    await write('lines/delta/other/', lines(2, 4, 9), 9);

    // Act
    await createDeltaMerger({ store, tempDir })(
      [
        request('lines/delta/good/'),
        request('lines/delta/other/'),
        request('lines/delta/missing/'),
      ],
      contextFor(new InMemoryVectorCollection('lines')),
    );

    // Assess
    expect(await readdir(tempDir)).toEqual([]);
  });

  it.each([[{ maxBatchSize: 0 }], [{ verifyRetries: -1 }], [{ verifyDelayMs: 1.5 }]])(
    'refuses %j',
    (options) => {
      expect(() => createDeltaMerger({ store, ...options })).toThrowError(RangeError);
    },
  );
});
