import { compactionLockToItem, formatPythonTimestamp } from '@receipt-chroma/dynamo-stream';
import { describe, expect, it } from 'vitest';
import { DynamoLockStore } from '../../../../src/adapters/dynamodb/DynamoLockStore.js';
import { LockHeldError, LockLostError, LockStoreError } from '../../../../src/errors.js';
import {
  conditionalCheckFailed,
  type StubReply,
  stubDynamoDbClient,
} from '../../../helpers/stubDynamoDbClient.js';

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

const RELEASED = '0001-01-01T00:00:00.000000+00:00';
const LOCK_KEY = { PK: { S: 'LOCK#words#compaction' }, SK: { S: 'LOCK' } };
const FENCE_KEY = { PK: { S: 'LOCK#words#compaction' }, SK: { S: 'FENCE' } };

const counterItem = (fence: number) => ({
  ...FENCE_KEY,
  TYPE: { S: 'COMPACTION_LOCK_FENCE' },
  fence: { N: String(fence) },
});

/** The `TransactGetItems` answer of an acquire's read: the lock item, then the counter. */
const readReply = (lock?: unknown, counter?: unknown): StubReply => ({
  output: {
    Responses: [
      lock === undefined ? {} : { Item: lock },
      counter === undefined ? {} : { Item: counter },
    ],
  },
});

/** The part of a `TransactWriteItems` input the tests look at. */
interface TransactInput {
  readonly ClientRequestToken?: string;
  readonly TransactItems: ReadonlyArray<{
    readonly Update?: Record<string, unknown> & {
      readonly ExpressionAttributeValues?: Record<string, unknown>;
    };
  }>;
}

const transactInput = (call: readonly [string, Record<string, unknown>] | undefined) =>
  call?.[1] as unknown as TransactInput;

