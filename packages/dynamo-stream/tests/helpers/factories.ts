import type { z } from 'zod/mini';
import type { TargetQueue } from '../../src/constants.js';
import { merchantSlug } from '../../src/entities/receiptPlaceKeys.js';
import type { EntityData, FieldChanges, StreamMessage } from '../../src/messages/types.js';
import type { AttributeValue, DynamoDBItem, DynamoDBStreamRecord } from '../../src/types.js';

/**
 * The test fixtures of the package: table items, stream records and queue messages.
 *
 * Items are written out by hand in the layouts the Python `to_item()` methods produce
 * (spec §2.1–2.10, chroma-compaction §16.1), so tests exercise the real wire shapes rather
 * than our own writers. Called without options, each item builder returns the same item
 * every time (the entity tests and golden snapshots rely on its exact values); options
 * change its ids or its state, keeping its keys and indexes consistent, and `overrides`
 * replace attributes (`undefined` removes one). Every call returns a fresh object, safe to
 * mutate.
 */

export const IMAGE_ID = '3f52804b-2fad-4e00-92c8-b593da3a8ed3';
export const RUN_ID = '7d4ec9f0-6f7c-4b1e-9a55-1f4a2c9b8e01';
/** A version 5 UUID (deterministic batch ids), accepted by the entity rules. */
export const UUID_V5 = '886313e1-3b8a-5372-9b90-0c9aee199e5d';
export const OWNER = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

/** Attributes to replace in an item; `undefined` removes the attribute. */
export type Overrides = Record<string, AttributeValue | undefined>;

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: string): AttributeValue => ({ N: value });
const NULL: AttributeValue = { NULL: true };
const pad = (id: number): string => String(id).padStart(5, '0');
const point = (x: string, y: string): AttributeValue => ({ M: { x: n(x), y: n(y) } });
const IMAGE_PK = `IMAGE#${IMAGE_ID}`;
/** `IMAGE#<id>#RECEIPT#<rid>`, the key several indexes share. */
const receiptKey = (receiptId: number): string => `${IMAGE_PK}#RECEIPT#${pad(receiptId)}`;

const withOverrides = (item: DynamoDBItem, overrides: Overrides): DynamoDBItem => {
  const result: DynamoDBItem = { ...item };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete result[key];
    else result[key] = value;
  }
  return result;
};

/** A receipt as `Receipt.to_item()` writes it: corners with 18 decimals. */
export const receiptItem = (
  { receiptId = 1 }: { receiptId?: number } = {},
  overrides: Overrides = {},
): DynamoDBItem =>
  withOverrides(
    {
      PK: s(IMAGE_PK),
      SK: s(`RECEIPT#${pad(receiptId)}`),
      GSI1PK: s(IMAGE_PK),
      GSI1SK: s(`RECEIPT#${pad(receiptId)}`),
      GSI2PK: s('RECEIPT'),
      GSI2SK: s(receiptKey(receiptId)),
      GSI4PK: s(receiptKey(receiptId)),
      GSI4SK: s('0_RECEIPT'),
      TYPE: s('RECEIPT'),
      width: n('200'),
      height: n('100'),
      timestamp_added: s('2021-01-01T00:00:00'),
      raw_s3_bucket: s('raw-bucket'),
      raw_s3_key: s('raw/receipt.png'),
      top_left: point('0.000000000000000000', '0.000000000000000000'),
      top_right: point('200.000000000000000000', '0.000000000000000000'),
      bottom_left: point('0.000000000000000000', '100.000000000000000000'),
      bottom_right: point('200.500000000000000000', '100.250000000000000000'),
      sha256: s('abc123'),
      cdn_s3_bucket: s('cdn-bucket'),
      cdn_s3_key: s('assets/receipt.jpg'),
      cdn_webp_s3_key: s('assets/receipt.webp'),
      cdn_avif_s3_key: NULL,
      cdn_thumbnail_s3_key: s('assets/receipt_thumbnail.jpg'),
      cdn_thumbnail_webp_s3_key: NULL,
      cdn_thumbnail_avif_s3_key: NULL,
      cdn_small_s3_key: NULL,
      cdn_small_webp_s3_key: NULL,
      cdn_small_avif_s3_key: NULL,
      cdn_medium_s3_key: NULL,
      cdn_medium_webp_s3_key: NULL,
      cdn_medium_avif_s3_key: s('assets/receipt_medium.avif'),
    },
    overrides,
  );

