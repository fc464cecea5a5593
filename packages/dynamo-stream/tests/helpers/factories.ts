import { merchantSlug } from '../../src/entities/receiptPlaceKeys.js';
import type { AttributeValue, DynamoDBItem, DynamoDBStreamRecord } from '../../src/types.js';

/**
 * Record and item factories for tests. Items are laid out by hand the way the Python
 * `to_item()` writers lay them out (HEAD), so tests exercise the real wire shapes rather
 * than our own writers.
 */

export const IMAGE_ID = '7e2bd911-7afb-4e0a-84de-57f51ce4daff';
export const RUN_ID = '3f0a6c2e-9d51-4b7a-8e2f-1c4d5b6a7e80';

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: string): AttributeValue => ({ N: value });
const NULL: AttributeValue = { NULL: true };
const pad = (id: number): string => String(id).padStart(5, '0');
const point = (x: string, y: string): AttributeValue => ({ M: { x: n(x), y: n(y) } });

type Overrides = Record<string, AttributeValue | undefined>;

const withOverrides = (item: DynamoDBItem, overrides: Overrides): DynamoDBItem => {
  const result: DynamoDBItem = { ...item };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete result[key];
    else result[key] = value;
  }
  return result;
};

/** A `RECEIPT_WORD_LABEL` item for word (receipt, line, word) with `label`. */
export const labelItem = (
  {
    receiptId = 1,
    lineId = 2,
    wordId = 3,
    label = 'TOTAL',
  }: { receiptId?: number; lineId?: number; wordId?: number; label?: string } = {},
  overrides: Overrides = {},
): DynamoDBItem => {
  const wordKey = `IMAGE#${IMAGE_ID}#RECEIPT#${pad(receiptId)}#LINE#${pad(lineId)}#WORD#${pad(wordId)}`;
  return withOverrides(
    {
      PK: s(`IMAGE#${IMAGE_ID}`),
      SK: s(`RECEIPT#${pad(receiptId)}#LINE#${pad(lineId)}#WORD#${pad(wordId)}#LABEL#${label}`),
      GSI1PK: s(`LABEL#${label}`.padEnd(40, '_')),
      GSI1SK: s(wordKey),
      GSI2PK: s('RECEIPT'),
      GSI2SK: s(wordKey),
      GSI3PK: s('VALIDATION_STATUS#PENDING'),
      GSI3SK: s(`${wordKey}#LABEL#${label}`),
      TYPE: s('RECEIPT_WORD_LABEL'),
      reasoning: s('The word is the grand total'),
      timestamp_added: s('2026-01-04T12:00:00.123456+00:00'),
      validation_status: s('PENDING'),
      label_proposed_by: s('label_suggestion_agent'),
      label_consolidated_from: NULL,
    },
    overrides,
  );
};

/** A `RECEIPT_PLACE` item (HEAD layout). */
export const placeItem = (
  { receiptId = 1, merchantName = 'Target' }: { receiptId?: number; merchantName?: string } = {},
  overrides: Overrides = {},
): DynamoDBItem => {
  const receiptKey = `IMAGE#${IMAGE_ID}#RECEIPT#${pad(receiptId)}`;
  return withOverrides(
    {
      PK: s(`IMAGE#${IMAGE_ID}`),
      SK: s(`RECEIPT#${pad(receiptId)}#PLACE`),
      GSI1PK: s(`MERCHANT#${merchantSlug(merchantName)}`),
      GSI1SK: s(`${receiptKey}#PLACE`),
      GSI2PK: s('PLACE#ChIJN1t_tDeuEmsRUsoyG83frY4'),
      GSI2SK: s(`${receiptKey}#PLACE`),
      GSI3PK: s('PLACE_VALIDATION'),
      GSI3SK: s(`CONFIDENCE#0.9500#STATUS#MATCHED#IMAGE#${IMAGE_ID}`),
      GSI4PK: s(receiptKey),
      GSI4SK: s('1_PLACE'),
      TYPE: s('RECEIPT_PLACE'),
      image_id: s(IMAGE_ID),
      receipt_id: n(String(receiptId)),
      place_id: s('ChIJN1t_tDeuEmsRUsoyG83frY4'),
      merchant_name: s(merchantName),
      merchant_category: s('department_store'),
      formatted_address: s('30740 Russell Ranch Rd, Westlake Village, CA 91362, USA'),
      phone_number: s('(818) 661-4064'),
      validation_status: s('MATCHED'),
      timestamp: s('2026-01-04T12:00:00+00:00'),
      confidence: n('0.95'),
    },
    overrides,
  );
};

