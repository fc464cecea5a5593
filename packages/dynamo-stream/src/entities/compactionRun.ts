import type * as z from 'zod/mini';
import { COMPACTION_RUN_SORT_KEY, type TableKeys } from '../keys/receiptKeys.js';
import type { AttributeValue, DynamoDBItem } from '../types.js';
import type { Codec, IssueSink } from '../validation/attributes.js';
import { declaredItemSchema, declaredSchema } from '../validation/declaredSchemas.js';
import type { PrimaryKey } from '../validation/declareEntity.js';
import { addIssue } from '../validation/entityParts.js';
import type { EntityOf, Field } from '../validation/field.js';
import { imageId, looseInstant, oneOf, positiveId, text } from '../validation/fieldKinds.js';
import { looseInt, looseS } from '../validation/itemGuards.js';
import { declareReceiptEntity, type ReceiptEntity } from '../validation/receiptEntity.js';
import { check, int, minLength, string, withDefault } from '../validation/rules.js';
import { parsePythonInt } from '../validation/validators.js';
import { writeInt, writeS } from '../validation/writers.js';
import { CompactionState } from './enums.js';

// spec §2.9
/**
 * One delta-compaction run for a receipt, declared once. Its item is read leniently, as
 * Python's `item_to_compaction_run` reads it: any attribute of the wrong type reads as
 * missing, and a missing one as its default.
 */

/** `field` with an attribute read as `{"S"}` or `{"N"}` when it is one, else as `fallback`. */
const lenient = <T>(
  field: Field<T>,
  read: Codec<unknown>,
  fallback: (value: unknown) => unknown,
): Field<T> => ({
  ...field,
  decode: () => (value, issues) => fallback(read(value, issues)),
});

/** A key field that is an attribute too, read leniently (`null` when not of its type). */
const alsoStored = <T>(
  field: Field<T>,
  read: Codec<unknown>,
  write: (value: T) => AttributeValue,
): Field<T> => ({ ...field, decode: () => read, write });

/** A string attribute read leniently; missing (or of another type) reads as `''`. */
const leniently = <T>(field: Field<T>): Field<T> => lenient(field, looseS, (value) => value ?? '');

/** A non-empty string (the delta prefixes). */
const prefix = (): Field<string> =>
  leniently({
    ...text(),
    rule: (name) => {
      const message = `${name} must be a non-empty string`;
      return string(message, minLength(1, message));
    },
  });

/** A run state; missing reads as `PENDING`. */
const state = (): Field<CompactionState> => {
  const states: ReadonlySet<unknown> = new Set(Object.values(CompactionState));
  const field = oneOf(Object.values(CompactionState));
  return lenient(
    {
      ...field,
      rule: (name) => {
        const message = (input: unknown): string => `invalid ${name}: ${String(input)}`;
        return withDefault(
          string(
            message,
            check((value) => states.has(value), message),
          ) as Codec<CompactionState>,
          'PENDING',
        );
      },
    },
    looseS,
    (value) => value ?? 'PENDING',
  );
};

/** An error message, `''` when none (written as NULL then). */
const error = (): Field<string> =>
  leniently({
    ...text(),
    rule: (name) => withDefault(string(`${name} must be a string`), ''),
    write: (value) => (value ? writeS(value) : { NULL: true }),
  });

/** A count of merged vectors, `>= 0`; missing reads as 0. */
const vectors = (): Field<number> =>
  lenient(
    {
      decode: undefined,
      rule: (name) => {
        const message = `${name} must be a non-negative int`;
        return withDefault(
          int(
            message,
            check((value) => value >= 0, message),
          ),
          0,
        );
      },
      write: writeInt,
    },
    looseInt,
    (value) => value ?? 0,
  );

/**
 * The fields a run's keys hold (`IMAGE#<image_id>`, `RECEIPT#<rid>#COMPACTION_RUN#<run_id>`);
 * Python writes each as an attribute too, which must then agree with the keys. In Python's
 * order, which is the order of their issues.
 */
const RUN_KEY_FIELDS = {
  /** A version 4 or 5 UUID. */
  run_id: /* @__PURE__ */ alsoStored(/* @__PURE__ */ imageId(), looseS, writeS) as Field<string>,
  /** The image the receipt was cut from: a version 4 or 5 UUID. */
  image_id: /* @__PURE__ */ alsoStored(/* @__PURE__ */ imageId(), looseS, writeS) as Field<string>,
  /** The receipt number within the image, `> 0`. */
  receipt_id: /* @__PURE__ */ alsoStored(
    /* @__PURE__ */ positiveId(),
    looseInt,
    writeInt,
  ) as Field<number>,
};

