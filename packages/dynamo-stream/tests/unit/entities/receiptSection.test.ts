import { describe, expect, it } from 'vitest';
import {
  type ReceiptSection,
  ReceiptSectionItemSchema,
  ReceiptSectionSchema,
  receiptSectionKeys,
  receiptSectionToItem,
} from '../../../src/entities/receiptSection.js';
import {
  IMAGE_ID,
  issuesOf,
  legacyReceiptSectionItem,
  omit,
  receiptSectionItem,
} from '../../helpers/factories.js';

/** The entity `receiptSectionItem()` describes. */
const expectedSection = (): ReceiptSection => ({
  image_id: IMAGE_ID,
  receipt_id: 1,
  section_type: 'ITEMS',
  line_ids: [4, 5, 6],
  created_at: '2026-07-10T08:15:30.500000+00:00',
  confidence: 0.85,
  model_source: 'section-seed-v0',
  validation_status: 'PENDING',
  row_ids: [4, 6],
  verification_source: 'knn-verifier',
  verification_status: 'DISAGREED',
  verification_section_type: 'SUMMARY',
  verification_confidence: 0.5,
  disagreement_row_ids: [6],
  verified_at: '2026-07-11T09:00:00+00:00',
});

/** The entity `legacyReceiptSectionItem()` describes: every optional field null. */
const expectedLegacySection = (): ReceiptSection => ({
  image_id: IMAGE_ID,
  receipt_id: 1,
  section_type: 'HEADER',
  line_ids: [0, 1, 2],
  created_at: '2025-06-01T12:00:00',
  confidence: null,
  model_source: null,
  validation_status: null,
  row_ids: null,
  verification_source: null,
  verification_status: null,
  verification_section_type: null,
  verification_confidence: null,
  disagreement_row_ids: null,
  verified_at: null,
});

const SECTION_TYPES =
  'HEADER, ITEMS_VALUE, ITEMS_DESCRIPTION, STOREFRONT, ADDRESS, ITEMS, SECTION_HEADER, ' +
  'SUMMARY, TOTAL_LINE, PAYMENT, SURVEY, FOOTER, BARCODE, TRANSACTION_INFO';

describe('Function: ReceiptSectionSchema', () => {
  it('upper-cases validation_status and verification_status, as Python does', () => {
    // Prepare
    const section = {
      ...expectedSection(),
      validation_status: 'needs_review',
      verification_status: 'agreed',
    };

    // Act
    const parsed = ReceiptSectionSchema.parse(section);

    // Assess
    expect(parsed.validation_status).toBe('NEEDS_REVIEW');
    expect(parsed.verification_status).toBe('AGREED');
  });

  it('accepts confidences on the closed interval bounds and an empty disagreement list', () => {
    // Prepare
    const section = {
      ...expectedSection(),
      confidence: 0,
      verification_confidence: 1,
      disagreement_row_ids: [],
    };

    // Act
    const result = ReceiptSectionSchema.safeParse(section);

    // Assess
    expect(result.data).toEqual(section);
  });

  it.each([
    ['section_type', 'ITEM', `section_type must be one of: ${SECTION_TYPES}\nGot: ITEM`, ''],
    ['section_type', 'items', `section_type must be one of: ${SECTION_TYPES}\nGot: items`, ''],
    ['receipt_id', 0, 'receipt_id must be positive', ''],
    ['line_ids', [], 'line_ids must not be empty', ''],
    [
      'line_ids',
      [1, -1],
      'line_ids must contain only integers greater than or equal to zero',
      '.1',
    ],
    ['line_ids', [1.5], 'line_ids must contain only integers greater than or equal to zero', '.0'],
    ['created_at', 'not a date', 'created_at must be a valid ISO format timestamp', ''],
    ['confidence', 1.01, 'confidence must be in [0, 1]', ''],
    ['confidence', -0.1, 'confidence must be in [0, 1]', ''],
    ['confidence', Number.NaN, 'confidence must be in [0, 1]', ''],
    [
      'validation_status',
      'maybe',
      "validation_status must be one of ['INVALID', 'NEEDS_REVIEW', 'NONE', 'PENDING', 'VALID'] or None; got 'maybe'",
      '',
    ],
    ['row_ids', [], 'row_ids must not be empty when set', ''],
    ['row_ids', [1, -2], 'row_ids must be non-negative', '.1'],
    ['row_ids', [3, 3], 'row_ids must not contain duplicates', ''],
    [
      'verification_status',
      'UNSURE',
      'verification_status must be AGREED, DISAGREED, ABSTAINED, or None',
      '',
    ],
    ['verification_section_type', 'LINE_ITEMS', 'verification_section_type is invalid', ''],
    ['verification_confidence', 2, 'verification_confidence must be in [0, 1]', ''],
    ['disagreement_row_ids', [-1], 'disagreement_row_ids must contain non-negative integers', '.0'],
    ['disagreement_row_ids', [2, 2], 'disagreement_row_ids must not contain duplicates', ''],
    ['verified_at', '2026-07-11T24:00:00', 'verified_at must be a valid ISO format timestamp', ''],
    ['model_source', 3, 'model_source must be a string', ''],
  ])('rejects %s = %j with "%s"', (field, value, message, pathSuffix) => {
    // Prepare
    const section = { ...expectedSection(), [field]: value };

    // Act
    const result = ReceiptSectionSchema.safeParse(section);

    // Assess
    expect(issuesOf(result)).toEqual([[`${field}${pathSuffix}`, message]]);
  });
});

