import { describe, expect, it } from 'vitest';
import { VectorStoreError } from '../../../src/errors.js';
import type {
  DeleteRequest,
  UpdateRequest,
  UpsertRequest,
} from '../../../src/ports/vectorCollection.js';
import { InMemoryVectorCollection } from '../../../src/testing/InMemoryVectorCollection.js';
import { BatchWriteError } from '../../../src/vectors/errors.js';
import {
  chunk,
  deleteInBatches,
  unwrapBatchWriteError,
  updateEachBatch,
  updateInBatches,
  upsertInBatches,
  writeBatches,
} from '../../../src/vectors/writeBatches.js';
import { FlakyCollection } from '../../helpers/flakyCollection.js';

/** An in-memory collection that records every write request it receives. */
class RecordingCollection extends InMemoryVectorCollection {
  readonly writes: { operation: string; request: unknown }[] = [];

  override upsert(request: UpsertRequest): Promise<void> {
    this.writes.push({ operation: 'upsert', request });
    return super.upsert(request);
  }

  override update(request: UpdateRequest): Promise<void> {
    this.writes.push({ operation: 'update', request });
    return super.update(request);
  }

  override delete(request: DeleteRequest): Promise<void> {
    this.writes.push({ operation: 'delete', request });
    return super.delete(request);
  }
}

const ids = (count: number): string[] => Array.from({ length: count }, (_, index) => `id-${index}`);

const upsertOf = (count: number): UpsertRequest => ({
  ids: ids(count),
  embeddings: ids(count).map((_, index) => [index, 1]),
  metadatas: ids(count).map((_, index) => ({ index })),
});

describe('Function: writeBatches', () => {
  it('splits a write into consecutive batches of at most the size, numbered from 1', () => {
    // Act
    const batches = writeBatches(5, 2);

    // Assess
    expect(batches).toEqual([
      { start: 0, end: 2, number: 1, batches: 3 },
      { start: 2, end: 4, number: 2, batches: 3 },
      { start: 4, end: 5, number: 3, batches: 3 },
    ]);
  });

  it('has no batch for an empty write', () => {
    // Act & Assess
    expect(writeBatches(0, 250)).toEqual([]);
  });

  it('gives chunk the same boundaries', () => {
    // Act & Assess
    expect(chunk(['a', 'b', 'c', 'd', 'e'], 2)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });
});

describe('Function: upsertInBatches', () => {
  it('sends a request that fits in one batch as it is', async () => {
    // Prepare
    const vectors = new RecordingCollection('words');
    const request = upsertOf(3);

    // Act
    const written = await upsertInBatches(vectors, request, 3);

    // Assess
    expect(written).toBe(3);
    expect(vectors.writes).toHaveLength(1);
    expect(vectors.writes[0]?.request).toBe(request);
  });

  it('splits a larger request, keeping ids, embeddings and metadata together', async () => {
    // Prepare
    const vectors = new RecordingCollection('words');

    // Act
    await upsertInBatches(vectors, upsertOf(5), 2);

    // Assess
    expect(vectors.writes.map(({ request }) => (request as UpsertRequest).ids)).toEqual([
      ['id-0', 'id-1'],
      ['id-2', 'id-3'],
      ['id-4'],
    ]);
    expect(vectors.writes[2]?.request).toMatchObject({
      embeddings: [[4, 1]],
      metadatas: [{ index: 4 }],
    });
    expect(await vectors.count()).toBe(5);
  });

  it('stops at the first failed batch and says how far it got', async () => {
    // Prepare
    const vectors = new RecordingCollection('words');
    const failing = new FlakyCollection(vectors).failCall('upsert', 2);

    // Act
    const error = await upsertInBatches(failing, upsertOf(5), 2).catch((thrown) => thrown);

    // Assess
    expect(error).toBeInstanceOf(BatchWriteError);
    expect(error).toMatchObject({ written: 2, total: 5 });
    const { cause, progress } = unwrapBatchWriteError(error);
    expect(cause).toBeInstanceOf(VectorStoreError);
    expect(progress).toBe(' after 2 of 5 records');
    expect(vectors.writes).toHaveLength(1);
    expect(await vectors.count()).toBe(2);
  });
});

describe('Function: updateInBatches', () => {
  it('sends one update per batch with the ids and patches of that batch', async () => {
    // Prepare
    const vectors = new RecordingCollection('words');
    await vectors.upsert(upsertOf(3));
    vectors.writes.length = 0;

    // Act
    const written = await updateInBatches(
      vectors,
      ids(3).map((id) => ({ id, patch: { seen: true } })),
      2,
    );

    // Assess
    expect(written).toBe(3);
    expect(vectors.writes).toEqual([
      {
        operation: 'update',
        request: { ids: ['id-0', 'id-1'], metadatas: [{ seen: true }, { seen: true }] },
      },
      { operation: 'update', request: { ids: ['id-2'], metadatas: [{ seen: true }] } },
    ]);
  });
});

describe('Function: updateEachBatch', () => {
  it('goes on after a failed batch and tells each batch its fate', async () => {
    // Prepare
    const vectors = new RecordingCollection('words');
    await vectors.upsert(upsertOf(3));
    const cause = new Error('refused');
    vectors.failNext('update', cause);
    const fates: { ids: string[]; error: Error | undefined }[] = [];

    // Act
    await updateEachBatch(
      vectors,
      ids(3).map((id) => ({ id, patch: { seen: true } })),
      2,
      (batch, error) => {
        fates.push({ ids: batch.map(({ id }) => id), error });
      },
    );

    // Assess
    expect(fates).toEqual([
      { ids: ['id-0', 'id-1'], error: expect.objectContaining({ cause }) },
      { ids: ['id-2'], error: undefined },
    ]);
  });
});

describe('Function: deleteInBatches', () => {
  it('sends one delete per batch', async () => {
    // Prepare
    const vectors = new RecordingCollection('words');
    await vectors.upsert(upsertOf(3));
    vectors.writes.length = 0;

    // Act
    const deleted = await deleteInBatches(vectors, ids(3), 2);

    // Assess
    expect(deleted).toBe(3);
    expect(vectors.writes).toEqual([
      { operation: 'delete', request: { ids: ['id-0', 'id-1'] } },
      { operation: 'delete', request: { ids: ['id-2'] } },
    ]);
    expect(await vectors.count()).toBe(0);
  });
});
