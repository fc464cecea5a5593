import { compactionLockToItem, formatPythonTimestamp } from '@receipt-chroma/dynamo-stream';
import { describe, expect, it } from 'vitest';
import { DynamoLockStore } from '../../../../src/adapters/dynamodb/dynamoLockStore.js';
import { LockHeldError, LockLostError, LockStoreError } from '../../../../src/errors.js';
import { conditionalCheckFailed, stubDynamoDbClient } from '../../../helpers/stubDynamoDbClient.js';

const OWNER = '0f8c5a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b';
const OTHER = '9a8b7c6d-5e4f-4a3b-9c1d-0e1f2a3b4c5d';
const T0 = 1_767_528_000_000_000;
const at = (seconds: number): string => formatPythonTimestamp(T0 + seconds * 1_000_000);

const storedLock = (owner: string, expires: string, fence: number | null = 7) =>
  compactionLockToItem({
    lock_id: 'compaction',
    owner,
    expires,
    collection: 'words',
    heartbeat: null,
    fence,
    time_to_live: null,
  });

const acquireRequest = {
  lockId: 'compaction',
  collection: 'words',
  owner: OWNER,
  now: at(0),
  expires: at(300),
  heartbeat: at(0),
};

describe('Class: DynamoLockStore', () => {
  describe('Method: acquire', () => {
    it('sends one conditional UpdateItem that bumps the fence', async () => {
      // Prepare
      const stub = stubDynamoDbClient({ output: { Attributes: storedLock(OWNER, at(300), 8) } });
      const store = new DynamoLockStore({ client: stub.client, tableName: 'Locks' });

      // Act
      const lock = await store.acquire(acquireRequest);

      // Assess
      expect(lock.fence).toBe(8);
      const [name, input] = stub.calls[0] ?? [];
      expect(name).toBe('UpdateItemCommand');
      expect(input).toMatchObject({
        TableName: 'Locks',
        Key: { PK: { S: 'LOCK#words#compaction' }, SK: { S: 'LOCK' } },
        ConditionExpression: 'attribute_not_exists(#PK) OR #expires < :now',
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      expect(input?.['UpdateExpression']).toContain(
        '#fence = if_not_exists(#fence, :fenceBase) + :one',
      );
      expect(input?.['ExpressionAttributeValues']).toMatchObject({
        ':fenceBase': { N: String(T0 / 1000) },
        ':now': { S: at(0) },
        ':TYPE': { S: 'COMPACTION_LOCK' },
        ':time_to_live': { N: String(T0 / 1_000_000 + 300 + 86_400) },
      });
    });

    it('turns a failed condition into LockHeldError naming the current holder', async () => {
      // Prepare
      const stub = stubDynamoDbClient({
        error: conditionalCheckFailed(storedLock(OTHER, at(100), 3)),
      });
      const store = new DynamoLockStore({ client: stub.client, tableName: 'Locks' });

      // Act
      const error = await store.acquire(acquireRequest).then(
        () => undefined,
        (reason: unknown) => reason,
      );

      // Assess
      expect(error).toBeInstanceOf(LockHeldError);
      expect(error).toMatchObject({
        context: { currentOwner: OTHER, currentExpires: at(100), currentFence: 3 },
      });
      expect((error as Error).message).toContain(OTHER);
    });

    it('rejects an invalid request without calling DynamoDB', async () => {
      // Prepare
      const stub = stubDynamoDbClient();
      const store = new DynamoLockStore({ client: stub.client, tableName: 'Locks' });

      // Act
      const acquire = store.acquire({ ...acquireRequest, now: new Date(T0 / 1000).toISOString() });

      // Assess
      await expect(acquire).rejects.toThrow(/fixed-width/);
      expect(stub.calls).toEqual([]);
    });

    it('wraps other SDK errors in LockStoreError', async () => {
      // Prepare
      const sdkError = Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
      const stub = stubDynamoDbClient({ error: sdkError });
      const store = new DynamoLockStore({ client: stub.client, tableName: 'Locks' });

      // Act
      const error = await store.acquire(acquireRequest).then(
        () => undefined,
        (reason: unknown) => reason,
      );

      // Assess
      expect(error?.constructor).toBe(LockStoreError);
      expect(error).toMatchObject({ cause: sdkError, context: { operation: 'acquire' } });
    });

    it('rejects a returned item that is not a lock with LockStoreError', async () => {
      // Prepare
      const stub = stubDynamoDbClient({ output: { Attributes: { PK: { S: 'LOCK#words#x' } } } });
      const store = new DynamoLockStore({ client: stub.client, tableName: 'Locks' });

      // Act
      const acquire = store.acquire(acquireRequest);

      // Assess
      await expect(acquire).rejects.toThrow(/not a valid CompactionLock/);
    });
  });

  describe('Method: refresh', () => {
    it('updates only expires, heartbeat, GSI1SK and time_to_live on condition of ownership', async () => {
      // Prepare
      const stub = stubDynamoDbClient({ output: { Attributes: storedLock(OWNER, at(600)) } });
      const store = new DynamoLockStore({ client: stub.client, tableName: 'Locks' });

      // Act
      await store.refresh({
        lockId: 'compaction',
        collection: 'words',
        owner: OWNER,
        expires: at(600),
        heartbeat: at(60),
      });

      // Assess
      const [, input] = stub.calls[0] ?? [];
      expect(input).toMatchObject({
        UpdateExpression:
          'SET #expires = :expires, #heartbeat = :heartbeat, #GSI1SK = :GSI1SK, #time_to_live = :time_to_live',
        ConditionExpression: '#owner = :me AND #expires <> :released',
        ExpressionAttributeValues: {
          ':me': { S: OWNER },
          ':GSI1SK': { S: `EXPIRES#${at(600)}` },
          ':heartbeat': { S: at(60) },
        },
      });
    });

    it('turns a failed condition into LockLostError', async () => {
      // Prepare
      const stub = stubDynamoDbClient({
        error: conditionalCheckFailed(storedLock(OTHER, at(900))),
      });
      const store = new DynamoLockStore({ client: stub.client, tableName: 'Locks' });

      // Act
      const refresh = store.refresh({
        lockId: 'compaction',
        collection: 'words',
        owner: OWNER,
        expires: at(600),
        heartbeat: null,
      });

      // Assess
      await expect(refresh).rejects.toBeInstanceOf(LockLostError);
      await expect(refresh).rejects.toThrow(`is held by ${OTHER}`);
    });
  });

  describe('Method: release', () => {
    it('marks the lock released instead of deleting it', async () => {
      // Prepare
      const stub = stubDynamoDbClient({
        output: { Attributes: storedLock(OWNER, '0001-01-01T00:00:00.000000+00:00') },
      });
      const store = new DynamoLockStore({ client: stub.client, tableName: 'Locks' });

      // Act
      await store.release({ lockId: 'compaction', collection: 'words', owner: OWNER });

      // Assess
      const [name, input] = stub.calls[0] ?? [];
      expect(name).toBe('UpdateItemCommand');
      expect(input).toMatchObject({
        UpdateExpression:
          'SET #expires = :expires, #GSI1SK = :GSI1SK, #time_to_live = :time_to_live',
        ExpressionAttributeValues: {
          ':expires': { S: '0001-01-01T00:00:00.000000+00:00' },
          ':GSI1SK': { S: 'EXPIRES#0001-01-01T00:00:00.000000+00:00' },
        },
      });
    });

    it('says when the lock does not exist', async () => {
      // Prepare
      const stub = stubDynamoDbClient({ error: conditionalCheckFailed() });
      const store = new DynamoLockStore({ client: stub.client, tableName: 'Locks' });

      // Act
      const release = store.release({ lockId: 'compaction', collection: 'words', owner: OWNER });

      // Assess
      await expect(release).rejects.toBeInstanceOf(LockLostError);
      await expect(release).rejects.toThrow(/does not exist/);
    });
  });

  describe('Method: read', () => {
    it('reads the item consistently and wraps SDK errors', async () => {
      // Prepare
      const sdkError = new Error('network down');
      const stub = stubDynamoDbClient({ output: {} }, { error: sdkError });
      const store = new DynamoLockStore({ client: stub.client, tableName: 'Locks' });

      // Act
      const missing = await store.read({ lockId: 'compaction', collection: 'lines' });
      const failed = store.read({ lockId: 'compaction', collection: 'lines' });

      // Assess
      expect(missing).toBeUndefined();
      expect(stub.calls[0]).toEqual([
        'GetItemCommand',
        {
          TableName: 'Locks',
          Key: { PK: { S: 'LOCK#lines#compaction' }, SK: { S: 'LOCK' } },
          ConsistentRead: true,
        },
      ]);
      await expect(failed).rejects.toMatchObject({
        cause: sdkError,
        context: { operation: 'read' },
      });
    });
  });

  it.each([
    ['an empty table name', { tableName: '' }],
    ['a negative TTL grace', { tableName: 'Locks', timeToLiveGraceSeconds: -1 }],
  ])('rejects %s', (_name, options) => {
    // Prepare
    const { client } = stubDynamoDbClient();

    // Act & Assess
    expect(() => new DynamoLockStore({ client, ...options })).toThrow(LockStoreError);
  });
});
