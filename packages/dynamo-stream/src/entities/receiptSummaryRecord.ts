import { z } from 'zod';
import type { AttributeValue, DynamoDBItem } from '../types.js';
import { itemSchema, S } from './attributes.js';
import {
  addIssue,
  itemGuard,
  looseNumber,
  looseS,
  nonNegativeInt,
  positiveInt,
  rawAttribute,
  validateInto,
} from './itemGuards.js';
import { imagePk, imageReceiptKey, receiptSkPrefix } from './keys.js';
import { isIsoTimestamp, parsePythonInt, UuidSchema } from './validators.js';
import { writeFloat, writeInt, writeNullableFloat, writeS } from './writers.js';

/** How a receipt was paid. */
export type TenderClass = 'cash' | 'card' | 'unknown';
/** Which bank ledger a receipt's card belongs to. */
export type Ledger = 'chase' | 'apple' | 'none';

/**
 * A receipt's computed summary, TYPE `RECEIPT_SUMMARY`, SK `RECEIPT#<rid:05>#SUMMARY`.
 * Python nests the values in a `ReceiptSummary` object that cannot be JSON-serialised;
 * here the record is flat and every value is JSON. Absent values are `null`.
 */
export interface ReceiptSummaryRecord {
  image_id: string;
  receipt_id: number;
  /** When the summary was computed: an ISO timestamp kept verbatim. */
  timestamp_computed: string;
  item_count: number;
  merchant_name: string | null;
  /** The receipt date as the stored ISO string, verbatim. */
  date: string | null;
  grand_total: number | null;
  subtotal: number | null;
  tax: number | null;
  tip: number | null;
  tender_class: TenderClass | null;
  card_network: string | null;
  card_last4: string | null;
  ledger: Ledger | null;
  bank_amount: number | null;
  bank_match_confidence: number | null;
}

/** Every key a summary item carries. */
export interface ReceiptSummaryRecordKeys {
  PK: string;
  SK: string;
  GSI2PK: string;
  GSI2SK: string;
  GSI4PK: string;
  GSI4SK: string;
}

/** The PK, SK, GSI2 and GSI4 keys of a summary, as the Python entity writes them. */
export const receiptSummaryRecordKeys = (
  summary: Pick<ReceiptSummaryRecord, 'image_id' | 'receipt_id'>,
): ReceiptSummaryRecordKeys => ({
  PK: imagePk(summary.image_id),
  SK: `${receiptSkPrefix(summary.receipt_id)}#SUMMARY`,
  GSI2PK: 'RECEIPT_SUMMARY',
  GSI2SK: imageReceiptKey(summary.image_id, summary.receipt_id),
  GSI4PK: imageReceiptKey(summary.image_id, summary.receipt_id),
  GSI4SK: '5_SUMMARY',
});

const LAST4 = /^\d{4}$/;

const finiteOrNull = (name: string): z.ZodType<number | null> =>
  z.number({ error: `${name} must be a finite number or None` }).nullable();

const oneOfOrNull = <T extends string>(name: string, values: readonly T[]): z.ZodType<T | null> =>
  z
    .enum(values as unknown as [T, ...T[]], {
      error: `${name} must be one of [${[...values]
        .sort()
        .map((value) => `'${value}'`)
        .join(', ')}] or None`,
    })
    .nullable() as unknown as z.ZodType<T | null>;

/**
 * Validates a summary with the rules of the HEAD Python `ReceiptSummary` and
 * `ReceiptSummaryRecord` (ids, ISO timestamps, item count, tender and bank-match fields).
 *
 * @example
 * ```ts
 * const summary = ReceiptSummaryRecordSchema.parse(candidate);
 * ```
 */
export const ReceiptSummaryRecordSchema: z.ZodType<ReceiptSummaryRecord> = z.object({
  image_id: UuidSchema,
  receipt_id: positiveInt('receipt_id'),
  timestamp_computed: z
    .string({ error: 'timestamp_computed must be a string' })
    .refine(isIsoTimestamp, { error: 'timestamp_computed must be a valid ISO format timestamp' }),
  item_count: nonNegativeInt('item_count'),
  merchant_name: z.string({ error: 'merchant_name must be a string or None' }).nullable(),
  date: z
    .string({ error: 'date must be a datetime or None' })
    .refine(isIsoTimestamp, { error: 'date must contain a valid ISO timestamp' })
    .nullable(),
  grand_total: finiteOrNull('grand_total'),
  subtotal: finiteOrNull('subtotal'),
  tax: finiteOrNull('tax'),
  tip: finiteOrNull('tip'),
  tender_class: oneOfOrNull('tender_class', ['cash', 'card', 'unknown'] as const),
  card_network: z.string({ error: 'card_network must be a string or None' }).nullable(),
  card_last4: z
    .string({ error: 'card_last4 must be a 4-digit string or None' })
    .regex(LAST4, { error: 'card_last4 must be a 4-digit string or None' })
    .nullable(),
  ledger: oneOfOrNull('ledger', ['chase', 'apple', 'none'] as const),
  bank_amount: finiteOrNull('bank_amount'),
  bank_match_confidence: z
    .number({ error: 'bank_match_confidence must be a finite number or None' })
    .min(0, { error: 'bank_match_confidence must be within [0, 1] or None' })
    .max(1, { error: 'bank_match_confidence must be within [0, 1] or None' })
    .nullable(),
}) as unknown as z.ZodType<ReceiptSummaryRecord>;

