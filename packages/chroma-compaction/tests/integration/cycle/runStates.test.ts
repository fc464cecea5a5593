import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  type CompactionRun,
  compactionRunToItem,
  receiptLineToItem,
  receiptToItem,
} from '@receipt-chroma/dynamo-stream';
import { describe, expect, it } from 'vitest';
import { compactCollection } from '../../../src/adapters/chroma/compactCollection.js';
import { writeDelta } from '../../../src/deltas/writeDelta.js';
import { SnapshotCache } from '../../../src/snapshots/cache/SnapshotCache.js';
import { sqsRecord } from '../../helpers/cycleWorld.js';
import { deltaRecords, IMAGE_ID } from '../../helpers/deltaArchives.js';
import {
  at,
  deltaInput,
  makeCompactionRun,
  makeLine,
  makeReceipt,
} from '../../helpers/factories.js';
import { useCycleServices } from '../helpers/cycleServices.js';
import { chromaCommand } from '../helpers/localChroma.js';

const services = useCycleServices('run-states');
const RECEIPT_ID = 21;
/** `pythonUtcNow`'s format: six-digit microseconds and `+00:00`. */
const PYTHON_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;

describe('compactCollection marks the merged run COMPLETED in DynamoDB (moto, real Chroma)', () => {
  it("leaves the run item COMPLETED for lines, with its finish time and merged count, and words' fields as they were", async () => {
    // Prepare: a receipt, its run (words already merged by the other compactor) and its delta.
    const runId = randomUUID();
    const run: CompactionRun = {
      ...makeCompactionRun(IMAGE_ID, RECEIPT_ID, runId, at(0)),
      words_state: 'COMPLETED',
      words_finished_at: at(30),
      words_merged_vectors: 9,
    };
    await services.putItems(
      receiptToItem(makeReceipt(IMAGE_ID, RECEIPT_ID)),
      ...[1, 2, 3].map((line) => receiptLineToItem(makeLine(IMAGE_ID, RECEIPT_ID, line))),
      compactionRunToItem(run),
    );
    await writeDelta(services.store(), run.lines_delta_prefix, {
      collection: 'lines',
      records: deltaRecords({ count: 3, receiptId: RECEIPT_ID }),
      runId,
    });
    const record = sqsRecord(
      deltaInput('m-run', IMAGE_ID, RECEIPT_ID, runId, run.lines_delta_prefix),
      'lines',
    );
    const receipts = services.receipts();

    // Act
    const result = await compactCollection({
      collectionName: 'lines',
      records: [record],
      store: services.store(),
      cache: new SnapshotCache({
        root: join(services.work(), 'cache'),
        collection: 'lines',
        store: services.store(),
      }),
      lockStore: services.lockStore(),
      receipts,
      deadline: () => 600_000,
      chroma: { command: chromaCommand() },
    });

    // Assess
    expect(result.error).toBeNull();
    expect(result.version).not.toBeNull();
    expect(result.batchItemFailures).toEqual([]);
    expect(result.runStates).toMatchObject({ marked: 1, missing: 0, failed: 0 });
    const [stored] = await receipts.listCompactionRuns({
      imageId: IMAGE_ID,
      receiptId: RECEIPT_ID,
    });
    expect(stored).toEqual({
      ...run,
      lines_state: 'COMPLETED',
      lines_finished_at: expect.stringMatching(PYTHON_ISO),
      lines_merged_vectors: 3,
      updated_at: stored?.lines_finished_at,
    });
  }, 120_000);
});
