/// <reference path="../../scripts/vitest/globalSetup.ts" />
/// <reference path="../../scripts/vitest/chromaSetup.ts" />
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  type CollectionUpdateResult,
  type CompactionResult,
  decodeSqsRecords,
  downloadSnapshot,
  processCollectionUpdates,
  type ReceiptStore,
  SnapshotCache,
  type SqsRecordLike,
  type VectorCollection,
} from '@receipt-chroma/chroma-compaction';
import { compactCollection } from '@receipt-chroma/chroma-compaction/chroma';
import { DynamoLockStore, DynamoReceiptStore } from '@receipt-chroma/chroma-compaction/dynamodb';
import { S3ObjectStore } from '@receipt-chroma/chroma-compaction/s3';
import { describe, expect, inject, it } from 'vitest';
import {
  FAULT_KINDS,
  type FaultKind,
  type FaultProxy,
  seededSchedule,
  startFaultProxy,
} from '../lib/faultProxy.js';
import { recordFigures } from '../lib/figures.js';
import { profile } from '../lib/profile.js';
import { type Random, seededRandom } from '../lib/random.js';
import {
  chromaClientAt,
  chromaCollection,
  createTable,
  deleteTable,
  motoClient,
  seedChromaCollection,
  writeItems,
} from '../lib/serviceWorld.js';
import {
  comparableContents,
  type WireQueue,
  wireGoodBodies,
  wireWorldItems,
} from '../lib/wireWorld.js';

const QUEUES: readonly WireQueue[] = ['lines', 'words'];
/** The clock of the timestamps written into metadata, the same in every run. */
const NOW = (): string => '2026-01-04T13:00:00.000000+00:00';
/** SQS hands a Lambda at most 10 records per batch by default. */
const MAX_BATCH = 10;
/** Share of the requests to each service the proxies fault while faults are on. */
const FAULT_RATE = 0.12;
/** Fault-free redeliveries of the failed messages before the run counts as not converged. */
const MAX_RETRIES = 5;
/** Runs of the world's messages with faults on, each with its own fault seed. */
const TRIALS = profile.name === 'full' ? 6 : 2;

/** An S3 client for moto (or a proxy in front of it); `maxAttempts: 1` turns SDK retries off. */
const s3ClientAt = (endpoint: string, maxAttempts?: number): S3Client =>
  new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
  });