const TOTAL_FIELDS = ['grand_total', 'subtotal', 'tax', 'tip'] as const;

/**
 * Writes a summary as the HEAD Python `to_item()` does: keys, `TYPE`, `timestamp_computed`,
 * `item_count`, `NULL` for a missing merchant name, date or total, and the tender and
 * bank-match attributes only when set.
 */
export const receiptSummaryRecordToItem = (summary: ReceiptSummaryRecord): DynamoDBItem => {
  const keys = receiptSummaryRecordKeys(summary);
  const entries: [string, AttributeValue][] = [
    ['PK', writeS(keys.PK)],
    ['SK', writeS(keys.SK)],
    ['GSI2PK', writeS(keys.GSI2PK)],
    ['GSI2SK', writeS(keys.GSI2SK)],
    ['GSI4PK', writeS(keys.GSI4PK)],
    ['GSI4SK', writeS(keys.GSI4SK)],
    ['TYPE', writeS('RECEIPT_SUMMARY')],
    ['timestamp_computed', writeS(summary.timestamp_computed)],
    ['item_count', writeInt(summary.item_count)],
    ['merchant_name', summary.merchant_name ? writeS(summary.merchant_name) : { NULL: true }],
    ['date', summary.date ? writeS(summary.date) : { NULL: true }],
  ];
  for (const name of TOTAL_FIELDS) entries.push([name, writeNullableFloat(summary[name])]);
  for (const name of ['tender_class', 'card_network', 'card_last4', 'ledger'] as const) {
    const value = summary[name];
    if (value !== null) entries.push([name, writeS(value)]);
  }
  for (const name of ['bank_amount', 'bank_match_confidence'] as const) {
    const value = summary[name];
    if (value !== null) entries.push([name, writeFloat(value)]);
  }
  return Object.fromEntries(entries);
};

/** `item_count`: `{"N": int}`; absent or not a number attribute → 0, as Python reads it. */
const itemCount = rawAttribute((value, ctx) => {
  if (value === undefined || typeof value.N !== 'string') return 0;
  const parsed = parsePythonInt(value.N);
  if (parsed !== undefined) return parsed;
  addIssue(ctx, [], 'item_count must contain a valid integer');
  return z.NEVER;
});

const SUMMARY_SHAPE = {
  PK: S,
  SK: S,
  TYPE: S,
  timestamp_computed: S,
  item_count: itemCount,
  merchant_name: looseS,
  date: looseS,
  grand_total: looseNumber('grand_total'),
  subtotal: looseNumber('subtotal'),
  tax: looseNumber('tax'),
  tip: looseNumber('tip'),
  tender_class: looseS,
  card_network: looseS,
  card_last4: looseS,
  ledger: looseS,
  bank_amount: looseNumber('bank_amount'),
  bank_match_confidence: looseNumber('bank_match_confidence'),
};

/**
 * Parses a raw summary item or stream image like HEAD's `ReceiptSummaryRecord.from_item`:
 * required `PK, SK, TYPE, timestamp_computed`; `TYPE` `RECEIPT_SUMMARY`; the PK exactly
 * `IMAGE#<image_id>` and the SK exactly `RECEIPT#<receipt_id>#SUMMARY`, so a
 * `…#SECTION#SUMMARY` section never parses as a summary. Optional attributes are read
 * only when they have the expected type, as in Python.
 *
 * @example
 * ```ts
 * const result = ReceiptSummaryRecordItemSchema.safeParse(record.dynamodb.NewImage);
 * if (result.success) console.log(result.data.grand_total);
 * ```
 */
export const ReceiptSummaryRecordItemSchema: z.ZodType<ReceiptSummaryRecord, DynamoDBItem> =
  itemGuard({
    required: ['PK', 'SK', 'TYPE', 'timestamp_computed'],
    missingMessage: 'Missing required keys',
  }).pipe(
    itemSchema(SUMMARY_SHAPE, (decoded, ctx) => {
      if (decoded.TYPE !== 'RECEIPT_SUMMARY') {
        addIssue(ctx, ['TYPE'], 'TYPE must be RECEIPT_SUMMARY');
        return z.NEVER;
      }
      const pk = decoded.PK.split('#');
      const sk = decoded.SK.split('#');
      const receiptId = parsePythonInt(sk[1] ?? '');
      const problems: [string, string][] = [];
      if (pk.length !== 2 || pk[0] !== 'IMAGE') {
        problems.push(['PK', 'PK must match IMAGE#<image_id>']);
      }
      if (
        sk.length !== 3 ||
        sk[0] !== 'RECEIPT' ||
        sk[2] !== 'SUMMARY' ||
        receiptId === undefined
      ) {
        problems.push(['SK', 'SK must match RECEIPT#<receipt_id>#SUMMARY']);
      }
      if (decoded.date !== null && !isIsoTimestamp(decoded.date)) {
        problems.push(['date', 'date must contain a valid ISO timestamp']);
      }
      if (problems.length > 0) {
        for (const [path, message] of problems) addIssue(ctx, [path], message);
        return z.NEVER;
      }
      const { PK: _pk, SK: _sk, TYPE: _type, ...fields } = decoded;
      const summary = validateInto(
        ReceiptSummaryRecordSchema,
        { ...fields, image_id: pk[1], receipt_id: receiptId },
        ctx,
        { image_id: 'PK', receipt_id: 'SK' },
      );
      return summary ?? z.NEVER;
    }),
  ) as unknown as z.ZodType<ReceiptSummaryRecord, DynamoDBItem>;
