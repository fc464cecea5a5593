import type * as z from 'zod/mini';
import { imageReceiptKey, type ReceiptKeyLayout, type TableKeys } from '../keys/receiptKeys.js';
import type { AttributeValue, DynamoDBItem } from '../types.js';
import { type Codec, INVALID, type IssueSink } from '../validation/attributes.js';
import { declaredItemSchema, declaredSchema } from '../validation/declaredSchemas.js';
import { addIssue, nonNegativeInt } from '../validation/entityParts.js';
import type { EntityOf, Field } from '../validation/field.js';
import { imageId, positiveId, timestamp } from '../validation/fieldKinds.js';
import { looseNumber, looseS, rawAttribute } from '../validation/itemGuards.js';
import { declareReceiptEntity, type ReceiptEntity } from '../validation/receiptEntity.js';
import { check, nullable, number, oneOf, string } from '../validation/rules.js';
import { isIsoTimestamp, parsePythonInt } from '../validation/validators.js';
import {
  writeFloat,
  writeInt,
  writeNullableFloat,
  writeS,
  writeUnlessNull,
} from '../validation/writers.js';

/** How a receipt was paid. */
export type TenderClass = 'cash' | 'card' | 'unknown';
/** Which bank ledger a receipt's card belongs to. */
export type Ledger = 'chase' | 'apple' | 'none';

const LAST4 = /^\d{4}$/;
const LAST4_MESSAGE = 'card_last4 must be a 4-digit string or None';
const CONFIDENCE_MESSAGE = 'bank_match_confidence must be within [0, 1] or None';
const TENDER_CLASSES: readonly TenderClass[] = ['cash', 'card', 'unknown'];
const LEDGERS: readonly Ledger[] = ['chase', 'apple', 'none'];

/** A writer of `S`, or NULL for `null` or `""` (Python's truthiness test). */
const writeTruthyS = (value: string | null): AttributeValue =>
  value ? writeS(value) : { NULL: true };

/** `item_count`: `{"N": int}`; absent or not a number attribute → 0, as Python reads it. */
const itemCount = /* @__PURE__ */ rawAttribute((value, issues) => {
  if (value === undefined || typeof value.N !== 'string') return 0;
  const parsed = parsePythonInt(value.N);
  if (parsed !== undefined) return parsed;
  addIssue(issues, [], 'item_count must contain a valid integer');
  return INVALID;
});

/** A string read only from an `S` attribute (anything else reads as `null`), or `null`. */
const looseText = (
  rule: (name: string) => Codec<string | null>,
  write: (value: string | null) => AttributeValue | undefined,
): Field<string | null> => ({
  decode: () => looseS,
  rule,
  write,
});

/** A finite number or `null`, read only from an `N` attribute. */
const looseFinite = (
  write: (value: number | null) => AttributeValue | undefined,
  ...checks: ReturnType<typeof check<number>>[]
): Field<number | null> => ({
  decode: looseNumber,
  rule: (name) => nullable(number(`${name} must be a finite number or None`, ...checks)),
  write,
});

/** One of `values` or `null`, read only from an `S` attribute, left out when `null`. */
const looseOneOf = <T extends string>(values: readonly T[]): Field<T | null> => ({
  decode: () => looseS,
  rule: (name) =>
    nullable(
      oneOf(
        values,
        `${name} must be one of [${[...values]
          .sort()
          .map((value) => `'${value}'`)
          .join(', ')}] or None`,
      ),
    ),
  write: writeUnlessNull(writeS),
});

/** `RECEIPT#<rid>#SUMMARY`. */
const SUMMARY_SORT_KEY: ReceiptKeyLayout = {
  entity: 'ReceiptSummaryRecord',
  segments: ['RECEIPT'],
  ids: ['receipt_id'],
  last: 'SUMMARY',
  exact: true,
};

const SUMMARY_KEY_FIELDS = {
  /** The image the receipt was cut from: a version 4 or 5 UUID, from `PK`. */
  image_id: imageId() as Field<string>,
  /** The receipt number within the image, `> 0`, from `SK`. */
  receipt_id: positiveId() as Field<number>,
};