/** An error shaped like the SDK's `TransactionCanceledException`. */
const transactionCanceled = (...reasons: Array<{ Code: string; Item?: unknown }>): Error =>
  Object.assign(new Error('Transaction cancelled'), {
    name: 'TransactionCanceledException',
    CancellationReasons: reasons,
  });

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );

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
    it('reads the lock and the counter, then writes both in one transaction', async () => {
      // Prepare
      const stub = stubDynamoDbClient(readReply(storedLock(OTHER, at(-1), 7), counterItem(7)), {
        output: {},
      });
      const store = new DynamoLockStore({ client: stub.client, tableName: 'Locks' });

      // Act
      const lock = await store.acquire(acquireRequest);

      // Assess
      expect(lock).toEqual({
        lockId: 'compaction',
        collection: 'words',
        owner: OWNER,
        expires: at(300),
        heartbeat: at(0),
        fence: 8,
      });
      expect(stub.calls.map(([name]) => name)).toEqual([
        'TransactGetItemsCommand',
        'TransactWriteItemsCommand',
      ]);
      expect(stub.calls[0]?.[1]).toEqual({
        TransactItems: [
          { Get: { TableName: 'Locks', Key: LOCK_KEY } },
          { Get: { TableName: 'Locks', Key: FENCE_KEY } },
        ],
      });
      const input = transactInput(stub.calls[1]);
      expect(input.ClientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
      expect(input.TransactItems[0]?.Update).toMatchObject({
        TableName: 'Locks',
        Key: LOCK_KEY,
        ConditionExpression: 'attribute_not_exists(#PK) OR #expires < :now',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      expect(input.TransactItems[0]?.Update?.ExpressionAttributeValues).toMatchObject({
        ':now': { S: at(0) },
        ':owner': { S: OWNER },
        ':fence': { N: '8' },
        ':TYPE': { S: 'COMPACTION_LOCK' },
        ':time_to_live': { N: String(T0 / 1_000_000 + 300 + 86_400) },
      });
      expect(input.TransactItems[1]?.Update).toMatchObject({
        TableName: 'Locks',
        Key: FENCE_KEY,
        UpdateExpression: 'SET #TYPE = :type, #fence = :fence',
        ConditionExpression: '#fence = :seen',
        ExpressionAttributeValues: {
          ':type': { S: 'COMPACTION_LOCK_FENCE' },
          ':fence': { N: '8' },
          ':seen': { N: '7' },
        },
      });
    });

    it('creates the counter above the fence of a lock item that has none', async () => {
      // Prepare
      const stub = stubDynamoDbClient(readReply(storedLock(OTHER, at(-1), 41)), { output: {} });
      const store = new DynamoLockStore({ client: stub.client, tableName: 'Locks' });

      // Act
      const lock = await store.acquire(acquireRequest);

      // Assess
      expect(lock.fence).toBe(42);
      const input = transactInput(stub.calls[1]);
      expect(input.TransactItems[1]?.Update).toMatchObject({
        ConditionExpression: 'attribute_not_exists(#PK)',
        ExpressionAttributeValues: { ':fence': { N: '42' } },
      });
    });

    it('rejects a live lock seen by the read without writing', async () => {
      // Prepare
      const stub = stubDynamoDbClient(readReply(storedLock(OTHER, at(0), 3), counterItem(3)));
      const store = new DynamoLockStore({ client: stub.client, tableName: 'Locks' });

      // Act
      const error = await failure(store.acquire(acquireRequest));

      // Assess
      expect(error).toBeInstanceOf(LockHeldError);
      expect(error).toMatchObject({
        context: { currentOwner: OTHER, currentExpires: at(0), currentFence: 3 },
      });
      expect((error as Error).message).toContain(OTHER);
      expect(stub.calls).toHaveLength(1);
    });

    it('turns a failed lock condition in the transaction into LockHeldError', async () => {
      // Prepare
      const stub = stubDynamoDbClient(readReply(), {
        error: transactionCanceled(
          { Code: 'ConditionalCheckFailed', Item: storedLock(OTHER, at(300), 1) },
          { Code: 'ConditionalCheckFailed' },
        ),
      });
      const store = new DynamoLockStore({ client: stub.client, tableName: 'Locks' });

      // Act
      const error = await failure(store.acquire(acquireRequest));

      // Assess
      expect(error).toBeInstanceOf(LockHeldError);
      expect(error).toMatchObject({ context: { currentOwner: OTHER, currentFence: 1 } });
      expect(stub.calls).toHaveLength(2);
    });

    it('reads again when only the counter moved, and takes the next fence', async () => {
      // Prepare
      const stub = stubDynamoDbClient(
        readReply(undefined, counterItem(5)),
        {
          error: transactionCanceled({ Code: 'None' }, { Code: 'ConditionalCheckFailed' }),
        },
        readReply(storedLock(OTHER, RELEASED, 6), counterItem(6)),
        { output: {} },
      );
      const store = new DynamoLockStore({ client: stub.client, tableName: 'Locks' });

      // Act
      const lock = await store.acquire(acquireRequest);

      // Assess
      expect(lock.fence).toBe(7);
      expect(stub.calls.map(([name]) => name)).toEqual([
        'TransactGetItemsCommand',
        'TransactWriteItemsCommand',
        'TransactGetItemsCommand',
        'TransactWriteItemsCommand',
      ]);
      const tokens = [stub.calls[1], stub.calls[3]].map(
        (call) => transactInput(call).ClientRequestToken,
      );
      expect(new Set(tokens).size).toBe(2);
    });

    it('gives up with LockHeldError after 5 rounds of transaction conflicts', async () => {
      // Prepare
      const conflict = transactionCanceled({ Code: 'TransactionConflict' }, { Code: 'None' });
      const round: StubReply[] = [readReply(), { error: conflict }];
      const stub = stubDynamoDbClient(...Array.from({ length: 5 }, () => round).flat());
      const store = new DynamoLockStore({ client: stub.client, tableName: 'Locks' });

      // Act
      const error = await failure(store.acquire(acquireRequest));

      // Assess
      expect(error).toBeInstanceOf(LockHeldError);
      expect(error).toMatchObject({ cause: conflict, context: { rounds: 5 } });
      expect(stub.calls).toHaveLength(10);
    });

    it('reads again when the read met a transaction under way', async () => {
      // Prepare
      const conflict = transactionCanceled({ Code: 'TransactionConflict' }, { Code: 'None' });
      const stub = stubDynamoDbClient({ error: conflict }, readReply(), { output: {} });
      const store = new DynamoLockStore({ client: stub.client, tableName: 'Locks' });

      // Act
      const lock = await store.acquire(acquireRequest);

      // Assess
      expect(lock.fence).toBe(1);
      expect(stub.calls.map(([name]) => name)).toEqual([
        'TransactGetItemsCommand',
        'TransactGetItemsCommand',
        'TransactWriteItemsCommand',
      ]);
    });

    it('wraps a transaction cancelled for another reason in LockStoreError', async () => {
      // Prepare
      const throttled = transactionCanceled({ Code: 'None' }, { Code: 'ThrottlingError' });
      const stub = stubDynamoDbClient(readReply(), { error: throttled });
      const store = new DynamoLockStore({ client: stub.client, tableName: 'Locks' });

      // Act
      const error = await failure(store.acquire(acquireRequest));

      // Assess
      expect(error?.constructor).toBe(LockStoreError);
      expect(error).toMatchObject({ cause: throttled, context: { operation: 'acquire' } });
    });

    it('rejects a counter that is not a non-negative integer with LockStoreError', async () => {
      // Prepare
      const stub = stubDynamoDbClient(
        readReply(undefined, { ...FENCE_KEY, fence: { S: 'seven' } }),
      );
      const store = new DynamoLockStore({ client: stub.client, tableName: 'Locks' });

      // Act
      const error = await failure(store.acquire(acquireRequest));

      // Assess
      expect(error?.constructor).toBe(LockStoreError);
      expect((error as Error).message).toMatch(/fence counter/);
      expect(stub.calls).toHaveLength(1);
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
      const stub = stubDynamoDbClient(readReply(), { error: sdkError });
      const store = new DynamoLockStore({ client: stub.client, tableName: 'Locks' });

      // Act
      const error = await failure(store.acquire(acquireRequest));

      // Assess
      expect(error?.constructor).toBe(LockStoreError);
      expect(error).toMatchObject({ cause: sdkError, context: { operation: 'acquire' } });
    });

    it('rejects a stored item that is not a lock with LockStoreError', async () => {
      // Prepare
      const stub = stubDynamoDbClient(readReply({ PK: { S: 'LOCK#words#x' } }));
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
        output: { Attributes: storedLock(OWNER, RELEASED) },
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
