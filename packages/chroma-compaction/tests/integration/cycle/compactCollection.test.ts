import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compactCollection } from '../../../src/adapters/chroma/compactCollection.js';
import { openSnapshot } from '../../../src/adapters/chroma/openSnapshot.js';
import type { SqsRecordLike } from '../../../src/compaction/decodeSqsRecords.js';
import type { CompactionResult } from '../../../src/cycle/types.js';
import { SnapshotCache } from '../../../src/snapshots/cache/SnapshotCache.js';
import { downloadSnapshot } from '../../../src/snapshots/downloadSnapshot.js';
import { IMAGE_ID, recordId } from '../../helpers/deltaArchives.js';
import { useCycleServices } from '../helpers/cycleServices.js';
import { chromaCommand } from '../helpers/localChroma.js';

const services = useCycleServices('cycle');
const { store, receiptWithDelta } = services;

describe('compactCollection with a real Chroma, moto S3 and moto DynamoDB', () => {
  /** One compactor (its own cache, as a separate Lambda would have) on `records`. */
  const compact = (name: string, records: SqsRecordLike[]): Promise<CompactionResult> =>
    compactCollection({
      collectionName: 'lines',
      records,
      store: store(),
      cache: new SnapshotCache({
        root: join(services.work(), name),
        collection: 'lines',
        store: store(),
      }),
      lockStore: services.lockStore(),
      receipts: services.receipts(),
      deadline: () => 600_000,
      chroma: { command: chromaCommand() },
      lockRetry: { retries: 30, minDelayMs: 200, maxDelayMs: 1_000 },
    });

  /** The ids of the published snapshot's `lines` collection. */
  const publishedIds = async (): Promise<string[]> => {
    const dest = await mkdtemp(join(services.work(), 'published-'));
    await rm(dest, { recursive: true });
    await downloadSnapshot({ store: store(), collection: 'lines', dest });
    const opened = await openSnapshot(dest, { command: chromaCommand() });
    try {
      return (await (await opened.collection('lines')).get({ include: [] })).ids.toSorted();
    } finally {
      await opened.close();
    }
  };

  it('merges a batch into a first version, then two compactors at once lose nothing', async () => {
    // Prepare
    const first = await receiptWithDelta(1);
    const [second, third] = [await receiptWithDelta(2), await receiptWithDelta(3)];

    // Act
    const initial = await compact('a', [first]);
    const concurrent = await Promise.all([compact('b', [second]), compact('c', [third])]);
    // Whatever a compactor returned is retried, as SQS would redeliver it.
    let returned = concurrent.flatMap((result, index) =>
      result.batchItemFailures.length === 0 ? [] : [[second, third][index] as SqsRecordLike],
    );
    for (let attempt = 0; attempt < 3 && returned.length > 0; attempt += 1) {
      const retried = await compact(`retry-${attempt}`, returned);
      if (retried.batchItemFailures.length === 0) returned = [];
    }

    // Assess
    expect(initial.error).toBeNull();
    expect(initial.batchItemFailures).toEqual([]);
    expect(initial.version).not.toBeNull();
    expect(returned).toEqual([]);
    const expected = [1, 2, 3].flatMap((receiptId) =>
      [0, 1, 2].map((index) => recordId('lines', index, IMAGE_ID, receiptId)),
    );
    expect(await publishedIds()).toEqual(expected.toSorted());
  }, 120_000);
});
