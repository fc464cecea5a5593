import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLockStore } from '../../../src/adapters/dynamodb/DynamoLockStore.js';
import { LockHeldError, LockLostError } from '../../../src/errors.js';
import { LockManager } from '../../../src/locks/LockManager.js';
import type { LockClock } from '../../../src/locks/lockManagerOptions.js';
import { LOCK_T0, lockAt, RecordingLogger } from '../../helpers/lockDoubles.js';
import {
  createReceiptsTable,
  deleteTable,
  motoDynamoDbClient,
  serializedClient,
} from '../helpers/motoDynamoDb.js';

let client: DynamoDBClient;
let tableName: string;

beforeAll(async () => {
  client = motoDynamoDbClient();
  tableName = await createReceiptsTable(client, 'lock-manager', { withGsi1: true });
});

afterAll(async () => {
  await deleteTable(client, tableName);
  client.destroy();
});

/** A clock the test moves by hand. */
class ManualClock implements LockClock {
  constructor(public millis: number = LOCK_T0) {}
  now(): number {
    return this.millis;
  }
}

const rawItem = async (collection: string, lockId: string, sk = 'LOCK') =>
  (
    await client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { PK: { S: `LOCK#${collection}#${lockId}` }, SK: { S: sk } },
        ConsistentRead: true,
      }),
    )
  ).Item;

/** The item Python's `CompactionLock.to_item()` writes (spec §16.1): no fence, no TTL. */
const pythonLockItem = (
  lockId: string,
  owner: string,
  expires: string,
): Record<string, AttributeValue> => ({
  PK: { S: `LOCK#words#${lockId}` },
  SK: { S: 'LOCK' },
  GSI1PK: { S: 'LOCK#words' },
  GSI1SK: { S: `EXPIRES#${expires}` },
  TYPE: { S: 'COMPACTION_LOCK' },
  owner: { S: owner },
  expires: { S: expires },
  collection: { S: 'words' },
  heartbeat: { S: expires },
});

/** Python's `add_compaction_lock`: a conditional `PutItem` at Python's `now`. */
const pythonAcquire = (lockId: string, owner: string, now: string, expires: string) =>
  client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: pythonLockItem(lockId, owner, expires),
      ConditionExpression: 'attribute_not_exists(PK) OR expires < :now',
      ExpressionAttributeValues: { ':now': { S: now } },
    }),
  );

/** One tenure as the contenders saw it, on a counter shared by all of them. */
interface Tenure {
  readonly worker: number;
  readonly fence: number;
  readonly start: number;
  readonly end: number;
}

