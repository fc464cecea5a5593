import type { z } from 'zod/mini';
import type { DynamoDBItem } from '../../src/types.js';

/**
 * DynamoDB items written by hand in the layouts the Python `to_item()` methods produce
 * (spec §2.5, §2.6, §2.8–2.10 and chroma-compaction §16.1), shared by the ReceiptPlace,
 * ReceiptMetadata, ReceiptSummaryRecord, CompactionRun and CompactionLock tests. Each
 * function returns a fresh object, safe to mutate.
 */

export const IMAGE_ID = '3f52804b-2fad-4e00-92c8-b593da3a8ed3';
export const RUN_ID = '7d4ec9f0-6f7c-4b1e-9a55-1f4a2c9b8e01';
/** A version 5 UUID (deterministic batch ids), accepted since HEAD. */
export const UUID_V5 = '886313e1-3b8a-5372-9b90-0c9aee199e5d';
export const OWNER = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

const PLACE_SORT = `IMAGE#${IMAGE_ID}#RECEIPT#00001#PLACE`;

/** A matched Target place as HEAD `ReceiptPlace.to_item()` writes it. */
export const placeItem = (): DynamoDBItem => ({
  PK: { S: `IMAGE#${IMAGE_ID}` },
  SK: { S: 'RECEIPT#00001#PLACE' },
  GSI1PK: { S: 'MERCHANT#TARGET' },
  GSI1SK: { S: PLACE_SORT },
  GSI2PK: { S: 'PLACE#ChIJ-target-123' },
  GSI2SK: { S: PLACE_SORT },
  GSI3PK: { S: 'PLACE_VALIDATION' },
  GSI3SK: { S: `CONFIDENCE#0.9500#STATUS#MATCHED#IMAGE#${IMAGE_ID}` },
  GSI4PK: { S: `IMAGE#${IMAGE_ID}#RECEIPT#00001` },
  GSI4SK: { S: '1_PLACE' },
  TYPE: { S: 'RECEIPT_PLACE' },
  image_id: { S: IMAGE_ID },
  receipt_id: { N: '1' },
  place_id: { S: 'ChIJ-target-123' },
  merchant_name: { S: 'Target' },
  validation_status: { S: 'MATCHED' },
  timestamp: { S: '2025-12-20T10:11:12.123456+00:00' },
  confidence: { N: '0.95' },
  merchant_category: { S: 'department_store' },
  formatted_address: { S: '123 Main St, Westlake Village, CA 91361' },
  short_address: { NULL: true },
  phone_number: { S: '(805) 555-0100' },
  phone_intl: { NULL: true },
  website: { S: 'https://www.target.com' },
  maps_url: { NULL: true },
  business_status: { S: 'OPERATIONAL' },
  plus_code: { NULL: true },
  validated_by: { S: 'PHONE_LOOKUP' },
  reasoning: { NULL: true },
  places_api_version: { S: 'v1' },
  merchant_types: { L: [{ S: 'department_store' }, { S: 'store' }] },
  matched_fields: { L: [{ S: 'name' }, { S: 'phone' }] },
  hours_summary: { L: [{ S: 'Monday: 8:00 AM – 10:00 PM' }] },
  latitude: { N: '34.1' },
  longitude: { N: '-118.8' },
  open_now: { BOOL: true },
  address_components: { M: { city: { S: 'Westlake Village' }, zip: { S: '91361' } } },
  hours_data: { M: { periods: { L: [{ M: { open: { N: '800' } } }] } } },
});

/**
 * A seed-era place: geohash GSI4 and `geohash` attribute, string-set lists, JSON-string
 * maps, and the `PLACE#` GSI2 the seed wrote for an empty place id.
 */
export const seedPlaceItem = (): DynamoDBItem => ({
  PK: { S: `IMAGE#${IMAGE_ID}` },
  SK: { S: 'RECEIPT#00001#PLACE' },
  GSI1PK: { S: 'MERCHANT#COSTCO_WHOLESALE' },
  GSI1SK: { S: PLACE_SORT },
  GSI2PK: { S: 'PLACE#' },
  GSI2SK: { S: PLACE_SORT },
  GSI3PK: { S: 'PLACE_VALIDATION' },
  GSI3SK: { S: `CONFIDENCE#0.0000#STATUS#NO_MATCH#IMAGE#${IMAGE_ID}` },
  GSI4PK: { S: 'GEOHASH#9q5ctr' },
  GSI4SK: { S: 'PLACE#' },
  TYPE: { S: 'RECEIPT_PLACE' },
  image_id: { S: IMAGE_ID },
  receipt_id: { N: '1' },
  place_id: { S: '' },
  merchant_name: { S: 'Costco Wholesale' },
  validation_status: { S: 'NO_MATCH' },
  timestamp: { S: '2025-06-01T00:00:00' },
  confidence: { N: '0.0' },
  merchant_types: { SS: ['warehouse_store', 'store'] },
  photo_references: { SS: ['photo-b', 'photo-a'] },
  address_components: { S: '{"city": "Westlake Village"}' },
  hours_data: { S: '{"weekday_text": ["Mon"]}' },
  latitude: { N: '34.15' },
  longitude: { N: '-118.82' },
  geohash: { S: '9q5ctr' },
});