/** A `RECEIPT_SECTION` item. */
export const sectionItem = (
  {
    receiptId = 1,
    sectionType = 'ITEMS',
    lineIds = [3, 4, 5],
  }: { receiptId?: number; sectionType?: string; lineIds?: number[] } = {},
  overrides: Overrides = {},
): DynamoDBItem =>
  withOverrides(
    {
      PK: s(`IMAGE#${IMAGE_ID}`),
      SK: s(`RECEIPT#${pad(receiptId)}#SECTION#${sectionType}`),
      TYPE: s('RECEIPT_SECTION'),
      section_type: s(sectionType),
      line_ids: { L: lineIds.map((id) => n(String(id))) },
      created_at: s('2026-01-04T12:00:00'),
    },
    overrides,
  );

/** A `RECEIPT_SUMMARY` item. */
export const summaryItem = (
  {
    receiptId = 1,
    timestampComputed = '2026-01-04T12:00:00+00:00',
  }: { receiptId?: number; timestampComputed?: string } = {},
  overrides: Overrides = {},
): DynamoDBItem =>
  withOverrides(
    {
      PK: s(`IMAGE#${IMAGE_ID}`),
      SK: s(`RECEIPT#${pad(receiptId)}#SUMMARY`),
      GSI2PK: s('RECEIPT_SUMMARY'),
      GSI2SK: s(`IMAGE#${IMAGE_ID}#RECEIPT#${pad(receiptId)}`),
      GSI4PK: s(`IMAGE#${IMAGE_ID}#RECEIPT#${pad(receiptId)}`),
      GSI4SK: s('5_SUMMARY'),
      TYPE: s('RECEIPT_SUMMARY'),
      timestamp_computed: s(timestampComputed),
      item_count: n('3'),
      merchant_name: s('Target'),
      date: s('2026-01-03T10:15:00'),
      grand_total: n('34.1'),
      subtotal: n('31.5'),
      tax: n('2.6'),
      tip: NULL,
    },
    overrides,
  );

const geometry = (): DynamoDBItem => ({
  bounding_box: {
    M: {
      x: n('0.10000000000000000000'),
      y: n('0.20000000000000000000'),
      width: n('0.30000000000000000000'),
      height: n('0.05000000000000000000'),
    },
  },
  top_left: point('0.10000000000000000000', '0.25000000000000000000'),
  top_right: point('0.40000000000000000000', '0.25000000000000000000'),
  bottom_left: point('0.10000000000000000000', '0.20000000000000000000'),
  bottom_right: point('0.40000000000000000000', '0.20000000000000000000'),
  angle_degrees: n('0.000000000000000000'),
  angle_radians: n('0.000000000000000000'),
  confidence: n('0.96'),
});

/** A `RECEIPT_WORD` item. */
export const wordItem = (
  {
    receiptId = 1,
    lineId = 2,
    wordId = 3,
    text = 'TOTAL',
  }: { receiptId?: number; lineId?: number; wordId?: number; text?: string } = {},
  overrides: Overrides = {},
): DynamoDBItem => {
  const key = `RECEIPT#${pad(receiptId)}#LINE#${pad(lineId)}#WORD#${pad(wordId)}`;
  return withOverrides(
    {
      PK: s(`IMAGE#${IMAGE_ID}`),
      SK: s(key),
      GSI1PK: s('EMBEDDING_STATUS#SUCCESS'),
      GSI1SK: s(`WORD#IMAGE#${IMAGE_ID}#${key}`),
      GSI2PK: s('RECEIPT'),
      GSI2SK: s(`IMAGE#${IMAGE_ID}#${key}`),
      GSI3PK: s(`IMAGE#${IMAGE_ID}#RECEIPT#${pad(receiptId)}`),
      GSI3SK: s('WORD'),
      TYPE: s('RECEIPT_WORD'),
      text: s(text),
      ...geometry(),
      embedding_status: s('SUCCESS'),
      is_noise: { BOOL: false },
      extracted_data: NULL,
    },
    overrides,
  );
};

