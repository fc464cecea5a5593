import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalChromaStartError } from '../../../src/adapters/chroma/errors.js';
import type { SqsRecordLike } from '../../../src/compaction/decodeSqsRecords.js';
import { runCompactionCycle } from '../../../src/cycle/compactCollection.js';
import { CompactionAbortedError } from '../../../src/cycle/errors.js';
import type { CompactionSpan, SnapshotCompactionOptions } from '../../../src/cycle/types.js';
import { writeDelta } from '../../../src/deltas/writeDelta.js';
import { snapshotKeys } from '../../../src/snapshots/snapshotKeys.js';
import { readPointer } from '../../../src/snapshots/snapshotObjects.js';
import { InMemoryVectorCollection } from '../../../src/testing/InMemoryVectorCollection.js';
import {
  type CycleWorld,
  cycleWorld,
  jsonChroma,
  openJsonCollection,
  seedDeltaReceipt,
  snapshotCycleOptions,
  sqsRecord,
} from '../../helpers/cycleWorld.js';
import { deltaRecords, IMAGE_ID, RECEIPT_ID } from '../../helpers/deltaArchives.js';
import { deltaInput, makeLine, makeReceipt, placeInput } from '../../helpers/factories.js';
import { FlakyCollection } from '../../helpers/flakyCollection.js';

const keys = snapshotKeys('lines');

