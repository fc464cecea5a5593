import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  compactionRunToItem,
  encodeStreamMessage,
  receiptLineToItem,
  receiptPlaceToItem,
  receiptToItem,
} from '@receipt-chroma/dynamo-stream';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CompactorContext,
  type CompactorDependencies,
  type CompactorHandler,
  createCompactorHandler,
} from '../../../../../../examples/compactor/compactor.js';
import { readCompactorConfig } from '../../../../../../examples/compactor/config.js';
import type { FlushableMetrics } from '../../../../../../examples/compactor/observability.js';
import { chromaVectorCollection } from '../../../../src/adapters/chroma/chromaVectorCollection.js';
import { openSnapshot } from '../../../../src/adapters/chroma/openSnapshot.js';
import { S3ObjectStore } from '../../../../src/adapters/s3/S3ObjectStore.js';
import type { CollectionUpdateInput } from '../../../../src/compaction/types.js';
import { writeDelta } from '../../../../src/deltas/writeDelta.js';
import { StaleMirrorMarks } from '../../../../src/mirrors/StaleMirrorMarks.js';
import type { Metadata } from '../../../../src/ports/vectorCollection.js';
import { downloadSnapshot } from '../../../../src/snapshots/downloadSnapshot.js';
import {
  parseSnapshotManifest,
  type SnapshotManifest,
} from '../../../../src/snapshots/manifest.js';
import { SNAPSHOT_MANIFEST, snapshotKeys } from '../../../../src/snapshots/snapshotKeys.js';
import { InMemoryVectorCollection } from '../../../../src/testing/InMemoryVectorCollection.js';
import { RecordingMetrics } from '../../../helpers/compactionFixture.js';
import { deltaRecords, IMAGE_ID, RECEIPT_ID, recordId } from '../../../helpers/deltaArchives.js';
import {
  at,
  deltaInput,
  makeCompactionRun,
  makeLine,
  makePlace,
  makeReceipt,
  placeInput,
} from '../../../helpers/factories.js';
import { FlakyCollection } from '../../../helpers/flakyCollection.js';
import { objectText } from '../../../helpers/snapshotStores.js';
import { chromaCommand, sharedChromaClient } from '../../helpers/localChroma.js';
import {
  createReceiptsTable,
  deleteTable,
  motoDynamoDbClient,
  serializedClient,
  writeItems,
} from '../../helpers/motoDynamoDb.js';
import { createBucket, deleteBucket, motoS3Client } from '../../helpers/motoS3.js';

/**
 * The example compactor Lambda (examples/compactor) end to end: the handler built with
 * `createCompactorHandler` from its environment variables, against moto's S3 and DynamoDB
 * and a real Chroma (started through the glibc shim where needed).
 */

const keys = snapshotKeys('lines');
const OTHER_IMAGE_ID = '9a1c2b3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';

/** Metrics that keep every call and count flushes. */
class FlushedMetrics extends RecordingMetrics implements FlushableMetrics {
  flushes = 0;
  flush(): void {
    this.flushes += 1;
  }
}

/** A fake Lambda context with `remainingMs` left, whatever the time. */
const lambdaContext = (remainingMs: number): CompactorContext => ({
  getRemainingTimeInMillis: () => remainingMs,
  awsRequestId: randomUUID(),
});

/** The SQS record the stream processor would send for `input` to the lines queue. */
const sqsRecord = (input: CollectionUpdateInput): SQSRecord => ({
  messageId: input.recordId,
  receiptHandle: `handle-${input.recordId}`,
  body: encodeStreamMessage({ ...input.message, collections: ['lines'] }),
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1767528000000',
    SenderId: 'AIDAEXAMPLE',
    ApproximateFirstReceiveTimestamp: '1767528000000',
  },
  messageAttributes: {
    collection: {
      stringValue: 'lines',
      dataType: 'String',
      stringListValues: [],
      binaryListValues: [],
    },
  },
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:lines',
  awsRegion: 'us-east-1',
});

const eventOf = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** A body that is not a stream message. */
const poisoned = (messageId: string): SQSRecord => ({
  ...sqsRecord(deltaInput(messageId, IMAGE_ID, RECEIPT_ID, 'run-x', null)),
  body: '{"not": "a stream message"}',
});

let s3: S3Client;
let dynamo: DynamoDBClient;

beforeAll(() => {
  s3 = motoS3Client().client;
  dynamo = motoDynamoDbClient();
});

afterAll(() => {
  s3.destroy();
  dynamo.destroy();
});

