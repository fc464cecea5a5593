import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromaVectorCollection } from '../../../src/adapters/chroma/chromaVectorCollection.js';
import { compactCollection } from '../../../src/adapters/chroma/compactCollection.js';
import { openSnapshot } from '../../../src/adapters/chroma/openSnapshot.js';
import {
  type LocalChroma,
  startLocalChroma,
} from '../../../src/adapters/chroma/startLocalChroma.js';
import type { SqsRecordLike } from '../../../src/compaction/decodeSqsRecords.js';
import type { CompactionResult } from '../../../src/cycle/types.js';
import { repairStaleMirror } from '../../../src/mirrors/repairStaleMirror.js';
import { StaleMirrorMarks } from '../../../src/mirrors/StaleMirrorMarks.js';
import type { VectorCollection } from '../../../src/ports/vectorCollection.js';
import { SnapshotCache } from '../../../src/snapshots/cache/SnapshotCache.js';
import { snapshotKeys } from '../../../src/snapshots/snapshotKeys.js';
import { readPointer } from '../../../src/snapshots/snapshotObjects.js';
import { CHROMA_CLOUD_LIMITS } from '../../../src/vectors/limits.js';
import { IMAGE_ID, recordId } from '../../helpers/deltaArchives.js';
import { FlakyCollection } from '../../helpers/flakyCollection.js';
import { collectionContents } from '../helpers/collectionContents.js';
import { useCycleServices } from '../helpers/cycleServices.js';
import { chromaCommand } from '../helpers/localChroma.js';

const services = useCycleServices('remote');
const { store, receipts, lockStore, receiptWithDelta } = services;
/** A second Chroma server: the stand-in for a Chroma server or Chroma Cloud. */
let remote: LocalChroma;

beforeAll(async () => {
  remote = await startLocalChroma({
    path: join(services.work(), 'remote'),
    command: chromaCommand(),
  });
});

afterAll(async () => {
  await remote?.stop();
});