/** The fields of a run beyond its key. */
const RUN_FIELDS = {
  /** The S3 prefix of the lines delta, non-empty. */
  lines_delta_prefix: /* @__PURE__ */ prefix() as Field<string>,
  /** The S3 prefix of the words delta, non-empty. */
  words_delta_prefix: /* @__PURE__ */ prefix() as Field<string>,
  /** Where merging the lines delta stands; `PENDING` when missing. */
  lines_state: /* @__PURE__ */ state() as Field<CompactionState>,
  /** Where merging the words delta stands; `PENDING` when missing. */
  words_state: /* @__PURE__ */ state() as Field<CompactionState>,
  /** When merging the lines delta started, an ISO string, or `null`. */
  lines_started_at: /* @__PURE__ */ looseInstant(true) as Field<string | null>,
  /** When merging the lines delta finished, an ISO string, or `null`. */
  lines_finished_at: /* @__PURE__ */ looseInstant(true) as Field<string | null>,
  /** When merging the words delta started, an ISO string, or `null`. */
  words_started_at: /* @__PURE__ */ looseInstant(true) as Field<string | null>,
  /** When merging the words delta finished, an ISO string, or `null`. */
  words_finished_at: /* @__PURE__ */ looseInstant(true) as Field<string | null>,
  /** Why merging the lines delta failed; `""` when it did not. */
  lines_error: /* @__PURE__ */ error() as Field<string>,
  /** Why merging the words delta failed; `""` when it did not. */
  words_error: /* @__PURE__ */ error() as Field<string>,
  /** How many line vectors were merged, `>= 0`; 0 when missing. */
  lines_merged_vectors: /* @__PURE__ */ vectors() as Field<number>,
  /** How many word vectors were merged, `>= 0`; 0 when missing. */
  words_merged_vectors: /* @__PURE__ */ vectors() as Field<number>,
  /** An ISO string; there is no "now" default, so parsing stays deterministic. */
  created_at: /* @__PURE__ */ leniently(
    /* @__PURE__ */ text('created_at must be datetime, ISO-8601 string, or None'),
  ) as Field<string>,
  /** When the run was last updated, an ISO string, or `null`. */
  updated_at: /* @__PURE__ */ looseInstant(true) as Field<string | null>,
};

/**
 * One delta-compaction run for a receipt, TYPE `COMPACTION_RUN`, SK
 * `RECEIPT#<rid:05>#COMPACTION_RUN#<run_id>`: the S3 prefixes of the lines and words
 * deltas and the merge state of each collection.
 */
export type CompactionRun = EntityOf<[typeof RUN_KEY_FIELDS, typeof RUN_FIELDS]>;

/** Every key a compaction-run item carries. */
export type CompactionRunKeys = TableKeys<'GSI1'>;

/** What the keys of a run are built from. */
type RunKeyInput = Pick<CompactionRun, 'image_id' | 'receipt_id' | 'run_id' | 'created_at'>;

const KEY_NAMES = ['image_id', 'run_id', 'receipt_id'] as const;

/**
 * Reads a run's ids from its keys as Python does (`IMAGE#<image_id>`, and a sort key of at
 * least four segments `RECEIPT#<rid>#COMPACTION_RUN#<run_id>`); the id attributes, when
 * present, must agree with the keys.
 */
const readRunKeys = (
  decoded: Record<string, unknown> & PrimaryKey,
  issues: IssueSink,
): Record<string, unknown> | undefined => {
  const { PK: pk, SK: sk } = decoded;
  if (!pk.startsWith('IMAGE#')) {
    addIssue(issues, ['PK'], `Invalid PK for CompactionRun: ${pk}`);
    return undefined;
  }
  const parts = sk.split('#');
  if (parts.length < 4 || parts[0] !== 'RECEIPT' || parts[2] !== 'COMPACTION_RUN') {
    addIssue(issues, ['SK'], `Invalid SK for CompactionRun: ${sk}`);
    return undefined;
  }
  const receiptId = parsePythonInt(parts[1] ?? '');
  if (receiptId === undefined) {
    addIssue(issues, ['SK'], `Invalid receipt_id in SK: ${sk}`);
    return undefined;
  }
  const fromKeys = { image_id: pk.slice(6), receipt_id: receiptId, run_id: parts[3] };
  let consistent = true;
  for (const name of KEY_NAMES) {
    const stored = decoded[name] ?? null;
    if (stored !== null && stored !== fromKeys[name]) {
      addIssue(
        issues,
        [name],
        `${name} does not match entity keys: the attribute says "${String(stored)}" but the keys give "${String(fromKeys[name])}"`,
      );
      consistent = false;
    }
  }
  return consistent ? { ...decoded, ...fromKeys } : undefined;
};