// spec §2.8
/** The attributes of a summary, in the order Python writes them. */
const SUMMARY_FIELDS = {
  /** When the summary was computed: an ISO timestamp kept verbatim. */
  timestamp_computed: timestamp() as Field<string>,
  /** How many items the receipt lists, `>= 0`; a missing attribute reads as 0. */
  item_count: {
    decode: () => itemCount,
    rule: nonNegativeInt,
    write: writeInt,
  } as Field<number>,
  /** The merchant's name, or `null`. */
  merchant_name: looseText(
    (name) => nullable(string(`${name} must be a string or None`)),
    writeTruthyS,
  ) as Field<string | null>,
  /** The receipt date as the stored ISO string, verbatim. */
  date: looseText(
    (name) =>
      nullable(
        string(
          `${name} must be a datetime or None`,
          check(isIsoTimestamp, `${name} must contain a valid ISO timestamp`),
        ),
      ),
    writeTruthyS,
  ) as Field<string | null>,
  /** The grand total, or `null`. */
  grand_total: looseFinite(writeNullableFloat) as Field<number | null>,
  /** The subtotal, or `null`. */
  subtotal: looseFinite(writeNullableFloat) as Field<number | null>,
  /** The tax, or `null`. */
  tax: looseFinite(writeNullableFloat) as Field<number | null>,
  /** The tip, or `null`. */
  tip: looseFinite(writeNullableFloat) as Field<number | null>,
  /** How the receipt was paid, or `null`. */
  tender_class: looseOneOf(TENDER_CLASSES) as Field<TenderClass | null>,
  /** The card network (e.g. `VISA`), or `null`. */
  card_network: looseText(
    (name) => nullable(string(`${name} must be a string or None`)),
    writeUnlessNull(writeS),
  ) as Field<string | null>,
  /** The card's last four digits, exactly 4 digits, or `null`. */
  card_last4: looseText(
    () =>
      nullable(
        string(
          LAST4_MESSAGE,
          check((value) => LAST4.test(value), LAST4_MESSAGE),
        ),
      ),
    writeUnlessNull(writeS),
  ) as Field<string | null>,
  /** The bank ledger the card belongs to, or `null`. */
  ledger: looseOneOf(LEDGERS) as Field<Ledger | null>,
  /** The amount of the matched bank transaction, or `null`. */
  bank_amount: looseFinite(writeUnlessNull(writeFloat)) as Field<number | null>,
  /** Confidence in the bank match, within `[0, 1]`, or `null`. */
  bank_match_confidence: looseFinite(
    writeUnlessNull(writeFloat),
    check((value) => value >= 0, CONFIDENCE_MESSAGE),
    check((value) => value <= 1, CONFIDENCE_MESSAGE),
  ) as Field<number | null>,
};

/**
 * A receipt's computed summary, TYPE `RECEIPT_SUMMARY`, SK `RECEIPT#<rid:05>#SUMMARY`.
 * Python nests the values in a `ReceiptSummary` object that cannot be JSON-serialised;
 * here the record is flat and every value is JSON. Absent values are `null`.
 */
export type ReceiptSummaryRecord = EntityOf<[typeof SUMMARY_KEY_FIELDS, typeof SUMMARY_FIELDS]>;

/** Every key a summary item carries. */
export type ReceiptSummaryRecordKeys = TableKeys<'GSI2' | 'GSI4'>;

/** What the keys of a summary are built from. */
type SummaryKeyInput = Pick<ReceiptSummaryRecord, 'image_id' | 'receipt_id'>;

/**
 * Reads a summary's keys as Python's `from_item` does: the PK exactly `IMAGE#<image_id>` and
 * the SK exactly `RECEIPT#<receipt_id>#SUMMARY` (so a `…#SECTION#SUMMARY` section never
 * parses as a summary), reported together with a `date` that is not an ISO timestamp.
 */
const readSummaryKeys = (
  decoded: Record<string, unknown>,
  issues: IssueSink,
): Record<string, unknown> | undefined => {
  const pk = (decoded['PK'] as string).split('#');
  const sk = (decoded['SK'] as string).split('#');
  const receiptId = parsePythonInt(sk[1] ?? '');
  const problems: [string, string][] = [];
  if (pk.length !== 2 || pk[0] !== 'IMAGE') {
    problems.push(['PK', 'PK must match IMAGE#<image_id>']);
  }
  if (sk.length !== 3 || sk[0] !== 'RECEIPT' || sk[2] !== 'SUMMARY' || receiptId === undefined) {
    problems.push(['SK', 'SK must match RECEIPT#<receipt_id>#SUMMARY']);
  }
  const date = decoded['date'];
  if (typeof date === 'string' && !isIsoTimestamp(date)) {
    problems.push(['date', 'date must contain a valid ISO timestamp']);
  }
  if (problems.length > 0) {
    for (const [path, message] of problems) addIssue(issues, [path], message);
    return undefined;
  }
  // PK, SK and TYPE stay on the candidate: the rules read only the entity's fields.
  decoded['image_id'] = pk[1];
  decoded['receipt_id'] = receiptId;
  return decoded;
};

