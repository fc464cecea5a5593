import { describe, expect, it } from 'vitest';
import {
  type ReceiptSummaryRecord,
  ReceiptSummaryRecordItemSchema,
  ReceiptSummaryRecordSchema,
  receiptSummaryRecordKeys,
  receiptSummaryRecordToItem,
} from '../../../src/entities/receiptSummaryRecord.js';
import { IMAGE_ID, issuesOf, omit, summaryItem } from '../../helpers/factories.js';

/** The entity `summaryItem()` describes. */
const expectedSummary = (): ReceiptSummaryRecord => ({
  image_id: IMAGE_ID,
  receipt_id: 7,
  timestamp_computed: '2026-01-28T09:00:00.000001+00:00',
  item_count: 4,
  merchant_name: 'Sprouts Farmers Market',
  date: '2025-05-28T00:00:00',
  grand_total: 47.18,
  subtotal: null,
  tax: 1.23,
  tip: null,
  tender_class: 'card',
  card_network: 'MASTERCARD',
  card_last4: '7645',
  ledger: 'apple',
  bank_amount: 47.18,
  bank_match_confidence: 0.95,
});

/** A summary written before the tender fields existed, with nothing optional set. */
const bareSummary = (): ReceiptSummaryRecord => ({
  ...expectedSummary(),
  merchant_name: null,
  date: null,
  grand_total: null,
  tax: null,
  tender_class: null,
  card_network: null,
  card_last4: null,
  ledger: null,
  bank_amount: null,
  bank_match_confidence: null,
  item_count: 0,
});

describe('Function: receiptSummaryRecordKeys', () => {
  it('builds the PK, SK, GSI2 and GSI4 keys', () => {
    // Act
    const keys = receiptSummaryRecordKeys({ image_id: IMAGE_ID, receipt_id: 7 });

    // Assess
    expect(keys).toEqual({
      PK: `IMAGE#${IMAGE_ID}`,
      SK: 'RECEIPT#00007#SUMMARY',
      GSI2PK: 'RECEIPT_SUMMARY',
      GSI2SK: `IMAGE#${IMAGE_ID}#RECEIPT#00007`,
      GSI4PK: `IMAGE#${IMAGE_ID}#RECEIPT#00007`,
      GSI4SK: '5_SUMMARY',
    });
  });
});

describe('Function: ReceiptSummaryRecordSchema', () => {
  it('produces a JSON-serialisable record', () => {
    // Act
    const summary = ReceiptSummaryRecordSchema.parse(expectedSummary());

    // Assess
    expect(JSON.parse(JSON.stringify(summary))).toEqual(expectedSummary());
  });

  it.each([
    ['tender_class', 'check', "tender_class must be one of ['card', 'cash', 'unknown'] or None"],
    ['tender_class', 'CARD', "tender_class must be one of ['card', 'cash', 'unknown'] or None"],
    ['card_last4', '12345', 'card_last4 must be a 4-digit string or None'],
    ['card_last4', '12a4', 'card_last4 must be a 4-digit string or None'],
    ['card_last4', 7645, 'card_last4 must be a 4-digit string or None'],
    ['ledger', 'amex', "ledger must be one of ['apple', 'chase', 'none'] or None"],
    ['bank_amount', Number.NaN, 'bank_amount must be a finite number or None'],
    ['bank_amount', true, 'bank_amount must be a finite number or None'],
    ['bank_match_confidence', 1.5, 'bank_match_confidence must be within [0, 1] or None'],
    ['bank_match_confidence', -0.1, 'bank_match_confidence must be within [0, 1] or None'],
    ['item_count', -1, 'item_count must be non-negative'],
    ['receipt_id', 0, 'receipt_id must be positive'],
    ['image_id', 'abc', 'uuid must be a valid UUIDv4'],
    ['timestamp_computed', 'yesterday', 'timestamp_computed must be a valid ISO format timestamp'],
    ['date', '2025-13-01', 'date must contain a valid ISO timestamp'],
    ['grand_total', Number.POSITIVE_INFINITY, 'grand_total must be a finite number or None'],
  ])('rejects %s = %j with the Python message', (field, value, message) => {
    // Prepare
    const summary = { ...expectedSummary(), [field]: value };

    // Act
    const result = ReceiptSummaryRecordSchema.safeParse(summary);

    // Assess
    expect(issuesOf(result)).toEqual([[field, message]]);
  });
});

