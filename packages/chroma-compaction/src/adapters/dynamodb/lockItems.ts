/**
 * The lock's DynamoDB items: their keys, and reading the lock and fence counter items back.
 * @internal
 * @packageDocumentation
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  type CompactionLock,
  CompactionLockItemSchema,
  type DynamoDBItem,
} from '@receipt-chroma/dynamo-stream';
import { LockStoreError } from '../../errors.js';
import { FENCE_SK, type LockRef, lockPk } from '../../locks/lockRules.js';

/** A raw DynamoDB item. @internal */
export type Item = Record<string, AttributeValue>;

/** The primary key of a lock item (`SK = LOCK`). @internal */
export const lockKey = (ref: LockRef): Item => ({ PK: { S: lockPk(ref) }, SK: { S: 'LOCK' } });

/** The primary key of a lock's fence counter item (`SK = FENCE`). @internal */
export const fenceKey = (ref: LockRef): Item => ({ PK: { S: lockPk(ref) }, SK: { S: FENCE_SK } });

/** The lock item a failed condition reported, if any and if it parses. @internal */
export const reportedLock = (item: Item | undefined): CompactionLock | undefined => {
  if (item === undefined) return undefined;
  const parsed = CompactionLockItemSchema.safeParse(item as unknown as DynamoDBItem);
  return parsed.success ? parsed.data : undefined;
};

/**
 * The counter value of a fence item: `undefined` when there is no item, else its `fence`
 * as a safe non-negative integer.
 * @throws LockStoreError when the item holds no such number
 * @internal
 */
export const counterValue = (item: Item | undefined, ref: LockRef): number | undefined => {
  if (item === undefined) return undefined;
  const text = item['fence']?.N;
  const value = text === undefined ? Number.NaN : Number(text);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new LockStoreError(
      `acquire: the fence counter of lock ${ref.lockId} (${ref.collection}) is not a non-negative integer: ${JSON.stringify(item['fence'] ?? null)}`,
      { context: { lockId: ref.lockId, collection: ref.collection, operation: 'acquire' } },
    );
  }
  return value;
};
