import { describe, expect, it } from 'vitest';
import {
  CORE_LABELS,
  LABEL_ALIASES,
  type ReceiptWordLabel,
  ReceiptWordLabelItemSchema,
  ReceiptWordLabelSchema,
  receiptWordLabelKeys,
  receiptWordLabelToItem,
} from '../../../src/entities/receiptWordLabel.js';
import { IMAGE_ID, issuesOf, omit, receiptWordLabelItem } from '../../helpers/factories.js';

/** The entity `receiptWordLabelItem()` describes. */
const expectedLabel = (): ReceiptWordLabel => ({
  image_id: IMAGE_ID,
  receipt_id: 1,
  line_id: 2,
  word_id: 3,
  label: 'GRAND_TOTAL',
  reasoning: 'Largest amount after TOTAL',
  timestamp_added: '2025-01-15T10:30:00.123456+00:00',
  validation_status: 'VALID',
  label_proposed_by: 'label_harmonizer',
  label_consolidated_from: null,
});

describe('Function: ReceiptWordLabelSchema', () => {
  it('upper-cases the label, as the Python constructor does', () => {
    // Act
    const label = ReceiptWordLabelSchema.parse({ ...expectedLabel(), label: 'grand_total' });

    // Assess
    expect(label.label).toBe('GRAND_TOTAL');
  });

  it.each([
    ['receipt_id', 0, 'receipt_id must be positive'],
    ['line_id', 0, 'line_id must be positive'],
    ['word_id', 0, 'word_id must be positive'],
    ['word_id', '3', 'word_id must be an integer'],
    ['label', '', 'label cannot be empty'],
    ['reasoning', '', 'reasoning cannot be empty'],
    ['reasoning', 7, 'reasoning must be a string or None'],
    ['timestamp_added', '2024-13-01', 'timestamp_added must be a valid ISO format timestamp'],
    ['timestamp_added', '', 'timestamp_added must be a valid ISO format timestamp'],
    [
      'validation_status',
      'valid',
      'ValidationStatus must be one of: NONE, PENDING, VALID, INVALID, NEEDS_REVIEW\nGot: valid',
    ],
    ['label_proposed_by', '', 'label_proposed_by cannot be empty'],
    ['label_consolidated_from', '', 'label_consolidated_from cannot be empty'],
    ['label_consolidated_from', 5, 'label_consolidated_from must be a string'],
  ])('rejects %s = %j with "%s"', (field, value, message) => {
    // Prepare
    const label = { ...expectedLabel(), [field]: value };

    // Act
    const result = ReceiptWordLabelSchema.safeParse(label);

    // Assess
    expect(issuesOf(result)).toEqual([[field, message]]);
  });

  it('keeps every ISO form Python accepts verbatim', () => {
    // Prepare
    const stamps = ['2024-01-01', '2024-01-01 00:00:00', '2024-01-01T00:00:00Z', '20240101T000000'];

    // Act
    const parsed = stamps.map(
      (timestamp_added) =>
        ReceiptWordLabelSchema.parse({ ...expectedLabel(), timestamp_added }).timestamp_added,
    );

    // Assess
    expect(parsed).toEqual(stamps);
  });
});

describe('Function: ReceiptWordLabelItemSchema', () => {
  it('parses the item Python writes, taking the ids and label from the SK', () => {
    // Act
    const label = ReceiptWordLabelItemSchema.parse(receiptWordLabelItem());

    // Assess
    expect(label).toEqual(expectedLabel());
  });

  it('accepts a label outside the core vocabulary and upper-cases it', () => {
    // Prepare
    const item = {
      ...receiptWordLabelItem(),
      SK: { S: 'RECEIPT#00001#LINE#00002#WORD#00003#LABEL#store_address' },
    };

    // Act
    const label = ReceiptWordLabelItemSchema.parse(item);

    // Assess
    expect(label.label).toBe('STORE_ADDRESS');
    expect(CORE_LABELS).not.toContain('STORE_ADDRESS');
  });

  it('reads NULL reasoning as null and missing or NULL status and proposer as NONE / null', () => {
    // Prepare
    const item = {
      ...omit(receiptWordLabelItem(), 'label_proposed_by', 'label_consolidated_from'),
      reasoning: { NULL: true },
      validation_status: { NULL: true },
    };

    // Act
    const label = ReceiptWordLabelItemSchema.parse(item);

    // Assess
    expect(label.reasoning).toBeNull();
    expect(label.validation_status).toBe('NONE');
    expect(label.label_proposed_by).toBeNull();
    expect(label.label_consolidated_from).toBeNull();
  });

  it('reads a missing validation_status as NONE', () => {
    // Prepare
    const item = omit(receiptWordLabelItem(), 'validation_status');

    // Act
    const label = ReceiptWordLabelItemSchema.parse(item);

    // Assess
    expect(label.validation_status).toBe('NONE');
  });

  it('rejects a lower-case validation status and an empty reasoning at their attributes', () => {
    // Prepare
    const item = {
      ...receiptWordLabelItem(),
      validation_status: { S: 'valid' },
      reasoning: { S: '' },
    };

    // Act
    const result = ReceiptWordLabelItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      ['reasoning', 'reasoning cannot be empty'],
      [
        'validation_status',
        'ValidationStatus must be one of: NONE, PENDING, VALID, INVALID, NEEDS_REVIEW\nGot: valid',
      ],
    ]);
  });

  it('requires the reasoning and timestamp_added attributes', () => {
    // Prepare
    const item = omit(receiptWordLabelItem(), 'reasoning', 'timestamp_added');

    // Act
    const result = ReceiptWordLabelItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      ['reasoning', 'missing required attribute'],
      ['timestamp_added', 'missing required attribute'],
    ]);
  });

  it('reports ids of 0 and an empty label on SK', () => {
    // Prepare
    const item = {
      ...receiptWordLabelItem(),
      SK: { S: 'RECEIPT#00001#LINE#00000#WORD#00000#LABEL#' },
    };

    // Act
    const result = ReceiptWordLabelItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      ['SK', 'line_id must be positive'],
      ['SK', 'word_id must be positive'],
      ['SK', 'label cannot be empty'],
    ]);
  });

  it.each([
    'RECEIPT#00001#LINE#00002#WORD#00003',
    'RECEIPT#00001#LINE#00002#WORD#00003#LABEL',
    'RECEIPT#00001#WORD#00002#LINE#00003#LABEL#TOTAL',
    'RECEIPT#00001#LINE#00002#WORD#00003#TAG#TOTAL',
    'RECEIPT#00001#LINE#00002#WORD#00003#LABEL#A#B',
  ])('rejects the sort key %s with a clear issue', (sk) => {
    // Prepare
    const item = { ...receiptWordLabelItem(), SK: { S: sk } };

    // Act
    const result = ReceiptWordLabelItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([['SK', `Invalid SK format for ReceiptWordLabel: ${sk}`]]);
  });
});

