import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CompactionLockItemSchema,
  compactionLockToItem,
  formatPythonTimestamp,
} from '@receipt-chroma/dynamo-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLockStore } from '../../../../src/adapters/dynamodb/DynamoLockStore.js';
import { LockHeldError, LockStoreError } from '../../../../src/errors.js';
import { describeLockStoreContract } from '../../../contracts/lockStore.contract.js';
import {
  createReceiptsTable,
  deleteTable,
  motoDynamoDbClient,
  serializedClient,
} from '../../helpers/motoDynamoDb.js';

let client: DynamoDBClient;
let tableName: string;

beforeAll(async () => {
  client = motoDynamoDbClient();
  tableName = await createReceiptsTable(client, 'lock-store', { withGsi1: true });
});

afterAll(async () => {
  await deleteTable(client, tableName);
  client.destroy();
});

const lockKey = (collection: string, lockId: string): Record<string, AttributeValue> => ({
  PK: { S: `LOCK#${collection}#${lockId}` },
  SK: { S: 'LOCK' },
});

const rawItem = async (key: Record<string, AttributeValue>) =>
  (await client.send(new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true })))
    .Item;

const rawLock = (collection: string, lockId: string) => rawItem(lockKey(collection, lockId));

const rawCounter = (collection: string, lockId: string) =>
  rawItem({ PK: { S: `LOCK#${collection}#${lockId}` }, SK: { S: 'FENCE' } });

// moto does not isolate concurrent conditional writes to one item (DynamoDB does): see
// serializedClient.
describeLockStoreContract('DynamoLockStore on moto', async () => ({
  store: new DynamoLockStore({ client: serializedClient(client), tableName }),
  putPythonLock: async (lock) => {
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: compactionLockToItem(lock) as unknown as Record<string, AttributeValue>,
      }),
    );
  },
  deleteLock: async (lock) => {
    await client.send(
      new DeleteItemCommand({ TableName: tableName, Key: lockKey(lock.collection, lock.lockId) }),
    );
  },
}));

/** 2026-01-04T12:00:00.000000+00:00 in epoch microseconds. */
const T0 = 1_767_528_000_000_000;
const at = (seconds: number): string => formatPythonTimestamp(T0 + seconds * 1_000_000);