/** The receipt summary, declared once. @internal */
export const RECEIPT_SUMMARY_RECORD: ReceiptEntity<
  ReceiptSummaryRecord,
  SummaryKeyInput,
  ReceiptSummaryRecordKeys,
  EntityOf<[typeof SUMMARY_KEY_FIELDS]>
> = /* @__PURE__ */ declareReceiptEntity({
  type: 'RECEIPT_SUMMARY',
  sortKey: SUMMARY_SORT_KEY,
  keyFields: SUMMARY_KEY_FIELDS,
  fields: [SUMMARY_FIELDS],
  indexes: (summary: SummaryKeyInput) => {
    const imageReceipt = imageReceiptKey(summary.image_id, summary.receipt_id);
    return {
      GSI2PK: 'RECEIPT_SUMMARY',
      GSI2SK: imageReceipt,
      GSI4PK: imageReceipt,
      GSI4SK: '5_SUMMARY',
    };
  },
  item: {
    guard: {
      required: ['PK', 'SK', 'TYPE', 'timestamp_computed'],
      missingMessage: 'Missing required keys',
    },
    checksType: true,
    readKeys: readSummaryKeys,
  },
});

/**
 * Validates a summary with the rules of Python's `ReceiptSummary` and `ReceiptSummaryRecord`
 * (ids, ISO timestamps, item count, tender and bank-match fields).
 *
 * @example
 * ```ts
 * import { ReceiptSummaryRecordSchema } from '@receipt-chroma/dynamo-stream';
 *
 * declare const candidate: unknown;
 * const result = ReceiptSummaryRecordSchema.safeParse(candidate);
 * if (!result.success) console.warn(result.error.issues);
 * ```
 */
export const ReceiptSummaryRecordSchema: z.ZodMiniType<ReceiptSummaryRecord> =
  /* @__PURE__ */ declaredSchema(RECEIPT_SUMMARY_RECORD);

/**
 * Parses a raw summary item or stream image like Python's `ReceiptSummaryRecord.from_item`:
 * required `PK, SK, TYPE, timestamp_computed`; `TYPE` `RECEIPT_SUMMARY`; the PK exactly
 * `IMAGE#<image_id>` and the SK exactly `RECEIPT#<receipt_id>#SUMMARY`, so a
 * `…#SECTION#SUMMARY` section never parses as a summary. Optional attributes are read
 * only when they have the expected type, as in Python.
 *
 * @example
 * ```ts
 * import { type DynamoDBItem, ReceiptSummaryRecordItemSchema } from '@receipt-chroma/dynamo-stream';
 *
 * declare const newImage: DynamoDBItem;
 * const result = ReceiptSummaryRecordItemSchema.safeParse(newImage);
 * if (result.success) console.log(result.data.grand_total);
 * ```
 */
export const ReceiptSummaryRecordItemSchema: z.ZodMiniType<ReceiptSummaryRecord, DynamoDBItem> =
  /* @__PURE__ */ declaredItemSchema(RECEIPT_SUMMARY_RECORD);

/**
 * The PK, SK, GSI2 and GSI4 keys of a summary, as the Python entity writes them.
 *
 * @param summary - the summary's `image_id` and `receipt_id`
 */
export const receiptSummaryRecordKeys: (summary: SummaryKeyInput) => ReceiptSummaryRecordKeys = (
  summary,
) => RECEIPT_SUMMARY_RECORD.keys(summary);

/**
 * Writes a summary as Python's `to_item()` does: keys, `TYPE`, `timestamp_computed`,
 * `item_count`, `NULL` for a missing merchant name, date or total, and the tender and
 * bank-match attributes only when set.
 *
 * @param summary - a valid summary (it is not checked again)
 */
export const receiptSummaryRecordToItem: (summary: ReceiptSummaryRecord) => DynamoDBItem = (
  summary,
) => RECEIPT_SUMMARY_RECORD.toItem(summary);
