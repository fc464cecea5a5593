import { randomUUID } from 'node:crypto';
import {
  type DynamoDBClient,
  GetItemCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type CompactionLock,
  CompactionLockItemSchema,
  compactionLockToItem,
  type DynamoDBItem,
} from '@receipt-chroma/dynamo-stream';
import { LockHeldError, LockStoreError } from '../../errors.js';
import {
  acquiredLock,
  blocksAcquire,
  checkAcquire,
  checkLockRef,
  checkOwnerRef,
  checkRefresh,
  DEFAULT_LOCK_TTL_GRACE_SECONDS,
  type LockRef,
  lockHeldError,
  lockLostError,
  nextFence,
  RELEASED_EXPIRES,
  timeToLive,
  toLockRecord,
} from '../../locks/lockRules.js';
import type {
  AcquireLockRequest,
  LockOwnerRef,
  LockRecord,
  LockStore,
  RefreshLockRequest,
} from '../../ports/lockStore.js';
import { Expression } from './Expression.js';
import {
  cancellationReasons,
  classifyCancellation,
  fencedAcquireInput,
  LOCK_WRITE,
} from './fencedAcquire.js';
import { counterValue, fenceKey, type Item, lockKey, reportedLock } from './lockItems.js';

/**
 * Read-then-transact rounds an acquire makes before it gives up: each lost round means another
 * acquire moved the fence counter in between (and usually holds the lock now).
 */
const ACQUIRE_ROUNDS = 5;

/** Options of {@link DynamoLockStore}. */
export interface DynamoLockStoreOptions {
  /** A DynamoDB client (`@aws-sdk/client-dynamodb`). The store never destroys it. */
  readonly client: DynamoDBClient;
  /** The table that holds the lock items (keys `PK` and `SK`, both strings). */
  readonly tableName: string;
  /**
   * Seconds past `expires` (for a released lock: past the release) at which the item's
   * `time_to_live` lets DynamoDB TTL delete it, when TTL is enabled on `time_to_live`.
   * @default 86400 (one day)
   */
  readonly timeToLiveGraceSeconds?: number;
}

