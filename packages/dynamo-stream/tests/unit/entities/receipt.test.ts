import { describe, expect, it } from 'vitest';
import {
  type Receipt,
  ReceiptItemSchema,
  ReceiptSchema,
  receiptKeys,
  receiptToItem,
} from '../../../src/entities/receipt.js';
import { IMAGE_ID, issuesOf, omit, receiptItem, UUID_V5 } from '../../helpers/factories.js';

/** The entity `receiptItem()` describes, read from the spec's layout by hand. */
const expectedReceipt = (): Receipt => ({
  image_id: IMAGE_ID,
  receipt_id: 1,
  width: 200,
  height: 100,
  timestamp_added: '2021-01-01T00:00:00',
  raw_s3_bucket: 'raw-bucket',
  raw_s3_key: 'raw/receipt.png',
  top_left: { x: 0, y: 0 },
  top_right: { x: 200, y: 0 },
  bottom_left: { x: 0, y: 100 },
  bottom_right: { x: 200.5, y: 100.25 },
  sha256: 'abc123',
  cdn_s3_bucket: 'cdn-bucket',
  cdn_s3_key: 'assets/receipt.jpg',
  cdn_webp_s3_key: 'assets/receipt.webp',
  cdn_avif_s3_key: null,
  cdn_thumbnail_s3_key: 'assets/receipt_thumbnail.jpg',
  cdn_thumbnail_webp_s3_key: null,
  cdn_thumbnail_avif_s3_key: null,
  cdn_small_s3_key: null,
  cdn_small_webp_s3_key: null,
  cdn_small_avif_s3_key: null,
  cdn_medium_s3_key: null,
  cdn_medium_webp_s3_key: null,
  cdn_medium_avif_s3_key: 'assets/receipt_medium.avif',
});

describe('Function: ReceiptSchema', () => {
  it('accepts a valid receipt, including a version 5 image id', () => {
    // Prepare
    const receipt = { ...expectedReceipt(), image_id: UUID_V5 };

    // Act
    const result = ReceiptSchema.safeParse(receipt);

    // Assess
    expect(result).toMatchObject({ success: true });
    expect(result.data).toEqual(receipt);
  });

  it.each([
    ['image_id', 'bad', 'uuid must be a valid UUIDv4'],
    ['image_id', 1, 'uuid must be a string'],
    ['receipt_id', 0, 'receipt_id must be positive'],
    ['receipt_id', 1.5, 'receipt_id must be an integer'],
    ['receipt_id', true, 'receipt_id must be an integer'],
    ['width', 0, 'width and height must be positive integers'],
    ['height', -1, 'width and height must be positive integers'],
    ['width', 10.5, 'width and height must be positive integers'],
    ['timestamp_added', 'tomorrow', 'timestamp_added must be a valid ISO format timestamp'],
    ['raw_s3_bucket', null, 'raw_s3_bucket must be a string'],
    ['raw_s3_key', 123, 'raw_s3_key must be a string'],
    ['sha256', 123, 'sha256 must be a string'],
    ['cdn_s3_key', false, 'cdn_s3_key must be a string'],
  ])('rejects %s = %j with "%s"', (field, value, message) => {
    // Prepare
    const receipt = { ...expectedReceipt(), [field]: value };

    // Act
    const result = ReceiptSchema.safeParse(receipt);

    // Assess
    expect(issuesOf(result)).toEqual([[field, message]]);
  });

  it.each([
    [null, 'top_left', 'point must be a dictionary'],
    [{ x: 1 }, 'top_left.y', "point must contain the key 'y'"],
    [{ x: 1, y: 2, z: 3 }, 'top_left', "point must contain exactly 'x' and 'y' keys"],
    [{ x: true, y: 2 }, 'top_left.x', "point['x'] must be a number"],
    [{ x: 1, y: Number.POSITIVE_INFINITY }, 'top_left.y', "point['y'] must be a number"],
    [{ x: Number.NaN, y: 2 }, 'top_left.x', "point['x'] must be a number"],
  ])('rejects the corner %j at %s with "%s"', (point, path, message) => {
    // Prepare
    const receipt = { ...expectedReceipt(), top_left: point };

    // Act
    const result = ReceiptSchema.safeParse(receipt);

    // Assess
    expect(issuesOf(result)).toEqual([[path, message]]);
  });
});

