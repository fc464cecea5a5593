import type { z } from 'zod/mini';
import type { DynamoDBItem } from '../../src/types.js';

/**
 * DynamoDB items written by hand in the layouts the HEAD Python `to_item()` methods produce
 * (spec §2.1–2.4, §2.7), shared by the Receipt, ReceiptLine, ReceiptWord, ReceiptWordLabel
 * and ReceiptSection tests. Each function returns a fresh object, safe to mutate.
 */

export const IMAGE_ID = '3f52804b-2fad-4e00-92c8-b593da3a8ed3';
/** A version 5 UUID, accepted since HEAD. */
export const UUID_V5 = '886313e1-3b8a-5372-9b90-0c9aee199e5d';

/** A point map with pre-formatted coordinates. */
const pointAttr = (x: string, y: string) => ({ M: { x: { N: x }, y: { N: y } } });

/** A receipt as `Receipt.to_item()` writes it: corners with 18 decimals. */
export const receiptItem = (): DynamoDBItem => ({
  PK: { S: `IMAGE#${IMAGE_ID}` },
  SK: { S: 'RECEIPT#00001' },
  GSI1PK: { S: `IMAGE#${IMAGE_ID}` },
  GSI1SK: { S: 'RECEIPT#00001' },
  GSI2PK: { S: 'RECEIPT' },
  GSI2SK: { S: `IMAGE#${IMAGE_ID}#RECEIPT#00001` },
  GSI4PK: { S: `IMAGE#${IMAGE_ID}#RECEIPT#00001` },
  GSI4SK: { S: '0_RECEIPT' },
  TYPE: { S: 'RECEIPT' },
  width: { N: '200' },
  height: { N: '100' },
  timestamp_added: { S: '2021-01-01T00:00:00' },
  raw_s3_bucket: { S: 'raw-bucket' },
  raw_s3_key: { S: 'raw/receipt.png' },
  top_left: pointAttr('0.000000000000000000', '0.000000000000000000'),
  top_right: pointAttr('200.000000000000000000', '0.000000000000000000'),
  bottom_left: pointAttr('0.000000000000000000', '100.000000000000000000'),
  bottom_right: pointAttr('200.500000000000000000', '100.250000000000000000'),
  sha256: { S: 'abc123' },
  cdn_s3_bucket: { S: 'cdn-bucket' },
  cdn_s3_key: { S: 'assets/receipt.jpg' },
  cdn_webp_s3_key: { S: 'assets/receipt.webp' },
  cdn_avif_s3_key: { NULL: true },
  cdn_thumbnail_s3_key: { S: 'assets/receipt_thumbnail.jpg' },
  cdn_thumbnail_webp_s3_key: { NULL: true },
  cdn_thumbnail_avif_s3_key: { NULL: true },
  cdn_small_s3_key: { NULL: true },
  cdn_small_webp_s3_key: { NULL: true },
  cdn_small_avif_s3_key: { NULL: true },
  cdn_medium_s3_key: { NULL: true },
  cdn_medium_webp_s3_key: { NULL: true },
  cdn_medium_avif_s3_key: { S: 'assets/receipt_medium.avif' },
});

/** The geometry attributes lines and words share: 20 decimals, angles 18, confidence 2. */
const textGeometryAttributes = (text: string): DynamoDBItem => ({
  text: { S: text },
  bounding_box: {
    M: {
      x: { N: '0.10000000000000000000' },
      y: { N: '0.20000000000000000000' },
      width: { N: '0.30000000000000000000' },
      height: { N: '0.04000000000000000000' },
    },
  },
  top_right: pointAttr('0.40000000000000000000', '0.24000000000000000000'),
  top_left: pointAttr('0.10000000000000000000', '0.24000000000000000000'),
  bottom_right: pointAttr('0.40000000000000000000', '0.20000000000000000000'),
  bottom_left: pointAttr('0.10000000000000000000', '0.20000000000000000000'),
  angle_degrees: { N: '2.500000000000000000' },
  angle_radians: { N: '0.043633231300000000' },
  confidence: { N: '0.95' },
  embedding_status: { S: 'SUCCESS' },
  is_noise: { BOOL: false },
});

/** A receipt line as HEAD `ReceiptLine.to_item()` writes it. */
export const receiptLineItem = (): DynamoDBItem => ({
  PK: { S: `IMAGE#${IMAGE_ID}` },
  SK: { S: 'RECEIPT#00001#LINE#00002' },
  GSI1PK: { S: 'EMBEDDING_STATUS#SUCCESS' },
  GSI1SK: { S: `LINE#IMAGE#${IMAGE_ID}#RECEIPT#00001#LINE#00002` },
  GSI3PK: { S: `IMAGE#${IMAGE_ID}#RECEIPT#00001` },
  GSI3SK: { S: 'LINE' },
  GSI4PK: { S: `IMAGE#${IMAGE_ID}#RECEIPT#00001` },
  GSI4SK: { S: '2_LINE#00002' },
  TYPE: { S: 'RECEIPT_LINE' },
  ...textGeometryAttributes('TOTAL 12.34'),
});

