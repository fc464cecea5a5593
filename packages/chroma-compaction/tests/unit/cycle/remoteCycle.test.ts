import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqsRecordLike } from '../../../src/compaction/decodeSqsRecords.js';
import { runCompactionCycle } from '../../../src/cycle/compactCollection.js';
import { CompactionAbortedError } from '../../../src/cycle/errors.js';
import type { CompactionSpan, RemoteCompactionOptions } from '../../../src/cycle/types.js';
import { writeDelta } from '../../../src/deltas/writeDelta.js';
import { snapshotKeys } from '../../../src/snapshots/snapshotKeys.js';
import { readPointer } from '../../../src/snapshots/snapshotObjects.js';
import { InMemoryVectorCollection } from '../../../src/testing/InMemoryVectorCollection.js';
import { CHROMA_CLOUD_LIMITS } from '../../../src/vectors/limits.js';
import {
  type CycleWorld,
  cycleWorld,
  seedDeltaReceipt,
  sqsRecord,
} from '../../helpers/cycleWorld.js';
import { deltaRecords, IMAGE_ID, RECEIPT_ID } from '../../helpers/deltaArchives.js';
import { deltaInput, makeLine, makeReceipt, placeInput } from '../../helpers/factories.js';
import { FlakyCollection } from '../../helpers/flakyCollection.js';

const LOCK = { lockId: 'chroma-lines-compaction', collection: 'lines' } as const;

describe('runCompactionCycle with a remote target', () => {
  let world: CycleWorld;
  let delta: SqsRecordLike;
  let target: InMemoryVectorCollection;

  beforeEach(async () => {
    world = await cycleWorld('lines');
    target = new InMemoryVectorCollection('lines');
    delta = await seedDeltaReceipt(world);
  });

  afterEach(async () => {
    await rm(world.root, { recursive: true, force: true });
  });

  const options = (overrides: Partial<RemoteCompactionOptions> = {}): RemoteCompactionOptions => ({
    collectionName: 'lines',
    records: [delta],
    store: world.store,
    receipts: world.receipts,
    target: { vectors: target },
    deadline: () => 600_000,
    ...overrides,
  });

  it('applies the batch to the target in place: no lock, no snapshot, no publish', async () => {
    // Prepare
    const spans: string[] = [];
    const tracer = {
      startSpan: (name: string): CompactionSpan => ({ end: () => spans.push(name) }),
    };
    const poisoned = { messageId: 'm-bad', body: '{"not": "a stream message"}' };

    // Act
    const result = await runCompactionCycle(options({ tracer, records: [delta, poisoned] }));

    // Assess
    expect(result.error).toBeNull();
    expect(result.version).toBeNull();
    expect(result.outcomes).toEqual([
      expect.objectContaining({ recordId: 'm-delta', status: 'applied' }),
      expect.objectContaining({ recordId: 'm-bad', status: 'failed' }),
    ]);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-bad' }]);
    expect(await target.count()).toBe(3);
    expect(spans).toEqual(['compaction.decode', 'compaction.process', 'compaction.mark']);
    expect(await readPointer(world.store, snapshotKeys('lines'))).toBeUndefined();
    expect(await world.lockStore.read(LOCK)).toBeUndefined();
  });

  it('takes the lock around the batch when a lock store is given, and releases it', async () => {
    // Prepare
    const spans: string[] = [];
    const tracer = {
      startSpan: (name: string): CompactionSpan => ({ end: () => spans.push(name) }),
    };

    // Act
    const result = await runCompactionCycle(options({ lockStore: world.lockStore, tracer }));

    // Assess
    expect(result.error).toBeNull();
    expect(spans).toEqual([
      'compaction.decode',
      'compaction.lock',
      'compaction.process',
      'compaction.mark',
    ]);
    expect(await target.count()).toBe(3);
    // Released: the item stays with an expiry in the past (its fence keeps counting).
    expect(await world.lockStore.read(LOCK)).toMatchObject({
      fence: 1,
      expires: '0001-01-01T00:00:00.000000+00:00',
    });
  });

  it('returns every message when the given lock is held by another worker', async () => {
    // Prepare
    await world.lockStore.acquire({
      ...LOCK,
      owner: '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b',
      expires: '2999-01-01T00:00:00.000000+00:00',
      heartbeat: null,
      now: '2026-01-01T00:00:00.000000+00:00',
    });

    // Act
    const result = await runCompactionCycle(
      options({
        lockStore: world.lockStore,
        lockRetry: { retries: 1, minDelayMs: 1, maxDelayMs: 2 },
      }),
    );

    // Assess
    expect(result.error).toBeInstanceOf(CompactionAbortedError);
    expect(result.error).toMatchObject({ reason: 'lock-held', phase: 'lock' });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-delta' }]);
    expect(await target.count()).toBe(0);
  });

  it('takes nothing when the time left cannot cover the batch', async () => {
    // Act
    const result = await runCompactionCycle(options({ deadline: () => 11_000 }));

    // Assess
    expect(result.error).toMatchObject({ reason: 'deadline', phase: 'process' });
    expect(result.error?.message).toContain('11000 ms left');
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-delta' }]);
    expect(await target.count()).toBe(0);
  });

  it('fails only the messages the target could not take, for retry', async () => {
    // Prepare: the target refuses every upsert (a delta merge) but takes metadata updates.
    const flaky = new FlakyCollection(target).failWhen('upsert', () => true);
    // A place REMOVE on another receipt, which has no embeddings: provably nothing to do.
    const other = RECEIPT_ID + 1;
    world.receipts.addReceipts(makeReceipt(IMAGE_ID, other));
    world.receipts.addLines(makeLine(IMAGE_ID, other, 1));
    const place = sqsRecord(placeInput('m-place', IMAGE_ID, other, 'REMOVE'), 'lines');

    // Act
    const result = await runCompactionCycle(
      options({ target: { vectors: flaky }, records: [delta, place] }),
    );

    // Assess
    expect(result.error).toBeNull();
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-delta' }]);
    expect(result.outcomes).toContainEqual(
      expect.objectContaining({ recordId: 'm-place', status: 'skipped' }),
    );
  });

  it("fails a delta whose records go over the target's limits, and writes none of them", async () => {
    // Prepare: a Chroma Cloud target, and a run whose records carry a 40-byte metadata key.
    const cloud = new InMemoryVectorCollection('lines', { limits: CHROMA_CLOUD_LIMITS });
    const records = deltaRecords({ count: 3 }).map((record) => ({
      ...record,
      metadata: { ...record.metadata, ['k'.repeat(40)]: 1 },
    }));
    await writeDelta(world.store, 'lines/delta/run-2/', {
      collection: 'lines',
      records,
      runId: 'run-2',
    });
    const wide = sqsRecord(
      deltaInput('m-wide', IMAGE_ID, RECEIPT_ID, 'run-2', 'lines/delta/run-2/'),
      'lines',
    );

    // Act
    const result = await runCompactionCycle(
      options({ target: { vectors: cloud }, records: [wide] }),
    );

    // Assess
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-wide' }]);
    expect(result.outcomes[0]?.reason).toContain('over the limit of 36 (maxMetadataKeyBytes)');
    expect(await cloud.count()).toBe(0);
  });

  it('applies the batch to mirrors after the target', async () => {
    // Prepare
    const mirror = new InMemoryVectorCollection('lines');

    // Act
    const result = await runCompactionCycle(options({ mirrors: [mirror] }));

    // Assess
    expect(result.updates?.mirrors.map(({ stale }) => stale)).toEqual([false]);
    expect(await mirror.count()).toBe(3);
    expect(await target.count()).toBe(3);
  });
});