const isConditionFailure = (error: unknown): error is { Item?: Item } =>
  (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';

// The Python CompactionLock item: spec §16.1; the refresh condition fixes spec §16.3 #1.
/**
 * The {@link LockStore} on DynamoDB, writing the Python package's `CompactionLock` item through
 * the dynamo-stream lock writer: `PK = LOCK#{collection}#{lockId}`, `SK = LOCK`,
 * `GSI1PK = LOCK#{collection}`, `GSI1SK = EXPIRES#{expires}`, `TYPE = COMPACTION_LOCK`,
 * `owner`, `expires`, `collection`, `heartbeat`, plus `fence` (the tenure's fencing token) and
 * `time_to_live` (epoch seconds, `expires` plus a grace period, for DynamoDB TTL). Fences come
 * from a counter item in the same partition, `SK = FENCE` (`TYPE = COMPACTION_LOCK_FENCE`,
 * `fence`), with no `time_to_live` and no GSI1 keys, so TTL and Python's cleanup never remove
 * it and every acquire gets a larger fence whatever the clocks say.
 *
 * Races are decided by DynamoDB conditions, never by a read alone:
 *
 * - `acquire`: reads the lock item and the counter (one `TransactGetItems`); a live lock
 *   rejects at once with `LockHeldError`. Otherwise one `TransactWriteItems` writes the lock
 *   item on Python's condition `attribute_not_exists(PK) OR expires < :now` and moves the
 *   counter to the next fence on condition that it still holds the value read. A failed lock
 *   condition rejects with `LockHeldError` whose context names the current owner, expiry and
 *   fence; a moved counter (another acquire got in between) starts the round again, up to
 *   5 rounds, then `LockHeldError`.
 * - `refresh`: sets only `expires`, `heartbeat`, `GSI1SK` and `time_to_live`, on condition
 *   `owner = :me` and not released (so a stale holder can no longer overwrite its
 *   successor's item, as it could with the Python package); otherwise `LockLostError`.
 * - `release`: on the same condition, keeps the item but sets `expires` to
 *   `0001-01-01T00:00:00.000000+00:00`, so the lock is free for Python and TS acquirers alike
 *   and Python still reads the item; a missing, released or foreign lock rejects with
 *   `LockLostError`.
 * - `read`: a consistent `GetItem`; items Python wrote (no fence) read as fence 0.
 *
 * `refresh` and `release` are each one conditional `UpdateItem` of the lock item. Invalid
 * requests (empty lock id, collection other than `lines`/`words`, owner not a UUID,
 * timestamps not in the fixed-width `YYYY-MM-DDTHH:MM:SS.ffffff+00:00` form, `expires` not
 * after `now`) and every other DynamoDB failure reject with `LockStoreError` (SDK error as
 * `cause`).
 *
 * @example
 * ```ts
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * import { formatPythonTimestamp } from '@receipt-chroma/dynamo-stream';
 * import { DynamoLockStore } from '@receipt-chroma/chroma-compaction/dynamodb';
 *
 * const locks = new DynamoLockStore({ client: new DynamoDBClient({}), tableName: 'ReceiptsTable' });
 * const nowMicros = Date.now() * 1000;
 * const lock = await locks.acquire({
 *   lockId: 'chromadb_compaction_lock',
 *   collection: 'words',
 *   owner: crypto.randomUUID(),
 *   now: formatPythonTimestamp(nowMicros),
 *   expires: formatPythonTimestamp(nowMicros + 300_000_000),
 *   heartbeat: formatPythonTimestamp(nowMicros),
 * });
 * // … write under lock.fence, then:
 * await locks.release(lock);
 * ```
 */
export class DynamoLockStore implements LockStore {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;
  readonly #graceSeconds: number;

  /**
   * Creates a store on one table; nothing is sent until a method is called.
   * @param options - The client, the table, and the TTL grace period.
   * @throws {LockStoreError} when `tableName` is empty or `timeToLiveGraceSeconds` is
   *   not an integer `>= 0`
   */
  constructor(options: DynamoLockStoreOptions) {
    if (typeof options.tableName !== 'string' || options.tableName === '') {
      throw new LockStoreError('DynamoLockStore needs a non-empty tableName');
    }
    const grace = options.timeToLiveGraceSeconds ?? DEFAULT_LOCK_TTL_GRACE_SECONDS;
    if (!Number.isSafeInteger(grace) || grace < 0) {
      throw new LockStoreError(
        `DynamoLockStore timeToLiveGraceSeconds must be an integer >= 0, got ${String(grace)}`,
      );
    }
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#graceSeconds = grace;
  }

  /**
   * Takes the lock when it is free or expired, with the next fence; see the class
   * documentation.
   * @param request - The lock, the new owner, and the times of the new lease.
   * @returns The lock as stored, with its fence.
   * @throws {LockHeldError} when another owner holds a lock that has not expired (its
   *   context names the owner, expiry and fence), or the lock changed hands 5 times while
   *   this acquire ran
   * @throws {LockStoreError} for an invalid request, an invalid stored item, or any
   *   other DynamoDB failure
   */
  async acquire(request: AcquireLockRequest): Promise<LockRecord> {
    const { expiresMillis } = checkAcquire(request);
    let lastRace: unknown;
    for (let round = 0; round < ACQUIRE_ROUNDS; round += 1) {
      const read = await this.#readForAcquire(request);
      if ('raced' in read) {
        lastRace = read.raced;
        continue;
      }
      const { lockItem, counterItem } = read;
      const current =
        lockItem === undefined ? undefined : this.#toLock('acquire', request, lockItem);
      if (blocksAcquire(current, request.now)) throw lockHeldError(request, current);
      const seenCounter = counterValue(counterItem, request);
      const fence = nextFence(seenCounter, current?.fence);
      const lock = acquiredLock(request, fence, timeToLive(expiresMillis, this.#graceSeconds));
      const { PK: _pk, SK: _sk, ...attributes } = compactionLockToItem(lock) as unknown as Item;
      try {
        await this.#client.send(
          new TransactWriteItemsCommand(
            fencedAcquireInput({
              tableName: this.#tableName,
              request,
              attributes,
              fence,
              seenCounter,
              token: randomUUID(),
            }),
          ),
        );
        return toLockRecord(lock);
      } catch (error) {
        const reasons = cancellationReasons(error);
        const outcome = reasons === undefined ? 'failed' : classifyCancellation(reasons);
        if (outcome === 'held') {
          throw lockHeldError(request, reportedLock(reasons?.[LOCK_WRITE]?.Item), error);
        }
        if (outcome === 'failed') throw this.#vendorError('acquire', request, error);
        lastRace = error;
      }
    }
    throw new LockHeldError(
      `Lock ${request.lockId} (${request.collection}) changed hands ${ACQUIRE_ROUNDS} times while this acquire ran; retry later`,
      {
        cause: lastRace,
        context: { lockId: request.lockId, collection: request.collection, rounds: ACQUIRE_ROUNDS },
      },
    );
  }

  /**
   * Extends a lock `owner` still holds; see the class documentation.
   * @param request - The lock, its owner, and the new `expires` and `heartbeat`.
   * @returns The lock as stored after the refresh.
   * @throws {LockLostError} when the lock is missing, released or held by another owner
   * @throws {LockStoreError} for an invalid request or any other DynamoDB failure
   */
  async refresh(request: RefreshLockRequest): Promise<LockRecord> {
    const expiresMillis = checkRefresh(request);
    return this.#ownerUpdate('refresh', request, {
      expires: { S: request.expires },
      heartbeat: request.heartbeat === null ? { NULL: true } : { S: request.heartbeat },
      GSI1SK: { S: `EXPIRES#${request.expires}` },
      time_to_live: { N: String(timeToLive(expiresMillis, this.#graceSeconds)) },
    });
  }

  /**
   * Frees a lock `owner` holds, keeping the item and its fence; see the class documentation.
   * @param request - The lock and its owner.
   * @throws {LockLostError} when the lock is missing, released or held by another owner
   * @throws {LockStoreError} for an invalid request or any other DynamoDB failure
   */
  async release(request: LockOwnerRef): Promise<void> {
    checkOwnerRef(request);
    await this.#ownerUpdate('release', request, {
      expires: { S: RELEASED_EXPIRES },
      GSI1SK: { S: `EXPIRES#${RELEASED_EXPIRES}` },
      time_to_live: { N: String(timeToLive(Date.now(), this.#graceSeconds)) },
    });
  }

  /**
   * The stored lock, released or expired ones included, or `undefined` when there is none
   * (a consistent read).
   * @param lock - The lock's id and collection.
   * @throws {LockStoreError} for an invalid reference, an invalid stored item, or a
   *   DynamoDB failure
   */
  async read(lock: {
    /** The lock's id. */
    readonly lockId: string;
    /** The collection the lock guards. */
    readonly collection: string;
  }): Promise<LockRecord | undefined> {
    checkLockRef(lock);
    const item = await this.#get('read', lockKey(lock), lock);
    return item === undefined ? undefined : toLockRecord(this.#toLock('read', lock, item));
  }

  /**
   * The lock item and the fence counter, read together by one `TransactGetItems` (one round
   * trip, one consistent view); `raced` (with the error) when a transaction writing them was
   * under way.
   */
  async #readForAcquire(
    request: AcquireLockRequest,
  ): Promise<{ lockItem: Item | undefined; counterItem: Item | undefined } | { raced: unknown }> {
    try {
      const output = await this.#client.send(
        new TransactGetItemsCommand({
          TransactItems: [
            { Get: { TableName: this.#tableName, Key: lockKey(request) } },
            { Get: { TableName: this.#tableName, Key: fenceKey(request) } },
          ],
        }),
      );
      const [lock, counter] = output.Responses ?? [];
      return { lockItem: lock?.Item, counterItem: counter?.Item };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons?.some((reason) => reason.Code === 'TransactionConflict')) {
        return { raced: error };
      }
      throw this.#vendorError('acquire', request, error);
    }
  }

  /** A consistent `GetItem` of `key`, or `undefined` when there is no such item. */
  async #get(operation: string, key: Item, ref: LockRef): Promise<Item | undefined> {
    try {
      const output = await this.#client.send(
        new GetItemCommand({ TableName: this.#tableName, Key: key, ConsistentRead: true }),
      );
      return output.Item;
    } catch (error) {
      throw this.#vendorError(operation, ref, error);
    }
  }

  /** An update on condition that `owner` holds the (unreleased) lock, else `LockLostError`. */
  async #ownerUpdate(
    operation: 'refresh' | 'release',
    request: LockOwnerRef,
    attributes: Item,
  ): Promise<LockRecord> {
    const expression = new Expression();
    const sets = expression.setAll(attributes);
    const condition =
      `${expression.name('owner')} = ${expression.value('me', { S: request.owner })} AND ` +
      `${expression.name('expires')} <> ${expression.value('released', { S: RELEASED_EXPIRES })}`;
    return this.#update(operation, request, expression, sets, condition, (current, error) =>
      lockLostError(operation, request, current, error),
    );
  }

  /**
   * Sends `SET sets` on condition `condition` as one `UpdateItem` of the lock item, returning
   * the new item. A failed condition throws what `conflict` builds from the stored lock
   * (returned with the failure); other errors become `LockStoreError`.
   */
  async #update(
    operation: string,
    ref: LockOwnerRef,
    expression: Expression,
    sets: readonly string[],
    condition: string,
    conflict: (current: CompactionLock | undefined, error: unknown) => Error,
  ): Promise<LockRecord> {
    let attributes: Item | undefined;
    try {
      const output = await this.#client.send(
        new UpdateItemCommand({
          Key: lockKey(ref),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: expression.names,
          ExpressionAttributeValues: expression.values,
          TableName: this.#tableName,
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      attributes = output.Attributes;
    } catch (error) {
      if (isConditionFailure(error)) throw conflict(reportedLock(error.Item), error);
      throw this.#vendorError(operation, ref, error);
    }
    if (attributes === undefined) {
      throw new LockStoreError(`${operation}: DynamoDB returned no attributes for the lock`, {
        context: { lockId: ref.lockId, collection: ref.collection, operation },
      });
    }
    return toLockRecord(this.#toLock(operation, ref, attributes));
  }

  /** The lock item parsed as Python reads it, else `LockStoreError`. */
  #toLock(operation: string, ref: LockRef, item: Item): CompactionLock {
    const parsed = CompactionLockItemSchema.safeParse(item as unknown as DynamoDBItem);
    if (!parsed.success) {
      throw new LockStoreError(
        `${operation}: the lock item of ${ref.lockId} (${ref.collection}) is not a valid CompactionLock: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`,
        {
          cause: parsed.error,
          context: { lockId: ref.lockId, collection: ref.collection, operation },
        },
      );
    }
    return parsed.data;
  }

  #vendorError(operation: string, ref: LockRef, error: unknown): LockStoreError {
    return new LockStoreError(
      `${operation}: DynamoDB call on ${this.#tableName} failed for lock ${ref.lockId} (${ref.collection}): ${(error as Error)?.message ?? String(error)}`,
      {
        cause: error,
        context: {
          lockId: ref.lockId,
          collection: ref.collection,
          operation,
          tableName: this.#tableName,
        },
      },
    );
  }
}