/** A `RECEIPT_LINE` item. */
export const lineItem = (
  {
    receiptId = 1,
    lineId = 2,
    text = 'TOTAL 34.10',
  }: { receiptId?: number; lineId?: number; text?: string } = {},
  overrides: Overrides = {},
): DynamoDBItem => {
  const key = `RECEIPT#${pad(receiptId)}#LINE#${pad(lineId)}`;
  return withOverrides(
    {
      PK: s(`IMAGE#${IMAGE_ID}`),
      SK: s(key),
      GSI1PK: s('EMBEDDING_STATUS#SUCCESS'),
      GSI1SK: s(`LINE#IMAGE#${IMAGE_ID}#${key}`),
      GSI3PK: s(`IMAGE#${IMAGE_ID}#RECEIPT#${pad(receiptId)}`),
      GSI3SK: s('LINE'),
      TYPE: s('RECEIPT_LINE'),
      text: s(text),
      ...geometry(),
      embedding_status: s('SUCCESS'),
      is_noise: { BOOL: false },
    },
    overrides,
  );
};

/** A `RECEIPT` item. */
export const receiptItem = (
  { receiptId = 1 }: { receiptId?: number } = {},
  overrides: Overrides = {},
): DynamoDBItem =>
  withOverrides(
    {
      PK: s(`IMAGE#${IMAGE_ID}`),
      SK: s(`RECEIPT#${pad(receiptId)}`),
      GSI1PK: s(`IMAGE#${IMAGE_ID}`),
      GSI1SK: s(`RECEIPT#${pad(receiptId)}`),
      GSI2PK: s('RECEIPT'),
      GSI2SK: s(`IMAGE#${IMAGE_ID}#RECEIPT#${pad(receiptId)}`),
      TYPE: s('RECEIPT'),
      width: n('1200'),
      height: n('3400'),
      timestamp_added: s('2026-01-04T12:00:00'),
      raw_s3_bucket: s('raw-receipts'),
      raw_s3_key: s(`raw/${IMAGE_ID}.png`),
      top_left: point('0.100000000000000000', '0.900000000000000000'),
      top_right: point('0.900000000000000000', '0.900000000000000000'),
      bottom_left: point('0.100000000000000000', '0.100000000000000000'),
      bottom_right: point('0.900000000000000000', '0.100000000000000000'),
      sha256: NULL,
      cdn_s3_bucket: NULL,
      cdn_s3_key: NULL,
    },
    overrides,
  );

/** A `COMPACTION_RUN` item as written when embeddings for a receipt are produced. */
export const compactionRunItem = (
  { receiptId = 1, runId = RUN_ID }: { receiptId?: number; runId?: string } = {},
  overrides: Overrides = {},
): DynamoDBItem =>
  withOverrides(
    {
      PK: s(`IMAGE#${IMAGE_ID}`),
      SK: s(`RECEIPT#${pad(receiptId)}#COMPACTION_RUN#${runId}`),
      GSI1PK: s('RUNS'),
      GSI1SK: s('CREATED_AT#2026-01-04T12:00:00+00:00'),
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
      created_at: s('2026-01-04T12:00:00+00:00'),
    },
    overrides,
  );

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

/**
 * `length` CJK characters (each 3 bytes in UTF-8 and 6 in an ASCII-only JSON body), a
 * different text for each `seed`.
 */
export const cjkText = (length: number, seed = 0): string => {
  const phrase = ['領収書の合計金額を確認しました', '店舗名と住所が一致しています'][seed % 2] ?? '';
  return phrase.repeat(Math.ceil(length / phrase.length)).slice(0, length);
};

/** A fixed clock for deterministic message timestamps. */
export const FIXED_NOW = (): string => '2026-01-04T12:34:56.123456+00:00';

/** A metrics hook that records every counter, as `[name, value, dimensions]` tuples. */
export interface RecordingMetrics {
  readonly calls: [string, number, Record<string, string> | undefined][];
  count(name: string, value: number, dimensions?: Readonly<Record<string, string>>): void;
  names(): string[];
}

/** Records every counter a function emits. */
export const recordingMetrics = (): RecordingMetrics => {
  const calls: RecordingMetrics['calls'] = [];
  return {
    calls,
    count: (name, value, dimensions) => {
      calls.push([name, value, dimensions ? { ...dimensions } : undefined]);
    },
    names: () => calls.map(([name]) => name),
  };
};

/** One line a {@link RecordingLogger} recorded. */
export interface LoggedLine {
  level: string;
  message: string;
  extra: Record<string, unknown> | undefined;
}

/** A logger that records lines by level instead of writing to the console. */
export interface RecordingLogger {
  readonly lines: LoggedLine[];
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Records log lines by level instead of writing to the console. */
export const recordingLogger = (): RecordingLogger => {
  const lines: LoggedLine[] = [];
  const at =
    (level: string) =>
    (message: string, extra?: Record<string, unknown>): void => {
      lines.push({ level, message, extra });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
};