describe('Function: ReceiptItemSchema', () => {
  it('parses the item Python writes, taking the ids from the keys', () => {
    // Act
    const receipt = ReceiptItemSchema.parse(receiptItem());

    // Assess
    expect(receipt).toEqual(expectedReceipt());
  });

  it('reads missing sha256 and CDN attributes as null and accepts leading zeros in ids', () => {
    // Prepare
    const item = { ...omit(receiptItem(), 'sha256', 'cdn_s3_bucket'), SK: { S: 'RECEIPT#00042' } };

    // Act
    const receipt = ReceiptItemSchema.parse(item);

    // Assess
    expect(receipt.sha256).toBeNull();
    expect(receipt.cdn_s3_bucket).toBeNull();
    expect(receipt.receipt_id).toBe(42);
  });

  it('reports a missing required attribute at its name', () => {
    // Prepare
    const item = omit(receiptItem(), 'top_left', 'raw_s3_key');

    // Act
    const result = ReceiptItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      ['raw_s3_key', 'missing required attribute'],
      ['top_left', 'missing required attribute'],
    ]);
  });

  it('rejects a width that int() rejects, like "100.0"', () => {
    // Prepare
    const item = { ...receiptItem(), width: { N: '100.0' } };

    // Act
    const result = ReceiptItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([['width', 'must be an integer, got "100.0"']]);
  });

  it('rejects a corner map with an extra key (strict points)', () => {
    // Prepare
    const item = {
      ...receiptItem(),
      top_right: { M: { x: { N: '1' }, y: { N: '2' }, z: { N: '3' } } },
    };

    // Act
    const result = ReceiptItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      ['top_right.M', "point must contain exactly 'x' and 'y' keys"],
    ]);
  });

  it('puts entity-rule failures at the attribute, and key-derived ones at PK or SK', () => {
    // Prepare
    const item = {
      ...receiptItem(),
      PK: { S: 'IMAGE#not-a-uuid' },
      SK: { S: 'RECEIPT#00000' },
      height: { N: '0' },
      timestamp_added: { S: 'yesterday' },
    };

    // Act
    const result = ReceiptItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([
      ['PK', 'uuid must be a valid UUIDv4'],
      ['SK', 'receipt_id must be positive'],
      ['height', 'width and height must be positive integers'],
      ['timestamp_added', 'timestamp_added must be a valid ISO format timestamp'],
    ]);
  });

  it.each([
    ['RECEIPT#abc', 'receipt_id in SK must be an integer, got "abc"'],
    ['RECEIPT#00001#LINE#00001', 'Invalid SK format for Receipt: RECEIPT#00001#LINE#00001'],
    ['IMAGE#00001', 'Invalid SK format for Receipt: IMAGE#00001'],
  ])('rejects the sort key %s', (sk, message) => {
    // Prepare
    const item = { ...receiptItem(), SK: { S: sk } };

    // Act
    const result = ReceiptItemSchema.safeParse(item);

    // Assess
    expect(issuesOf(result)).toEqual([['SK', message]]);
  });
});

describe('Function: receiptKeys', () => {
  it('builds the primary, GSI1, GSI2 and GSI4 keys', () => {
    // Act
    const keys = receiptKeys({ image_id: IMAGE_ID, receipt_id: 7 });

    // Assess
    expect(keys).toEqual({
      PK: `IMAGE#${IMAGE_ID}`,
      SK: 'RECEIPT#00007',
      GSI1PK: `IMAGE#${IMAGE_ID}`,
      GSI1SK: 'RECEIPT#00007',
      GSI2PK: 'RECEIPT',
      GSI2SK: `IMAGE#${IMAGE_ID}#RECEIPT#00007`,
      GSI4PK: `IMAGE#${IMAGE_ID}#RECEIPT#00007`,
      GSI4SK: '0_RECEIPT',
    });
  });

  it('prints ids of 100000 and more wider instead of truncating them', () => {
    // Act
    const keys = receiptKeys({ image_id: IMAGE_ID, receipt_id: 123456 });

    // Assess
    expect(keys.SK).toBe('RECEIPT#123456');
  });
});

describe('Function: receiptToItem', () => {
  it('writes exactly the item Python writes', () => {
    // Act
    const item = receiptToItem(expectedReceipt());

    // Assess
    expect(item).toStrictEqual(receiptItem());
  });

  it('writes an empty CDN string as NULL, as Python tests truthiness', () => {
    // Prepare
    const receipt = { ...expectedReceipt(), cdn_small_s3_key: '' };

    // Act
    const item = receiptToItem(receipt);

    // Assess
    expect(item).toMatchObject({ cdn_small_s3_key: { NULL: true } });
  });

  it('round-trips realistic values through ReceiptItemSchema', () => {
    // Prepare
    const receipt: Receipt = {
      ...expectedReceipt(),
      receipt_id: 3,
      timestamp_added: '2025-03-04T05:06:07.891011+00:00',
      top_left: { x: 12.345678901234, y: 0.5 },
      bottom_right: { x: 3024, y: 4031.999 },
      sha256: null,
      cdn_webp_s3_key: null,
    };

    // Act
    const parsed = ReceiptItemSchema.parse(receiptToItem(receipt));

    // Assess
    expect(parsed).toEqual(receipt);
  });
});