describe('runCompactionCycle (compactCollection without Chroma)', () => {
  let world: CycleWorld;
  let delta: SqsRecordLike;

  beforeEach(async () => {
    world = await cycleWorld('lines');
    delta = await seedDeltaReceipt(world);
  });

  afterEach(async () => {
    await rm(world.root, { recursive: true, force: true });
  });

  const options = (overrides: Partial<SnapshotCompactionOptions> = {}): SnapshotCompactionOptions =>
    snapshotCycleOptions(world, [delta], overrides);

  it('initialises the first version, merges the delta and publishes under the lock', async () => {
    // Prepare
    const spans: string[] = [];
    const tracer = {
      startSpan: (name: string): CompactionSpan => ({ end: () => spans.push(name) }),
    };

    // Act
    const result = await runCompactionCycle(options({ tracer }), jsonChroma(world.store, 'lines'));

    // Assess
    expect(result.error).toBeNull();
    expect(result.batchItemFailures).toEqual([]);
    expect(result.outcomes).toEqual([
      expect.objectContaining({ recordId: 'm-delta', status: 'applied' }),
    ]);
    expect((await readPointer(world.store, keys))?.version).toBe(result.version);
    expect(await world.cache.currentVersion()).toBe(result.version);
    const published = await openJsonCollection(
      join(world.cache.dir, result.version ?? ''),
      'lines',
    );
    expect(await published.vectors.count()).toBe(3);
    expect(spans).toEqual([
      'compaction.decode',
      'compaction.lock',
      'compaction.snapshot',
      'compaction.open',
      'compaction.process',
      'compaction.close',
      'compaction.publish',
      'compaction.mark',
    ]);
    expect(Object.keys(result.timings)).toEqual(
      expect.arrayContaining(['process', 'publish', 'total']),
    );
  });

  it('fails only a poisoned message, and publishes the rest', async () => {
    // Prepare
    const poisoned = { messageId: 'm-bad', body: '{"not": "a stream message"}' };

    // Act
    const result = await runCompactionCycle(
      options({ records: [poisoned, delta] }),
      jsonChroma(world.store, 'lines'),
    );

    // Assess
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-bad' }]);
    expect(result.version).not.toBeNull();
  });

  it('returns every message when another worker holds the lock, after bounded retries', async () => {
    // Prepare: a live lock of another owner.
    const other = await runCompactionCycle(options(), jsonChroma(world.store, 'lines'));
    const before = (await readPointer(world.store, keys))?.version;
    await world.lockStore.acquire({
      lockId: 'chroma-lines-compaction',
      collection: 'lines',
      owner: '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b',
      expires: '2999-01-01T00:00:00.000000+00:00',
      heartbeat: null,
      now: '2026-01-01T00:00:00.000000+00:00',
    });

    // Act
    const result = await runCompactionCycle(
      options({ lockRetry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } }),
      jsonChroma(world.store, 'lines'),
    );

    // Assess
    expect(other.version).not.toBeNull();
    expect(result.error).toBeInstanceOf(CompactionAbortedError);
    expect(result.error).toMatchObject({ reason: 'lock-held', phase: 'lock' });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-delta' }]);
    expect((await readPointer(world.store, keys))?.version).toBe(before);
  });

  it('refuses the publish and returns every message when the lock is lost mid-run', async () => {
    // Prepare: while the messages are applied, the lock item is taken over by another owner.
    const chroma = jsonChroma(world.store, 'lines');
    const stealing = {
      ...chroma,
      openCollection: async (dir: string, name: 'lines' | 'words') => {
        const opened = await chroma.openCollection(dir, name);
        world.lockStore.delete({ lockId: 'chroma-lines-compaction', collection: 'lines' });
        await world.lockStore.acquire({
          lockId: 'chroma-lines-compaction',
          collection: 'lines',
          owner: '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b',
          expires: '2999-01-01T00:00:00.000000+00:00',
          heartbeat: null,
          now: '2026-01-01T00:00:00.000000+00:00',
        });
        return opened;
      },
    };

    // Act
    const result = await runCompactionCycle(options(), stealing);

    // Assess
    expect(result.error).toMatchObject({ reason: 'lock-lost' });
    expect(result.version).toBeNull();
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-delta' }]);
  });

  it('returns every message with a typed error when Chroma cannot start', async () => {
    // Prepare
    const failing = {
      ...jsonChroma(world.store, 'lines'),
      openCollection: async () => {
        throw new LocalChromaStartError('Chroma needs glibc 2.38: install the shim', {
          reason: 'native-binding',
          command: ['node'],
        });
      },
    };

    // Act
    const result = await runCompactionCycle(options(), failing);

    // Assess
    expect(result.error).toMatchObject({ reason: 'failed', phase: 'open' });
    expect(result.error?.message).toContain('glibc');
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-delta' }]);
  });

  it('takes nothing when the deadline is too short to start', async () => {
    // Act
    const result = await runCompactionCycle(
      options({ deadline: () => 3_000 }),
      jsonChroma(world.store, 'lines'),
    );

    // Assess
    expect(result.error).toMatchObject({ reason: 'deadline', phase: 'lock' });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-delta' }]);
    expect(
      await world.lockStore.read({ lockId: 'chroma-lines-compaction', collection: 'lines' }),
    ).toBeUndefined();
    expect(await readPointer(world.store, keys)).toBeUndefined();
  });

  it('stops before publishing when the deadline runs out mid-run, and publishes nothing', async () => {
    // Prepare: a first version, then a cycle whose time runs out once it has applied.
    await runCompactionCycle(options(), jsonChroma(world.store, 'lines'));
    const before = (await readPointer(world.store, keys))?.version;
    let calls = 0;
    const deadline = (): number => {
      calls += 1;
      return calls <= 2 ? 600_000 : 1_000;
    };
    const other = RECEIPT_ID + 1;
    world.receipts.addReceipts(makeReceipt(IMAGE_ID, other));
    world.receipts.addLines(...[1, 2].map((line) => makeLine(IMAGE_ID, other, line)));
    await writeDelta(world.store, 'lines/delta/run-2/', {
      collection: 'lines',
      records: deltaRecords({ count: 2, receiptId: other }),
    });
    const second = sqsRecord(
      deltaInput('m-second', IMAGE_ID, other, 'run-2', 'lines/delta/run-2/'),
      'lines',
    );

    // Act
    const result = await runCompactionCycle(
      options({ records: [second], deadline }),
      jsonChroma(world.store, 'lines'),
    );

    // Assess
    expect(result.updates?.counts.applied).toBe(1);
    expect(result.error).toMatchObject({ reason: 'deadline', phase: 'publish' });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-second' }]);
    expect((await readPointer(world.store, keys))?.version).toBe(before);
  });

  it('publishes nothing when nothing was applied', async () => {
    // Prepare
    const first = await runCompactionCycle(options(), jsonChroma(world.store, 'lines'));

    // Act: the same run again is superseded by nothing and merges the same records; a
    // place REMOVE of a receipt without a place is provably a no-op.
    const place = sqsRecord(placeInput('m-place', IMAGE_ID, RECEIPT_ID, 'REMOVE'), 'lines');
    const result = await runCompactionCycle(
      options({ records: [place] }),
      jsonChroma(world.store, 'lines'),
    );

    // Assess
    expect(result.outcomes).toEqual([expect.objectContaining({ status: 'skipped' })]);
    expect(result.version).toBeNull();
    expect((await readPointer(world.store, keys))?.version).toBe(first.version);
  });

  it('puts the correlation id on every log line', async () => {
    // Prepare
    const lines: Record<string, unknown>[] = [];
    const messages: string[] = [];
    const record = (message: string, extra?: Record<string, unknown>) => {
      messages.push(message);
      lines.push(extra ?? {});
    };
    const logger = { debug: record, info: record, warn: record, error: record };

    // Act
    await runCompactionCycle(
      options({ logger, correlationId: 'corr-1' }),
      jsonChroma(world.store, 'lines'),
    );

    // Assess
    expect(lines.length).toBeGreaterThan(5);
    // The cache's own lines (its download of the first version) carry it too.
    expect(messages).toContain('Snapshot downloaded to the cache');
    for (const line of lines) expect(line).toMatchObject({ correlationId: 'corr-1' });
  });

  it('applies the batch to mirrors too, and fails it on a broken mirror with mirrorFailure: fail', async () => {
    // Prepare: a mirror that takes the delta, and one whose every write fails.
    const mirror = new InMemoryVectorCollection('lines');
    const broken = new FlakyCollection(new InMemoryVectorCollection('lines')).failWhen(
      'upsert',
      () => true,
    );

    // Act
    const mirrored = await runCompactionCycle(
      options({ mirrors: [mirror] }),
      jsonChroma(world.store, 'lines'),
    );
    const failing = await runCompactionCycle(
      options({ mirrors: [broken], mirrorFailure: 'fail' }),
      jsonChroma(world.store, 'lines'),
    );

    // Assess
    expect(mirrored.updates?.mirrors.map(({ stale, counts }) => [stale, counts])).toEqual([
      [false, { applied: 1, skipped: 0, failed: 0 }],
    ]);
    expect(await mirror.count()).toBe(3);
    expect(failing.updates?.mirrors[0]?.stale).toBe(true);
    expect(failing.batchItemFailures).toEqual([{ itemIdentifier: 'm-delta' }]);
  });
});