describe('Function: ReceiptSummaryRecordItemSchema', () => {
  it('reads a current item with tender fields', () => {
    // Act
    const summary = ReceiptSummaryRecordItemSchema.parse(summaryItem());

    // Assess
    expect(summary).toEqual(expectedSummary());
  });

  it('reads an item written before the tender fields existed', () => {
    // Prepare
    const item = {
      ...omit(
        summaryItem(),
        'tender_class',
        'card_network',
        'card_last4',
        'ledger',
        'bank_amount',
        'bank_match_confidence',
        'item_count',
      ),
      merchant_name: { NULL: true },
      date: { NULL: true },
      grand_total: { NULL: true },
      tax: { NULL: true },
    };

    // Act
    const summary = ReceiptSummaryRecordItemSchema.parse(item);

    // Assess
    expect(summary).toEqual(bareSummary());
  });

  it('keeps timestamp_computed verbatim', () => {
    // Prepare
    const item = { ...summaryItem(), timestamp_computed: { S: '2026-01-28 09:00:00Z' } };

    // Act
    const summary = ReceiptSummaryRecordItemSchema.parse(item);

    // Assess
    expect(summary.timestamp_computed).toBe('2026-01-28 09:00:00Z');
  });

  it.each(['PK', 'SK', 'TYPE', 'timestamp_computed'])('reports a missing %s', (name) => {
    // Act
    const result = ReceiptSummaryRecordItemSchema.safeParse(omit(summaryItem(), name));

    // Assess
    expect(issuesOf(result)).toEqual([[name, `Missing required keys: {'${name}'}`]]);
  });

  it.each([
    ['TYPE', { S: 'RECEIPT_SECTION' }, 'TYPE must be RECEIPT_SUMMARY'],
    ['PK', { S: `IMAGE#${IMAGE_ID}#X` }, 'PK must match IMAGE#<image_id>'],
    ['PK', { S: `PLACE#${IMAGE_ID}` }, 'PK must match IMAGE#<image_id>'],
    ['SK', { S: 'RECEIPT#00007#SECTION#SUMMARY' }, 'SK must match RECEIPT#<receipt_id>#SUMMARY'],
    ['SK', { S: 'RECEIPT#00007#SUMMARY#X' }, 'SK must match RECEIPT#<receipt_id>#SUMMARY'],
    ['SK', { S: 'RECEIPT#abc#SUMMARY' }, 'SK must match RECEIPT#<receipt_id>#SUMMARY'],
    ['grand_total', { N: 'abc' }, 'grand_total must contain a valid number'],
    ['bank_amount', { N: '' }, 'bank_amount must contain a valid number'],
    ['item_count', { N: '1.5' }, 'item_count must contain a valid integer'],
    ['date', { S: 'May 28' }, 'date must contain a valid ISO timestamp'],
  ])('rejects %s = %j', (name, value, message) => {
    // Prepare
    const item = { ...summaryItem(), [name]: value };

    // Act
    const result = ReceiptSummaryRecordItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([[name, message]]);
  });

  it('reports ids read from the keys at the key paths', () => {
    // Prepare
    const item = {
      ...summaryItem(),
      PK: { S: 'IMAGE#not-a-uuid' },
      SK: { S: 'RECEIPT#0#SUMMARY' },
    };

    // Act
    const result = ReceiptSummaryRecordItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      ['PK', 'uuid must be a valid UUIDv4'],
      ['SK', 'receipt_id must be positive'],
    ]);
  });

  it('ignores optional attributes of another type, as Python does', () => {
    // Prepare
    const item = { ...summaryItem(), merchant_name: { N: '5' }, tax: { S: '1.23' } };

    // Act
    const summary = ReceiptSummaryRecordItemSchema.parse(item);

    // Assess
    expect([summary.merchant_name, summary.tax]).toEqual([null, null]);
  });

  it('validates tender fields read from the item', () => {
    // Prepare
    const item = { ...summaryItem(), ledger: { S: 'amex' } };

    // Act
    const result = ReceiptSummaryRecordItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      ['ledger', "ledger must be one of ['apple', 'chase', 'none'] or None"],
    ]);
  });
});

describe('Function: receiptSummaryRecordToItem', () => {
  it('writes exactly the item Python writes', () => {
    // Act
    const item = receiptSummaryRecordToItem(expectedSummary());

    // Assess
    expect(item).toEqual(summaryItem());
  });

  it('writes NULL for missing values and leaves unset tender fields out', () => {
    // Act
    const item = receiptSummaryRecordToItem({ ...bareSummary(), merchant_name: '' });

    // Assess
    expect(item).toMatchObject({
      item_count: { N: '0' },
      merchant_name: { NULL: true },
      date: { NULL: true },
      grand_total: { NULL: true },
      subtotal: { NULL: true },
    });
    for (const name of ['tender_class', 'card_network', 'card_last4', 'ledger', 'bank_amount']) {
      expect(item).not.toHaveProperty(name);
    }
  });

  it('writes totals as Python str(float)', () => {
    // Act
    const item = receiptSummaryRecordToItem({ ...expectedSummary(), grand_total: 34, tip: 0 });

    // Assess
    expect([item['grand_total'], item['tip']]).toEqual([{ N: '34.0' }, { N: '0.0' }]);
  });

  it('round-trips through the item schema', () => {
    // Prepare
    const summary = { ...bareSummary(), tender_class: 'cash' as const, ledger: 'none' as const };

    // Act
    const reread = ReceiptSummaryRecordItemSchema.parse(receiptSummaryRecordToItem(summary));

    // Assess
    expect(reread).toEqual(summary);
  });
});