/** The compaction run, declared once. @internal */
export const COMPACTION_RUN: ReceiptEntity<
  CompactionRun,
  RunKeyInput,
  CompactionRunKeys,
  EntityOf<[typeof RUN_KEY_FIELDS]>
> = /* @__PURE__ */ declareReceiptEntity({
  type: 'COMPACTION_RUN',
  sortKey: COMPACTION_RUN_SORT_KEY,
  keyFields: RUN_KEY_FIELDS,
  fields: [RUN_FIELDS],
  indexes: (run: RunKeyInput) => ({ GSI1PK: 'RUNS', GSI1SK: `CREATED_AT#${run.created_at}` }),
  item: {
    guard: {
      required: ['PK', 'SK', 'TYPE', 'lines_delta_prefix', 'words_delta_prefix', 'created_at'],
      missingMessage: 'CompactionRun item missing keys',
    },
    checksType: true,
    readKeys: readRunKeys,
  },
});

/**
 * The PK, SK and GSI1 keys of a run, as the Python entity writes them.
 *
 * @param run - the run's ids and `created_at` (GSI1 is keyed by it)
 */
export const compactionRunKeys = (run: RunKeyInput): CompactionRunKeys => COMPACTION_RUN.keys(run);

/**
 * Validates a compaction run with the Python entity's rules and messages; omitted states
 * default to `PENDING`, errors to `""` and vector counts to 0.
 *
 * @example
 * ```ts
 * import { CompactionRunSchema } from '@receipt-chroma/dynamo-stream';
 *
 * declare const run_id: string, image_id: string; // version 4 UUIDs
 * const run = CompactionRunSchema.parse({
 *   run_id,
 *   image_id,
 *   receipt_id: 1,
 *   lines_delta_prefix: `lines/delta/${run_id}/`,
 *   words_delta_prefix: `words/delta/${run_id}/`,
 *   created_at: '2026-01-04T12:34:56+00:00',
 * });
 * console.log(run.lines_state); // 'PENDING'
 * ```
 */
export const CompactionRunSchema: z.ZodMiniType<CompactionRun> =
  /* @__PURE__ */ declaredSchema(COMPACTION_RUN);

/**
 * Writes a run as the Python `to_item()` does: keys, `TYPE`, ids, prefixes, states,
 * vector counts and `created_at`, and `NULL` for every empty timestamp or error.
 *
 * @param run - a valid run (it is not checked again)
 */
export const compactionRunToItem = (run: CompactionRun): DynamoDBItem => COMPACTION_RUN.toItem(run);

/**
 * Parses a raw compaction-run item like Python's `item_to_compaction_run`: required
 * `PK, SK, TYPE, lines_delta_prefix, words_delta_prefix, created_at`; ids from the keys
 * (`IMAGE#<image_id>`, `RECEIPT#<n>#COMPACTION_RUN#<run_id>`); lenient reads of the
 * optional attributes; then the entity's validation. Additionally `TYPE` must be
 * `COMPACTION_RUN`, and `run_id`/`image_id`/`receipt_id` attributes, when present, must
 * agree with the keys.
 *
 * @example
 * ```ts
 * import { CompactionRunItemSchema, type DynamoDBItem } from '@receipt-chroma/dynamo-stream';
 *
 * declare const item: DynamoDBItem;
 * const run = CompactionRunItemSchema.parse(item);
 * console.log(run.lines_state, run.words_state);
 * ```
 */
export const CompactionRunItemSchema: z.ZodMiniType<CompactionRun, DynamoDBItem> =
  /* @__PURE__ */ declaredItemSchema(COMPACTION_RUN);
