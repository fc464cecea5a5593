import {
  type CompactionRun,
  CompactionRunSchema,
  type DecodedStreamMessage,
  type DynamoDBItem,
  type EntityData,
  type FieldChanges,
  imagePk,
  padId,
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
import type { CollectionUpdateInput } from '../../src/compaction/types.js';
import type { OperationInput } from '../../src/operations/types.js';

/**
 * The test fixtures of the package: receipt entities, the few table items dynamo-stream has
 * no entity for, and the queue messages the compactor reads.
 *
 * Entities are valid by the dynamo-stream rules, with values that survive its writers and
 * item schemas unchanged (coordinates and confidences with few decimals), so a store that
 * writes and reads them back returns equal objects. Tests write them to a table with
 * dynamo-stream's public `*ToItem` writers (`entityWriters` in `compactionFixture.ts`).
 */

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
    PK: { S: imagePk(imageId) },
    SK: { S: `RECEIPT#${padId(receiptId)}` },
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

/** The sort key of a word, which letters and analyses of the word extend. */
const wordSortKey = (receiptId: number, lineId: number, wordId: number): string =>
  `RECEIPT#${padId(receiptId)}#LINE#${padId(lineId)}#WORD#${padId(wordId)}`;

/** A `RECEIPT_LETTER` item, which lives under its word's key. */
export const letterItem = (
  imageId: string,
  receiptId: number,
  lineId: number,
  wordId: number,
  letterId: number,
): DynamoDBItem => ({
  PK: { S: imagePk(imageId) },
  SK: { S: `${wordSortKey(receiptId, lineId, wordId)}#LETTER#${padId(letterId)}` },
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
  PK: { S: imagePk(imageId) },
  SK: { S: `${wordSortKey(receiptId, lineId, wordId)}#SPATIAL_ANALYSIS` },
  TYPE: { S: 'SPATIAL_ANALYSIS' },
});

/** A timestamp `seconds` after a fixed instant, in Python's isoformat. */
export const at = (seconds: number): string =>
  `2026-01-04T12:00:${String(seconds).padStart(2, '0')}.000000+00:00`;

/**
 * What a message builder returns: with a record id, an input of `processCollectionUpdates`
 * (the decoded queue message with its context); without one (`undefined`), an operation's
 * input, whose result then names no record.
 */
export type InputFor<Id extends string | undefined> = Id extends string
  ? CollectionUpdateInput
  : OperationInput;

/** Optional parts of a queue input (an operation's input has neither). */
export interface InputExtras {
  /** The message's build timestamp; `at(0)` unless given. */
  readonly timestamp?: string | null;
  /** The record's `collection` message attribute. */
  readonly collection?: string;
}

interface InputSpec<Id extends string | undefined> extends InputExtras {
  readonly recordId: Id;
  readonly entityType: string;
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly entityData: Omit<EntityData, 'entity_type'> & { readonly entity_type?: string };
  readonly changes?: FieldChanges;
}

/** One input from its parts. */
export const input = <Id extends string | undefined>(spec: InputSpec<Id>): InputFor<Id> => {
  const message = {
    entityType: spec.entityType,
    entityData: { entity_type: spec.entityType, ...spec.entityData } as EntityData,
    changes: spec.changes ?? {},
    eventName: spec.eventName,
  };
  if (spec.recordId === undefined) return { recordId: undefined, message } as InputFor<Id>;
  const decoded: DecodedStreamMessage = {
    ...message,
    context: {
      source: 'dynamodb_stream',
      timestamp: spec.timestamp === undefined ? at(0) : spec.timestamp,
      recordId: `stream-${spec.recordId}`,
      awsRegion: 'us-east-1',
    },
  };
  const queued: CollectionUpdateInput =
    spec.collection === undefined
      ? { recordId: spec.recordId, message: decoded }
      : { recordId: spec.recordId, message: decoded, collection: spec.collection };
  return queued as InputFor<Id>;
};

/** A `RECEIPT_PLACE` MODIFY (or REMOVE) message. */
export const placeInput = <Id extends string | undefined>(
  recordId: Id,
  imageId: string,
  receiptId: number,
  eventName: 'MODIFY' | 'REMOVE',
  changes: FieldChanges = {},
  extras: InputExtras = {},
): InputFor<Id> =>
  input({
    recordId,
    entityType: 'RECEIPT_PLACE',
    eventName,
    entityData: { image_id: imageId, receipt_id: receiptId },
    changes,
    ...extras,
  });

/** A `RECEIPT_PLACE` MODIFY whose `merchant_name` changes from `A` to `merchantName`. */
export const merchantNameInput = <Id extends string | undefined>(
  recordId: Id,
  imageId: string,
  receiptId: number,
  merchantName: string,
  extras: InputExtras = {},
): InputFor<Id> =>
  placeInput(
    recordId,
    imageId,
    receiptId,
    'MODIFY',
    { merchant_name: { old: 'A', new: merchantName } },
    extras,
  );

/** What names a word label in a message: the word's ids and the label. */
export type LabelKey = Pick<
  ReceiptWordLabel,
  'image_id' | 'receipt_id' | 'line_id' | 'word_id' | 'label'
>;

/**
 * A `RECEIPT_WORD_LABEL` message for `label` (a label entity, or just its key), as the
 * stream processor builds it: a validation (`PENDING` → `VALID`) unless it is a REMOVE.
 */
export const labelInput = <Id extends string | undefined>(
  recordId: Id,
  label: LabelKey,
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  extras: InputExtras = {},
): InputFor<Id> =>
  input({
    recordId,
    entityType: 'RECEIPT_WORD_LABEL',
    eventName,
    entityData: {
      image_id: label.image_id,
      receipt_id: label.receipt_id,
      line_id: label.line_id,
      word_id: label.word_id,
      label: label.label,
    },
    changes: eventName === 'REMOVE' ? {} : { validation_status: { old: 'PENDING', new: 'VALID' } },
    ...extras,
  });

/** A `RECEIPT`, `RECEIPT_LINE` or `RECEIPT_WORD` REMOVE message. */
export const removalInput = <Id extends string | undefined>(
  recordId: Id,
  entityType: 'RECEIPT' | 'RECEIPT_LINE' | 'RECEIPT_WORD',
  entityData: Omit<EntityData, 'entity_type'>,
  extras: InputExtras = {},
): InputFor<Id> => input({ recordId, entityType, eventName: 'REMOVE', entityData, ...extras });

/** A `RECEIPT_SECTION` MODIFY message for one receipt. */
export const sectionInput = <Id extends string | undefined>(
  recordId: Id,
  imageId: string,
  receiptId: number,
  sectionType: string,
  extras: InputExtras = {},
): InputFor<Id> =>
  input({
    recordId,
    entityType: 'RECEIPT_SECTION',
    eventName: 'MODIFY',
    entityData: { image_id: imageId, receipt_id: receiptId, section_type: sectionType },
    ...extras,
  });

/** A `COMPACTION_RUN` INSERT message for one collection. */
export const deltaInput = <Id extends string | undefined>(
  recordId: Id,
  imageId: string,
  receiptId: number,
  runId: string,
  deltaPrefix: string | null,
  extras: InputExtras = {},
): InputFor<Id> =>
  input({
    recordId,
    entityType: 'COMPACTION_RUN',
    eventName: 'INSERT',
    entityData: {
      image_id: imageId,
      receipt_id: receiptId,
      run_id: runId,
      delta_s3_prefix: deltaPrefix,
    },
    ...extras,
  });