/** A receipt word as HEAD `ReceiptWord.to_item()` writes it. */
export const receiptWordItem = (): DynamoDBItem => ({
  PK: { S: `IMAGE#${IMAGE_ID}` },
  SK: { S: 'RECEIPT#00001#LINE#00002#WORD#00003' },
  TYPE: { S: 'RECEIPT_WORD' },
  GSI1PK: { S: 'EMBEDDING_STATUS#SUCCESS' },
  GSI1SK: { S: `WORD#IMAGE#${IMAGE_ID}#RECEIPT#00001#LINE#00002#WORD#00003` },
  GSI2PK: { S: 'RECEIPT' },
  GSI2SK: { S: `IMAGE#${IMAGE_ID}#RECEIPT#00001#LINE#00002#WORD#00003` },
  GSI3PK: { S: `IMAGE#${IMAGE_ID}#RECEIPT#00001` },
  GSI3SK: { S: 'WORD' },
  GSI4PK: { S: `IMAGE#${IMAGE_ID}#RECEIPT#00001` },
  GSI4SK: { S: '3_WORD#00002#00003' },
  ...textGeometryAttributes('12.34'),
  extracted_data: { M: { type: { S: 'currency' }, value: { S: '12.34' } } },
});

/** A word label as `ReceiptWordLabel.to_item()` writes it (HEAD, with GSI4). */
export const receiptWordLabelItem = (): DynamoDBItem => ({
  PK: { S: `IMAGE#${IMAGE_ID}` },
  SK: { S: 'RECEIPT#00001#LINE#00002#WORD#00003#LABEL#GRAND_TOTAL' },
  GSI1PK: { S: 'LABEL#GRAND_TOTAL_______________________' },
  GSI1SK: { S: `IMAGE#${IMAGE_ID}#RECEIPT#00001#LINE#00002#WORD#00003` },
  GSI2PK: { S: 'RECEIPT' },
  GSI2SK: { S: `IMAGE#${IMAGE_ID}#RECEIPT#00001#LINE#00002#WORD#00003` },
  GSI3PK: { S: 'VALIDATION_STATUS#VALID' },
  GSI3SK: { S: `IMAGE#${IMAGE_ID}#RECEIPT#00001#LINE#00002#WORD#00003#LABEL#GRAND_TOTAL` },
  GSI4PK: { S: `IMAGE#${IMAGE_ID}#RECEIPT#00001` },
  GSI4SK: { S: '4_LABEL#00002#00003#GRAND_TOTAL' },
  TYPE: { S: 'RECEIPT_WORD_LABEL' },
  reasoning: { S: 'Largest amount after TOTAL' },
  timestamp_added: { S: '2025-01-15T10:30:00.123456+00:00' },
  validation_status: { S: 'VALID' },
  label_consolidated_from: { NULL: true },
  label_proposed_by: { S: 'label_harmonizer' },
});

/** A seed-era section: only `section_type`, `line_ids` and `created_at`. */
export const legacyReceiptSectionItem = (): DynamoDBItem => ({
  PK: { S: `IMAGE#${IMAGE_ID}` },
  SK: { S: 'RECEIPT#00001#SECTION#HEADER' },
  TYPE: { S: 'RECEIPT_SECTION' },
  section_type: { S: 'HEADER' },
  line_ids: { L: [{ N: '0' }, { N: '1' }, { N: '2' }] },
  created_at: { S: '2025-06-01T12:00:00' },
});

/** A HEAD section with every optional attribute set (numbers as Python's `str(float)`). */
export const receiptSectionItem = (): DynamoDBItem => ({
  PK: { S: `IMAGE#${IMAGE_ID}` },
  SK: { S: 'RECEIPT#00001#SECTION#ITEMS' },
  TYPE: { S: 'RECEIPT_SECTION' },
  section_type: { S: 'ITEMS' },
  line_ids: { L: [{ N: '4' }, { N: '5' }, { N: '6' }] },
  created_at: { S: '2026-07-10T08:15:30.500000+00:00' },
  confidence: { N: '0.85' },
  model_source: { S: 'section-seed-v0' },
  validation_status: { S: 'PENDING' },
  row_ids: { L: [{ N: '4' }, { N: '6' }] },
  verification_source: { S: 'knn-verifier' },
  verification_status: { S: 'DISAGREED' },
  verification_section_type: { S: 'SUMMARY' },
  verification_confidence: { N: '0.5' },
  disagreement_row_ids: { L: [{ N: '6' }] },
  verified_at: { S: '2026-07-11T09:00:00+00:00' },
});

/** A zod failure's issues as `[dotted path, message]` pairs, for compact assertions. */
export const issuesOf = (result: z.core.util.SafeParseResult<unknown>): [string, string][] =>
  result.success ? [] : result.error.issues.map((issue) => [issue.path.join('.'), issue.message]);

/** A copy of `item` without the named attributes. */
export const omit = (item: DynamoDBItem, ...names: readonly string[]): DynamoDBItem =>
  Object.fromEntries(Object.entries(item).filter(([name]) => !names.includes(name)));