describe('compactCollection past one snapshot: a Chroma server as target and as mirror', () => {
  /** A new `lines` collection on the remote server, held to Chroma Cloud's limits. */
  const remoteCollection = async (name: string): Promise<VectorCollection> =>
    chromaVectorCollection(
      await remote.client.createCollection({ name, embeddingFunction: null }),
      { limits: CHROMA_CLOUD_LIMITS },
    );

  const compactRemote = (
    records: SqsRecordLike[],
    vectors: VectorCollection,
  ): Promise<CompactionResult> =>
    compactCollection({
      collectionName: 'lines',
      records,
      store: store(),
      receipts: receipts(),
      target: { vectors },
      deadline: () => 600_000,
    });

  const idsOf = (receiptIds: readonly number[]): string[] =>
    receiptIds
      .flatMap((receiptId) =>
        [0, 1, 2].map((index) => recordId('lines', index, IMAGE_ID, receiptId)),
      )
      .toSorted();

  it('applies batches to a remote collection in place, and two compactors at once converge', async () => {
    // Prepare: four receipts; the two batches overlap on receipt 11.
    const [m10, m11, m12, m13] = await Promise.all([10, 11, 12, 13].map(receiptWithDelta));
    const shared = await remoteCollection(`remote-shared-${Date.now()}`);
    const replay = await remoteCollection(`remote-replay-${Date.now()}`);
    const first = [m10, m11] as SqsRecordLike[];
    const second = [m11, m12, m13] as SqsRecordLike[];

    // Act: two compactors on one collection at once, and the same batches one after another.
    const concurrent = await Promise.all([
      compactRemote(first, shared),
      compactRemote(second, shared),
    ]);
    // Whatever a compactor returned is delivered again, as SQS would (a server busy creating
    // the collection's index can refuse a read: a retryable error).
    let returned = concurrent.flatMap((result, index) =>
      ([first, second][index] as SqsRecordLike[]).filter(({ messageId }) =>
        result.batchItemFailures.some(({ itemIdentifier }) => itemIdentifier === messageId),
      ),
    );
    for (let attempt = 0; attempt < 3 && returned.length > 0; attempt += 1) {
      const again = await compactRemote(returned, shared);
      returned = returned.filter(({ messageId }) =>
        again.batchItemFailures.some(({ itemIdentifier }) => itemIdentifier === messageId),
      );
    }
    for (const batch of [first, second]) await compactRemote(batch, replay);

    // Assess
    expect(returned).toEqual([]);
    for (const result of concurrent) {
      expect(result.error).toBeNull();
      expect(result.version).toBeNull();
      // `mark` runs only when the compactor merged a run (a refused read can fail them all).
      const phases = Object.keys(result.timings).filter((phase) => phase !== 'mark');
      expect(phases.toSorted()).toEqual(['decode', 'process', 'total']);
    }
    expect((await shared.get({ include: [] })).ids.toSorted()).toEqual(idsOf([10, 11, 12, 13]));
    expect(await collectionContents(shared)).toEqual(await collectionContents(replay));
    expect(await readPointer(store(), snapshotKeys('lines'))).toBeUndefined();
  }, 120_000);

  it('mirrors snapshot cycles to a server: a failing mirror is marked, or fails its messages, and a repair converges it', async () => {
    // Prepare
    const [m20, m21, m22] = await Promise.all([20, 21, 22].map(receiptWithDelta));
    const mirror = await remoteCollection(`mirror-${Date.now()}`);
    const broken = new FlakyCollection(mirror).failWhen('upsert', () => true);
    const marks = new StaleMirrorMarks(store(), { prefix: 'ops/' });
    const compact = (
      records: SqsRecordLike[],
      mirrors: VectorCollection[],
      mirrorFailure: 'report' | 'fail' = 'report',
    ): Promise<CompactionResult> =>
      compactCollection({
        collectionName: 'lines',
        records,
        store: store(),
        cache: new SnapshotCache({
          root: join(services.work(), 'cache'),
          collection: 'lines',
          store: store(),
        }),
        lockStore: lockStore(),
        receipts: receipts(),
        deadline: () => 600_000,
        chroma: { command: chromaCommand() },
        mirrors,
        mirrorFailure,
        staleMirrorMarks: marks,
      });

    // Act
    const mirrored = await compact([m20 as SqsRecordLike], [mirror]);
    const reported = await compact([m21 as SqsRecordLike], [broken]);
    const failed = await compact([m22 as SqsRecordLike], [broken], 'fail');
    const mark = await marks.read('lines', 0);
    // The returned message is delivered again, and the mirror takes it this time.
    const redelivered = await compact([m22 as SqsRecordLike], [mirror], 'fail');
    const cache = new SnapshotCache({
      root: join(services.work(), 'repair'),
      collection: 'lines',
      store: store(),
    });
    const snapshot = await openSnapshot((await cache.ensure()).path, { command: chromaCommand() });
    let repair: Awaited<ReturnType<typeof repairStaleMirror>>;
    let primary: Awaited<ReturnType<typeof collectionContents>>;
    try {
      const from = await snapshot.collection('lines');
      repair = await repairStaleMirror({
        marks,
        collection: 'lines',
        mirror: 0,
        from,
        to: mirror,
        lockStore: lockStore(),
      });
      primary = await collectionContents(from);
    } finally {
      await snapshot.close();
    }

    // Assess
    expect(mirrored.updates?.mirrors[0]?.stale).toBe(false);
    expect(reported.batchItemFailures).toEqual([]);
    expect(reported.updates?.mirrors[0]).toMatchObject({ stale: true, counts: { failed: 1 } });
    expect(failed.batchItemFailures).toEqual([{ itemIdentifier: 'm-22' }]);
    expect(failed.version).toBeNull();
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(mark?.mark).toMatchObject({ collection: 'lines', mirror: 0, failedMessages: 2 });
    expect(repair.cleared).toBe(true);
    expect(repair.sync).toMatchObject({ failedBatches: 0, refused: [] });
    expect(await marks.read('lines', 0)).toBeUndefined();
    expect(primary.map(({ id }) => id)).toEqual(idsOf([20, 21, 22]));
    expect(await collectionContents(mirror)).toEqual(primary);
  }, 180_000);
});
