import {
  ChromaDBCollection,
  type CompactionLock,
  compactionLockKeys,
  isValidUuid,
} from '@receipt-chroma/dynamo-stream';
import { LockHeldError, LockLostError, LockStoreError } from '../errors.js';
import type {
  AcquireLockRequest,
  LockOwnerRef,
  LockRecord,
  RefreshLockRequest,
} from '../ports/lockStore.js';

// Fixed-width timestamps fix spec §16.3 #2; the fence is described in spec §16 and DESIGN §4.
/**
 * Rules every `LockStore` implementation shares (the DynamoDB adapter and the in-memory
 * double), so both accept the same requests and give the same fences.
 *
 * - **Timestamps** are fixed-width UTC `YYYY-MM-DDTHH:MM:SS.ffffff+00:00`:
 *   the acquire condition compares them as strings.
 * - **Release keeps the item**: it sets `expires` (and `GSI1SK`) to {@link RELEASED_EXPIRES},
 *   which sorts before every real time, so Python's acquire condition
 *   `attribute_not_exists(PK) OR expires < :now` (and ours) lets the next holder in, Python's
 *   reader still parses the item, and its `fence` stays readable.
 * - **Fence**: a fencing token kept in a **counter item** next to the
 *   lock item, `PK = LOCK#{collection}#{lockId}`, `SK = FENCE` ({@link FENCE_SK}), with no
 *   `time_to_live` and no GSI1 keys, so neither DynamoDB TTL nor Python's
 *   `cleanup_expired_locks` (a GSI1 query) ever removes it, and Python readers never see it.
 *   An acquire reads the counter and the lock item, then writes both in one transaction:
 *   the counter moves from the value read to {@link nextFence} (on condition that it still
 *   holds the value read), and the lock item gets that fence on Python's acquire condition.
 *   Fences therefore grow by one per acquire whatever the acquirers' clocks say, across a
 *   deleted lock item (TTL, cleanup) and across a Python writer's overwrite (no `fence`).
 *   The lock item keeps its own `fence` attribute, which readers and the port report.
 *   A Python `CompactionLock` writer knows only the lock item: it ignores the counter, and the
 *   lock item's condition still keeps it and us apart.
 * @internal
 */

/** `expires` of a released lock: Python's earliest datetime, before every real time. @internal */
export const RELEASED_EXPIRES: string = '0001-01-01T00:00:00.000000+00:00';

/** Sort key of the fence counter item, which shares the lock item's partition key. @internal */
export const FENCE_SK = 'FENCE';

/** `TYPE` of the fence counter item (the lock item's is `COMPACTION_LOCK`). @internal */
export const FENCE_COUNTER_TYPE = 'COMPACTION_LOCK_FENCE';

/**
 * The fence of the next tenure: one above both the counter and the lock item's own fence.
 * The counter is `undefined` before the first acquire through it; the lock item's fence
 * counts too so a counter created after the item (or lost by hand) still moves past it.
 * @internal
 */
export const nextFence = (
  counter: number | undefined,
  lockFence: number | null | undefined,
): number => Math.max(counter ?? 0, lockFence ?? 0) + 1;

/**
 * Whether a stored lock blocks an acquire made at `now`: the negation of Python's acquire
 * condition `attribute_not_exists(PK) OR expires < :now` (fixed-width strings compare in
 * time order).
 * @internal
 */
export const blocksAcquire = (
  lock: { readonly expires: string } | undefined,
  now: string,
): boolean => lock !== undefined && !(lock.expires < now);

/** How long DynamoDB TTL keeps a lock item past its `expires`, by default: one day. @internal */
export const DEFAULT_LOCK_TTL_GRACE_SECONDS = 86_400;

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.(\d{6})\+00:00$/;
const COLLECTIONS: readonly string[] = Object.values(ChromaDBCollection);

const invalid = (message: string, ref: Partial<LockOwnerRef>): LockStoreError =>
  new LockStoreError(message, {
    context: { lockId: ref.lockId, collection: ref.collection, owner: ref.owner },
  });

/**
 * Epoch milliseconds (rounded down) of a fixed-width timestamp, or `undefined` when `text` is
 * not exactly `YYYY-MM-DDTHH:MM:SS.ffffff+00:00` for a real date and time.
 * @internal
 */
export const parseLockTimestamp = (text: unknown): number | undefined => {
  if (typeof text !== 'string') return undefined;
  const match = TIMESTAMP.exec(text);
  if (!match) return undefined;
  const seconds = text.slice(0, 19);
  const millis = Date.parse(`${seconds}Z`);
  // Date.parse rolls 2026-02-30 over to March; printing it back catches that.
  if (Number.isNaN(millis) || new Date(millis).toISOString().slice(0, 19) !== seconds) {
    return undefined;
  }
  return millis + Math.floor(Number(match[1]) / 1000);
};

const checkTimestamp = (name: string, value: unknown, ref: Partial<LockOwnerRef>): number => {
  const millis = parseLockTimestamp(value);
  if (millis === undefined) {
    throw invalid(
      `${name} must be a UTC timestamp in the fixed-width form YYYY-MM-DDTHH:MM:SS.ffffff+00:00 ` +
        `(formatPythonTimestamp), got ${JSON.stringify(value)}`,
      ref,
    );
  }
  return millis;
};

/**
 * Checks the lock id and collection: a non-empty `lockId` and a collection the lock item
 * allows (`lines` or `words`).
 * @throws LockStoreError when one is invalid
 * @internal
 */