describe('Class: DynamoLockStore', () => {
  it('writes the Python CompactionLock item plus fence and time_to_live', async () => {
    // Prepare
    const store = new DynamoLockStore({ client, tableName, timeToLiveGraceSeconds: 3600 });
    const lockId = `lock-${randomUUID()}`;
    const owner = randomUUID();

    // Act
    const lock = await store.acquire({
      lockId,
      collection: 'lines',
      owner,
      now: at(0),
      expires: at(300),
      heartbeat: at(0),
    });

    // Assess
    expect(await rawLock('lines', lockId)).toEqual({
      PK: { S: `LOCK#lines#${lockId}` },
      SK: { S: 'LOCK' },
      GSI1PK: { S: 'LOCK#lines' },
      GSI1SK: { S: `EXPIRES#${at(300)}` },
      TYPE: { S: 'COMPACTION_LOCK' },
      owner: { S: owner },
      expires: { S: at(300) },
      collection: { S: 'lines' },
      heartbeat: { S: at(0) },
      fence: { N: String(lock.fence) },
      time_to_live: { N: String(T0 / 1_000_000 + 300 + 3600) },
    });
    expect(lock.fence).toBe(1);
    expect(await rawCounter('lines', lockId)).toEqual({
      PK: { S: `LOCK#lines#${lockId}` },
      SK: { S: 'FENCE' },
      TYPE: { S: 'COMPACTION_LOCK_FENCE' },
      fence: { N: '1' },
    });
  });

  it('starts the counter above the fence of a lock item written before the counter', async () => {
    // Prepare
    const store = new DynamoLockStore({ client, tableName });
    const lockId = `lock-${randomUUID()}`;
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: compactionLockToItem({
          lock_id: lockId,
          owner: randomUUID(),
          expires: at(10),
          collection: 'words',
          heartbeat: null,
          fence: 1_767_528_000_001,
          time_to_live: null,
        }) as unknown as Record<string, AttributeValue>,
      }),
    );

    // Act
    const lock = await store.acquire({
      lockId,
      collection: 'words',
      owner: randomUUID(),
      now: at(20),
      expires: at(320),
      heartbeat: null,
    });

    // Assess
    expect(lock.fence).toBe(1_767_528_000_002);
    expect(await rawCounter('words', lockId)).toMatchObject({ fence: { N: '1767528000002' } });
  });

  it('leaves the lock and the counter unchanged when the lock is held', async () => {
    // Prepare
    const store = new DynamoLockStore({ client, tableName });
    const lockId = `lock-${randomUUID()}`;
    const acquire = (now: number) =>
      store.acquire({
        lockId,
        collection: 'words',
        owner: randomUUID(),
        now: at(now),
        expires: at(now + 300),
        heartbeat: null,
      });
    await acquire(0);
    const [lockBefore, counterBefore] = [
      await rawLock('words', lockId),
      await rawCounter('words', lockId),
    ];

    // Act
    const held = acquire(100).then(
      () => undefined,
      (reason: unknown) => reason,
    );

    // Assess
    expect(await held).toBeInstanceOf(LockHeldError);
    expect(await rawLock('words', lockId)).toEqual(lockBefore);
    expect(await rawCounter('words', lockId)).toEqual(counterBefore);
  });

  it('moves GSI1SK and time_to_live with a refresh', async () => {
    // Prepare
    const store = new DynamoLockStore({ client, tableName });
    const lockId = `lock-${randomUUID()}`;
    const owner = randomUUID();
    await store.acquire({
      lockId,
      collection: 'words',
      owner,
      now: at(0),
      expires: at(300),
      heartbeat: at(0),
    });

    // Act
    await store.refresh({ lockId, collection: 'words', owner, expires: at(600), heartbeat: null });

    // Assess
    expect(await rawLock('words', lockId)).toMatchObject({
      GSI1SK: { S: `EXPIRES#${at(600)}` },
      expires: { S: at(600) },
      heartbeat: { NULL: true },
      time_to_live: { N: String(T0 / 1_000_000 + 600 + 86_400) },
    });
  });

  it('leaves a released item that Python reads and Python acquire can take', async () => {
    // Prepare
    const store = new DynamoLockStore({ client, tableName });
    const lockId = `lock-${randomUUID()}`;
    const owner = randomUUID();
    const lock = await store.acquire({
      lockId,
      collection: 'words',
      owner,
      now: at(0),
      expires: at(300),
      heartbeat: at(0),
    });

    // Act
    await store.release({ lockId, collection: 'words', owner });
    const released = await rawLock('words', lockId);
    const pythonOwner = randomUUID();
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: compactionLockToItem({
          lock_id: lockId,
          owner: pythonOwner,
          expires: at(310),
          collection: 'words',
          heartbeat: at(10),
          fence: null,
          time_to_live: null,
        }) as unknown as Record<string, AttributeValue>,
        ConditionExpression: 'attribute_not_exists(PK) OR expires < :now',
        ExpressionAttributeValues: { ':now': { S: at(10) } },
      }),
    );

    // Assess
    expect(CompactionLockItemSchema.parse(released)).toMatchObject({
      owner,
      expires: '0001-01-01T00:00:00.000000+00:00',
      fence: lock.fence,
    });
    expect(released?.['GSI1SK']).toEqual({ S: 'EXPIRES#0001-01-01T00:00:00.000000+00:00' });
    expect(Number(released?.['time_to_live']?.N)).toBeGreaterThan(Date.now() / 1000);
    expect(await store.read({ lockId, collection: 'words' })).toMatchObject({
      owner: pythonOwner,
      fence: 0,
    });
  });

  it('wraps other DynamoDB failures in LockStoreError with the SDK error as cause', async () => {
    // Prepare
    const store = new DynamoLockStore({ client, tableName: `missing-${randomUUID()}` });

    // Act
    const error = await store
      .acquire({
        lockId: 'x',
        collection: 'words',
        owner: randomUUID(),
        now: at(0),
        expires: at(1),
        heartbeat: null,
      })
      .then(
        () => undefined,
        (reason: unknown) => reason,
      );

    // Assess
    expect(error).toBeInstanceOf(LockStoreError);
    expect(error?.constructor).toBe(LockStoreError);
    expect((error as LockStoreError).cause).toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
