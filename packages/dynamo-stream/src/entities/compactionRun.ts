import type * as z from 'zod/mini';
import { imagePk, receiptSkPrefix } from '../keys/receiptKeys.js';
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
  isPositiveInt,
  isRecord,
  positiveInt,
  uuid,
  validateDecodedEntity,
} from '../validation/entityParts.js';
import { looseInt, looseS, rawAttribute } from '../validation/itemGuards.js';
import {
  check,
  int,
  minLength,
  nullable,
  object,
  string,
  withDefault,
} from '../validation/rules.js';
import { isValidUuid, parsePythonInt } from '../validation/validators.js';
import { writeInt, writeS } from '../validation/writers.js';
import { CompactionState } from './enums.js';

/**
 * One delta-compaction run for a receipt, TYPE `COMPACTION_RUN`, SK
 * `RECEIPT#<rid:05>#COMPACTION_RUN#<run_id>`: the S3 prefixes of the lines and words
 * deltas and the merge state of each collection.
 */
export interface CompactionRun {
  /** A version 4 or 5 UUID. */
  run_id: string;
  image_id: string;
  receipt_id: number;
  lines_delta_prefix: string;
  words_delta_prefix: string;
  lines_state: CompactionState;
  words_state: CompactionState;
  lines_started_at: string | null;
  lines_finished_at: string | null;
  words_started_at: string | null;
  words_finished_at: string | null;
  lines_error: string;
  words_error: string;
  lines_merged_vectors: number;
  words_merged_vectors: number;
  /** An ISO string; there is no "now" default, so parsing stays deterministic. */
  created_at: string;
  updated_at: string | null;
}

/** Every key a compaction-run item carries. */
export interface CompactionRunKeys {
  PK: string;
  SK: string;
  GSI1PK: string;
  GSI1SK: string;
}

/** The PK, SK and GSI1 keys of a run, as the Python entity writes them. */
export const compactionRunKeys = (
  run: Pick<CompactionRun, 'image_id' | 'receipt_id' | 'run_id' | 'created_at'>,
): CompactionRunKeys => ({
  PK: imagePk(run.image_id),
  SK: `${receiptSkPrefix(run.receipt_id)}#COMPACTION_RUN#${run.run_id}`,
  GSI1PK: 'RUNS',
  GSI1SK: `CREATED_AT#${run.created_at}`,
});

const COMPACTION_STATES: ReadonlySet<unknown> = /* @__PURE__ */ new Set(
  /* @__PURE__ */ Object.values(CompactionState),
);

const state = (name: string): Codec<CompactionState> => {
  const message = (input: unknown): string => `invalid ${name}: ${String(input)}`;
  return withDefault(
    string(
      message,
      check((value) => COMPACTION_STATES.has(value), message),
    ) as Codec<CompactionState>,
    'PENDING',
  );
};

/** A non-empty string. */
const prefix = (name: string): Codec<string> => {
  const message = `${name} must be a non-empty string`;
  return string(message, minLength(1, message));
};

const instant = (name: string): Codec<string | null> =>
  withDefault(nullable(string(`${name} must be datetime, ISO-8601 string, or None`)), null);

const vectors = (name: string): Codec<number> => {
  const message = `${name} must be a non-negative int`;
  return withDefault(
    int(
      message,
      check((value) => value >= 0, message),
    ),
    0,
  );
};

const INSTANT_FIELDS = [
  'lines_started_at',
  'lines_finished_at',
  'words_started_at',
  'words_finished_at',
] as const;

/** What `instant` returns for `value` (`undefined` when it would reject it). */
const acceptInstant = (value: unknown): string | null | undefined =>
  value === undefined || value === null ? null : typeof value === 'string' ? value : undefined;

/** What `vectors` returns for `value` (`-1` when it would reject it). */
const acceptVectors = (value: unknown): number =>
  value === undefined ? 0 : isNonNegativeInt(value) ? value : -1;

/**
 * The rules of a compaction run, with the Python entity's messages; omitted states default
 * to `PENDING`, errors to `""` and vector counts to 0. @internal
 */
