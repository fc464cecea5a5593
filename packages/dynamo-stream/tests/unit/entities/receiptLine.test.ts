import { describe, expect, it } from 'vitest';
import {
  type ReceiptLine,
  ReceiptLineItemSchema,
  ReceiptLineSchema,
  receiptLineKeys,
  receiptLineToItem,
} from '../../../src/entities/receiptLine.js';
import { IMAGE_ID, issuesOf, omit, receiptLineItem } from '../../helpers/factories.js';

/** The entity `receiptLineItem()` describes. */
const expectedLine = (): ReceiptLine => ({
  image_id: IMAGE_ID,
  receipt_id: 1,
  line_id: 2,
  text: 'TOTAL 12.34',
  bounding_box: { x: 0.1, y: 0.2, width: 0.3, height: 0.04 },
  top_right: { x: 0.4, y: 0.24 },
  top_left: { x: 0.1, y: 0.24 },
  bottom_right: { x: 0.4, y: 0.2 },
  bottom_left: { x: 0.1, y: 0.2 },
  angle_degrees: 2.5,
  angle_radians: 0.0436332313,
  confidence: 0.95,
  embedding_status: 'SUCCESS',
  is_noise: false,
});

describe('Function: ReceiptLineSchema', () => {
  it('accepts line 0 (non-negative line ids are allowed)', () => {
    // Prepare
    const line = { ...expectedLine(), line_id: 0 };

    // Act
    const result = ReceiptLineSchema.safeParse(line);

    // Assess
    expect(result.data).toEqual(line);
  });

  it.each([
    ['line_id', -1, 'line_id must be non-negative'],
    ['line_id', 2.5, 'line_id must be an integer'],
    ['receipt_id', 0, 'receipt_id must be positive'],
    ['confidence', 0, 'confidence must be between 0 and 1, got 0.0'],
    ['confidence', 1.5, 'confidence must be between 0 and 1, got 1.5'],
    ['text', 5, 'text must be a string'],
    ['angle_degrees', Number.NaN, 'angle_degrees must be a finite number'],
    ['is_noise', 'yes', 'is_noise must be a boolean'],
    [
      'embedding_status',
      'none',
      'embedding_status must be one of: NONE, PENDING, SUCCESS, FAILED, NOISE\nGot: none',
    ],
  ])('rejects %s = %j with the Python message', (field, value, message) => {
    // Prepare
    const line = { ...expectedLine(), [field]: value };

    // Act
    const result = ReceiptLineSchema.safeParse(line);

    // Assess
    expect(issuesOf(result)).toEqual([[field, message]]);
  });

  it('accepts confidence 1 exactly', () => {
    // Act
    const result = ReceiptLineSchema.safeParse({ ...expectedLine(), confidence: 1 });

    // Assess
    expect(result).toMatchObject({ success: true });
  });

  it('rejects a bounding box with a missing or extra key', () => {
    // Prepare
    const missing = { ...expectedLine(), bounding_box: { x: 0, y: 0, width: 1 } };
    const extra = { ...expectedLine(), bounding_box: { x: 0, y: 0, width: 1, height: 1, z: 0 } };

    // Act
    const missingResult = ReceiptLineSchema.safeParse(missing);
    const extraResult = ReceiptLineSchema.safeParse(extra);

    // Assess
    expect(issuesOf(missingResult)).toEqual([
      ['bounding_box.height', "bounding_box must contain the key 'height'"],
    ]);
    expect(issuesOf(extraResult)).toEqual([
      ['bounding_box', "bounding_box must contain exactly 'x', 'y', 'width' and 'height' keys"],
    ]);
  });
});