export const checkLockRef = (ref: {
  readonly lockId: string;
  readonly collection: string;
}): void => {
  if (typeof ref.lockId !== 'string' || ref.lockId.trim() === '') {
    throw invalid('lockId must be a non-empty string', ref);
  }
  if (!COLLECTIONS.includes(ref.collection)) {
    throw invalid(
      `collection must be one of ${COLLECTIONS.join(', ')}, got ${JSON.stringify(ref.collection)}`,
      ref,
    );
  }
};

/**
 * Checks a lock, collection and owner (a version 4 or 5 UUID, as the Python entity requires).
 * @throws LockStoreError when one is invalid
 * @internal
 */
export const checkOwnerRef = (ref: LockOwnerRef): void => {
  checkLockRef(ref);
  if (!isValidUuid(ref.owner)) {
    throw invalid(`owner must be a UUID, got ${JSON.stringify(ref.owner)}`, ref);
  }
};

/**
 * Checks a refresh: the owner reference, and fixed-width `expires` and `heartbeat`.
 * @returns the epoch milliseconds of `expires`
 * @throws LockStoreError when a field is invalid
 * @internal
 */
export const checkRefresh = (request: RefreshLockRequest): number => {
  checkOwnerRef(request);
  if (request.heartbeat !== null) checkTimestamp('heartbeat', request.heartbeat, request);
  return checkTimestamp('expires', request.expires, request);
};

/**
 * Checks an acquire: a valid refresh plus a fixed-width `now` earlier than `expires`.
 * @returns the epoch milliseconds of `expires` and `now`
 * @throws LockStoreError when a field is invalid
 * @internal
 */
export const checkAcquire = (
  request: AcquireLockRequest,
): { readonly expiresMillis: number; readonly nowMillis: number } => {
  const expiresMillis = checkRefresh(request);
  const nowMillis = checkTimestamp('now', request.now, request);
  // Fixed-width timestamps compare as strings in time order, to the microsecond.
  if (request.expires <= request.now) {
    throw invalid(`expires (${request.expires}) must be later than now (${request.now})`, request);
  }
  return { expiresMillis, nowMillis };
};

/** `time_to_live` (epoch seconds) for an item whose lock lapses at `expiresMillis`. @internal */
export const timeToLive = (expiresMillis: number, graceSeconds: number): number =>
  Math.floor(expiresMillis / 1000) + graceSeconds;

/**
 * The lock item an acquire writes: the request's holder and times, the new `fence`, and
 * `time_to_live` (`null` where the store has no TTL). @internal
 */
export const acquiredLock = (
  request: AcquireLockRequest,
  fence: number,
  timeToLiveSeconds: number | null,
): CompactionLock => ({
  lock_id: request.lockId,
  collection: request.collection as CompactionLock['collection'],
  owner: request.owner,
  expires: request.expires,
  heartbeat: request.heartbeat,
  fence,
  time_to_live: timeToLiveSeconds,
});

/** The port's view of a stored lock; a Python-written item (no `fence`) reads as fence 0. @internal */
export const toLockRecord = (lock: CompactionLock): LockRecord => ({
  lockId: lock.lock_id,
  collection: lock.collection,
  owner: lock.owner,
  expires: lock.expires,
  heartbeat: lock.heartbeat,
  fence: lock.fence ?? 0,
});

/** Identifies a lock item. @internal */
export interface LockRef {
  readonly lockId: string;
  readonly collection: string;
}

/** The item's partition key, `LOCK#{collection}#{lockId}` (the sort key is always `LOCK`). @internal */
export const lockPk = (ref: LockRef): string =>
  compactionLockKeys({
    collection: ref.collection as CompactionLock['collection'],
    lock_id: ref.lockId,
    expires: '',
  }).PK;

const holderContext = (holder: CompactionLock | undefined) => ({
  currentOwner: holder?.owner,
  currentExpires: holder?.expires,
  currentFence: holder?.fence ?? undefined,
});

/**
 * The error of an acquire that found the lock held; `holder` is the stored lock when known.
 * @internal
 */
export const lockHeldError = (
  request: LockOwnerRef,
  holder: CompactionLock | undefined,
  cause?: unknown,
): LockHeldError =>
  new LockHeldError(
    `Lock ${request.lockId} (${request.collection}) is held by ${holder?.owner ?? 'another owner'} until ${holder?.expires ?? 'a later time'}; retry after it expires`,
    {
      cause,
      context: { lockId: request.lockId, collection: request.collection, ...holderContext(holder) },
    },
  );

/**
 * The error of a refresh or release by an owner that no longer holds the lock; `holder` is
 * the stored lock (`undefined` when there is none).
 * @internal
 */
export const lockLostError = (
  operation: 'refresh' | 'release',
  request: LockOwnerRef,
  holder: CompactionLock | undefined,
  cause?: unknown,
): LockLostError => {
  const state =
    holder === undefined
      ? 'does not exist'
      : holder.expires === RELEASED_EXPIRES
        ? 'was released'
        : `is held by ${holder.owner}`;
  return new LockLostError(
    `Cannot ${operation} lock ${request.lockId} (${request.collection}) for ${request.owner}: it ${state}`,
    {
      cause,
      context: {
        lockId: request.lockId,
        collection: request.collection,
        owner: request.owner,
        ...holderContext(holder),
      },
    },
  );
};
