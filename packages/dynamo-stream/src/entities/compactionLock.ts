import { z } from 'zod';
import { type ChromaDBCollection, ChromaDBCollection as Collections } from '../constants.js';
import type { AttributeValue, DynamoDBItem } from '../types.js';
import { itemSchema, S } from './attributes.js';
import { addIssue, itemGuard, looseS, rawAttribute, validateInto } from './itemGuards.js';
import { parsePythonInt, UuidSchema } from './validators.js';
import { writeInt, writeS } from './writers.js';

/**
 * The single-row mutex that guards compaction of one Chroma collection, TYPE
 * `COMPACTION_LOCK`, PK `LOCK#<collection>#<lock_id>`, SK `LOCK`. Compatible with the
 * Python `CompactionLock` item, plus two attributes Python never writes: a fencing token
 * and a DynamoDB TTL. Items written by Python read with both as `null`.
 */
export interface CompactionLock {
  /** The protected resource's name; may contain `#`. */
  lock_id: string;
  /** The holder: a version 4 or 5 UUID. */
  owner: string;
  /** When the lock lapses: an ISO string (any string is accepted, as in Python). */
  expires: string;
  collection: ChromaDBCollection;
  /** The holder's last heartbeat, an ISO string, or `null`. */
  heartbeat: string | null;
  /** A fencing token that grows with every acquisition; `null` on Python-written items. */
  fence: number | null;
  /** Epoch seconds for DynamoDB TTL (attribute `time_to_live`); `null` when not set. */
  time_to_live: number | null;
}

/** Every key a lock item carries. */
export interface CompactionLockKeys {
  PK: string;
  SK: string;
  GSI1PK: string;
  GSI1SK: string;
}

/** The PK, SK and GSI1 keys of a lock, as the Python entity writes them. */
export const compactionLockKeys = (
  lock: Pick<CompactionLock, 'collection' | 'lock_id' | 'expires'>,
): CompactionLockKeys => ({
  PK: `LOCK#${lock.collection}#${lock.lock_id}`,
  SK: 'LOCK',
  GSI1PK: `LOCK#${lock.collection}`,
  GSI1SK: `EXPIRES#${lock.expires}`,
});

const COLLECTIONS: readonly string[] = Object.values(Collections);
const COLLECTION_LIST = `[${COLLECTIONS.map((name) => `'${name}'`).join(', ')}]`;

const counter = (name: string): z.ZodType<number | null> =>
  z
    .int({ error: `${name} must be a non-negative integer` })
    .min(0, { error: `${name} must be a non-negative integer` })
    .nullable()
    .default(null) as unknown as z.ZodType<number | null>;

/**
 * Validates a lock with the Python entity's rules and messages, plus `fence` and
 * `time_to_live` (non-negative integers or `null`).
 *
 * @example
 * ```ts
 * const lock = CompactionLockSchema.parse({ lock_id: 'chromadb_compaction_lock', owner, expires, collection: 'words', heartbeat: null });
 * ```
 */
export const CompactionLockSchema: z.ZodType<CompactionLock> = z.object({
  lock_id: z
    .string({ error: 'lock_id must be a non-empty string' })
    .refine((value) => value.trim() !== '', { error: 'lock_id must be a non-empty string' }),
  owner: UuidSchema,
  expires: z.string({ error: 'expires must be datetime or ISO-8601 string' }),
  collection: z
    .string({
      error: (issue) => `collection must be ChromaDBCollection or str, got: ${typeof issue.input}`,
    })
    .refine((value) => COLLECTIONS.includes(value), {
      error: (issue) =>
        `ChromaDBCollection must be one of: ${COLLECTION_LIST}, got: ${String(issue.input)}`,
    }),
  heartbeat: z
    .string({ error: 'heartbeat must be datetime, ISO-8601 string, or None' })
    .nullable()
    .default(null),
  fence: counter('fence'),
  time_to_live: counter('time_to_live'),
}) as unknown as z.ZodType<CompactionLock>;

/**
 * Writes a lock as the Python `to_item()` does (keys, `TYPE`, owner, expires, collection,
 * heartbeat or `NULL`), then `fence` and `time_to_live` as numbers when set.
 */
export const compactionLockToItem = (lock: CompactionLock): DynamoDBItem => {
  const keys = compactionLockKeys(lock);
  const entries: [string, AttributeValue][] = [
    ['PK', writeS(keys.PK)],
    ['SK', writeS(keys.SK)],
    ['GSI1PK', writeS(keys.GSI1PK)],
    ['GSI1SK', writeS(keys.GSI1SK)],
    ['TYPE', writeS('COMPACTION_LOCK')],
    ['owner', writeS(lock.owner)],
    ['expires', writeS(lock.expires)],
    ['collection', writeS(lock.collection)],
    ['heartbeat', lock.heartbeat ? writeS(lock.heartbeat) : { NULL: true }],
  ];
  if (lock.fence !== null) entries.push(['fence', writeInt(lock.fence)]);
  if (lock.time_to_live !== null) entries.push(['time_to_live', writeInt(lock.time_to_live)]);
  return Object.fromEntries(entries);
};

/** `{"N": int}` → the integer; absent or `NULL` → `null`; anything else is an issue. */
const optionalCount = (name: string) =>
  rawAttribute((value, ctx): number | null => {
    if (value === undefined || value.NULL === true) return null;
    const parsed = typeof value.N === 'string' ? parsePythonInt(value.N) : undefined;
    if (parsed !== undefined) return parsed;
    addIssue(ctx, [], `${name} must be a non-negative integer`);
    return z.NEVER;
  });

const LOCK_SHAPE = {
  PK: S,
  SK: S,
  owner: S,
  expires: S,
  collection: S,
  heartbeat: looseS,
  fence: optionalCount('fence'),
  time_to_live: optionalCount('time_to_live'),
};

/**
 * Parses a raw lock item like Python's `CompactionLock.from_item`: required
 * `PK, SK, owner, expires, collection`; the collection and lock id come from the PK
 * (`LOCK#words#a#b` → collection `words`, lock id `a#b`); `fence` and `time_to_live` are
 * optional, so Python-written items parse with both `null`.
 *
 * @example
 * ```ts
 * const lock = CompactionLockItemSchema.parse(getItemOutput.Item);
 * ```
 */
export const CompactionLockItemSchema: z.ZodType<CompactionLock, DynamoDBItem> = itemGuard({
  required: ['PK', 'SK', 'owner', 'expires', 'collection'],
  missingMessage: 'Lock item missing keys',
}).pipe(
  itemSchema(LOCK_SHAPE, (decoded, ctx) => {
    const parts = decoded.PK.split('#');
    if (parts.length < 3 || parts[0] !== 'LOCK') {
      addIssue(ctx, ['PK'], `Invalid lock PK format: ${decoded.PK}`);
      return z.NEVER;
    }
    const collection = parts[1] ?? '';
    if (!COLLECTIONS.includes(collection)) {
      addIssue(
        ctx,
        ['PK'],
        `Invalid collection in item: ${collection}. Must be one of: ${COLLECTION_LIST}`,
      );
      return z.NEVER;
    }
    const lock = validateInto(
      CompactionLockSchema,
      {
        lock_id: parts.slice(2).join('#'),
        owner: decoded.owner,
        expires: decoded.expires,
        collection,
        heartbeat: decoded.heartbeat,
        fence: decoded.fence,
        time_to_live: decoded.time_to_live,
      },
      ctx,
      { lock_id: 'PK' },
    );
    return lock ?? z.NEVER;
  }),
) as unknown as z.ZodType<CompactionLock, DynamoDBItem>;