describe('Example: the compactor Lambda handler (moto S3 and DynamoDB, real Chroma)', () => {
  let bucket: string;
  let tableName: string;
  let root: string;
  let store: S3ObjectStore;

  beforeEach(async () => {
    bucket = await createBucket(s3, 'compactor');
    tableName = await createReceiptsTable(dynamo, 'compactor', { withGsi1: true });
    root = await mkdtemp(join(tmpdir(), 'compactor-handler-'));
    store = new S3ObjectStore({ client: s3, bucket });
  });

  afterEach(async () => {
    await deleteBucket(s3, bucket);
    await deleteTable(dynamo, tableName);
    await rm(root, { recursive: true, force: true });
  });

  /** A handler as one Lambda container would build it; `efs` is its CHROMA_ROOT. */
  const compactor = (
    metrics: FlushedMetrics,
    {
      efs = join(root, 'efs'),
      client = dynamo,
      mirrors,
    }: {
      efs?: string;
      client?: DynamoDBClient;
      mirrors?: CompactorDependencies['mirrors'];
    } = {},
  ): CompactorHandler =>
    createCompactorHandler({
      s3,
      dynamodb: client,
      config: readCompactorConfig({
        CHROMADB_BUCKET: bucket,
        DYNAMODB_TABLE_NAME: tableName,
        CHROMA_ROOT: efs,
        LOCK_LEASE_SECONDS: '60',
        HEARTBEAT_INTERVAL_SECONDS: '10',
      }),
      logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
      metrics,
      chroma: { command: chromaCommand() },
      // A compactor that finds the lock held gives up quickly, so the test stays short.
      lockRetry: { retries: 1, minDelayMs: 50, maxDelayMs: 100 },
      mirrors,
    });

  /**
   * A receipt with three lines, a compaction run in the table, and the run's delta (three
   * line embeddings) in the bucket; returns the delta message `m-{name}` and the Chroma ids.
   */
  const seedReceipt = async (
    imageId: string,
    receiptId: number,
    name: string,
  ): Promise<{ record: SQSRecord; ids: string[] }> => {
    const runId = randomUUID();
    const run = makeCompactionRun(imageId, receiptId, runId, at(0));
    await writeItems(dynamo, tableName, [
      receiptToItem(makeReceipt(imageId, receiptId)),
      ...[1, 2, 3].map((line) => receiptLineToItem(makeLine(imageId, receiptId, line))),
      compactionRunToItem(run),
    ]);
    const records = deltaRecords({ count: 3, imageId, receiptId });
    await writeDelta(store, run.lines_delta_prefix ?? '', {
      collection: 'lines',
      records,
      runId,
      imageId,
      receiptId,
    });
    const input = deltaInput(`m-${name}`, imageId, receiptId, runId, run.lines_delta_prefix);
    return { record: sqsRecord(input), ids: records.map(({ id }) => id) };
  };

  /** Downloads the version the pointer names and reads its `lines` records. */
  const published = async (): Promise<{
    manifest: SnapshotManifest | null;
    metadata: Map<string, Metadata | null>;
  }> => {
    const dest = join(root, `check-${randomUUID()}`);
    const { manifest } = await downloadSnapshot({ store, collection: 'lines', dest });
    const snapshot = await openSnapshot(dest, { command: chromaCommand() });
    try {
      const lines = await snapshot.collection('lines');
      const got = await lines.get({ include: ['metadatas'] });
      return {
        manifest,
        metadata: new Map(got.ids.map((id, index) => [id, got.metadatas?.[index] ?? null])),
      };
    } finally {
      await snapshot.close();
    }
  };

  /** The version ids with objects under `lines/snapshot/timestamped/`. */
  const versions = async (): Promise<string[]> => {
    const { prefixes } = await store.list({ prefix: keys.versions, delimiter: '/' });
    return prefixes.map((prefix) => prefix.slice(keys.versions.length, -1));
  };

  it('merges a delta, fails only the poisoned message and publishes a version', async () => {
    // Prepare
    const metrics = new FlushedMetrics();
    const { record, ids } = await seedReceipt(IMAGE_ID, RECEIPT_ID, 'delta');

    // Act
    const response = await compactor(metrics)(
      eventOf(record, poisoned('m-bad')),
      lambdaContext(600_000),
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-bad' }] });
    const pointer = await objectText(store, keys.pointer);
    const { manifest, metadata } = await published();
    expect(manifest?.version).toBe(pointer);
    expect([...metadata.keys()].sort()).toEqual([...ids].sort());
    expect(manifest?.recordCounts).toEqual({ lines: 3 });
    expect(metrics.names()).toEqual(
      expect.arrayContaining(['CompactionRecordsReceived', 'CompactionPartialBatchFailure']),
    );
    expect(metrics.flushes).toBe(1);
  });

  it('mirrors the batch, and marks a failing mirror stale in the bucket without failing the batch', async () => {
    // Prepare: a mirror on the Chroma server, and one whose writes all fail.
    const metrics = new FlushedMetrics();
    const { record, ids } = await seedReceipt(IMAGE_ID, RECEIPT_ID, 'mirrored');
    const mirror = chromaVectorCollection(
      await sharedChromaClient().createCollection({
        name: `mirror-lines-${randomUUID()}`,
        embeddingFunction: null,
      }),
    );
    const broken = new FlakyCollection(new InMemoryVectorCollection('lines')).failWhen(
      'upsert',
      () => true,
    );

    // Act
    const response = await compactor(metrics, { mirrors: () => [mirror, broken] })(
      eventOf(record),
      lambdaContext(600_000),
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect((await mirror.get({ include: [] })).ids.toSorted()).toEqual(ids.toSorted());
    const marks = new StaleMirrorMarks(store);
    expect(await marks.read('lines', 0)).toBeUndefined();
    expect((await marks.read('lines', 1))?.mark).toMatchObject({ failedMessages: 1 });
    expect(metrics.names()).toContain('CompactionMirrorError');
  });

  it('publishes a place change as a second version whose parent is the first', async () => {
    // Prepare
    const metrics = new FlushedMetrics();
    const handler = compactor(metrics);
    const { record } = await seedReceipt(IMAGE_ID, RECEIPT_ID, 'delta');
    await handler(eventOf(record), lambdaContext(600_000));
    const first = (await published()).manifest?.version;
    await writeItems(dynamo, tableName, [
      receiptPlaceToItem(makePlace(IMAGE_ID, RECEIPT_ID, { merchant_name: 'Blue Bottle' })),
    ]);
    const change = placeInput('m-place', IMAGE_ID, RECEIPT_ID, 'MODIFY', {
      merchant_name: { old: null, new: 'Blue Bottle' },
    });

    // Act
    const response = await handler(eventOf(sqsRecord(change)), lambdaContext(600_000));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    const { manifest, metadata } = await published();
    expect(first).toMatch(/^\d{8}_/);
    expect(manifest?.version).not.toBe(first);
    expect(manifest?.parent).toBe(first);
    const line = recordId('lines', 0);
    expect(metadata.get(line)?.['merchant_name']).toBe('Blue Bottle');
    expect(await versions()).toHaveLength(3); // the empty first version, then two
  });

  it('loses no version when two containers compact the collection at once', async () => {
    // Prepare: two containers sharing the EFS cache and the table (moto needs one request at
    // a time to decide conditional writes as DynamoDB does, see serializedClient).
    const shared = serializedClient(dynamo);
    const metrics = [new FlushedMetrics(), new FlushedMetrics()];
    const handlers = metrics.map((recorder) => compactor(recorder, { client: shared }));
    const batches = [
      await seedReceipt(IMAGE_ID, RECEIPT_ID, 'a'),
      await seedReceipt(OTHER_IMAGE_ID, 1, 'b'),
    ];

    // Act: both at once, then each container retries what it was given back, as SQS would.
    let pending = batches.map(({ record }) => [record]);
    const rounds: number[][] = [];
    for (let round = 0; round < 3 && pending.some((records) => records.length > 0); round += 1) {
      const responses = await Promise.all(
        handlers.map((handler, index) =>
          (pending[index] ?? []).length === 0
            ? { batchItemFailures: [] }
            : handler(eventOf(...(pending[index] ?? [])), lambdaContext(600_000)),
        ),
      );
      rounds.push(responses.map(({ batchItemFailures }) => batchItemFailures.length));
      pending = responses.map(({ batchItemFailures }, index) =>
        (pending[index] ?? []).filter((record) =>
          batchItemFailures.some(({ itemIdentifier }) => itemIdentifier === record.messageId),
        ),
      );
    }

    // Assess: both batches in the final snapshot, and the versions form one chain.
    expect(pending).toEqual([[], []]);
    expect(rounds[0]?.filter((failed) => failed === 0).length).toBeGreaterThanOrEqual(1);
    const { manifest, metadata } = await published();
    expect([...metadata.keys()].sort()).toEqual(batches.flatMap(({ ids }) => ids).sort());
    const chain: string[] = [];
    for (let version = manifest?.version ?? null; version !== null; ) {
      chain.push(version);
      const parsed = parseSnapshotManifest(
        await objectText(store, keys.object(version, SNAPSHOT_MANIFEST)),
      );
      version = 'manifest' in parsed ? parsed.manifest.parent : null;
    }
    expect(chain.sort()).toEqual((await versions()).sort());
    expect(chain).toHaveLength(3);
  });

  it('returns every message and publishes nothing with 2 s left', async () => {
    // Prepare
    const metrics = new FlushedMetrics();
    const { record } = await seedReceipt(IMAGE_ID, RECEIPT_ID, 'delta');
    const change = sqsRecord(placeInput('m-place', IMAGE_ID, RECEIPT_ID, 'MODIFY'));

    // Act
    const response = await compactor(metrics)(eventOf(record, change), lambdaContext(2_000));

    // Assess
    expect(response.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier)).toEqual([
      record.messageId,
      'm-place',
    ]);
    expect((await store.list({ prefix: 'lines/snapshot/' })).objects).toEqual([]);
    expect(metrics.recorded).toContainEqual(
      expect.objectContaining({
        name: 'CompactionCycleAborted',
        dimensions: { collection: 'lines', reason: 'deadline' },
      }),
    );
  });
});
