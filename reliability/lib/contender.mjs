/**
 * One compactor of the contention scenario, run as its own process (forked with an IPC
 * channel). It holds one `LockManager` on the shared lock (DynamoDB on moto, through the
 * scenario's serializing proxy) and, for every batch the scenario sends, takes the lock
 * (`withLock`), applies the batch to the shared Chroma collection with
 * `processCollectionUpdates` (receipts read from moto), and reports the tenure and the
 * outcome of every message. It writes nothing to stdout or stderr unless it crashes.
 *
 * Messages from the scenario:
 * - `{ type: 'init', dynamoEndpoint, chromaUrl, tableName, lockId, collection, now }`
 *   answered with `{ type: 'ready' }`;
 * - `{ type: 'work', job, collectionName, batches: [[{ messageId, body }]] }` answered with
 *   `{ type: 'done', job, tenures, outcomes, lockErrors }`.
 *
 * A tenure is `{ fence, start, end, owned, acquireAttempts }`: `start` and `end` are
 * `Date.now()` taken just after the lock was granted and just before it is released (so the
 * real tenure covers them), `owned` whether a consistent read of the lock item still showed
 * this tenure at `end`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  decodeSqsRecords,
  LockManager,
  processCollectionUpdates,
} from '@receipt-chroma/chroma-compaction';
import { chromaVectorCollection } from '@receipt-chroma/chroma-compaction/chroma';
import { DynamoLockStore, DynamoReceiptStore } from '@receipt-chroma/chroma-compaction/dynamodb';
import { ChromaClient } from 'chromadb';

/** @type {{ dynamo: DynamoDBClient, chroma: ChromaClient, init: any, manager: LockManager, receipts: DynamoReceiptStore } | undefined} */
let state;
/** Acquire attempts of the tenure being taken (the lock store's `acquire` calls). */
let attempts = 0;

const send = (message) =>
  new Promise((resolve) => {
    process.send?.(message, () => resolve(undefined));
  });

const setUp = (init) => {
  const dynamo = new DynamoDBClient({
    endpoint: init.dynamoEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const url = new URL(init.chromaUrl);
  const chroma = new ChromaClient({ host: url.hostname, port: Number(url.port) });
  const locks = new DynamoLockStore({ client: dynamo, tableName: init.tableName });
  const counting = {
    acquire: (request) => {
      attempts += 1;
      return locks.acquire(request);
    },
    refresh: (request) => locks.refresh(request),
    release: (request) => locks.release(request),
    read: (request) => locks.read(request),
  };
  const manager = new LockManager({
    store: counting,
    collection: init.collection,
    lockId: init.lockId,
    leaseMs: 60_000,
    heartbeatMs: 20_000,
  });
  const receipts = new DynamoReceiptStore({ client: dynamo, tableName: init.tableName });
  state = { dynamo, chroma, init, manager, receipts };
};

const work = async ({ job, collectionName, batches }) => {
  if (state === undefined) throw new Error('work before init');
  const { chroma, init, manager, receipts } = state;
  const vectors = chromaVectorCollection(await chroma.getCollection({ name: collectionName }));
  const tenures = [];
  const outcomes = [];
  const lockErrors = [];
  for (const records of batches) {
    attempts = 0;
    try {
      const applied = await manager.withLock(
        async (lock) => {
          const start = Date.now();
          const fence = lock.fence;
          const { inputs, failures } = decodeSqsRecords(records);
          const result = await processCollectionUpdates(inputs, init.collection, {
            vectors,
            receipts,
            now: () => init.now,
          });
          const owned = await lock.validateOwnership();
          tenures.push({ fence, start, end: Date.now(), owned, acquireAttempts: attempts });
          return [...failures, ...result.outcomes];
        },
        { retries: 10_000, minDelayMs: 20, maxDelayMs: 1_000 },
      );
      for (const { recordId, status, reason } of applied) {
        outcomes.push({ recordId, status, reason: reason ?? null });
      }
    } catch (error) {
      // No lock, or lost while the batch ran: Lambda would return the whole batch.
      lockErrors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      for (const { messageId } of records) {
        outcomes.push({ recordId: messageId, status: 'failed', reason: 'lock' });
      }
    }
  }
  await send({ type: 'done', job, tenures, outcomes, lockErrors });
};

process.on('message', (message) => {
  if (message.type === 'init') {
    setUp(message);
    void send({ type: 'ready' });
  } else if (message.type === 'work') {
    work(message).catch((error) => {
      process.stderr.write(`contender crashed: ${error?.stack ?? error}\n`);
      process.exit(1);
    });
  }
});

process.on('disconnect', () => {
  state?.dynamo.destroy();
  process.exit(0);
});
