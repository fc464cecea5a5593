import { describe, expect, it } from 'vitest';
import {
  type ReceiptWord,
  ReceiptWordItemSchema,
  ReceiptWordSchema,
  receiptWordKeys,
  receiptWordToItem,
} from '../../../src/entities/receiptWord.js';
import type { DynamoDBItem } from '../../../src/types.js';
import { IMAGE_ID, issuesOf, omit, receiptWordItem } from '../../helpers/factories.js';

/** The entity `receiptWordItem()` describes. */
const expectedWord = (): ReceiptWord => ({
  image_id: IMAGE_ID,
  receipt_id: 1,
  line_id: 2,
  word_id: 3,
  text: '12.34',
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
  extracted_data: { type: 'currency', value: '12.34' },
});

describe('Function: ReceiptWordSchema', () => {
  it('accepts word and line 0 and null extracted data', () => {
    // Prepare
    const word = { ...expectedWord(), line_id: 0, word_id: 0, extracted_data: null };

    // Act
    const result = ReceiptWordSchema.safeParse(word);

    // Assess
    expect(result.data).toEqual(word);
  });

  it.each([
    ['word_id', -1, 'word_id must be non-negative'],
    ['line_id', -2, 'line_id must be non-negative'],
    ['receipt_id', -1, 'receipt_id must be positive'],
    ['confidence', -0.5, 'confidence must be between 0 and 1, got -0.5'],
    ['extracted_data', 'currency', 'extracted_data must be a map of strings or null'],
  ])('rejects %s = %j with "%s"', (field, value, message) => {
    // Prepare
    const word = { ...expectedWord(), [field]: value };

    // Act
    const result = ReceiptWordSchema.safeParse(word);

    // Assess
    expect(issuesOf(result)).toEqual([[field, message]]);
  });
});

describe('Function: ReceiptWordItemSchema', () => {
  it('parses the item Python writes', () => {
    // Act
    const word = ReceiptWordItemSchema.parse(receiptWordItem());

    // Assess
    expect(word).toEqual(expectedWord());
  });

  it('keeps every key of an Apple NL extracted_data map (fix 8)', () => {
    // Prepare
    const item = {
      ...receiptWordItem(),
      extracted_data: {
        M: { language: { S: 'en' }, lexical_class: { S: 'Noun' }, type: { S: 'merchant' } },
      },
    };

    // Act
    const word = ReceiptWordItemSchema.parse(item);

    // Assess
    expect(word.extracted_data).toEqual({
      language: 'en',
      lexical_class: 'Noun',
      type: 'merchant',
    });
  });

  it.each([
    ['missing', undefined],
    ['NULL', { NULL: true }],
  ])('reads a %s extracted_data as null', (_case, value) => {
    // Prepare
    const base = omit(receiptWordItem(), 'extracted_data');
    const item = value === undefined ? base : { ...base, extracted_data: value };

    // Act
    const word = ReceiptWordItemSchema.parse(item);

    // Assess
    expect(word.extracted_data).toBeNull();
  });

  it('keeps a __proto__ key as an ordinary entry', () => {
    // Prepare
    const map = JSON.parse('{"__proto__": {"S": "x"}, "type": {"S": "t"}}') as DynamoDBItem;
    const item = { ...receiptWordItem(), extracted_data: { M: map } };

    // Act
    const word = ReceiptWordItemSchema.parse(item);

    // Assess
    expect(Object.keys(word.extracted_data ?? {})).toEqual(['__proto__', 'type']);
    expect(Object.getPrototypeOf(word.extracted_data)).toBe(Object.prototype);
  });

  it('rejects an extracted_data that is not a map', () => {
    // Prepare
    const item = { ...receiptWordItem(), extracted_data: { S: '{"type": "currency"}' } };

    // Act
    const result = ReceiptWordItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      ['extracted_data', 'extracted_data must be a DynamoDB map (M) or NULL'],
    ]);
  });

  it('rejects an extracted_data entry that is not a string, at its path', () => {
    // Prepare
    const item = { ...receiptWordItem(), extracted_data: { M: { amount: { N: '12.34' } } } };

    // Act
    const result = ReceiptWordItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      ['extracted_data.M.amount', 'extracted_data.amount must be a DynamoDB string (S)'],
    ]);
  });

  it('reports the attributes in the order Python writes them, extracted_data last', () => {
    // Prepare
    const item = {
      ...receiptWordItem(),
      extracted_data: { NS: ['1'] },
      bottom_left: { M: { y: { N: '0.2' } } },
      text: { N: '12.34' },
    };

    // Act
    const result = ReceiptWordItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      ['text.S', 'expected string, got undefined'],
      ['bottom_left.M.x', 'missing required attribute'],
      ['extracted_data', 'extracted_data must be a DynamoDB map (M) or NULL'],
    ]);
  });

  it('reads a missing embedding_status as NONE (fix 7)', () => {
    // Prepare
    const item = omit(receiptWordItem(), 'embedding_status');

    // Act
    const word = ReceiptWordItemSchema.parse(item);

    // Assess
    expect(word.embedding_status).toBe('NONE');
  });

  it('rejects a lower-case embedding status', () => {
    // Prepare
    const item = { ...receiptWordItem(), embedding_status: { S: 'success' } };

    // Act
    const result = ReceiptWordItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      [
        'embedding_status',
        'embedding_status must be one of: NONE, PENDING, SUCCESS, FAILED, NOISE\nGot: success',
      ],
    ]);
  });

  it.each([
    ['a receipt letter', 'RECEIPT#00001#LINE#00002#WORD#00003#LETTER#00001'],
    ['a spatial analysis', 'RECEIPT#00001#LINE#00002#WORD#00003#SPATIAL_ANALYSIS'],
    ['a word label', 'RECEIPT#00001#LINE#00002#WORD#00003#LABEL#TOTAL'],
    ['a word without a line', 'RECEIPT#00001#WORD#00003#LINE#00002'],
    ['a line', 'RECEIPT#00001#LINE#00002'],
  ])('rejects %s as a word (fix 6)', (_case, sk) => {
    // Prepare
    const item = { ...receiptWordItem(), SK: { S: sk } };

    // Act
    const result = ReceiptWordItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([['SK', `Invalid SK format for RECEIPT/LINE/WORD: ${sk}`]]);
  });

  it('reports a non-numeric word id and an invalid image id on the keys', () => {
    // Prepare
    const badWordId = { ...receiptWordItem(), SK: { S: 'RECEIPT#00001#LINE#00002#WORD#x' } };
    const badImage = { ...receiptWordItem(), PK: { S: 'IMAGE#1234' } };

    // Act
    const wordIdResult = ReceiptWordItemSchema.safeParse(badWordId);
    const imageResult = ReceiptWordItemSchema.safeParse(badImage);

    // Assess
    expect(issuesOf(wordIdResult)).toEqual([['SK', 'word_id in SK must be an integer, got "x"']]);
    expect(issuesOf(imageResult)).toEqual([['PK', 'uuid must be a valid UUIDv4']]);
  });
});

