import type * as z from 'zod/mini';
import { imagePk, imageReceiptKey, receiptSkPrefix } from '../keys/receiptKeys.js';
import type { AttributeValue, DynamoDBItem } from '../types.js';
import {
  type Codec,
  INVALID,
  type Invalid,
  type ItemParser,
  itemParser,
  S,
  zodItemSchema,
} from './attributes.js';
import {
  addIssue,
  type EntityRules,
  entityRules,
  entitySchema,
  isFiniteNumber,
  isNonNegativeInt,
  isoTimestamp,
  isPositiveInt,
  isRecord,
  isTimestamp,
  nonNegativeInt,
  validateInto,
} from './entityParts.js';
import { looseNumber, looseS, rawAttribute } from './itemGuards.js';
import { type KeyIdentityReader, keyIdentityReader, receiptKeyShape } from './receiptKeyReaders.js';
import { check, nullable, number, object, oneOf, string } from './rules.js';
import { isIsoTimestamp, isValidUuid, parsePythonInt } from './validators.js';
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

const finiteOrNull = (name: string): Codec<number | null> =>
  nullable(number(`${name} must be a finite number or None`));

const oneOfOrNull = <T extends string>(name: string, values: readonly T[]): Codec<T | null> =>
  nullable(
    oneOf(
      values,
      `${name} must be one of [${[...values]
        .sort()
        .map((value) => `'${value}'`)
        .join(', ')}] or None`,
    ),
  );

const LAST4_MESSAGE = 'card_last4 must be a 4-digit string or None';
const CONFIDENCE_MESSAGE = 'bank_match_confidence must be within [0, 1] or None';

const TENDER_CLASSES: readonly TenderClass[] = ['cash', 'card', 'unknown'];
const LEDGERS: readonly Ledger[] = ['chase', 'apple', 'none'];
const FINITE_OR_NULL_FIELDS = ['grand_total', 'subtotal', 'tax', 'tip'] as const;

const isFiniteOrNull = (value: unknown): value is number | null =>
  value === null || isFiniteNumber(value);

/**
 * The rules of a summary: those of the Python `ReceiptSummary` and
 * `ReceiptSummaryRecord` (ids, ISO timestamps, item count, tender and bank-match fields).
 * @internal
 */
export const RECEIPT_SUMMARY_RECORD_RULES: EntityRules<ReceiptSummaryRecord> =
  /* @__PURE__ */ entityRules(
    () =>
      object({
        ...receiptKeyShape(),
        timestamp_computed: isoTimestamp('timestamp_computed'),
        item_count: nonNegativeInt('item_count'),
        merchant_name: nullable(string('merchant_name must be a string or None')),
        date: nullable(
          string(
            'date must be a datetime or None',
            check(isIsoTimestamp, 'date must contain a valid ISO timestamp'),
          ),
        ),
        grand_total: finiteOrNull('grand_total'),
        subtotal: finiteOrNull('subtotal'),
        tax: finiteOrNull('tax'),
        tip: finiteOrNull('tip'),
        tender_class: oneOfOrNull('tender_class', TENDER_CLASSES),
        card_network: nullable(string('card_network must be a string or None')),
        card_last4: nullable(
          string(
            LAST4_MESSAGE,
            check((value) => LAST4.test(value), LAST4_MESSAGE),
          ),
        ),
        ledger: oneOfOrNull('ledger', LEDGERS),
        bank_amount: finiteOrNull('bank_amount'),
        bank_match_confidence: nullable(
          number(
            'bank_match_confidence must be a finite number or None',
            check((value) => value >= 0, CONFIDENCE_MESSAGE),
            check((value) => value <= 1, CONFIDENCE_MESSAGE),
          ),
        ),
      }) as Codec<ReceiptSummaryRecord>,
    (candidate) => {
      if (!isRecord(candidate)) return undefined;
      const { image_id, receipt_id, timestamp_computed, item_count, merchant_name, date } =
        candidate;
      if (!isValidUuid(image_id) || !isPositiveInt(receipt_id)) return undefined;
      if (!isTimestamp(timestamp_computed) || !isNonNegativeInt(item_count)) return undefined;
      if (merchant_name !== null && typeof merchant_name !== 'string') return undefined;
      if (date !== null && !isTimestamp(date)) return undefined;
      const summary: Record<string, unknown> = {
        image_id,
        receipt_id,
        timestamp_computed,
        item_count,
        merchant_name,
        date,
      };
      for (const name of FINITE_OR_NULL_FIELDS) {
        const value = candidate[name];
        if (!isFiniteOrNull(value)) return undefined;
        summary[name] = value;
      }
      const { tender_class, card_network, card_last4, ledger, bank_amount } = candidate;
      const confidence = candidate['bank_match_confidence'];
      if (tender_class !== null && !TENDER_CLASSES.includes(tender_class as TenderClass)) {
        return undefined;
      }
      if (card_network !== null && typeof card_network !== 'string') return undefined;
      if (card_last4 !== null && (typeof card_last4 !== 'string' || !LAST4.test(card_last4))) {
        return undefined;
      }
      if (ledger !== null && !LEDGERS.includes(ledger as Ledger)) return undefined;
      if (!isFiniteOrNull(bank_amount) || !isFiniteOrNull(confidence)) return undefined;
      if (confidence !== null && (confidence < 0 || confidence > 1)) return undefined;
      summary['tender_class'] = tender_class;
      summary['card_network'] = card_network;
      summary['card_last4'] = card_last4;
      summary['ledger'] = ledger;
      summary['bank_amount'] = bank_amount;
      summary['bank_match_confidence'] = confidence;
      return summary as unknown as ReceiptSummaryRecord;
    },
  );

