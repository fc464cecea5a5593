import type * as z from 'zod/mini';
import { type ChromaDBCollection, ChromaDBCollection as Collections } from '../constants.js';
import type { AttributeValue, DynamoDBItem } from '../types.js';
import {
  type Codec,
  INVALID,
  type Invalid,
  type ItemParser,
  itemParser,
  S,
  zodItemSchema,
} from '../validation/attributes.js';
import {
  addIssue,
  type EntityRules,
  entityRules,
  entitySchema,
  isNonNegativeInt,
  isRecord,
  uuid,
  validateDecodedEntity,
} from '../validation/entityParts.js';
import { looseS, rawAttribute } from '../validation/itemGuards.js';
import { check, int, nullable, object, string, withDefault } from '../validation/rules.js';
import { isValidUuid, parsePythonInt } from '../validation/validators.js';
import { writeInt, writeS } from '../validation/writers.js';

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

const COLLECTIONS: readonly string[] = /* @__PURE__ */ Object.values(Collections);
/** `['lines', 'words']`, as Python prints a list. */
const pythonList = (names: readonly string[]): string =>
  `[${names.map((name) => `'${name}'`).join(', ')}]`;
const COLLECTION_LIST: string = /* @__PURE__ */ pythonList(COLLECTIONS);

const counter = (name: string): Codec<number | null> => {
  const message = `${name} must be a non-negative integer`;
  return withDefault(
    nullable(
      int(
        message,
        check((value) => value >= 0, message),
      ),
    ),
    null,
  );
};

const LOCK_ID_MESSAGE = 'lock_id must be a non-empty string';

/** What `counter` returns for `value` (`-1` when it would reject it). */
const acceptCounter = (value: unknown): number | null =>
  value === undefined || value === null ? null : isNonNegativeInt(value) ? value : -1;

/**
 * The rules of a lock: the Python entity's, with its messages, plus `fence` and
 * `time_to_live` (non-negative integers or `null`). @internal
 */
export const COMPACTION_LOCK_RULES: EntityRules<CompactionLock> = /* @__PURE__ */ entityRules(
  () =>
    object({
      lock_id: string(
        LOCK_ID_MESSAGE,
        check((value) => value.trim() !== '', LOCK_ID_MESSAGE),
      ),
      owner: uuid(),
      expires: string('expires must be datetime or ISO-8601 string'),
      collection: string(
        (input) => `collection must be ChromaDBCollection or str, got: ${typeof input}`,
        check(
          (value) => COLLECTIONS.includes(value),
          (input) => `ChromaDBCollection must be one of: ${COLLECTION_LIST}, got: ${String(input)}`,
        ),
      ),
      heartbeat: withDefault(
        nullable(string('heartbeat must be datetime, ISO-8601 string, or None')),
        null,
      ),
      fence: counter('fence'),
      time_to_live: counter('time_to_live'),
    }) as Codec<CompactionLock>,
  (candidate) => {
    if (!isRecord(candidate)) return undefined;
    const { lock_id, owner, expires, collection } = candidate;
    if (typeof lock_id !== 'string' || lock_id.trim() === '' || !isValidUuid(owner)) {
      return undefined;
    }
    if (typeof expires !== 'string' || typeof collection !== 'string') return undefined;
    if (!COLLECTIONS.includes(collection)) return undefined;
    const heartbeat = candidate['heartbeat'] ?? null;
    if (heartbeat !== null && typeof heartbeat !== 'string') return undefined;
    const fence = acceptCounter(candidate['fence']);
    const timeToLive = acceptCounter(candidate['time_to_live']);
    if (fence === -1 || timeToLive === -1) return undefined;
    return {
      lock_id,
      owner,
      expires,
      collection: collection as ChromaDBCollection,
      heartbeat,
      fence,
      time_to_live: timeToLive,
    };
  },
);

/**
 * Validates a lock with the Python entity's rules and messages, plus `fence` and
 * `time_to_live` (non-negative integers or `null`).
 *
 * @example
 * ```ts
 * const lock = CompactionLockSchema.parse({ lock_id: 'chromadb_compaction_lock', owner, expires, collection: 'words', heartbeat: null });
 * ```
 */
export const CompactionLockSchema: z.ZodMiniType<CompactionLock> =
  /* @__PURE__ */ entitySchema(COMPACTION_LOCK_RULES);

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
const optionalCount = (name: string): Codec<number | null> =>
  rawAttribute((value, issues): number | null | Invalid => {
    if (value === undefined || value.NULL === true) return null;
    const parsed = typeof value.N === 'string' ? parsePythonInt(value.N) : undefined;
    if (parsed !== undefined) return parsed;
    addIssue(issues, [], `${name} must be a non-negative integer`);
    return INVALID;
  });

const LOCK_SHAPE = {
  PK: S,
  SK: S,
  owner: S,
  expires: S,
  collection: S,
  heartbeat: looseS,
  fence: /* @__PURE__ */ optionalCount('fence'),
  time_to_live: /* @__PURE__ */ optionalCount('time_to_live'),
};

/** The plain-code parser of lock items, which the stream pipeline uses. @internal */
export const COMPACTION_LOCK_ITEM_PARSER: ItemParser<CompactionLock> = /* @__PURE__ */ itemParser(
  LOCK_SHAPE,
  (decoded, issues): CompactionLock | Invalid => {
    const parts = decoded.PK.split('#');
    if (parts.length < 3 || parts[0] !== 'LOCK') {
      addIssue(issues, ['PK'], `Invalid lock PK format: ${decoded.PK}`);
      return INVALID;
    }
    const collection = parts[1] ?? '';
    if (!COLLECTIONS.includes(collection)) {
      addIssue(
        issues,
        ['PK'],
        `Invalid collection in item: ${collection}. Must be one of: ${COLLECTION_LIST}`,
      );
      return INVALID;
    }
    return validateDecodedEntity(
      COMPACTION_LOCK_RULES,
      {
        lock_id: parts.slice(2).join('#'),
        owner: decoded.owner,
        expires: decoded.expires,
        collection,
        heartbeat: decoded.heartbeat,
        fence: decoded.fence,
        time_to_live: decoded.time_to_live,
      },
      issues,
      { lock_id: 'PK' },
    );
  },
  {
    required: ['PK', 'SK', 'owner', 'expires', 'collection'],
    missingMessage: 'Lock item missing keys',
  },
);

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
export const CompactionLockItemSchema: z.ZodMiniType<CompactionLock, DynamoDBItem> =
  /* @__PURE__ */ zodItemSchema(COMPACTION_LOCK_ITEM_PARSER);
