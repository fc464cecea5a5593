import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type CompactionLock,
  CompactionLockItemSchema,
  compactionLockToItem,
  type DynamoDBItem,
} from '@receipt-chroma/dynamo-stream';
import { LockStoreError } from '../../errors.js';
import {
  checkAcquire,
  checkLockRef,
  checkOwnerRef,
  checkRefresh,
  DEFAULT_LOCK_TTL_GRACE_SECONDS,
  type LockRef,
  lockHeldError,
  lockLostError,
  lockPk,
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

type Item = Record<string, AttributeValue>;

/** Attribute names and values of an update, with placeholders `#name` / `:name`. */
class Expression {
  readonly names: Record<string, string> = {};
  readonly values: Item = {};

  name(attribute: string): string {
    const placeholder = `#${attribute.replace(/\W/g, '_')}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  value(key: string, value: AttributeValue): string {
    const placeholder = `:${key}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** `SET #a = :a, …` for every attribute of `item`. */
  setAll(item: Item): string[] {
    return Object.entries(item).map(
      ([attribute, value]) => `${this.name(attribute)} = ${this.value(attribute, value)}`,
    );
  }
}

const isConditionFailure = (error: unknown): error is { Item?: Item } =>
  (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';

/** The lock item a failed condition reported (`ReturnValuesOnConditionCheckFailure`), if any. */
const currentLock = (error: { Item?: Item }): CompactionLock | undefined => {
  if (error.Item === undefined) return undefined;
  const parsed = CompactionLockItemSchema.safeParse(error.Item as unknown as DynamoDBItem);
  return parsed.success ? parsed.data : undefined;
};

/** The primary key of a lock item. */
const lockKey = (ref: LockRef): Item => ({ PK: { S: lockPk(ref) }, SK: { S: 'LOCK' } });

/**
 * The `LockStore` on DynamoDB, writing the Python `CompactionLock` item (spec §16.1) through
 * the dynamo-stream lock writer: `PK = LOCK#{collection}#{lockId}`, `SK = LOCK`,
 * `GSI1PK = LOCK#{collection}`, `GSI1SK = EXPIRES#{expires}`, `TYPE = COMPACTION_LOCK`,
 * `owner`, `expires`, `collection`, `heartbeat`, plus `fence` (a number that grows with every
 * acquire) and `time_to_live` (epoch seconds, `expires` plus a grace period, for DynamoDB TTL).
 *
 * Every change is one conditional `UpdateItem`, so races are decided by DynamoDB:
 *
 * - `acquire`: condition `attribute_not_exists(PK) OR expires < :now` (Python's), sets every
 *   attribute and `fence = if_not_exists(fence, base) + 1`; a failed condition rejects with
 *   `LockHeldError` whose context names the current owner, expiry and fence.
 * - `refresh`: sets only `expires`, `heartbeat`, `GSI1SK` and `time_to_live`, on condition
 *   `owner = :me` and not released (fixes spec §16.3 #1: a stale holder can no longer
 *   overwrite its successor's item); otherwise `LockLostError`.
 * - `release`: on the same condition, keeps the item but sets `expires` to
 *   `0001-01-01T00:00:00.000000+00:00`, so the lock is free for Python and TS acquirers alike
 *   while the `fence` survives; a missing, released or foreign lock rejects with
 *   `LockLostError`.
 * - `read`: a consistent `GetItem`; items Python wrote (no fence) read as fence 0.
 *
 * Invalid requests (empty lock id, collection other than `lines`/`words`, owner not a UUID,
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
   * @throws LockStoreError when `tableName` is empty or `timeToLiveGraceSeconds` is not an
   *   integer `>= 0`
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

  /** Takes the lock when it is free or expired; see the class documentation. */
  async acquire(request: AcquireLockRequest): Promise<LockRecord> {
    const { expiresMillis, nowMillis } = checkAcquire(request);
    const item: Item = compactionLockToItem({
      lock_id: request.lockId,
      collection: request.collection as CompactionLock['collection'],
      owner: request.owner,
      expires: request.expires,
      heartbeat: request.heartbeat,
      fence: null,
      time_to_live: timeToLive(expiresMillis, this.#graceSeconds),
    }) as unknown as Item;
    const { PK: _pk, SK: _sk, ...attributes } = item;
    const expression = new Expression();
    const sets = expression.setAll(attributes);
    const fence = expression.name('fence');
    sets.push(
      `${fence} = if_not_exists(${fence}, ${expression.value('fenceBase', { N: String(nowMillis) })}) + ${expression.value('one', { N: '1' })}`,
    );
    const condition = `attribute_not_exists(${expression.name('PK')}) OR ${expression.name('expires')} < ${expression.value('now', { S: request.now })}`;
    return this.#update('acquire', request, expression, sets, condition, (current, error) =>
      lockHeldError(request, current, error),
    );
  }

  /** Extends a lock `owner` still holds; see the class documentation. */
  async refresh(request: RefreshLockRequest): Promise<LockRecord> {
    const expiresMillis = checkRefresh(request);
    return this.#ownerUpdate('refresh', request, {
      expires: { S: request.expires },
      heartbeat: request.heartbeat === null ? { NULL: true } : { S: request.heartbeat },
      GSI1SK: { S: `EXPIRES#${request.expires}` },
      time_to_live: { N: String(timeToLive(expiresMillis, this.#graceSeconds)) },
    });
  }

  /** Frees a lock `owner` holds, keeping its fence; see the class documentation. */
  async release(request: LockOwnerRef): Promise<void> {
    checkOwnerRef(request);
    await this.#ownerUpdate('release', request, {
      expires: { S: RELEASED_EXPIRES },
      GSI1SK: { S: `EXPIRES#${RELEASED_EXPIRES}` },
      time_to_live: { N: String(timeToLive(Date.now(), this.#graceSeconds)) },
    });
  }

  /** The stored lock, released or expired ones included, or `undefined` when there is none. */
  async read(lock: LockRef): Promise<LockRecord | undefined> {
    checkLockRef(lock);
    let item: Item | undefined;
    try {
      const output = await this.#client.send(
        new GetItemCommand({
          TableName: this.#tableName,
          Key: lockKey(lock),
          ConsistentRead: true,
        }),
      );
      item = output.Item;
    } catch (error) {
      throw this.#vendorError('read', lock, error);
    }
    return item === undefined ? undefined : this.#toRecord('read', lock, item);
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
      if (isConditionFailure(error)) throw conflict(currentLock(error), error);
      throw this.#vendorError(operation, ref, error);
    }
    if (attributes === undefined) {
      throw new LockStoreError(`${operation}: DynamoDB returned no attributes for the lock`, {
        context: { lockId: ref.lockId, collection: ref.collection, operation },
      });
    }
    return this.#toRecord(operation, ref, attributes);
  }

  #toRecord(operation: string, ref: LockRef, item: Item): LockRecord {
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
    return toLockRecord(parsed.data);
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
