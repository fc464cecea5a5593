import {
  type CompactionRun,
  CompactionRunSchema,
  type DynamoDBItem,
  type Receipt,
  ReceiptItemSchema,
  type ReceiptLine,
  ReceiptLineSchema,
  type ReceiptMetadata,
  ReceiptMetadataSchema,
  type ReceiptPlace,
  ReceiptPlaceSchema,
  type ReceiptSection,
  ReceiptSectionSchema,
  type ReceiptWord,
  type ReceiptWordLabel,
  ReceiptWordLabelSchema,
  ReceiptWordSchema,
} from '@receipt-chroma/dynamo-stream';

/**
 * Receipt entities for tests, with values that survive the dynamo-stream writers and item
 * schemas unchanged (coordinates and confidences with few decimals), so a store that writes
 * and reads them back returns equal objects.
 */

const pad = (value: number): string => String(value).padStart(5, '0');

const geometry = (seed: number) => ({
  bounding_box: { x: 0.1, y: 0.25, width: 0.5, height: 0.05 },
  top_left: { x: 0.1, y: 0.3 },
  top_right: { x: 0.6, y: 0.3 },
  bottom_left: { x: 0.1, y: 0.25 },
  bottom_right: { x: 0.6, y: 0.25 },
  angle_degrees: 0,
  angle_radians: 0,
  confidence: 0.5 + (seed % 5) / 10,
  embedding_status: 'SUCCESS' as const,
  is_noise: false,
});

/**
 * A valid receipt (the item whose presence says the receipt exists), read from a minimal
 * table item as the store would read it.
 */
export const makeReceipt = (imageId: string, receiptId: number): Receipt => {
  const point = (x: string, y: string) => ({ M: { x: { N: x }, y: { N: y } } });
  return ReceiptItemSchema.parse({
    PK: { S: `IMAGE#${imageId}` },
    SK: { S: `RECEIPT#${pad(receiptId)}` },
    TYPE: { S: 'RECEIPT' },
    width: { N: '1200' },
    height: { N: '3400' },
    timestamp_added: { S: '2026-01-04T12:00:00' },
    raw_s3_bucket: { S: 'raw-receipts' },
    raw_s3_key: { S: `raw/${imageId}.png` },
    top_left: point('0.1', '0.9'),
    top_right: point('0.9', '0.9'),
    bottom_left: point('0.1', '0.1'),
    bottom_right: point('0.9', '0.1'),
  });
};

/** A valid receipt place; `formatted_address` is written to Chroma as `address`. */
export const makePlace = (
  imageId: string,
  receiptId: number,
  overrides: Partial<ReceiptPlace> = {},
): ReceiptPlace =>
  ReceiptPlaceSchema.parse({
    image_id: imageId,
    receipt_id: receiptId,
    place_id: 'ChIJN1t_tDeuEmsRUsoyG83frY4',
    merchant_name: 'Target',
    merchant_category: 'department_store',
    formatted_address: '1 Main St',
    phone_number: '(818) 661-4064',
    validation_status: 'MATCHED',
    timestamp: '2026-01-04T12:00:00+00:00',
    confidence: 0.95,
    ...overrides,
  });

/** A valid legacy `RECEIPT_METADATA` row (spec §2.6), read by the compactor as a place. */
export const makeLegacyMetadata = (
  imageId: string,
  receiptId: number,
  overrides: Partial<ReceiptMetadata> = {},
): ReceiptMetadata =>
  ReceiptMetadataSchema.parse({
    image_id: imageId,
    receipt_id: receiptId,
    place_id: 'legacy-place',
    merchant_name: 'Legacy Mart',
    merchant_category: 'grocery',
    address: '2 Old Rd',
    phone_number: '555-0100',
    validation_status: 'MATCHED',
    timestamp: '2026-01-04T12:00:00+00:00',
    validated_by: '',
    reasoning: '',
    canonical_place_id: '',
    canonical_merchant_name: 'LEGACY MART',
    canonical_address: '',
    canonical_phone_number: '',
    matched_fields: [],
    ...overrides,
  });