export const COMPACTION_RUN_RULES: EntityRules<CompactionRun> = /* @__PURE__ */ entityRules(
  () =>
    object({
      run_id: uuid(),
      image_id: uuid(),
      receipt_id: positiveInt('receipt_id'),
      lines_delta_prefix: prefix('lines_delta_prefix'),
      words_delta_prefix: prefix('words_delta_prefix'),
      lines_state: state('lines_state'),
      words_state: state('words_state'),
      lines_started_at: instant('lines_started_at'),
      lines_finished_at: instant('lines_finished_at'),
      words_started_at: instant('words_started_at'),
      words_finished_at: instant('words_finished_at'),
      lines_error: withDefault(string('lines_error must be a string'), ''),
      words_error: withDefault(string('words_error must be a string'), ''),
      lines_merged_vectors: vectors('lines_merged_vectors'),
      words_merged_vectors: vectors('words_merged_vectors'),
      created_at: string('created_at must be datetime, ISO-8601 string, or None'),
      updated_at: instant('updated_at'),
    }) as Codec<CompactionRun>,
  (candidate) => {
    if (!isRecord(candidate)) return undefined;
    const { run_id, image_id, receipt_id, lines_delta_prefix, words_delta_prefix } = candidate;
    if (!isValidUuid(run_id) || !isValidUuid(image_id) || !isPositiveInt(receipt_id)) {
      return undefined;
    }
    if (typeof lines_delta_prefix !== 'string' || lines_delta_prefix === '') return undefined;
    if (typeof words_delta_prefix !== 'string' || words_delta_prefix === '') return undefined;
    const linesState =
      candidate['lines_state'] === undefined ? 'PENDING' : candidate['lines_state'];
    const wordsState =
      candidate['words_state'] === undefined ? 'PENDING' : candidate['words_state'];
    if (!COMPACTION_STATES.has(linesState) || !COMPACTION_STATES.has(wordsState)) {
      return undefined;
    }
    const run: Record<string, unknown> = {
      run_id,
      image_id,
      receipt_id,
      lines_delta_prefix,
      words_delta_prefix,
      lines_state: linesState,
      words_state: wordsState,
    };
    for (const name of INSTANT_FIELDS) {
      const value = acceptInstant(candidate[name]);
      if (value === undefined) return undefined;
      run[name] = value;
    }
    const linesError = candidate['lines_error'];
    const wordsError = candidate['words_error'];
    if (linesError !== undefined && typeof linesError !== 'string') return undefined;
    if (wordsError !== undefined && typeof wordsError !== 'string') return undefined;
    run['lines_error'] = linesError ?? '';
    run['words_error'] = wordsError ?? '';
    const linesVectors = acceptVectors(candidate['lines_merged_vectors']);
    const wordsVectors = acceptVectors(candidate['words_merged_vectors']);
    if (linesVectors < 0 || wordsVectors < 0) return undefined;
    run['lines_merged_vectors'] = linesVectors;
    run['words_merged_vectors'] = wordsVectors;
    const createdAt = candidate['created_at'];
    const updatedAt = acceptInstant(candidate['updated_at']);
    if (typeof createdAt !== 'string' || updatedAt === undefined) return undefined;
    run['created_at'] = createdAt;
    run['updated_at'] = updatedAt;
    return run as unknown as CompactionRun;
  },
);

/**
 * Validates a compaction run with the Python entity's rules and messages; omitted states
 * default to `PENDING`, errors to `""` and vector counts to 0.
 *
 * @example
 * ```ts
 * const run = CompactionRunSchema.parse({ run_id, image_id, receipt_id: 1, lines_delta_prefix, words_delta_prefix, created_at });
 * ```
 */
export const CompactionRunSchema: z.ZodMiniType<CompactionRun> =
  /* @__PURE__ */ entitySchema(COMPACTION_RUN_RULES);

const NULLABLE_FIELDS = [
  'lines_started_at',
  'lines_finished_at',
  'words_started_at',
  'words_finished_at',
  'updated_at',
  'lines_error',
  'words_error',
] as const;

/**
 * Writes a run as the Python `to_item()` does: keys, `TYPE`, ids, prefixes, states,
 * vector counts and `created_at`, then `NULL` for every empty timestamp or error.
 */
export const compactionRunToItem = (run: CompactionRun): DynamoDBItem => {
  const keys = compactionRunKeys(run);
  const entries: [string, AttributeValue][] = [
    ['PK', writeS(keys.PK)],
    ['SK', writeS(keys.SK)],
    ['GSI1PK', writeS(keys.GSI1PK)],
    ['GSI1SK', writeS(keys.GSI1SK)],
    ['TYPE', writeS('COMPACTION_RUN')],
    ['run_id', writeS(run.run_id)],
    ['image_id', writeS(run.image_id)],
    ['receipt_id', writeInt(run.receipt_id)],
    ['lines_delta_prefix', writeS(run.lines_delta_prefix)],
    ['words_delta_prefix', writeS(run.words_delta_prefix)],
    ['lines_state', writeS(run.lines_state)],
    ['words_state', writeS(run.words_state)],
    ['lines_merged_vectors', writeInt(run.lines_merged_vectors)],
    ['words_merged_vectors', writeInt(run.words_merged_vectors)],
    ['created_at', writeS(run.created_at)],
  ];
  for (const name of NULLABLE_FIELDS) {
    const value = run[name];
    entries.push([name, value ? writeS(value) : { NULL: true }]);
  }
  return Object.fromEntries(entries);
};