describe('Function: receiptWordLabelKeys', () => {
  it('pads GSI1PK with underscores to 40 characters and builds every key', () => {
    // Act
    const keys = receiptWordLabelKeys({
      ...expectedLabel(),
      label: 'TOTAL',
      validation_status: 'NONE',
    });

    // Assess
    expect(keys).toEqual({
      PK: `IMAGE#${IMAGE_ID}`,
      SK: 'RECEIPT#00001#LINE#00002#WORD#00003#LABEL#TOTAL',
      GSI1PK: 'LABEL#TOTAL_____________________________',
      GSI1SK: `IMAGE#${IMAGE_ID}#RECEIPT#00001#LINE#00002#WORD#00003`,
      GSI2PK: 'RECEIPT',
      GSI2SK: `IMAGE#${IMAGE_ID}#RECEIPT#00001#LINE#00002#WORD#00003`,
      GSI3PK: 'VALIDATION_STATUS#NONE',
      GSI3SK: `IMAGE#${IMAGE_ID}#RECEIPT#00001#LINE#00002#WORD#00003#LABEL#TOTAL`,
      GSI4PK: `IMAGE#${IMAGE_ID}#RECEIPT#00001`,
      GSI4SK: '4_LABEL#00002#00003#TOTAL',
    });
    expect(keys.GSI1PK).toHaveLength(40);
  });

  it('does not pad or cut a GSI1PK that is already longer than 40 characters', () => {
    // Prepare
    const label = 'A_VERY_LONG_LABEL_NAME_THAT_KEEPS_GOING_ON';

    // Act
    const keys = receiptWordLabelKeys({ ...expectedLabel(), label });

    // Assess
    expect(keys.GSI1PK).toBe(`LABEL#${label}`);
  });
});

describe('Function: receiptWordLabelToItem', () => {
  it('writes exactly the item Python writes, with no label attribute', () => {
    // Act
    const item = receiptWordLabelToItem(expectedLabel());

    // Assess
    expect(item).toStrictEqual(receiptWordLabelItem());
    expect(item).not.toHaveProperty('label');
  });

  it('round-trips realistic values through ReceiptWordLabelItemSchema', () => {
    // Prepare
    const label: ReceiptWordLabel = {
      ...expectedLabel(),
      receipt_id: 12,
      line_id: 40,
      word_id: 1,
      label: 'PAYMENT_TYPE',
      reasoning: null,
      timestamp_added: '2026-02-03T04:05:06',
      validation_status: 'NEEDS_REVIEW',
      label_proposed_by: null,
      label_consolidated_from: 'PAYMENT_METHOD',
    };

    // Act
    const parsed = ReceiptWordLabelItemSchema.parse(receiptWordLabelToItem(label));

    // Assess
    expect(parsed).toEqual(label);
  });
});

describe('Constant: CORE_LABELS', () => {
  it('lists the 22 core labels, and every alias points at one of them', () => {
    // Assess
    expect(CORE_LABELS).toHaveLength(22);
    expect(new Set(CORE_LABELS).size).toBe(22);
    expect(CORE_LABELS).toEqual(expect.arrayContaining(['MERCHANT_NAME', 'GRAND_TOTAL', 'REFUND']));
    expect(LABEL_ALIASES).toEqual({
      ADDRESS: 'ADDRESS_LINE',
      BUSINESS_NAME: 'MERCHANT_NAME',
      CARD_NUMBER: 'PAYMENT_METHOD',
      PAYMENT_TYPE: 'PAYMENT_METHOD',
    });
    for (const target of Object.values(LABEL_ALIASES)) expect(CORE_LABELS).toContain(target);
  });
});