describe('Function: ReceiptLineItemSchema', () => {
  it('parses the item Python writes', () => {
    // Act
    const line = ReceiptLineItemSchema.parse(receiptLineItem());

    // Assess
    expect(line).toEqual(expectedLine());
  });

  it.each([
    ['missing', undefined],
    ['NULL', { NULL: true }],
  ])('reads a %s embedding_status as NONE and a missing is_noise as false', (_case, value) => {
    // Prepare
    const base = omit(receiptLineItem(), 'is_noise', 'embedding_status');
    const item = value === undefined ? base : { ...base, embedding_status: value };

    // Act
    const line = ReceiptLineItemSchema.parse(item);

    // Assess
    expect(line.embedding_status).toBe('NONE');
    expect(line.is_noise).toBe(false);
  });

  it('reads is_noise true and a NULL is_noise as false', () => {
    // Prepare
    const noisy = { ...receiptLineItem(), is_noise: { BOOL: true } };
    const nullNoise = { ...receiptLineItem(), is_noise: { NULL: true } };

    // Act
    const noisyLine = ReceiptLineItemSchema.parse(noisy);
    const nullNoiseLine = ReceiptLineItemSchema.parse(nullNoise);

    // Assess
    expect(noisyLine.is_noise).toBe(true);
    expect(nullNoiseLine.is_noise).toBe(false);
  });

  it('rejects is_noise written as a string', () => {
    // Prepare
    const item = { ...receiptLineItem(), is_noise: { S: 'true' } };

    // Act
    const result = ReceiptLineItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      ['is_noise', 'expected {"BOOL": boolean} or {"NULL": true}'],
    ]);
  });

  it('reads the older-layout line (extra image_id/receipt_id/line_id attributes) and ignores them', () => {
    // Prepare
    const item = {
      ...receiptLineItem(),
      image_id: { S: 'ignored' },
      receipt_id: { N: '99' },
      line_id: { N: '98' },
    };

    // Act
    const line = ReceiptLineItemSchema.parse(item);

    // Assess
    expect(line).toEqual(expectedLine());
  });

  it('rejects the stored confidence "0.00" that Python writes for tiny values', () => {
    // Prepare
    const item = { ...receiptLineItem(), confidence: { N: '0.00' } };

    // Act
    const result = ReceiptLineItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      ['confidence', 'confidence must be between 0 and 1, got 0.0'],
    ]);
  });

  it('reports missing attributes and a bad embedding status at their names', () => {
    // Prepare
    const item = omit(receiptLineItem(), 'text', 'angle_radians');

    // Act
    const result = ReceiptLineItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      ['text', 'missing required attribute'],
      ['angle_radians', 'missing required attribute'],
    ]);
  });

  it('reports a line id of -1 on SK', () => {
    // Prepare
    const item = { ...receiptLineItem(), SK: { S: 'RECEIPT#00001#LINE#-1' } };

    // Act
    const result = ReceiptLineItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([['SK', 'line_id must be non-negative']]);
  });

  it.each([
    'RECEIPT#00001',
    'RECEIPT#00001#WORD#00002',
    'IMAGE#00001#LINE#00002',
    'RECEIPT#00001#LINE#00002#WORD#00003',
  ])('rejects the sort key %s', (sk) => {
    // Prepare
    const item = { ...receiptLineItem(), SK: { S: sk } };

    // Act
    const result = ReceiptLineItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([['SK', `Invalid SK format for ReceiptLine: ${sk}`]]);
  });
});

describe('Function: receiptLineKeys', () => {
  it('builds the keys, with GSI1PK following the embedding status', () => {
    // Act
    const keys = receiptLineKeys({
      image_id: IMAGE_ID,
      receipt_id: 1,
      line_id: 23,
      embedding_status: 'PENDING',
    });

    // Assess
    expect(keys).toEqual({
      PK: `IMAGE#${IMAGE_ID}`,
      SK: 'RECEIPT#00001#LINE#00023',
      GSI1PK: 'EMBEDDING_STATUS#PENDING',
      GSI1SK: `LINE#IMAGE#${IMAGE_ID}#RECEIPT#00001#LINE#00023`,
      GSI3PK: `IMAGE#${IMAGE_ID}#RECEIPT#00001`,
      GSI3SK: 'LINE',
      GSI4PK: `IMAGE#${IMAGE_ID}#RECEIPT#00001`,
      GSI4SK: '2_LINE#00023',
    });
  });
});

describe('Function: receiptLineToItem', () => {
  it('writes exactly the item Python writes', () => {
    // Act
    const item = receiptLineToItem(expectedLine());

    // Assess
    expect(item).toStrictEqual(receiptLineItem());
  });

  it('rounds confidence half up to 2 decimals and geometry to 20', () => {
    // Prepare
    const line = {
      ...expectedLine(),
      confidence: 0.955,
      bounding_box: { x: 0.123456789, y: 0, width: 1, height: 0.5 },
    };

    // Act
    const item = receiptLineToItem(line);

    // Assess
    expect(item).toMatchObject({
      confidence: { N: '0.96' },
      bounding_box: {
        M: {
          x: { N: '0.12345678900000000000' },
          y: { N: '0.00000000000000000000' },
          width: { N: '1.00000000000000000000' },
          height: { N: '0.50000000000000000000' },
        },
      },
    });
  });

  it('round-trips realistic values through ReceiptLineItemSchema', () => {
    // Prepare
    const line: ReceiptLine = {
      ...expectedLine(),
      line_id: 0,
      text: 'Café  «crème» #2',
      bounding_box: { x: 0.0832, y: 0.6121, width: 0.4417, height: 0.0199 },
      top_left: { x: 0.0832, y: 0.632 },
      angle_degrees: -0.8731,
      angle_radians: -0.015238,
      confidence: 0.88,
      embedding_status: 'NONE',
      is_noise: true,
    };

    // Act
    const parsed = ReceiptLineItemSchema.parse(receiptLineToItem(line));

    // Assess
    expect(parsed).toEqual(line);
  });
});
