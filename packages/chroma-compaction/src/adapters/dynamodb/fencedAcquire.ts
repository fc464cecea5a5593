import type {
  CancellationReason,
  TransactWriteItem,
  TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import { FENCE_COUNTER_TYPE } from '../../locks/lockRules.js';
import type { AcquireLockRequest } from '../../ports/lockStore.js';
import { Expression } from './Expression.js';
import { fenceKey, type Item, lockKey } from './lockItems.js';

/**
 * The acquire transaction of `DynamoLockStore` (see `lockRules.ts`, **Fence**): one
 * `TransactWriteItems` that takes the lock item and moves the fence counter together, so a
 * fence is handed out once and only to the acquire that took the lock.
 *
 * 1. `Update` of the lock item (`SK = LOCK`): every attribute of the new tenure, `fence`
 *    included, on Python's condition `attribute_not_exists(PK) OR expires < :now`.
 * 2. `Update` of the counter item (`SK = FENCE`): `fence = :fence`, on condition that the
 *    counter still holds the value the acquire read (`attribute_not_exists(PK)` when there
 *    was none), so two acquires that read the same counter cannot both succeed.
 */

/** The lock item is the first write of the transaction, the counter the second. @internal */
export const LOCK_WRITE = 0;
/** Index of the counter write in the transaction. @internal */
export const COUNTER_WRITE = 1;

/** What the transaction needs beyond the request. @internal */
export interface FencedAcquire {
  readonly tableName: string;
  readonly request: AcquireLockRequest;
  /** The lock item's attributes other than its keys, `fence` included. */
  readonly attributes: Item;
  readonly fence: number;
  /** The counter value read before, `undefined` when there was no counter item. */
  readonly seenCounter: number | undefined;
  /** `ClientRequestToken`: the SDK's own retries of this request then apply it once. */
  readonly token: string;
}

/** The `TransactWriteItems` input of one acquire attempt. @internal */
export const fencedAcquireInput = (acquire: FencedAcquire): TransactWriteItemsCommandInput => {
  const lock = new Expression();
  const lockCondition = `attribute_not_exists(${lock.name('PK')}) OR ${lock.name('expires')} < ${lock.value('now', { S: acquire.request.now })}`;
  const lockSets = lock.setAll(acquire.attributes);

  const counter = new Expression();
  const fence = counter.name('fence');
  const counterCondition =
    acquire.seenCounter === undefined
      ? `attribute_not_exists(${counter.name('PK')})`
      : `${fence} = ${counter.value('seen', { N: String(acquire.seenCounter) })}`;
  const counterSets = [
    `${counter.name('TYPE')} = ${counter.value('type', { S: FENCE_COUNTER_TYPE })}`,
    `${fence} = ${counter.value('fence', { N: String(acquire.fence) })}`,
  ];

  const lockWrite: TransactWriteItem = {
    Update: {
      TableName: acquire.tableName,
      Key: lockKey(acquire.request),
      UpdateExpression: `SET ${lockSets.join(', ')}`,
      ConditionExpression: lockCondition,
      ExpressionAttributeNames: lock.names,
      ExpressionAttributeValues: lock.values,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
  const counterWrite: TransactWriteItem = {
    Update: {
      TableName: acquire.tableName,
      Key: fenceKey(acquire.request),
      UpdateExpression: `SET ${counterSets.join(', ')}`,
      ConditionExpression: counterCondition,
      ExpressionAttributeNames: counter.names,
      ExpressionAttributeValues: counter.values,
    },
  };
  // In the order of LOCK_WRITE and COUNTER_WRITE, which index the cancellation reasons.
  const writes = [lockWrite, counterWrite];
  return { TransactItems: writes, ClientRequestToken: acquire.token };
};

/** The per-write reasons of a cancelled transaction, or `undefined` for any other error. @internal */
export const cancellationReasons = (error: unknown): readonly CancellationReason[] | undefined => {
  const candidate = error as { name?: unknown; CancellationReasons?: unknown } | null;
  if (candidate?.name !== 'TransactionCanceledException') return undefined;
  return Array.isArray(candidate.CancellationReasons)
    ? (candidate.CancellationReasons as CancellationReason[])
    : [];
};

/** Reasons that mean another writer got in between the read and the transaction. */
const RACE_CODES: ReadonlySet<string> = new Set([
  'None',
  'ConditionalCheckFailed',
  'TransactionConflict',
]);

/**
 * How a cancelled acquire transaction ended:
 * - `held`: the lock item's condition failed, so the lock is live (its item is reported);
 * - `raced`: only the counter moved or another transaction touched an item; read again;
 * - `failed`: any other reason (throttling, validation, …).
 * @internal
 */
export const classifyCancellation = (
  reasons: readonly CancellationReason[],
): 'held' | 'raced' | 'failed' => {
  if (reasons[LOCK_WRITE]?.Code === 'ConditionalCheckFailed') return 'held';
  if (reasons.length === 0) return 'failed';
  return reasons.every((reason) => RACE_CODES.has(reason.Code ?? 'None')) ? 'raced' : 'failed';
};