/** The geometry attributes lines and words share: 20 decimals, angles 18, confidence 2. */
const textGeometry = (text: string): DynamoDBItem => ({
  text: s(text),
  bounding_box: {
    M: {
      x: n('0.10000000000000000000'),
      y: n('0.20000000000000000000'),
      width: n('0.30000000000000000000'),
      height: n('0.04000000000000000000'),
    },
  },
  top_right: point('0.40000000000000000000', '0.24000000000000000000'),
  top_left: point('0.10000000000000000000', '0.24000000000000000000'),
  bottom_right: point('0.40000000000000000000', '0.20000000000000000000'),
  bottom_left: point('0.10000000000000000000', '0.20000000000000000000'),
  angle_degrees: n('2.500000000000000000'),
  angle_radians: n('0.043633231300000000'),
  confidence: n('0.95'),
  embedding_status: s('SUCCESS'),
  is_noise: { BOOL: false },
});

/** A receipt line as `ReceiptLine.to_item()` writes it. */
export const receiptLineItem = (
  {
    receiptId = 1,
    lineId = 2,
    text = 'TOTAL 12.34',
  }: { receiptId?: number; lineId?: number; text?: string } = {},
  overrides: Overrides = {},
): DynamoDBItem => {
  const sk = `RECEIPT#${pad(receiptId)}#LINE#${pad(lineId)}`;
  return withOverrides(
    {
      PK: s(IMAGE_PK),
      SK: s(sk),
      GSI1PK: s('EMBEDDING_STATUS#SUCCESS'),
      GSI1SK: s(`LINE#${IMAGE_PK}#${sk}`),
      GSI3PK: s(receiptKey(receiptId)),
      GSI3SK: s('LINE'),
      GSI4PK: s(receiptKey(receiptId)),
      GSI4SK: s(`2_LINE#${pad(lineId)}`),
      TYPE: s('RECEIPT_LINE'),
      ...textGeometry(text),
    },
    overrides,
  );
};

/** The ids of a word, and so of its labels. */
export interface WordIds {
  readonly receiptId?: number;
  readonly lineId?: number;
  readonly wordId?: number;
}

/** A receipt word as `ReceiptWord.to_item()` writes it. */
export const receiptWordItem = (
  { receiptId = 1, lineId = 2, wordId = 3, text = '12.34' }: WordIds & { text?: string } = {},
  overrides: Overrides = {},
): DynamoDBItem => {
  const sk = `RECEIPT#${pad(receiptId)}#LINE#${pad(lineId)}#WORD#${pad(wordId)}`;
  return withOverrides(
    {
      PK: s(IMAGE_PK),
      SK: s(sk),
      TYPE: s('RECEIPT_WORD'),
      GSI1PK: s('EMBEDDING_STATUS#SUCCESS'),
      GSI1SK: s(`WORD#${IMAGE_PK}#${sk}`),
      GSI2PK: s('RECEIPT'),
      GSI2SK: s(`${IMAGE_PK}#${sk}`),
      GSI3PK: s(receiptKey(receiptId)),
      GSI3SK: s('WORD'),
      GSI4PK: s(receiptKey(receiptId)),
      GSI4SK: s(`3_WORD#${pad(lineId)}#${pad(wordId)}`),
      ...textGeometry(text),
      extracted_data: { M: { type: s('currency'), value: s('12.34') } },
    },
    overrides,
  );
};

/** A word label as `ReceiptWordLabel.to_item()` writes it (with GSI4). */
export const receiptWordLabelItem = (
  {
    receiptId = 1,
    lineId = 2,
    wordId = 3,
    label = 'GRAND_TOTAL',
    validationStatus = 'VALID',
  }: WordIds & { label?: string; validationStatus?: string } = {},
  overrides: Overrides = {},
): DynamoDBItem => {
  const wordKey = `${receiptKey(receiptId)}#LINE#${pad(lineId)}#WORD#${pad(wordId)}`;
  return withOverrides(
    {
      PK: s(IMAGE_PK),
      SK: s(`RECEIPT#${pad(receiptId)}#LINE#${pad(lineId)}#WORD#${pad(wordId)}#LABEL#${label}`),
      GSI1PK: s(`LABEL#${label}`.padEnd(40, '_')),
      GSI1SK: s(wordKey),
      GSI2PK: s('RECEIPT'),
      GSI2SK: s(wordKey),
      GSI3PK: s(`VALIDATION_STATUS#${validationStatus}`),
      GSI3SK: s(`${wordKey}#LABEL#${label}`),
      GSI4PK: s(receiptKey(receiptId)),
      GSI4SK: s(`4_LABEL#${pad(lineId)}#${pad(wordId)}#${label}`),
      TYPE: s('RECEIPT_WORD_LABEL'),
      reasoning: s('Largest amount after TOTAL'),
      timestamp_added: s('2025-01-15T10:30:00.123456+00:00'),
      validation_status: s(validationStatus),
      label_consolidated_from: NULL,
      label_proposed_by: s('label_harmonizer'),
    },
    overrides,
  );
};