const RUN_SHAPE = {
  PK: S,
  SK: S,
  TYPE: S,
  run_id: looseS,
  image_id: looseS,
  receipt_id: /* @__PURE__ */ rawAttribute((value) => value?.N ?? null),
  lines_delta_prefix: looseS,
  words_delta_prefix: looseS,
  lines_state: looseS,
  words_state: looseS,
  lines_started_at: looseS,
  lines_finished_at: looseS,
  words_started_at: looseS,
  words_finished_at: looseS,
  lines_error: looseS,
  words_error: looseS,
  lines_merged_vectors: looseInt,
  words_merged_vectors: looseInt,
  created_at: looseS,
  updated_at: looseS,
};

/** The plain-code parser of compaction-run items, which the stream pipeline uses. @internal */
export const COMPACTION_RUN_ITEM_PARSER: ItemParser<CompactionRun> = /* @__PURE__ */ itemParser(
  RUN_SHAPE,
  (decoded, issues): CompactionRun | Invalid => {
    if (decoded.TYPE !== 'COMPACTION_RUN') {
      addIssue(issues, ['TYPE'], 'TYPE must be COMPACTION_RUN');
      return INVALID;
    }
    if (!decoded.PK.startsWith('IMAGE#')) {
      addIssue(issues, ['PK'], `Invalid PK for CompactionRun: ${decoded.PK}`);
      return INVALID;
    }
    const parts = decoded.SK.split('#');
    if (parts.length < 4 || parts[0] !== 'RECEIPT' || parts[2] !== 'COMPACTION_RUN') {
      addIssue(issues, ['SK'], `Invalid SK for CompactionRun: ${decoded.SK}`);
      return INVALID;
    }
    const receiptId = parsePythonInt(parts[1] ?? '');
    if (receiptId === undefined) {
      addIssue(issues, ['SK'], `Invalid receipt_id in SK: ${decoded.SK}`);
      return INVALID;
    }
    const fromKeys = { image_id: decoded.PK.slice(6), receipt_id: receiptId, run_id: parts[3] };
    const stored = {
      image_id: decoded.image_id,
      run_id: decoded.run_id,
      receipt_id: decoded.receipt_id === null ? null : (parsePythonInt(decoded.receipt_id) ?? null),
    };
    let consistent = true;
    for (const name of ['image_id', 'run_id', 'receipt_id'] as const) {
      if (stored[name] !== null && stored[name] !== fromKeys[name]) {
        addIssue(
          issues,
          [name],
          `${name} does not match entity keys: the attribute says "${String(stored[name])}" but the keys give "${String(fromKeys[name])}"`,
        );
        consistent = false;
      }
    }
    if (!consistent) return INVALID;
    return validateDecodedEntity(
      COMPACTION_RUN_RULES,
      {
        ...fromKeys,
        lines_delta_prefix: decoded.lines_delta_prefix ?? '',
        words_delta_prefix: decoded.words_delta_prefix ?? '',
        lines_state: decoded.lines_state ?? 'PENDING',
        words_state: decoded.words_state ?? 'PENDING',
        lines_started_at: decoded.lines_started_at || null,
        lines_finished_at: decoded.lines_finished_at || null,
        words_started_at: decoded.words_started_at || null,
        words_finished_at: decoded.words_finished_at || null,
        lines_error: decoded.lines_error ?? '',
        words_error: decoded.words_error ?? '',
        lines_merged_vectors: decoded.lines_merged_vectors ?? 0,
        words_merged_vectors: decoded.words_merged_vectors ?? 0,
        created_at: decoded.created_at ?? '',
        updated_at: decoded.updated_at || null,
      },
      issues,
      { image_id: 'PK', receipt_id: 'SK', run_id: 'SK' },
    );
  },
  {
    required: ['PK', 'SK', 'TYPE', 'lines_delta_prefix', 'words_delta_prefix', 'created_at'],
    missingMessage: 'CompactionRun item missing keys',
  },
);

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
 * const run = CompactionRunItemSchema.parse(item);
 * ```
 */
export const CompactionRunItemSchema: z.ZodMiniType<CompactionRun, DynamoDBItem> =
  /* @__PURE__ */ zodItemSchema(COMPACTION_RUN_ITEM_PARSER);
