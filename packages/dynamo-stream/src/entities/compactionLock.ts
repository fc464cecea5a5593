import type * as z from 'zod/mini';
import { type ChromaDBCollection, ChromaDBCollection as Collections } from '../constants.js';
import type { DynamoDBItem } from '../types.js';
import { type Codec, INVALID, type Invalid, S } from '../validation/attributes.js';
import { declaredItemSchema, declaredSchema } from '../validation/declaredSchemas.js';
import { type DeclaredEntity, declareEntity } from '../validation/declareEntity.js';
import { addIssue, uuid } from '../validation/entityParts.js';
import type { EntityOf, Field } from '../validation/field.js';
import { looseInstant, text } from '../validation/fieldKinds.js';
import { rawAttribute } from '../validation/itemGuards.js';
import { check, int, nullable, string, withDefault } from '../validation/rules.js';
import { parsePythonInt } from '../validation/validators.js';
import { writeInt, writeS, writeUnlessNull } from '../validation/writers.js';

// spec §2.8
/**
 * The single-row mutex that guards compaction of one Chroma collection, declared once:
 * TYPE `COMPACTION_LOCK`, PK `LOCK#<collection>#<lock_id>`, SK `LOCK`, plus two attributes
 * Python never writes, a fencing token and a DynamoDB TTL.
 */

const COLLECTIONS: readonly string[] = /* @__PURE__ */ Object.values(Collections);
/** `['lines', 'words']`, as Python prints a list. */
const COLLECTION_LIST: string = /* @__PURE__ */ (() =>
  `[${COLLECTIONS.map((name) => `'${name}'`).join(', ')}]`)();

const LOCK_ID_MESSAGE = 'lock_id must be a non-empty string';

/** The fields a lock's partition key holds. */
const LOCK_KEY_FIELDS = {
  /** The protected resource's name; may contain `#`. */
  lock_id: {
    decode: undefined,
    rule: () =>
      string(
        LOCK_ID_MESSAGE,
        check((value) => value.trim() !== '', LOCK_ID_MESSAGE),
      ),
    write: undefined,
  } as Field<string>,
  /** The collection the lock guards (also an attribute of the item). */
  collection: {
    decode: () => S,
    rule: () =>
      string(
        (input) => `collection must be ChromaDBCollection or str, got: ${typeof input}`,
        check(
          (value) => COLLECTIONS.includes(value),
          (input) => `ChromaDBCollection must be one of: ${COLLECTION_LIST}, got: ${String(input)}`,
        ),
      ) as Codec<ChromaDBCollection>,
    write: writeS,
  } as Field<ChromaDBCollection>,
};

/**
 * A non-negative integer or `null` (`{"N"}`; missing or NULL reads as `null`, and `null` is
 * not written), the fencing token and TTL Python-written items lack.
 */
const counter = (): Field<number | null> => ({
  decode: (name) =>
    rawAttribute((value, issues): number | null | Invalid => {
      if (value === undefined || value.NULL === true) return null;
      const parsed = typeof value.N === 'string' ? parsePythonInt(value.N) : undefined;
      if (parsed !== undefined) return parsed;
      addIssue(issues, [], `${name} must be a non-negative integer`);
      return INVALID;
    }),
  rule: (name) => {
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
  },
  write: /* @__PURE__ */ writeUnlessNull(writeInt),
});

/** The fields of a lock item beyond its key. */
const LOCK_FIELDS = {
  /** The holder: a version 4 or 5 UUID. */
  owner: {
    decode: () => S,
    rule: () => uuid(),
    write: writeS,
  } as Field<string>,
  /** When the lock lapses: an ISO string (any string is accepted, as in Python). */
  expires: /* @__PURE__ */ text('expires must be datetime or ISO-8601 string') as Field<string>,
  /** The holder's last heartbeat, an ISO string, or `null` (written as NULL when empty). */
  heartbeat: /* @__PURE__ */ looseInstant(false) as Field<string | null>,
  /** A fencing token that grows with every acquisition; `null` on Python-written items. */
  fence: /* @__PURE__ */ counter() as Field<number | null>,
  /** Epoch seconds for DynamoDB TTL (attribute `time_to_live`); `null` when not set. */
  time_to_live: /* @__PURE__ */ counter() as Field<number | null>,
};

/**
 * The single-row mutex that guards compaction of one Chroma collection, TYPE
 * `COMPACTION_LOCK`, PK `LOCK#<collection>#<lock_id>`, SK `LOCK`. Compatible with the
 * Python `CompactionLock` item, plus two attributes Python never writes: a fencing token
 * and a DynamoDB TTL. Items written by Python read with both as `null`.
 */