/**
 * Validates a summary with the rules of the Python `ReceiptSummary` and
 * `ReceiptSummaryRecord` (ids, ISO timestamps, item count, tender and bank-match fields).
 *
 * @example
 * ```ts
 * const summary = ReceiptSummaryRecordSchema.parse(candidate);
 * ```
 */
export const ReceiptSummaryRecordSchema: z.ZodMiniType<ReceiptSummaryRecord> =
  /* @__PURE__ */ entitySchema(RECEIPT_SUMMARY_RECORD_RULES);

const TOTAL_FIELDS = ['grand_total', 'subtotal', 'tax', 'tip'] as const;

/**
 * Writes a summary as the Python `to_item()` does: keys, `TYPE`, `timestamp_computed`,
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
const itemCount = /* @__PURE__ */ rawAttribute((value, issues) => {
  if (value === undefined || typeof value.N !== 'string') return 0;
  const parsed = parsePythonInt(value.N);
  if (parsed !== undefined) return parsed;
  addIssue(issues, [], 'item_count must contain a valid integer');
  return INVALID;
});

const SUMMARY_SHAPE = {
  PK: S,
  SK: S,
  TYPE: S,
  timestamp_computed: S,
  item_count: itemCount,
  merchant_name: looseS,
  date: looseS,
  grand_total: /* @__PURE__ */ looseNumber('grand_total'),
  subtotal: /* @__PURE__ */ looseNumber('subtotal'),
  tax: /* @__PURE__ */ looseNumber('tax'),
  tip: /* @__PURE__ */ looseNumber('tip'),
  tender_class: looseS,
  card_network: looseS,
  card_last4: looseS,
  ledger: looseS,
  bank_amount: /* @__PURE__ */ looseNumber('bank_amount'),
  bank_match_confidence: /* @__PURE__ */ looseNumber('bank_match_confidence'),
};

/**
 * Reads a summary's ids from its keys alone (`IMAGE#<id>`, `RECEIPT#<rid>#SUMMARY`), with
 * the summary's rules for them. @internal
 */
export const RECEIPT_SUMMARY_RECORD_KEY_READER: KeyIdentityReader<
  Pick<ReceiptSummaryRecord, 'image_id' | 'receipt_id'>
> = /* @__PURE__ */ keyIdentityReader(
  {
    entity: 'ReceiptSummaryRecord',
    segments: ['RECEIPT'],
    ids: ['receipt_id'],
    last: 'SUMMARY',
    exact: true,
  },
  receiptKeyShape,
);

/** The plain-code parser of receipt summary items, which the stream pipeline uses. @internal */
export const RECEIPT_SUMMARY_RECORD_ITEM_PARSER: ItemParser<ReceiptSummaryRecord> =
  /* @__PURE__ */ itemParser(
    SUMMARY_SHAPE,
    (decoded, issues): ReceiptSummaryRecord | Invalid => {
      if (decoded.TYPE !== 'RECEIPT_SUMMARY') {
        addIssue(issues, ['TYPE'], 'TYPE must be RECEIPT_SUMMARY');
        return INVALID;
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
        for (const [path, message] of problems) addIssue(issues, [path], message);
        return INVALID;
      }
      // PK, SK and TYPE stay on the candidate: the rules read only the entity's fields.
      const candidate: Record<string, unknown> = decoded;
      candidate['image_id'] = pk[1];
      candidate['receipt_id'] = receiptId;
      const summary = validateInto(RECEIPT_SUMMARY_RECORD_RULES, candidate, issues, {
        image_id: 'PK',
        receipt_id: 'SK',
      });
      return summary ?? INVALID;
    },
    {
      required: ['PK', 'SK', 'TYPE', 'timestamp_computed'],
      missingMessage: 'Missing required keys',
    },
  );

/**
 * Parses a raw summary item or stream image like Python's `ReceiptSummaryRecord.from_item`:
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
export const ReceiptSummaryRecordItemSchema: z.ZodMiniType<ReceiptSummaryRecord, DynamoDBItem> =
  /* @__PURE__ */ zodItemSchema(RECEIPT_SUMMARY_RECORD_ITEM_PARSER);
