import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeStreamMessage } from '@receipt-chroma/dynamo-stream';
import { FileSystemObjectStore } from '../../src/adapters/fs/FileSystemObjectStore.js';
import type { SqsRecordLike } from '../../src/compaction/decodeSqsRecords.js';
import type { CollectionName, CollectionUpdateInput } from '../../src/compaction/types.js';
import type { CycleChroma } from '../../src/cycle/compactCollection.js';
import type { OpenCollection, SnapshotCompactionOptions } from '../../src/cycle/types.js';
import { writeDelta } from '../../src/deltas/writeDelta.js';
import type { GetResponse } from '../../src/ports/vectorCollection.js';
import { SnapshotCache } from '../../src/snapshots/cache/SnapshotCache.js';
import { publishSnapshot } from '../../src/snapshots/publishSnapshot.js';
import { InMemoryLockStore } from '../../src/testing/InMemoryLockStore.js';
import { InMemoryReceiptStore } from '../../src/testing/InMemoryReceiptStore.js';
import { InMemoryVectorCollection } from '../../src/testing/InMemoryVectorCollection.js';
import { deltaRecords, IMAGE_ID, RECEIPT_ID } from './deltaArchives.js';
import { deltaInput, makeLine, makeReceipt } from './factories.js';

/** The file a JSON-backed test collection keeps in its persist directory. */
const COLLECTION_FILE = 'collection.json';

/**
 * Opens a persist directory as an in-memory collection saved to `collection.json` on close:
 * a stand-in for a local Chroma server whose state travels through real snapshots.
 */
export const openJsonCollection: OpenCollection = async (dir, name) => {
  const vectors = new InMemoryVectorCollection(name);
  const saved = await readFile(join(dir, COLLECTION_FILE), 'utf8').catch(() => undefined);
  if (saved !== undefined) {
    const records = JSON.parse(saved) as GetResponse;
    if (records.ids.length > 0) {
      await vectors.upsert({
        ids: records.ids,
        embeddings: records.embeddings as number[][],
        documents: records.documents as (string | null)[],
        metadatas: records.metadatas as never,
      });
    }
  }
  return {
    vectors,
    close: async () => {
      const all = await vectors.get({ include: ['embeddings', 'documents', 'metadatas'] });
      await writeFile(join(dir, COLLECTION_FILE), JSON.stringify(all));
    },
  };
};

/** A {@link CycleChroma} with JSON-backed collections. */
export const jsonChroma = (
  store: FileSystemObjectStore,
  collection: CollectionName,
): CycleChroma => ({
  openCollection: openJsonCollection,
  initialize: async (lock) => {
    const dir = await mkdtemp(join(tmpdir(), 'cycle-empty-'));
    try {
      await writeFile(join(dir, COLLECTION_FILE), JSON.stringify({ ids: [] }));
      await publishSnapshot({ store, collection, dir, lock });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
});

/** The SQS record carrying an input as its body (the queue wire), with its collection. */
export const sqsRecord = (
  input: CollectionUpdateInput,
  collection: CollectionName,
): SqsRecordLike => ({
  messageId: input.recordId,
  body: encodeStreamMessage({ ...input.message, collections: [collection] }),
  messageAttributes: { collection: { stringValue: collection } },
});

/** What a cycle test works with: a store, a cache, a lock store and the receipts table. */
export interface CycleWorld {
  readonly root: string;
  readonly store: FileSystemObjectStore;
  readonly cache: SnapshotCache;
  readonly lockStore: InMemoryLockStore;
  readonly receipts: InMemoryReceiptStore;
}

/** A fresh world under a new temporary directory (remove `root` after the test). */
export const cycleWorld = async (collection: CollectionName): Promise<CycleWorld> => {
  const root = await mkdtemp(join(tmpdir(), 'cycle-world-'));
  const store = new FileSystemObjectStore({ root: join(root, 'bucket') });
  return {
    root,
    store,
    cache: new SnapshotCache({ root: join(root, 'efs'), collection, store }),
    lockStore: new InMemoryLockStore(),
    receipts: new InMemoryReceiptStore(),
  };
};

/**
 * The options of a snapshot cycle of `lines` over `world` for `records`, with ten minutes
 * left, and `overrides` on top.
 */
export const snapshotCycleOptions = (
  world: CycleWorld,
  records: readonly SqsRecordLike[],
  overrides: Partial<SnapshotCompactionOptions> = {},
): SnapshotCompactionOptions => ({
  collectionName: 'lines',
  records,
  store: world.store,
  cache: world.cache,
  lockStore: world.lockStore,
  receipts: world.receipts,
  deadline: () => 600_000,
  ...overrides,
});

/** Where {@link seedDeltaReceipt} writes its run's delta. */
export const DELTA_PREFIX = 'lines/delta/run-1/';

/**
 * Seeds `world` with receipt `RECEIPT_ID` of three lines and its compaction run `run-1`'s
 * delta (three records) under {@link DELTA_PREFIX}; returns the run's message as an SQS record.
 */
export const seedDeltaReceipt = async (world: CycleWorld): Promise<SqsRecordLike> => {
  world.receipts.addReceipts(makeReceipt(IMAGE_ID, RECEIPT_ID));
  world.receipts.addLines(...[1, 2, 3].map((line) => makeLine(IMAGE_ID, RECEIPT_ID, line)));
  await writeDelta(world.store, DELTA_PREFIX, {
    collection: 'lines',
    records: deltaRecords({ count: 3 }),
    runId: 'run-1',
  });
  return sqsRecord(deltaInput('m-delta', IMAGE_ID, RECEIPT_ID, 'run-1', DELTA_PREFIX), 'lines');
};