describe('Class: LockManager on DynamoDB (moto)', () => {
  it('keeps 20 contending managers to one tenure at a time, each with a larger fence', async () => {
    // Prepare
    // moto does not isolate concurrent writes to one item as DynamoDB does (see
    // serializedClient): requests reach it one at a time, while the managers still race.
    const shared = serializedClient(client);
    const lockId = `contended-${randomUUID()}`;
    const workers = 20;
    // 200 tenures make every manager wait for the others many times; moto answers one
    // request at a time (about 10 ms each), so more rounds mostly cost time.
    const rounds = 10;
    const tenures: Tenure[] = [];
    let tick = 0;
    const managers = Array.from(
      { length: workers },
      () =>
        new LockManager({
          store: new DynamoLockStore({ client: shared, tableName }),
          collection: 'words',
          lockId,
        }),
    );

    // Act
    await Promise.all(
      managers.map(async (manager, worker) => {
        for (let round = 0; round < rounds; round += 1) {
          await manager.withLock(
            async (lock) => {
              const start = tick++;
              await lock.assertOwnership();
              const fence = lock.fence;
              tenures.push({ worker, fence, start, end: tick++ });
            },
            { retries: 10_000, minDelayMs: 100, maxDelayMs: 2000 },
          );
        }
      }),
    );

    // Assess
    expect(tenures).toHaveLength(workers * rounds);
    const ordered = [...tenures].sort((a, b) => a.start - b.start);
    for (let i = 1; i < ordered.length; i += 1) {
      const [previous, next] = [ordered[i - 1] as Tenure, ordered[i] as Tenure];
      expect(previous.end).toBeLessThan(next.start);
      expect(next.fence).toBeGreaterThan(previous.fence);
    }
    expect(ordered.at(-1)?.fence).toBe((ordered[0]?.fence ?? 0) + workers * rounds - 1);
    expect(await rawItem('words', lockId, 'FENCE')).toMatchObject({
      fence: { N: String(ordered.at(-1)?.fence) },
    });
  }, 300_000);

  it('keeps a holder whose lease expired from refreshing or releasing the new owner', async () => {
    // Prepare
    const lockId = `expired-${randomUUID()}`;
    const staleClock = new ManualClock();
    const logger = new RecordingLogger();
    const stale = new LockManager({
      store: new DynamoLockStore({ client, tableName }),
      collection: 'words',
      lockId,
      leaseMs: 60_000,
      clock: staleClock,
      logger,
    });
    const successor = new LockManager({
      store: new DynamoLockStore({ client, tableName }),
      collection: 'words',
      lockId,
      leaseMs: 60_000,
      // Its clock runs ahead: it sees the stale holder's lease as over.
      clock: new ManualClock(LOCK_T0 + 61_000),
    });
    expect(await stale.acquire()).toBe(true);
    const staleFence = stale.fence;
    expect(await successor.acquire()).toBe(true);
    const taken = await rawItem('words', lockId);

    // Act
    staleClock.millis += 30_000;
    const refreshed = await stale.refresh();
    const owned = await stale.validateOwnership();
    await stale.release();

    // Assess
    expect(refreshed).toBe(false);
    expect(owned).toBe(false);
    expect(logger.named('compaction lock lost')).toMatchObject([
      { extra: { reason: 'refresh-rejected' } },
    ]);
    expect(await rawItem('words', lockId)).toEqual(taken);
    expect(successor.fence).toBe(staleFence + 1);
    expect(await successor.validateOwnership()).toBe(true);
  });

  it('never writes once its own clock says the lease ran out', async () => {
    // Prepare
    const lockId = `lapsed-${randomUUID()}`;
    const clock = new ManualClock();
    const manager = new LockManager({
      store: new DynamoLockStore({ client, tableName }),
      collection: 'words',
      lockId,
      leaseMs: 60_000,
      clock,
    });
    await manager.acquire();
    const item = await rawItem('words', lockId);

    // Act
    clock.millis += 60_000;
    const refreshed = await manager.refresh();
    await manager.release();

    // Assess
    expect(refreshed).toBe(false);
    expect(await rawItem('words', lockId)).toEqual(item);
  });

  describe('Python CompactionLock items', () => {
    it('is kept out by a live Python lock under the default lock id', async () => {
      // Prepare
      const lockId = 'chroma-words-compaction';
      const pythonOwner = randomUUID();
      await pythonAcquire(lockId, pythonOwner, lockAt(0), lockAt(300_123));
      const before = await rawItem('words', lockId);
      const manager = new LockManager({
        store: new DynamoLockStore({ client, tableName }),
        collection: 'words',
        clock: new ManualClock(LOCK_T0 + 1000),
        random: () => 0,
      });

      // Act
      const taken = await manager.acquire();
      const error = await manager
        .withLock(async () => 'never', { retries: 1, minDelayMs: 1 })
        .catch((reason: unknown) => reason);

      // Assess
      expect(taken).toBe(false);
      expect(error).toBeInstanceOf(LockHeldError);
      expect(error).toMatchObject({ context: { currentOwner: pythonOwner, attempts: 2 } });
      expect(await rawItem('words', lockId)).toEqual(before);
    });

    it('takes over an expired Python lock, and then keeps Python out', async () => {
      // Prepare
      const lockId = `python-${randomUUID()}`;
      await pythonAcquire(lockId, randomUUID(), lockAt(0), lockAt(300_123));
      const manager = new LockManager({
        store: new DynamoLockStore({ client, tableName }),
        collection: 'words',
        lockId,
        clock: new ManualClock(LOCK_T0 + 301_000),
      });

      // Act
      const taken = await manager.acquire();
      const python = await pythonAcquire(
        lockId,
        randomUUID(),
        lockAt(302_000),
        lockAt(602_000),
      ).then(
        () => undefined,
        (reason: unknown) => reason,
      );

      // Assess
      expect(taken).toBe(true);
      expect(python).toMatchObject({ name: 'ConditionalCheckFailedException' });
      expect(await manager.validateOwnership()).toBe(true);
      expect(await rawItem('words', lockId)).toMatchObject({
        TYPE: { S: 'COMPACTION_LOCK' },
        expires: { S: lockAt(601_000) },
        fence: { N: String(manager.fence) },
      });
    });

    it('loses the lock when a Python heartbeat overwrites it (no owner condition in Python)', async () => {
      // Prepare
      const lockId = `overwrite-${randomUUID()}`;
      const manager = new LockManager({
        store: new DynamoLockStore({ client, tableName }),
        collection: 'words',
        lockId,
        clock: new ManualClock(),
      });
      await manager.acquire();
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: pythonLockItem(lockId, randomUUID(), lockAt(400_000)),
        }),
      );

      // Act
      const error = await manager.assertOwnership().catch((reason: unknown) => reason);

      // Assess
      expect(error).toBeInstanceOf(LockLostError);
      expect(error).toMatchObject({ context: { reason: 'taken-over' } });
    });
  });
});