/** A legacy section (spec §2.7): only `section_type`, `line_ids` and `created_at`. */
export const legacyReceiptSectionItem = (
  {
    receiptId = 1,
    sectionType = 'HEADER',
    lineIds = [0, 1, 2],
  }: { receiptId?: number; sectionType?: string; lineIds?: readonly number[] } = {},
  overrides: Overrides = {},
): DynamoDBItem =>
  withOverrides(
    {
      PK: s(IMAGE_PK),
      SK: s(`RECEIPT#${pad(receiptId)}#SECTION#${sectionType}`),
      TYPE: s('RECEIPT_SECTION'),
      section_type: s(sectionType),
      line_ids: { L: lineIds.map((id) => n(String(id))) },
      created_at: s('2025-06-01T12:00:00'),
    },
    overrides,
  );

/** A section with every optional attribute set (numbers as Python's `str(float)`). */
export const receiptSectionItem = (): DynamoDBItem => ({
  PK: s(IMAGE_PK),
  SK: s('RECEIPT#00001#SECTION#ITEMS'),
  TYPE: s('RECEIPT_SECTION'),
  section_type: s('ITEMS'),
  line_ids: { L: [n('4'), n('5'), n('6')] },
  created_at: s('2026-07-10T08:15:30.500000+00:00'),
  confidence: n('0.85'),
  model_source: s('section-seed-v0'),
  validation_status: s('PENDING'),
  row_ids: { L: [n('4'), n('6')] },
  verification_source: s('knn-verifier'),
  verification_status: s('DISAGREED'),
  verification_section_type: s('SUMMARY'),
  verification_confidence: n('0.5'),
  disagreement_row_ids: { L: [n('6')] },
  verified_at: s('2026-07-11T09:00:00+00:00'),
});

/** A matched place as `ReceiptPlace.to_item()` writes it. */
export const placeItem = (
  { receiptId = 1, merchantName = 'Target' }: { receiptId?: number; merchantName?: string } = {},
  overrides: Overrides = {},
): DynamoDBItem => {
  const placeSort = `${receiptKey(receiptId)}#PLACE`;
  return withOverrides(
    {
      PK: s(IMAGE_PK),
      SK: s(`RECEIPT#${pad(receiptId)}#PLACE`),
      GSI1PK: s(`MERCHANT#${merchantSlug(merchantName)}`),
      GSI1SK: s(placeSort),
      GSI2PK: s('PLACE#ChIJ-target-123'),
      GSI2SK: s(placeSort),
      GSI3PK: s('PLACE_VALIDATION'),
      GSI3SK: s(`CONFIDENCE#0.9500#STATUS#MATCHED#IMAGE#${IMAGE_ID}`),
      GSI4PK: s(receiptKey(receiptId)),
      GSI4SK: s('1_PLACE'),
      TYPE: s('RECEIPT_PLACE'),
      image_id: s(IMAGE_ID),
      receipt_id: n(String(receiptId)),
      place_id: s('ChIJ-target-123'),
      merchant_name: s(merchantName),
      validation_status: s('MATCHED'),
      timestamp: s('2025-12-20T10:11:12.123456+00:00'),
      confidence: n('0.95'),
      merchant_category: s('department_store'),
      formatted_address: s('123 Main St, Westlake Village, CA 91361'),
      short_address: NULL,
      phone_number: s('(805) 555-0100'),
      phone_intl: NULL,
      website: s('https://www.target.com'),
      maps_url: NULL,
      business_status: s('OPERATIONAL'),
      plus_code: NULL,
      validated_by: s('PHONE_LOOKUP'),
      reasoning: NULL,
      places_api_version: s('v1'),
      merchant_types: { L: [s('department_store'), s('store')] },
      matched_fields: { L: [s('name'), s('phone')] },
      hours_summary: { L: [s('Monday: 8:00 AM – 10:00 PM')] },
      latitude: n('34.1'),
      longitude: n('-118.8'),
      open_now: { BOOL: true },
      address_components: { M: { city: s('Westlake Village'), zip: s('91361') } },
      hours_data: { M: { periods: { L: [{ M: { open: n('800') } }] } } },
    },
    overrides,
  );
};