describe('Function: ReceiptSectionItemSchema', () => {
  it('parses a older-layout item, giving null for every optional newer attribute', () => {
    // Act
    const section = ReceiptSectionItemSchema.parse(legacyReceiptSectionItem());

    // Assess
    expect(section).toEqual(expectedLegacySection());
  });

  it('parses a current item with every optional attribute', () => {
    // Act
    const section = ReceiptSectionItemSchema.parse(receiptSectionItem());

    // Assess
    expect(section).toEqual(expectedSection());
  });

  it('takes section_type from the attribute, not from the SK suffix', () => {
    // Prepare
    const item = { ...legacyReceiptSectionItem(), SK: { S: 'RECEIPT#00001#SECTION#FOOTER' } };

    // Act
    const section = ReceiptSectionItemSchema.parse(item);

    // Assess
    expect(section.section_type).toBe('HEADER');
  });

  it('reads SUMMARY sections (the SK that once misrouted to summaries)', () => {
    // Prepare
    const item = {
      ...legacyReceiptSectionItem(),
      SK: { S: 'RECEIPT#00001#SECTION#SUMMARY' },
      section_type: { S: 'SUMMARY' },
    };

    // Act
    const section = ReceiptSectionItemSchema.parse(item);

    // Assess
    expect(section.section_type).toBe('SUMMARY');
  });

  it('reads NULL optional attributes as null and upper-cases a stored lower-case status', () => {
    // Prepare
    const item = {
      ...receiptSectionItem(),
      confidence: { NULL: true },
      row_ids: { NULL: true },
      validation_status: { S: 'valid' },
    };

    // Act
    const section = ReceiptSectionItemSchema.parse(item);

    // Assess
    expect(section.confidence).toBeNull();
    expect(section.row_ids).toBeNull();
    expect(section.validation_status).toBe('VALID');
  });

  it('requires section_type, line_ids and created_at', () => {
    // Prepare
    const item = omit(legacyReceiptSectionItem(), 'section_type', 'line_ids', 'created_at');

    // Act
    const result = ReceiptSectionItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      ['section_type', 'missing required attribute'],
      ['line_ids', 'missing required attribute'],
      ['created_at', 'missing required attribute'],
    ]);
  });

  it('reports entity-rule failures at the attribute path', () => {
    // Prepare
    const item = {
      ...receiptSectionItem(),
      line_ids: { L: [{ N: '1' }, { N: '-3' }] },
      row_ids: { L: [{ N: '4' }, { N: '4' }] },
      verification_confidence: { N: '1.5' },
    };

    // Act
    const result = ReceiptSectionItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      ['line_ids.1', 'line_ids must contain only integers greater than or equal to zero'],
      ['row_ids', 'row_ids must not contain duplicates'],
      ['verification_confidence', 'verification_confidence must be in [0, 1]'],
    ]);
  });

  it('rejects a line id that is not an integer, like "1.0"', () => {
    // Prepare
    const item = { ...legacyReceiptSectionItem(), line_ids: { L: [{ N: '1.0' }] } };

    // Act
    const result = ReceiptSectionItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      ['line_ids', 'expected a list of numbers ({"L": [{"N": …}]})'],
    ]);
  });

  it.each([
    ['RECEIPT#00001#SUMMARY', 'Invalid SK format for ReceiptSection: RECEIPT#00001#SUMMARY'],
    ['RECEIPT#x#SECTION#HEADER', 'receipt_id in SK must be an integer, got "x"'],
    ['RECEIPT#00000#SECTION#HEADER', 'receipt_id must be positive'],
  ])('rejects the sort key %s', (sk, message) => {
    // Prepare
    const item = { ...legacyReceiptSectionItem(), SK: { S: sk } };

    // Act
    const result = ReceiptSectionItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([['SK', message]]);
  });
});

describe('Function: receiptSectionKeys', () => {
  it('builds PK and SK only (sections have no GSIs)', () => {
    // Act
    const keys = receiptSectionKeys({
      image_id: IMAGE_ID,
      receipt_id: 4,
      section_type: 'TOTAL_LINE',
    });

    // Assess
    expect(keys).toEqual({
      PK: `IMAGE#${IMAGE_ID}`,
      SK: 'RECEIPT#00004#SECTION#TOTAL_LINE',
    });
  });
});

describe('Function: receiptSectionToItem', () => {
  it('writes a seed-shaped item when no optional field is set', () => {
    // Act
    const item = receiptSectionToItem(expectedLegacySection());

    // Assess
    expect(item).toStrictEqual(legacyReceiptSectionItem());
  });

  it('writes every set optional attribute, numbers as Python str(float)', () => {
    // Act
    const item = receiptSectionToItem(expectedSection());

    // Assess
    expect(item).toStrictEqual(receiptSectionItem());
  });

  it('writes a whole-number confidence as "1.0"', () => {
    // Act
    const item = receiptSectionToItem({ ...expectedSection(), confidence: 1 });

    // Assess
    expect(item).toMatchObject({ confidence: { N: '1.0' } });
  });

  it('round-trips realistic values through ReceiptSectionItemSchema', () => {
    // Prepare
    const section: ReceiptSection = {
      ...expectedLegacySection(),
      receipt_id: 2,
      section_type: 'PAYMENT',
      line_ids: [30, 31],
      confidence: 0.912,
      validation_status: 'VALID',
      verification_status: 'ABSTAINED',
      disagreement_row_ids: [],
      verified_at: '2026-08-01T10:00:00.000001+00:00',
    };

    // Act
    const parsed = ReceiptSectionItemSchema.parse(receiptSectionToItem(section));

    // Assess
    expect(parsed).toEqual(section);
  });
});