/** A compaction run of a receipt, its delta prefixes named after the run. */
export const makeCompactionRun = (
  imageId: string,
  receiptId: number,
  runId: string,
  createdAt: string,
): CompactionRun =>
  CompactionRunSchema.parse({
    run_id: runId,
    image_id: imageId,
    receipt_id: receiptId,
    lines_delta_prefix: `lines/delta/${runId}/`,
    words_delta_prefix: `words/delta/${runId}/`,
    created_at: createdAt,
  });

/** A valid receipt word. */
export const makeWord = (
  imageId: string,
  receiptId: number,
  lineId: number,
  wordId: number,
  overrides: Partial<ReceiptWord> = {},
): ReceiptWord =>
  ReceiptWordSchema.parse({
    image_id: imageId,
    receipt_id: receiptId,
    line_id: lineId,
    word_id: wordId,
    text: `w${lineId}.${wordId}`,
    ...geometry(wordId),
    extracted_data: null,
    ...overrides,
  });

/** A valid receipt line. */
export const makeLine = (
  imageId: string,
  receiptId: number,
  lineId: number,
  overrides: Partial<ReceiptLine> = {},
): ReceiptLine =>
  ReceiptLineSchema.parse({
    image_id: imageId,
    receipt_id: receiptId,
    line_id: lineId,
    text: `line ${lineId}`,
    ...geometry(lineId),
    ...overrides,
  });

/** A valid word label. */
export const makeLabel = (
  imageId: string,
  receiptId: number,
  lineId: number,
  wordId: number,
  label: string,
  overrides: Partial<ReceiptWordLabel> = {},
): ReceiptWordLabel =>
  ReceiptWordLabelSchema.parse({
    image_id: imageId,
    receipt_id: receiptId,
    line_id: lineId,
    word_id: wordId,
    label,
    reasoning: 'seen on the receipt',
    timestamp_added: '2026-01-04T12:00:00.123456+00:00',
    validation_status: 'VALID',
    label_proposed_by: null,
    label_consolidated_from: null,
    ...overrides,
  });

/** A valid receipt section. */
export const makeSection = (
  imageId: string,
  receiptId: number,
  sectionType: ReceiptSection['section_type'],
  lineIds: number[],
): ReceiptSection =>
  ReceiptSectionSchema.parse({
    image_id: imageId,
    receipt_id: receiptId,
    section_type: sectionType,
    line_ids: lineIds,
    created_at: '2026-01-04T12:00:00.123456+00:00',
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

/** A `RECEIPT_LETTER` item, which lives under its word's key. */
export const letterItem = (
  imageId: string,
  receiptId: number,
  lineId: number,
  wordId: number,
  letterId: number,
): DynamoDBItem => ({
  PK: { S: `IMAGE#${imageId}` },
  SK: {
    S: `RECEIPT#${pad(receiptId)}#LINE#${pad(lineId)}#WORD#${pad(wordId)}#LETTER#${pad(letterId)}`,
  },
  TYPE: { S: 'RECEIPT_LETTER' },
  text: { S: 'x' },
});

/** An item under a word key that is neither a letter nor a label (Python spatial analyses). */
export const spatialAnalysisItem = (
  imageId: string,
  receiptId: number,
  lineId: number,
  wordId: number,
): DynamoDBItem => ({
  PK: { S: `IMAGE#${imageId}` },
  SK: {
    S: `RECEIPT#${pad(receiptId)}#LINE#${pad(lineId)}#WORD#${pad(wordId)}#SPATIAL_ANALYSIS`,
  },
  TYPE: { S: 'SPATIAL_ANALYSIS' },
});

/** Compares two strings by UTF-8 bytes, the order DynamoDB returns sort keys in. */
export const byUtf8 = (left: string, right: string): number =>
  Buffer.compare(Buffer.from(left, 'utf8'), Buffer.from(right, 'utf8'));