/**
 * A legacy place (spec §2.5): geohash GSI4 and `geohash` attribute, string-set lists,
 * JSON-string maps, and the `PLACE#` GSI2 once written for an empty place id.
 */
export const seedPlaceItem = (): DynamoDBItem => ({
  PK: s(IMAGE_PK),
  SK: s('RECEIPT#00001#PLACE'),
  GSI1PK: s('MERCHANT#COSTCO_WHOLESALE'),
  GSI1SK: s(`${receiptKey(1)}#PLACE`),
  GSI2PK: s('PLACE#'),
  GSI2SK: s(`${receiptKey(1)}#PLACE`),
  GSI3PK: s('PLACE_VALIDATION'),
  GSI3SK: s(`CONFIDENCE#0.0000#STATUS#NO_MATCH#IMAGE#${IMAGE_ID}`),
  GSI4PK: s('GEOHASH#9q5ctr'),
  GSI4SK: s('PLACE#'),
  TYPE: s('RECEIPT_PLACE'),
  image_id: s(IMAGE_ID),
  receipt_id: n('1'),
  place_id: s(''),
  merchant_name: s('Costco Wholesale'),
  validation_status: s('NO_MATCH'),
  timestamp: s('2025-06-01T00:00:00'),
  confidence: n('0.0'),
  merchant_types: { SS: ['warehouse_store', 'store'] },
  photo_references: { SS: ['photo-b', 'photo-a'] },
  address_components: s('{"city": "Westlake Village"}'),
  hours_data: s('{"weekday_text": ["Mon"]}'),
  latitude: n('34.15'),
  longitude: n('-118.82'),
  geohash: s('9q5ctr'),
});

/** A legacy metadata row as `ReceiptMetadata.to_item()` wrote it. */
export const metadataItem = (): DynamoDBItem => ({
  PK: s(IMAGE_PK),
  SK: s('RECEIPT#00002#METADATA'),
  GSI1PK: s('MERCHANT#SPROUTS_FARMERS_MARKET'),
  GSI1SK: s(`${receiptKey(2)}#METADATA`),
  GSI2PK: s('PLACE#ChIJ-sprouts'),
  GSI2SK: s(`${receiptKey(2)}#METADATA`),
  GSI3PK: s('MERCHANT_VALIDATION'),
  GSI3SK: s('STATUS#MATCHED'),
  TYPE: s('RECEIPT_METADATA'),
  place_id: s('ChIJ-sprouts'),
  merchant_name: s('Sprouts Farmers Market'),
  validation_status: s('MATCHED'),
  timestamp: s('2025-05-28T12:00:00'),
  merchant_category: s('grocery_store'),
  address: s('5700 Lindero Canyon Rd, Westlake Village, CA'),
  phone_number: s('(818) 555-0199'),
  validated_by: s('ADDRESS_LOOKUP'),
  reasoning: s('name and phone matched'),
  canonical_place_id: NULL,
  canonical_merchant_name: NULL,
  canonical_address: NULL,
  canonical_phone_number: NULL,
  matched_fields: { SS: ['phone', 'name'] },
});