/** A legacy metadata row as `ReceiptMetadata.to_item()` wrote it. */
export const metadataItem = (): DynamoDBItem => ({
  PK: { S: `IMAGE#${IMAGE_ID}` },
  SK: { S: 'RECEIPT#00002#METADATA' },
  GSI1PK: { S: 'MERCHANT#SPROUTS_FARMERS_MARKET' },
  GSI1SK: { S: `IMAGE#${IMAGE_ID}#RECEIPT#00002#METADATA` },
  GSI2PK: { S: 'PLACE#ChIJ-sprouts' },
  GSI2SK: { S: `IMAGE#${IMAGE_ID}#RECEIPT#00002#METADATA` },
  GSI3PK: { S: 'MERCHANT_VALIDATION' },
  GSI3SK: { S: 'STATUS#MATCHED' },
  TYPE: { S: 'RECEIPT_METADATA' },
  place_id: { S: 'ChIJ-sprouts' },
  merchant_name: { S: 'Sprouts Farmers Market' },
  validation_status: { S: 'MATCHED' },
  timestamp: { S: '2025-05-28T12:00:00' },
  merchant_category: { S: 'grocery_store' },
  address: { S: '5700 Lindero Canyon Rd, Westlake Village, CA' },
  phone_number: { S: '(818) 555-0199' },
  validated_by: { S: 'ADDRESS_LOOKUP' },
  reasoning: { S: 'name and phone matched' },
  canonical_place_id: { NULL: true },
  canonical_merchant_name: { NULL: true },
  canonical_address: { NULL: true },
  canonical_phone_number: { NULL: true },
  matched_fields: { SS: ['phone', 'name'] },
});

/** A summary as HEAD `ReceiptSummaryRecord.to_item()` writes it, with tender fields. */
export const summaryItem = (): DynamoDBItem => ({
  PK: { S: `IMAGE#${IMAGE_ID}` },
  SK: { S: 'RECEIPT#00007#SUMMARY' },
  GSI2PK: { S: 'RECEIPT_SUMMARY' },
  GSI2SK: { S: `IMAGE#${IMAGE_ID}#RECEIPT#00007` },
  GSI4PK: { S: `IMAGE#${IMAGE_ID}#RECEIPT#00007` },
  GSI4SK: { S: '5_SUMMARY' },
  TYPE: { S: 'RECEIPT_SUMMARY' },
  timestamp_computed: { S: '2026-01-28T09:00:00.000001+00:00' },
  item_count: { N: '4' },
  merchant_name: { S: 'Sprouts Farmers Market' },
  date: { S: '2025-05-28T00:00:00' },
  grand_total: { N: '47.18' },
  subtotal: { NULL: true },
  tax: { N: '1.23' },
  tip: { NULL: true },
  tender_class: { S: 'card' },
  card_network: { S: 'MASTERCARD' },
  card_last4: { S: '7645' },
  ledger: { S: 'apple' },
  bank_amount: { N: '47.18' },
  bank_match_confidence: { N: '0.95' },
});

/** A compaction run as `CompactionRun.to_item()` writes it right after creation. */
export const runItem = (): DynamoDBItem => ({
  PK: { S: `IMAGE#${IMAGE_ID}` },
  SK: { S: `RECEIPT#00042#COMPACTION_RUN#${RUN_ID}` },
  GSI1PK: { S: 'RUNS' },
  GSI1SK: { S: 'CREATED_AT#2025-12-20T10:11:12.123456+00:00' },
  TYPE: { S: 'COMPACTION_RUN' },
  run_id: { S: RUN_ID },
  image_id: { S: IMAGE_ID },
  receipt_id: { N: '42' },
  lines_delta_prefix: { S: `lines/delta/${RUN_ID}/` },
  words_delta_prefix: { S: `words/delta/${RUN_ID}/` },
  lines_state: { S: 'PENDING' },
  words_state: { S: 'PENDING' },
  lines_merged_vectors: { N: '0' },
  words_merged_vectors: { N: '0' },
  created_at: { S: '2025-12-20T10:11:12.123456+00:00' },
  lines_started_at: { NULL: true },
  lines_finished_at: { NULL: true },
  words_started_at: { NULL: true },
  words_finished_at: { NULL: true },
  updated_at: { NULL: true },
  lines_error: { NULL: true },
  words_error: { NULL: true },
});

/** A lock as the Python `CompactionLock.to_item()` writes it (no fence, no TTL). */
export const lockItem = (): DynamoDBItem => ({
  PK: { S: 'LOCK#words#chromadb_compaction_lock' },
  SK: { S: 'LOCK' },
  GSI1PK: { S: 'LOCK#words' },
  GSI1SK: { S: 'EXPIRES#2025-12-20T10:16:12.123456+00:00' },
  TYPE: { S: 'COMPACTION_LOCK' },
  owner: { S: OWNER },
  expires: { S: '2025-12-20T10:16:12.123456+00:00' },
  collection: { S: 'words' },
  heartbeat: { S: '2025-12-20T10:11:12.123456+00:00' },
});

/** `[path, message]` pairs of a failed parse, for compact assertions. */
export const issuesOf = (result: z.core.util.SafeParseResult<unknown>): [string, string][] =>
  (result.error?.issues ?? []).map((issue) => [issue.path.join('.'), issue.message]);

/** A copy of `item` without the named attributes. */
export const omit = (item: DynamoDBItem, ...names: string[]): DynamoDBItem =>
  Object.fromEntries(Object.entries(item).filter(([name]) => !names.includes(name)));
