import { randomUUID } from 'node:crypto';
import { compactionRunToItem } from '@receipt-chroma/dynamo-stream';
import { describe, expect, it } from 'vitest';
import { ReceiptStoreError } from '../../../src/errors.js';
import { InMemoryReceiptStore } from '../../../src/testing/InMemoryReceiptStore.js';
import { describeReceiptStoreContract } from '../../contracts/receiptStore.contract.js';
import { makeCompactionRun, makeLabel, makeWord } from '../../helpers/factories.js';

describeReceiptStoreContract(
  'InMemoryReceiptStore',
  async (seed) => new InMemoryReceiptStore(seed),
);

describe('Class: InMemoryReceiptStore', () => {
  it('replaces an entity added again with the same keys', async () => {
    // Prepare
    const imageId = randomUUID();
    const store = new InMemoryReceiptStore({ words: [makeWord(imageId, 1, 1, 1)] });

    // Act
    store.addWords(makeWord(imageId, 1, 1, 1, { text: 'changed' }));
    const words = await store.listReceiptWords({ imageId, receiptId: 1 });

    // Assess
    expect(words.map((word) => word.text)).toEqual(['changed']);
  });

  it('returns copies, so changing a result does not change the store', async () => {
    // Prepare
    const imageId = randomUUID();
    const label = makeLabel(imageId, 1, 1, 1, 'TOTAL');
    const store = new InMemoryReceiptStore().addLabels(label);
    const ref = { imageId, receiptId: 1, lineId: 1, wordId: 1 };
    const [first] = await store.listWordLabels(ref);
    if (first) first.validation_status = 'INVALID';

    // Act
    const [second] = await store.listWordLabels(ref);

    // Assess
    expect(second?.validation_status).toBe('VALID');
  });

  it('deletes an item by its keys', async () => {
    // Prepare
    const imageId = randomUUID();
    const store = new InMemoryReceiptStore({ labels: [makeLabel(imageId, 1, 1, 1, 'TOTAL')] });

    // Act
    const deleted = store.deleteItem(
      `IMAGE#${imageId}`,
      'RECEIPT#00001#LINE#00001#WORD#00001#LABEL#TOTAL',
    );
    const labels = await store.listReceiptWordLabels({ imageId, receiptId: 1 });

    // Assess
    expect(deleted).toBe(true);
    expect(labels).toEqual([]);
  });

  it('fails the next read once when asked to, and counts reads', async () => {
    // Prepare
    const imageId = randomUUID();
    const store = new InMemoryReceiptStore({ words: [makeWord(imageId, 1, 1, 1)] });
    const failure = new ReceiptStoreError('throttled', { operation: 'test' });
    store.failNextRead(failure);

    // Act
    const first = store.listReceiptWords({ imageId, receiptId: 1 });
    await expect(first).rejects.toBe(failure);
    const second = await store.listReceiptWords({ imageId, receiptId: 1 });

    // Assess
    expect(second).toHaveLength(1);
    expect(store.reads).toBe(2);
  });

  it('rejects a raw item without string keys', () => {
    // Prepare
    const store = new InMemoryReceiptStore();

    // Act & Assess
    expect(() => store.putItems({ PK: { S: 'IMAGE#x' } })).toThrow(ReceiptStoreError);
  });

  it('fails the next run-state write when told to, and counts every write', async () => {
    // Prepare
    const imageId = randomUUID();
    const run = makeCompactionRun(imageId, 1, randomUUID(), '2026-01-04T12:00:00+00:00');
    const store = new InMemoryReceiptStore().putItems(compactionRunToItem(run));
    const completion = {
      imageId,
      receiptId: 1,
      runId: run.run_id,
      collection: 'lines',
      mergedVectors: 2,
      finishedAt: '2026-01-04T12:34:56.123456+00:00',
    } as const;
    store.failNextWrite();

    // Act
    const first = store.markCompactionRunCompleted(completion);
    await expect(first).rejects.toBeInstanceOf(ReceiptStoreError);
    const second = await store.markCompactionRunCompleted(completion);

    // Assess
    expect(second).toBe('updated');
    expect(store.writes).toBe(2);
    const [stored] = await store.listCompactionRuns({ imageId, receiptId: 1 });
    expect(stored).toMatchObject({ lines_state: 'COMPLETED', lines_merged_vectors: 2 });
  });
});