export type CompactionLock = EntityOf<[typeof LOCK_KEY_FIELDS, typeof LOCK_FIELDS]>;

/** Every key a lock item carries. */
export interface CompactionLockKeys {
  /** `LOCK#<collection>#<lock_id>`. */
  PK: string;
  /** `LOCK`. */
  SK: string;
  /** `LOCK#<collection>`. */
  GSI1PK: string;
  /** `EXPIRES#<expires>`. */
  GSI1SK: string;
}

/** What the keys of a lock are built from. */
type LockKeyInput = Pick<CompactionLock, 'collection' | 'lock_id' | 'expires'>;

/** The lock, declared once. @internal */
export const COMPACTION_LOCK: DeclaredEntity<CompactionLock, LockKeyInput, CompactionLockKeys> =
  /* @__PURE__ */ declareEntity({
    type: 'COMPACTION_LOCK',
    key: {
      keys: (lock: LockKeyInput): CompactionLockKeys => ({
        PK: `LOCK#${lock.collection}#${lock.lock_id}`,
        SK: 'LOCK',
        GSI1PK: `LOCK#${lock.collection}`,
        GSI1SK: `EXPIRES#${lock.expires}`,
      }),
      // The collection and lock id come from the PK: `LOCK#words#a#b` → `words`, `a#b`.
      read: (decoded, issues) => {
        const parts = decoded.PK.split('#');
        if (parts.length < 3 || parts[0] !== 'LOCK') {
          addIssue(issues, ['PK'], `Invalid lock PK format: ${decoded.PK}`);
          return undefined;
        }
        const collection = parts[1] ?? '';
        if (!COLLECTIONS.includes(collection)) {
          addIssue(
            issues,
            ['PK'],
            `Invalid collection in item: ${collection}. Must be one of: ${COLLECTION_LIST}`,
          );
          return undefined;
        }
        return { ...decoded, lock_id: parts.slice(2).join('#'), collection };
      },
      attributes: { lock_id: 'PK', collection: 'PK' },
    },
    keyFields: LOCK_KEY_FIELDS,
    fields: [LOCK_FIELDS],
    item: {
      guard: {
        required: ['PK', 'SK', 'owner', 'expires', 'collection'],
        missingMessage: 'Lock item missing keys',
      },
    },
  });

/**
 * The PK, SK and GSI1 keys of a lock, as the Python entity writes them.
 *
 * @param lock - the lock's `collection`, `lock_id` and `expires`
 */
export const compactionLockKeys = (lock: LockKeyInput): CompactionLockKeys =>
  COMPACTION_LOCK.keys(lock);

/**
 * Validates a lock with the Python entity's rules and messages, plus `fence` and
 * `time_to_live` (non-negative integers or `null`).
 *
 * @example
 * ```ts
 * import { CompactionLockSchema, compactionLockToItem } from '@receipt-chroma/dynamo-stream';
 *
 * declare const owner: string; // a version 4 UUID
 * const lock = CompactionLockSchema.parse({
 *   lock_id: 'chromadb_compaction_lock',
 *   owner,
 *   expires: '2026-01-04T12:39:56+00:00',
 *   collection: 'words',
 *   heartbeat: null,
 * });
 * export const item = compactionLockToItem(lock); // fence and time_to_live are null: not written
 * ```
 */
export const CompactionLockSchema: z.ZodMiniType<CompactionLock> =
  /* @__PURE__ */ declaredSchema(COMPACTION_LOCK);

/**
 * Writes a lock as the Python `to_item()` does (keys, `TYPE`, owner, expires, collection,
 * heartbeat or `NULL`), then `fence` and `time_to_live` as numbers when set.
 *
 * @param lock - a valid lock (it is not checked again)
 */
export const compactionLockToItem = (lock: CompactionLock): DynamoDBItem =>
  COMPACTION_LOCK.toItem(lock);

/**
 * Parses a raw lock item like Python's `CompactionLock.from_item`: required
 * `PK, SK, owner, expires, collection`; the collection and lock id come from the PK
 * (`LOCK#words#a#b` → collection `words`, lock id `a#b`); `fence` and `time_to_live` are
 * optional, so Python-written items parse with both `null`.
 *
 * @example
 * ```ts
 * import { CompactionLockItemSchema, type DynamoDBItem } from '@receipt-chroma/dynamo-stream';
 *
 * declare const item: DynamoDBItem; // e.g. a GetItem output's Item
 * const lock = CompactionLockItemSchema.parse(item);
 * console.log(lock.owner, lock.fence); // fence is null on a Python-written item
 * ```
 */
export const CompactionLockItemSchema: z.ZodMiniType<CompactionLock, DynamoDBItem> =
  /* @__PURE__ */ declaredItemSchema(COMPACTION_LOCK);
