import { rm } from 'node:fs/promises';
import { type CompactionRun, compactionRunToItem } from '@receipt-chroma/dynamo-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqsRecordLike } from '../../../src/compaction/decodeSqsRecords.js';
import { runCompactionCycle } from '../../../src/cycle/compactCollection.js';
import type {
  CompactionSpan,
  RemoteCompactionOptions,
  SnapshotCompactionOptions,
} from '../../../src/cycle/types.js';
import { writeDelta } from '../../../src/deltas/writeDelta.js';
import { ReceiptStoreError } from '../../../src/errors.js';
import { aroundReceiptStore } from '../../../src/receipts/aroundReceiptStore.js';
import { snapshotKeys } from '../../../src/snapshots/snapshotKeys.js';
import { readPointer } from '../../../src/snapshots/snapshotObjects.js';
import { InMemoryVectorCollection } from '../../../src/testing/InMemoryVectorCollection.js';
import { RecordingMetrics } from '../../helpers/compactionFixture.js';
import {
  type CycleWorld,
  cycleWorld,
  jsonChroma,
  snapshotCycleOptions,
  sqsRecord,
} from '../../helpers/cycleWorld.js';
import { deltaRecords, IMAGE_ID, RECEIPT_ID } from '../../helpers/deltaArchives.js';
import {
  at,
  deltaInput,
  makeCompactionRun,
  makeLine,
  makeReceipt,
} from '../../helpers/factories.js';
import { RecordingLogger } from '../../helpers/lockDoubles.js';

const RUN_ID = '5d0c4a8e-3b1f-4c2a-9e7d-1f2a3b4c5d6e';
const NEWER_RUN_ID = '8a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d';
const OTHER_RUN_ID = '1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5';
/** `pythonUtcNow`'s format: six-digit microseconds and `+00:00`. */
const PYTHON_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;
const REF = { imageId: IMAGE_ID, receiptId: RECEIPT_ID };

/** How {@link seedRun} writes a run. */
interface RunSeed {
  /** Records in its lines delta. @default 3 */
  readonly count?: number;
  /** Whether its delta is written. @default true */
  readonly withDelta?: boolean;
  /** `created_at` is `at(createdAt)`. @default 0 */
  readonly createdAt?: number;
  /** Fields over the defaults of `makeCompactionRun`. @default none */
  readonly fields?: Partial<CompactionRun>;
  /** Whether the run item is written to the table. @default true */
  readonly inTable?: boolean;
  /** @default RECEIPT_ID */
  readonly receiptId?: number;
}