/** A summary as `ReceiptSummaryRecord.to_item()` writes it, with tender fields. */
export const summaryItem = (
  {
    receiptId = 7,
    timestampComputed = '2026-01-28T09:00:00.000001+00:00',
  }: { receiptId?: number; timestampComputed?: string } = {},
  overrides: Overrides = {},
): DynamoDBItem =>
  withOverrides(
    {
      PK: s(IMAGE_PK),
      SK: s(`RECEIPT#${pad(receiptId)}#SUMMARY`),
      GSI2PK: s('RECEIPT_SUMMARY'),
      GSI2SK: s(receiptKey(receiptId)),
      GSI4PK: s(receiptKey(receiptId)),
      GSI4SK: s('5_SUMMARY'),
      TYPE: s('RECEIPT_SUMMARY'),
      timestamp_computed: s(timestampComputed),
      item_count: n('4'),
      merchant_name: s('Sprouts Farmers Market'),
      date: s('2025-05-28T00:00:00'),
      grand_total: n('47.18'),
      subtotal: NULL,
      tax: n('1.23'),
      tip: NULL,
      tender_class: s('card'),
      card_network: s('MASTERCARD'),
      card_last4: s('7645'),
      ledger: s('apple'),
      bank_amount: n('47.18'),
      bank_match_confidence: n('0.95'),
    },
    overrides,
  );

/** A compaction run as `CompactionRun.to_item()` writes it right after creation. */
export const runItem = (
  { receiptId = 42, runId = RUN_ID }: { receiptId?: number; runId?: string } = {},
  overrides: Overrides = {},
): DynamoDBItem =>
  withOverrides(
    {
      PK: s(IMAGE_PK),
      SK: s(`RECEIPT#${pad(receiptId)}#COMPACTION_RUN#${runId}`),
      GSI1PK: s('RUNS'),
      GSI1SK: s('CREATED_AT#2025-12-20T10:11:12.123456+00:00'),
      TYPE: s('COMPACTION_RUN'),
      run_id: s(runId),
      image_id: s(IMAGE_ID),
      receipt_id: n(String(receiptId)),
      lines_delta_prefix: s(`lines/delta/${runId}/`),
      words_delta_prefix: s(`words/delta/${runId}/`),
      lines_state: s('PENDING'),
      words_state: s('PENDING'),
      lines_merged_vectors: n('0'),
      words_merged_vectors: n('0'),
      created_at: s('2025-12-20T10:11:12.123456+00:00'),
      lines_started_at: NULL,
      lines_finished_at: NULL,
      words_started_at: NULL,
      words_finished_at: NULL,
      updated_at: NULL,
      lines_error: NULL,
      words_error: NULL,
    },
    overrides,
  );

/** A lock as the Python `CompactionLock.to_item()` writes it (no fence, no TTL). */
export const lockItem = (): DynamoDBItem => ({
  PK: s('LOCK#words#chromadb_compaction_lock'),
  SK: s('LOCK'),
  GSI1PK: s('LOCK#words'),
  GSI1SK: s('EXPIRES#2025-12-20T10:16:12.123456+00:00'),
  TYPE: s('COMPACTION_LOCK'),
  owner: s(OWNER),
  expires: s('2025-12-20T10:16:12.123456+00:00'),
  collection: s('words'),
  heartbeat: s('2025-12-20T10:11:12.123456+00:00'),
});

/** A copy of `item` without the named attributes. */
export const omit = (item: DynamoDBItem, ...names: readonly string[]): DynamoDBItem =>
  Object.fromEntries(Object.entries(item).filter(([name]) => !names.includes(name)));

/** A zod failure's issues as `[dotted path, message]` pairs, for compact assertions. */
export const issuesOf = (result: z.core.util.SafeParseResult<unknown>): [string, string][] =>
  result.success ? [] : result.error.issues.map((issue) => [issue.path.join('.'), issue.message]);

let sequence = 1000;

/** A stream view type, as `dynamodb.StreamViewType` names it. */
export type StreamViewType = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';

/**
 * A stream record for an item change; keys come from the new (else old) image. With a
 * `viewType` other than `NEW_AND_OLD_IMAGES`, the images that view leaves out are dropped,
 * as DynamoDB Streams does.
 */
