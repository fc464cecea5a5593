import * as z from 'zod/mini';
import type {
  Ledger,
  ReceiptSummaryRecord,
  TenderClass,
} from '../../../src/entities/receiptSummaryRecord.js';
import { isIsoTimestamp } from '../../../src/entities/validators.js';
import { nonNegativeIntSchema, positiveIntSchema, UuidSchema } from './fields.js';

/**
 * The zod rules `RECEIPT_SUMMARY_RECORD.rules` were first written as (the reference for the
 * property tests).
 */

const LAST4 = /^\d{4}$/;

const finiteOrNull = (name: string): z.ZodMiniType<number | null> =>
  z.nullable(z.number({ error: `${name} must be a finite number or None` }));

const oneOfOrNull = <T extends string>(
  name: string,
  values: readonly T[],
): z.ZodMiniType<T | null> =>
  z.nullable(
    z.enum(values as unknown as [T, ...T[]], {
      error: `${name} must be one of [${[...values]
        .sort()
        .map((value) => `'${value}'`)
        .join(', ')}] or None`,
    }),
  ) as unknown as z.ZodMiniType<T | null>;

const TENDER_CLASSES: readonly TenderClass[] = ['cash', 'card', 'unknown'];
const LEDGERS: readonly Ledger[] = ['chase', 'apple', 'none'];

export const receiptSummaryRecordReference = (): z.ZodMiniType<ReceiptSummaryRecord> =>
  z.object({
    image_id: UuidSchema,
    receipt_id: positiveIntSchema('receipt_id'),
    timestamp_computed: z.string({ error: 'timestamp_computed must be a string' }).check(
      z.refine(isIsoTimestamp, {
        error: 'timestamp_computed must be a valid ISO format timestamp',
      }),
    ),
    item_count: nonNegativeIntSchema('item_count'),
    merchant_name: z.nullable(z.string({ error: 'merchant_name must be a string or None' })),
    date: z.nullable(
      z
        .string({ error: 'date must be a datetime or None' })
        .check(z.refine(isIsoTimestamp, { error: 'date must contain a valid ISO timestamp' })),
    ),
    grand_total: finiteOrNull('grand_total'),
    subtotal: finiteOrNull('subtotal'),
    tax: finiteOrNull('tax'),
    tip: finiteOrNull('tip'),
    tender_class: oneOfOrNull('tender_class', TENDER_CLASSES),
    card_network: z.nullable(z.string({ error: 'card_network must be a string or None' })),
    card_last4: z.nullable(
      z
        .string({ error: 'card_last4 must be a 4-digit string or None' })
        .check(z.regex(LAST4, { error: 'card_last4 must be a 4-digit string or None' })),
    ),
    ledger: oneOfOrNull('ledger', LEDGERS),
    bank_amount: finiteOrNull('bank_amount'),
    bank_match_confidence: z.nullable(
      z
        .number({ error: 'bank_match_confidence must be a finite number or None' })
        .check(
          z.gte(0, { error: 'bank_match_confidence must be within [0, 1] or None' }),
          z.lte(1, { error: 'bank_match_confidence must be within [0, 1] or None' }),
        ),
    ),
  }) as unknown as z.ZodMiniType<ReceiptSummaryRecord>;