describe('marking merged compaction runs COMPLETED (runCompactionCycle)', () => {
  let world: CycleWorld;

  beforeEach(async () => {
    world = await cycleWorld('lines');
    world.receipts.addReceipts(makeReceipt(IMAGE_ID, RECEIPT_ID));
    world.receipts.addLines(...[1, 2, 3].map((line) => makeLine(IMAGE_ID, RECEIPT_ID, line)));
  });

  afterEach(async () => {
    await rm(world.root, { recursive: true, force: true });
  });

  /**
   * Writes run `runId` (created `at(createdAt)`, with `fields` over the defaults) to the table
   * and a lines delta of `count` records under its prefix; returns the run's message.
   */
  const seedRun = async (runId: string, seed: RunSeed = {}): Promise<SqsRecordLike> => {
    const { count = 3, createdAt = 0, fields = {}, inTable = true, withDelta = true } = seed;
    const receiptId = seed.receiptId ?? RECEIPT_ID;
    const run = { ...makeCompactionRun(IMAGE_ID, receiptId, runId, at(createdAt)), ...fields };
    if (inTable) world.receipts.putItems(compactionRunToItem(run));
    if (withDelta) {
      await writeDelta(world.store, run.lines_delta_prefix, {
        collection: 'lines',
        records: deltaRecords({ count, receiptId }),
        runId,
      });
    }
    return sqsRecord(
      deltaInput(`m-${runId.slice(0, 4)}`, IMAGE_ID, receiptId, runId, run.lines_delta_prefix),
      'lines',
    );
  };

  const storedRun = async (runId: string): Promise<CompactionRun | undefined> =>
    (await world.receipts.listCompactionRuns(REF)).find((run) => run.run_id === runId);

  const snapshotOptions = (
    records: SqsRecordLike[],
    overrides: Partial<SnapshotCompactionOptions> = {},
  ): SnapshotCompactionOptions => snapshotCycleOptions(world, records, overrides);

  it('marks the run COMPLETED for the collection after the publish, leaving the other collection alone', async () => {
    // Prepare
    const words = {
      words_state: 'COMPLETED',
      words_finished_at: at(5),
      words_merged_vectors: 4,
    } as const;
    const record = await seedRun(RUN_ID, { fields: words });
    const spans: string[] = [];
    const tracer = {
      startSpan: (name: string): CompactionSpan => ({ end: () => spans.push(name) }),
    };

    // Act
    const result = await runCompactionCycle(
      snapshotOptions([record], { tracer }),
      jsonChroma(world.store, 'lines'),
    );

    // Assess
    expect(result.error).toBeNull();
    expect(result.version).not.toBeNull();
    expect(result.batchItemFailures).toEqual([]);
    expect(result.runStates).toEqual({
      marked: 1,
      missing: 0,
      failed: 0,
      writes: [
        {
          runId: RUN_ID,
          imageId: IMAGE_ID,
          receiptId: RECEIPT_ID,
          mergedVectors: 3,
          status: 'updated',
        },
      ],
    });
    const run = await storedRun(RUN_ID);
    expect(run).toMatchObject({ lines_state: 'COMPLETED', lines_merged_vectors: 3, ...words });
    expect(run?.lines_finished_at).toMatch(PYTHON_ISO);
    expect(run?.updated_at).toBe(run?.lines_finished_at);
    expect(run?.lines_started_at).toBeNull();
    expect(spans.slice(-2)).toEqual(['compaction.publish', 'compaction.mark']);
    expect(result.timings.mark).toBeGreaterThanOrEqual(0);
  });

  it('marks nothing when the lock is lost before the publish', async () => {
    // Prepare: while the batch is applied, another owner takes the lock over.
    const record = await seedRun(RUN_ID);
    const chroma = jsonChroma(world.store, 'lines');
    const stealing = {
      ...chroma,
      openCollection: async (dir: string, name: 'lines' | 'words') => {
        const opened = await chroma.openCollection(dir, name);
        const lock = { lockId: 'chroma-lines-compaction', collection: 'lines' };
        world.lockStore.delete(lock);
        await world.lockStore.acquire({
          ...lock,
          owner: '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b',
          expires: '2999-01-01T00:00:00.000000+00:00',
          heartbeat: null,
          now: '2026-01-01T00:00:00.000000+00:00',
        });
        return opened;
      },
    };

    // Act
    const result = await runCompactionCycle(snapshotOptions([record]), stealing);

    // Assess
    expect(result.error).toMatchObject({ reason: 'lock-lost' });
    expect(result.runStates).toBeNull();
    expect(result.timings.mark).toBeUndefined();
    expect(world.receipts.writes).toBe(0);
    expect(await storedRun(RUN_ID)).toMatchObject({
      lines_state: 'PENDING',
      lines_finished_at: null,
      lines_merged_vectors: 0,
    });
  });

  it('marks nothing when the deadline stops the cycle before the publish', async () => {
    // Prepare: enough time to start, not enough to publish.
    const record = await seedRun(RUN_ID);
    let calls = 0;
    const deadline = (): number => {
      calls += 1;
      return calls <= 2 ? 600_000 : 1_000;
    };

    // Act
    const result = await runCompactionCycle(
      snapshotOptions([record], { deadline }),
      jsonChroma(world.store, 'lines'),
    );

    // Assess
    expect(result.updates?.counts.applied).toBe(1);
    expect(result.error).toMatchObject({ reason: 'deadline', phase: 'publish' });
    expect(result.runStates).toBeNull();
    expect((await storedRun(RUN_ID))?.lines_state).toBe('PENDING');
  });

  it('reports a run the table does not hold as missing, creates nothing and acknowledges its message', async () => {
    // Prepare
    const record = await seedRun(RUN_ID, { inTable: false });
    const logger = new RecordingLogger();

    // Act
    const result = await runCompactionCycle(
      snapshotOptions([record], { logger }),
      jsonChroma(world.store, 'lines'),
    );

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(result.runStates).toMatchObject({
      marked: 0,
      missing: 1,
      failed: 0,
      writes: [expect.objectContaining({ runId: RUN_ID, status: 'missing' })],
    });
    expect(await world.receipts.listCompactionRuns(REF)).toEqual([]);
    expect(logger.named('Compaction run not in the table: not marked COMPLETED')).toHaveLength(1);
  });

  it('logs and counts a failed mark, and still acknowledges the merged message', async () => {
    // Prepare
    const record = await seedRun(RUN_ID);
    const refused = new ReceiptStoreError('Throughput exceeded', {
      operation: 'markCompactionRunCompleted',
    });
    world.receipts.failNextWrite(refused);
    const logger = new RecordingLogger();
    const metrics = new RecordingMetrics();

    // Act
    const result = await runCompactionCycle(
      snapshotOptions([record], { logger, metrics }),
      jsonChroma(world.store, 'lines'),
    );

    // Assess
    expect(result.error).toBeNull();
    expect(result.version).not.toBeNull();
    expect(result.batchItemFailures).toEqual([]);
    expect(result.runStates).toMatchObject({
      marked: 0,
      missing: 0,
      failed: 1,
      writes: [expect.objectContaining({ runId: RUN_ID, status: 'failed', error: refused })],
    });
    expect(metrics.recorded).toContainEqual({
      kind: 'count',
      name: 'CompactionRunStateUpdateError',
      value: 1,
      dimensions: { collection: 'lines' },
    });
    const [logged] = logger.named(
      'Could not mark the compaction run COMPLETED; its message still succeeds',
    );
    expect(logged).toMatchObject({ level: 'error', extra: { runId: RUN_ID } });
    expect((await storedRun(RUN_ID))?.lines_state).toBe('PENDING');
  });

  it('leaves a failed merge and a superseded run as they were, and marks an empty delta with 0', async () => {
    // Prepare: an older run the table supersedes and the newer run with an empty delta; on
    // another receipt, a run whose delta is missing.
    const superseded = await seedRun(RUN_ID);
    const empty = await seedRun(NEWER_RUN_ID, { count: 0, createdAt: 1 });
    world.receipts.addReceipts(makeReceipt(IMAGE_ID, RECEIPT_ID + 1));
    const missingDelta = await seedRun(OTHER_RUN_ID, {
      withDelta: false,
      receiptId: RECEIPT_ID + 1,
    });

    // Act
    const result = await runCompactionCycle(
      snapshotOptions([superseded, empty, missingDelta]),
      jsonChroma(world.store, 'lines'),
    );

    // Assess
    expect(result.updates?.deltaMergeResults.map(({ status }) => status).sort()).toEqual([
      'failed',
      'skipped',
      'skipped',
    ]);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: missingDelta.messageId }]);
    expect(result.runStates?.writes).toEqual([
      expect.objectContaining({ runId: NEWER_RUN_ID, mergedVectors: 0, status: 'updated' }),
    ]);
    expect(await storedRun(RUN_ID)).toMatchObject({ lines_state: 'PENDING' });
    const [other] = await world.receipts.listCompactionRuns({ ...REF, receiptId: RECEIPT_ID + 1 });
    expect(other?.lines_state).toBe('PENDING');
    expect(await storedRun(NEWER_RUN_ID)).toMatchObject({
      lines_state: 'COMPLETED',
      lines_merged_vectors: 0,
    });
  });

  it('marks an empty delta even though nothing was applied and so nothing published', async () => {
    // Prepare
    const record = await seedRun(RUN_ID, { count: 0 });

    // Act
    const result = await runCompactionCycle(
      snapshotOptions([record]),
      jsonChroma(world.store, 'lines'),
    );

    // Assess
    expect(result.version).toBeNull();
    expect(await readPointer(world.store, snapshotKeys('lines'))).not.toBeUndefined();
    expect(result.runStates).toMatchObject({ marked: 1 });
    expect(await storedRun(RUN_ID)).toMatchObject({
      lines_state: 'COMPLETED',
      lines_merged_vectors: 0,
    });
  });

  it('marks nothing, and has no mark phase, with a receipts store that cannot write run states', async () => {
    // Prepare: a store of the reads only.
    const record = await seedRun(RUN_ID);
    const readsOnly = aroundReceiptStore(world.receipts, (_method, _ref, read) => read());

    // Act
    const result = await runCompactionCycle(
      snapshotOptions([record], { receipts: readsOnly }),
      jsonChroma(world.store, 'lines'),
    );

    // Assess
    expect(readsOnly.markCompactionRunCompleted).toBeUndefined();
    expect(result.version).not.toBeNull();
    expect(result.runStates).toBeNull();
    expect(result.timings.mark).toBeUndefined();
    expect((await storedRun(RUN_ID))?.lines_state).toBe('PENDING');
  });

  it('marks the run in remote mode once the batch is applied to the target', async () => {
    // Prepare
    const record = await seedRun(RUN_ID);
    const target = new InMemoryVectorCollection('lines');
    const options: RemoteCompactionOptions = {
      collectionName: 'lines',
      records: [record],
      store: world.store,
      receipts: world.receipts,
      target: { vectors: target },
      deadline: () => 600_000,
    };

    // Act
    const result = await runCompactionCycle(options);

    // Assess
    expect(result.version).toBeNull();
    expect(await target.count()).toBe(3);
    expect(result.runStates).toMatchObject({ marked: 1, missing: 0, failed: 0 });
    expect(await storedRun(RUN_ID)).toMatchObject({
      lines_state: 'COMPLETED',
      lines_merged_vectors: 3,
    });
    expect(Object.keys(result.timings).sort()).toEqual(['decode', 'mark', 'process', 'total']);
  });

  it('marks nothing in remote mode when the cycle stops before the batch', async () => {
    // Prepare
    const record = await seedRun(RUN_ID);
    const options: RemoteCompactionOptions = {
      collectionName: 'lines',
      records: [record],
      store: world.store,
      receipts: world.receipts,
      target: { vectors: new InMemoryVectorCollection('lines') },
      deadline: () => 1_000,
    };

    // Act
    const result = await runCompactionCycle(options);

    // Assess
    expect(result.error).toMatchObject({ reason: 'deadline' });
    expect(result.runStates).toBeNull();
    expect((await storedRun(RUN_ID))?.lines_state).toBe('PENDING');
  });
});