export const streamRecord = ({
  eventName,
  oldImage: givenOldImage,
  newImage: givenNewImage,
  eventID,
  keys,
  viewType = 'NEW_AND_OLD_IMAGES',
}: {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  oldImage?: DynamoDBItem;
  newImage?: DynamoDBItem;
  eventID?: string;
  keys?: { PK: string; SK: string };
  viewType?: StreamViewType;
}): DynamoDBStreamRecord => {
  const source = givenNewImage ?? givenOldImage ?? {};
  const oldImage = viewType.includes('OLD') ? givenOldImage : undefined;
  const newImage = viewType.includes('NEW') ? givenNewImage : undefined;
  sequence += 1;
  return {
    eventID: eventID ?? `event-${sequence}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    eventSourceARN:
      'arn:aws:dynamodb:us-east-1:123456789012:table/ReceiptsTable/stream/2026-01-01T00:00:00.000',
    dynamodb: {
      ApproximateCreationDateTime: 1767528000,
      Keys: keys
        ? { PK: s(keys.PK), SK: s(keys.SK) }
        : { PK: source['PK'] ?? s(''), SK: source['SK'] ?? s('') },
      ...(oldImage ? { OldImage: oldImage } : {}),
      ...(newImage ? { NewImage: newImage } : {}),
      SequenceNumber: String(sequence).padStart(21, '0'),
      SizeBytes: 512,
      StreamViewType: viewType,
    },
  };
};

/** The image id of the spec §9 example message. */
export const WIRE_IMAGE_ID = '7e2bd911-7afb-4e0a-84de-57f51ce4daff';

/** The StreamMessage behind the spec §9 example body (a RECEIPT_PLACE merchant rename). */
export const placeMessage = (): StreamMessage => ({
  entityType: 'RECEIPT_PLACE',
  entityData: { entity_type: 'RECEIPT_PLACE', image_id: WIRE_IMAGE_ID, receipt_id: 1 },
  changes: {
    merchant_name: { old: '30740 Russell Ranch Rd (Westlake Village)', new: 'Target' },
  },
  eventName: 'MODIFY',
  collections: ['lines', 'words', 'receipt_summary'],
  context: {
    source: 'dynamodb_stream',
    timestamp: '2026-01-04T12:34:56.123456+00:00',
    recordId: '16a9dd5e2f0213450b6df980241160f0',
    awsRegion: 'us-east-1',
  },
  recordSnapshot: { merchant_name: 'Target' },
});

/** The spec §9 example body, written out by hand in Python's `json.dumps` layout. */
export const PLACE_MESSAGE_BODY: string =
  '{"source": "dynamodb_stream", "entity_type": "RECEIPT_PLACE", ' +
  `"entity_data": {"entity_type": "RECEIPT_PLACE", "image_id": "${WIRE_IMAGE_ID}", "receipt_id": 1}, ` +
  '"changes": {"merchant_name": {"old": "30740 Russell Ranch Rd (Westlake Village)", "new": "Target"}}, ' +
  '"event_name": "MODIFY", "timestamp": "2026-01-04T12:34:56.123456+00:00", ' +
  '"stream_record_id": "16a9dd5e2f0213450b6df980241160f0", "aws_region": "us-east-1"}';

/** Options of {@link wordLabelMessage}. */
export interface WordLabelMessageOptions {
  readonly receiptId?: number;
  readonly wordId?: number;
  readonly label?: string;
  readonly eventName?: string;
  readonly collections?: readonly TargetQueue[];
  readonly changes?: FieldChanges;
  readonly entityData?: Partial<EntityData>;
}

/** A RECEIPT_WORD_LABEL message, numbered by `wordId`, routed to `words` by default. */
export const wordLabelMessage = ({
  receiptId = 1,
  wordId = 1,
  label = 'TOTAL',
  eventName = 'MODIFY',
  collections = ['words'],
  changes = { validation_status: { old: 'PENDING', new: 'VALID' } },
  entityData = {},
}: WordLabelMessageOptions = {}): StreamMessage => ({
  entityType: 'RECEIPT_WORD_LABEL',
  entityData: {
    entity_type: 'RECEIPT_WORD_LABEL',
    image_id: IMAGE_ID,
    receipt_id: receiptId,
    line_id: 2,
    word_id: wordId,
    label,
    ...entityData,
  },
  changes,
  eventName,
  collections,
  context: {
    source: 'dynamodb_stream',
    timestamp: `2026-01-04T12:34:56.${String(wordId).padStart(6, '0')}+00:00`,
    recordId: `event-${wordId}`,
    awsRegion: 'us-east-1',
  },
});

/**
 * `length` CJK characters (each 3 bytes in UTF-8 and 6 in an ASCII-only JSON body), a
 * different text for each `seed`.
 */
export const cjkText = (length: number, seed = 0): string => {
  const phrase = ['領収書の合計金額を確認しました', '店舗名と住所が一致しています'][seed % 2] ?? '';
  return phrase.repeat(Math.ceil(length / phrase.length)).slice(0, length);
};