/** Deletes every object of `bucket`, then the bucket. */
const emptyAndDeleteBucket = async (client: S3Client, bucket: string): Promise<void> => {
  for (;;) {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (listed.Contents ?? []).flatMap(({ Key }) => (Key === undefined ? [] : [{ Key }]));
    if (keys.length === 0) break;
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
};

/** The world's messages of one queue, cut into seeded batches of 1 to 10 records. */
const batchesOf = (records: readonly SqsRecordLike[], random: Random): SqsRecordLike[][] => {
  const batches: SqsRecordLike[][] = [];
  for (let next = 0; next < records.length; ) {
    const size = random.int(1, MAX_BATCH);
    batches.push(records.slice(next, next + size));
    next += size;
  }
  return batches;
};

/** The collections and the receipts table one run writes to and reads from. */
interface Services {
  readonly vectors: Readonly<Record<WireQueue, VectorCollection>>;
  readonly receipts: ReceiptStore;
}

/** What delivering one batch did. */
interface Delivery {
  /** The records to redeliver: every record whose outcome failed. */
  readonly failed: SqsRecordLike[];
  /** Why the batch broke a rule, if it did (an escape, a missing or extra outcome). */
  readonly problem: string | undefined;
}

/** Delivers one batch as the compactor's Lambda would: decode, then apply to `queue`. */
const deliver = async (
  services: Services,
  queue: WireQueue,
  records: readonly SqsRecordLike[],
): Promise<Delivery> => {
  let result: CollectionUpdateResult;
  let decodeFailures: readonly { recordId: string }[];
  try {
    const decoded = decodeSqsRecords(records);
    decodeFailures = decoded.failures;
    result = await processCollectionUpdates(decoded.inputs, queue, {
      vectors: services.vectors[queue],
      receipts: services.receipts,
      now: NOW,
    });
  } catch (error) {
    return { failed: [...records], problem: `escaped: ${String(error)}` };
  }
  const outcomes = [
    ...decodeFailures.map(({ recordId }) => recordId),
    ...result.outcomes.map(({ recordId }) => recordId),
  ];
  const ids = records.map(({ messageId }) => messageId);
  const problem =
    JSON.stringify(outcomes.toSorted()) === JSON.stringify(ids.toSorted())
      ? undefined
      : `outcomes for ${JSON.stringify(outcomes)}, records ${JSON.stringify(ids)}`;
  const failedIds = new Set([
    ...decodeFailures.map(({ recordId }) => recordId),
    ...result.outcomes.filter(({ status }) => status === 'failed').map(({ recordId }) => recordId),
  ]);
  return { failed: records.filter(({ messageId }) => failedIds.has(messageId)), problem };
};

/** Faults the proxies injected, summed by kind. */
const faultsOf = (proxies: readonly FaultProxy[]): Record<FaultKind, number> => {
  const sum = { reset: 0, 'lost reply': 0, '500': 0, '503': 0, delay: 0 };
  for (const proxy of proxies) {
    for (const kind of FAULT_KINDS) sum[kind] += proxy.faulted()[kind];
  }
  return sum;
};

/** Faults that fail a request (a delay only slows it). */
const failingFaults = (faults: Readonly<Record<FaultKind, number>>): number =>
  faults.reset + faults['lost reply'] + faults['500'] + faults['503'];

describe('Scenario: faults from the services', () => {
  it('fails exactly what a fault of moto or Chroma touched, and converges once the faults stop', async () => {
    // Prepare: the world's table on moto and its collections on Chroma; a fault-free run
    // straight to the services is what every faulty run must end in. The faulty runs reach
    // both through proxies, with the SDK's own retries off so every fault reaches the package.
    const motoEndpoint = inject('motoEndpoint');
    const chromaUrl = inject('chromaUrl');
    const admin = motoClient(motoEndpoint);
    const chroma = chromaClientAt(chromaUrl);
    const motoProxy = await startFaultProxy({ target: motoEndpoint });
    const chromaProxy = await startFaultProxy({ target: chromaUrl });
    const proxies = [motoProxy, chromaProxy];
    const viaProxy = motoClient(motoProxy.url, 1);
    const chromaViaProxy = chromaClientAt(chromaProxy.url);
    const tableName = await createTable(admin, 'service-faults');
    const bodies = wireGoodBodies();
    const random = seededRandom(0xfa_0175);
    try {
      await writeItems(admin, tableName, wireWorldItems());
      const records = (queue: WireQueue): SqsRecordLike[] =>
        bodies[queue].map((body, index) => ({ messageId: `${queue}-${index}`, body }));
      const reference: Services = {
        vectors: {
          lines: await chromaCollection(chroma, await seedChromaCollection(chroma, 'lines')),
          words: await chromaCollection(chroma, await seedChromaCollection(chroma, 'words')),
        },
        receipts: new DynamoReceiptStore({ client: admin, tableName }),
      };
      const before = await comparableContents(reference.vectors.words);
      const referenceProblems: string[] = [];
      for (const queue of QUEUES) {
        for (const batch of batchesOf(records(queue), random)) {
          const { failed, problem } = await deliver(reference, queue, batch);
          if (failed.length > 0 || problem !== undefined) {
            referenceProblems.push(`${queue}: ${failed.length} failed, ${problem ?? 'no problem'}`);
          }
        }
      }
      const expected = {
        lines: await comparableContents(reference.vectors.lines),
        words: await comparableContents(reference.vectors.words),
      };
      let batches = 0;
      let failedForRetry = 0;
      let maxRetries = 0;
      const problems: string[] = [];
      const swallowed: string[] = [];
      const unconverged: string[] = [];
      const differing: string[] = [];

      // Act: each trial delivers every message once with faults on, then redelivers exactly
      // the failed ones with faults off until none fails (as SQS would, after the visibility
      // timeout).
      for (let trial = 0; trial < TRIALS; trial += 1) {
        const names = {
          lines: await seedChromaCollection(chroma, 'lines'),
          words: await seedChromaCollection(chroma, 'words'),
        };
        const faulty: Services = {
          vectors: {
            lines: await chromaCollection(chromaViaProxy, names.lines),
            words: await chromaCollection(chromaViaProxy, names.words),
          },
          receipts: new DynamoReceiptStore({ client: viaProxy, tableName }),
        };
        const failed: Record<WireQueue, SqsRecordLike[]> = { lines: [], words: [] };
        motoProxy.setSchedule(
          seededSchedule(seededRandom(0x0d_d000 + trial), FAULT_RATE, FAULT_KINDS),
        );
        chromaProxy.setSchedule(
          seededSchedule(seededRandom(0xc4_0000 + trial), FAULT_RATE, FAULT_KINDS),
        );
        for (const queue of QUEUES) {
          for (const batch of batchesOf(records(queue), random)) {
            batches += 1;
            const faultsBefore = failingFaults(faultsOf(proxies));
            const delivery = await deliver(faulty, queue, batch);
            const faultsDuring = failingFaults(faultsOf(proxies)) - faultsBefore;
            failed[queue].push(...delivery.failed);
            failedForRetry += delivery.failed.length;
            if (delivery.problem !== undefined) problems.push(delivery.problem);
            if (faultsDuring > 0 && delivery.failed.length === 0) {
              swallowed.push(`trial ${trial} ${queue} batch ${batches}: ${faultsDuring} fault(s)`);
            }
          }
        }
        for (const proxy of proxies) proxy.setSchedule(undefined);
        for (const queue of QUEUES) {
          let retries = 0;
          while (failed[queue].length > 0 && retries < MAX_RETRIES) {
            retries += 1;
            const again: SqsRecordLike[] = [];
            for (const batch of batchesOf(failed[queue], random)) {
              batches += 1;
              const delivery = await deliver(faulty, queue, batch);
              again.push(...delivery.failed);
              if (delivery.problem !== undefined) problems.push(delivery.problem);
            }
            failed[queue] = again;
          }
          maxRetries = Math.max(maxRetries, retries);
          if (failed[queue].length > 0) unconverged.push(`trial ${trial} ${queue}`);
          const final = await comparableContents(faulty.vectors[queue]);
          if (final !== expected[queue]) differing.push(`trial ${trial} ${queue}`);
        }
      }

      // Assess
      const faults = faultsOf(proxies);
      recordFigures('faults from the services', [
        { figure: 'trials (every message, faults on)', value: TRIALS },
        { figure: 'batches (faulty and retries)', value: batches },
        {
          figure: 'requests through the proxies',
          value: motoProxy.requests() + chromaProxy.requests(),
        },
        ...FAULT_KINDS.map((kind) => ({
          figure: `requests faulted: ${kind}`,
          value: faults[kind],
        })),
        { figure: 'messages failed for retry', value: failedForRetry },
        { figure: 'retries until converged (most)', value: maxRetries },
        { figure: 'batches that hid a fault', value: swallowed.length },
        { figure: 'final equals fault-free run', value: differing.length === 0 ? 'yes' : 'no' },
      ]);
      expect(referenceProblems).toEqual([]);
      expect(expected.words).not.toBe(before);
      expect(failingFaults(faults)).toBeGreaterThan(0);
      expect(failedForRetry).toBeGreaterThan(0);
      expect(problems).toEqual([]);
      expect(swallowed).toEqual([]);
      expect(unconverged).toEqual([]);
      expect(differing).toEqual([]);
    } finally {
      await Promise.all(proxies.map((proxy) => proxy.close()));
      await deleteTable(admin, tableName);
      viaProxy.destroy();
      admin.destroy();
    }
  });
  it('keeps a compaction cycle whole when moto or Chroma fail under it: nothing lost, no torn version', async () => {
    // Prepare: the lock, the receipts and the snapshots (S3) on moto, the collection on
    // Chroma, all through the proxies; the cycle opens the shared collection instead of a
    // local server on its working copy, so Chroma's faults reach it too. The first cycle runs
    // fault-free and publishes the first version.
    const motoEndpoint = inject('motoEndpoint');
    const chromaUrl = inject('chromaUrl');
    const admin = motoClient(motoEndpoint);
    const s3Admin = s3ClientAt(motoEndpoint);
    const chroma = chromaClientAt(chromaUrl);
    const motoProxy = await startFaultProxy({ target: motoEndpoint });
    const chromaProxy = await startFaultProxy({ target: chromaUrl });
    const proxies = [motoProxy, chromaProxy];
    const viaProxy = motoClient(motoProxy.url, 1);
    const s3ViaProxy = s3ClientAt(motoProxy.url, 1);
    const tableName = await createTable(admin, 'cycle-faults');
    const bucket = `cycle-faults-${randomUUID()}`;
    const work = await mkdtemp(join(tmpdir(), 'reliability-cycle-faults-'));
    const random = seededRandom(0xcc_fa17);
    const queue: WireQueue = 'lines';
    try {
      await s3Admin.send(new CreateBucketCommand({ Bucket: bucket }));
      await writeItems(admin, tableName, wireWorldItems());
      const records = wireGoodBodies()[queue].map((body, index) => ({
        messageId: `${queue}-${index}`,
        body,
      }));
      const reference = await chromaCollection(chroma, await seedChromaCollection(chroma, queue));
      const receipts = new DynamoReceiptStore({ client: admin, tableName });
      for (const batch of batchesOf(records, random)) {
        await deliver({ vectors: { lines: reference, words: reference }, receipts }, queue, batch);
      }
      const expected = await comparableContents(reference);
      const vectors = await chromaCollection(
        chromaClientAt(chromaProxy.url),
        await seedChromaCollection(chroma, queue),
      );
      const store = new S3ObjectStore({ client: s3ViaProxy, bucket });
      const cache = new SnapshotCache({ root: join(work, 'cache'), collection: queue, store });
      const cycle = (batch: readonly SqsRecordLike[]): Promise<CompactionResult> =>
        compactCollection({
          collectionName: queue,
          records: batch,
          store,
          cache,
          lockStore: new DynamoLockStore({ client: viaProxy, tableName }),
          receipts: new DynamoReceiptStore({ client: viaProxy, tableName }),
          deadline: () => 600_000,
          openCollection: async () => ({ vectors, close: async () => {} }),
          chroma: { command: inject('chromaCommand') },
          lock: { leaseMs: 4_000 },
          lockRetry: { retries: 100, minDelayMs: 50, maxDelayMs: 500 },
        });
      const [first = [], ...rest] = batchesOf(records, random);
      const initial = await cycle(first);
      let cycles = 1;
      let wholeBatchFailures = 0;
      let versions = initial.version === null ? 0 : 1;
      const problems: string[] = [];
      const returned: SqsRecordLike[] = [];
      const check = (batch: readonly SqsRecordLike[], result: CompactionResult): void => {
        const failedIds = new Set(
          result.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier),
        );
        const outcomeIds = result.outcomes.map(({ recordId }) => recordId).toSorted();
        if (
          JSON.stringify(outcomeIds) !==
          JSON.stringify(batch.map(({ messageId }) => messageId).toSorted())
        ) {
          problems.push(`cycle ${cycles}: outcomes ${JSON.stringify(outcomeIds)}`);
        }
        for (const { recordId, status } of result.outcomes) {
          if ((status === 'failed') !== failedIds.has(recordId)) {
            problems.push(
              `cycle ${cycles}: ${recordId} ${status} but returned: ${failedIds.has(recordId)}`,
            );
          }
        }
        if (result.error !== null) {
          wholeBatchFailures += 1;
          if (result.version !== null || failedIds.size !== batch.length) {
            problems.push(
              `cycle ${cycles}: ${result.error.name} yet version ${result.version}, ${failedIds.size} of ${batch.length} returned`,
            );
          }
        }
        if (result.version !== null) versions += 1;
        returned.push(...batch.filter(({ messageId }) => failedIds.has(messageId)));
      };

      // Act: the other batches with faults on (a cycle that throws counts as a problem, its
      // batch as returned), then what the cycles returned, fault-free, until nothing is.
      motoProxy.setSchedule(seededSchedule(seededRandom(0x5e_0001), FAULT_RATE, FAULT_KINDS));
      chromaProxy.setSchedule(seededSchedule(seededRandom(0x5e_0002), FAULT_RATE, FAULT_KINDS));
      for (const batch of rest) {
        cycles += 1;
        try {
          check(batch, await cycle(batch));
        } catch (error) {
          problems.push(`cycle ${cycles} threw: ${String(error)}`);
          returned.push(...batch);
        }
      }
      for (const proxy of proxies) proxy.setSchedule(undefined);
      const failedForRetry = returned.length;
      let retries = 0;
      while (returned.length > 0 && retries < MAX_RETRIES) {
        retries += 1;
        const again = returned.splice(0);
        for (const batch of batchesOf(again, random)) {
          cycles += 1;
          check(batch, await cycle(batch));
        }
      }
      const final = await comparableContents(vectors);
      const dest = join(work, 'published');
      const downloadError = await downloadSnapshot({
        store: new S3ObjectStore({ client: s3Admin, bucket }),
        collection: queue,
        dest,
      }).then(
        () => undefined,
        (error: unknown) => error,
      );

      // Assess
      const faults = faultsOf(proxies);
      recordFigures('faults from the services (compaction cycle)', [
        { figure: 'cycles (first fault-free, faulty, retries)', value: cycles },
        ...FAULT_KINDS.map((kind) => ({
          figure: `requests faulted: ${kind}`,
          value: faults[kind],
        })),
        { figure: 'cycles that returned their whole batch', value: wholeBatchFailures },
        { figure: 'messages failed for retry', value: failedForRetry },
        { figure: 'retries until converged', value: retries },
        { figure: 'versions published', value: versions },
        { figure: 'final equals fault-free run', value: final === expected ? 'yes' : 'no' },
      ]);
      expect(initial.error).toBeNull();
      expect(initial.version).not.toBeNull();
      expect(failingFaults(faults)).toBeGreaterThan(0);
      expect(failedForRetry).toBeGreaterThan(0);
      expect(problems).toEqual([]);
      expect(returned).toEqual([]);
      expect(downloadError).toBeUndefined();
      expect(final).toBe(expected);
    } finally {
      await Promise.all(proxies.map((proxy) => proxy.close()));
      await emptyAndDeleteBucket(s3Admin, bucket);
      await deleteTable(admin, tableName);
      viaProxy.destroy();
      s3ViaProxy.destroy();
      s3Admin.destroy();
      admin.destroy();
      await rm(work, { recursive: true, force: true });
    }
  });
});