describe('Function: receiptWordKeys', () => {
  it('builds the keys', () => {
    // Act
    const keys = receiptWordKeys({
      image_id: IMAGE_ID,
      receipt_id: 2,
      line_id: 0,
      word_id: 14,
      embedding_status: 'NONE',
    });

    // Assess
    expect(keys).toEqual({
      PK: `IMAGE#${IMAGE_ID}`,
      SK: 'RECEIPT#00002#LINE#00000#WORD#00014',
      GSI1PK: 'EMBEDDING_STATUS#NONE',
      GSI1SK: `WORD#IMAGE#${IMAGE_ID}#RECEIPT#00002#LINE#00000#WORD#00014`,
      GSI2PK: 'RECEIPT',
      GSI2SK: `IMAGE#${IMAGE_ID}#RECEIPT#00002#LINE#00000#WORD#00014`,
      GSI3PK: `IMAGE#${IMAGE_ID}#RECEIPT#00002`,
      GSI3SK: 'WORD',
      GSI4PK: `IMAGE#${IMAGE_ID}#RECEIPT#00002`,
      GSI4SK: '3_WORD#00000#00014',
    });
  });
});

describe('Function: receiptWordToItem', () => {
  it('writes exactly the item Python writes', () => {
    // Act
    const item = receiptWordToItem(expectedWord());

    // Assess
    expect(item).toStrictEqual(receiptWordItem());
  });

  it('writes null extracted data as NULL', () => {
    // Act
    const item = receiptWordToItem({ ...expectedWord(), extracted_data: null });

    // Assess
    expect(item).toMatchObject({ extracted_data: { NULL: true } });
  });

  it('round-trips realistic values through ReceiptWordItemSchema', () => {
    // Prepare
    const word: ReceiptWord = {
      ...expectedWord(),
      word_id: 0,
      text: '$4.99',
      bounding_box: { x: 0.7154, y: 0.3301, width: 0.0912, height: 0.0143 },
      bottom_left: { x: 0.7154, y: 0.3301 },
      angle_degrees: 0.25,
      angle_radians: 0.00436,
      confidence: 1,
      embedding_status: 'PENDING',
      extracted_data: { language: 'en', type: 'currency', value: '4.99' },
    };

    // Act
    const parsed = ReceiptWordItemSchema.parse(receiptWordToItem(word));

    // Assess
    expect(parsed).toEqual(word);
  });
});
