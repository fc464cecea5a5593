import type * as z from 'zod/mini';
import {
  imagePk,
  imageReceiptKey,
  type ReceiptKeyLayout,
  receiptSkPrefix,
} from '../keys/receiptKeys.js';
import type { DynamoDBItem } from '../types.js';
import {
  type Codec,
  INVALID,
  type Invalid,
  type ItemParser,
  intN,
  itemParser,
  nullableS,
  type Point,
  point,
  S,
  zodItemSchema,
} from './attributes.js';
import {
  acceptPoint,
  type EntityRules,
  entityRules,
  entitySchema,
  isNullableString,
  isoTimestamp,
  isPositiveInt,
  isRecord,
  isTimestamp,
  nullableString,
  pointRule,
  validateDecodedEntity,
  writeKeys,
} from './entityParts.js';
import {
  type KeyIdentityReader,
  keyIdentityReader,
  receiptKeyCandidate,
  receiptKeyShape,
} from './receiptKeyReaders.js';
import { check, int, object, string } from './rules.js';
import { isValidUuid } from './validators.js';
import { writeInt, writeNullableS, writePoint, writeS } from './writers.js';

/** A receipt cut out of an image (item TYPE `RECEIPT`, SK `RECEIPT#<rid>`). */
export interface Receipt {
  image_id: string;
  /** Receipt number within the image, `> 0`. */
  receipt_id: number;
  /** Width in pixels, a positive integer. */
  width: number;
  /** Height in pixels, a positive integer. */
  height: number;
  /** ISO timestamp, kept verbatim. */
  timestamp_added: string;
  raw_s3_bucket: string;
  raw_s3_key: string;
  top_left: Point;
  top_right: Point;
  bottom_left: Point;
  bottom_right: Point;
  sha256: string | null;
  cdn_s3_bucket: string | null;
  cdn_s3_key: string | null;
  cdn_webp_s3_key: string | null;
  cdn_avif_s3_key: string | null;
  cdn_thumbnail_s3_key: string | null;
  cdn_thumbnail_webp_s3_key: string | null;
  cdn_thumbnail_avif_s3_key: string | null;
  cdn_small_s3_key: string | null;
  cdn_small_webp_s3_key: string | null;
  cdn_small_avif_s3_key: string | null;
  cdn_medium_s3_key: string | null;
  cdn_medium_webp_s3_key: string | null;
  cdn_medium_avif_s3_key: string | null;
}

/** The optional `S|NULL` attributes of a receipt, in the order Python writes them. */
const OPTIONAL_FIELDS = [
  'sha256',
  'cdn_s3_bucket',
  'cdn_s3_key',
  'cdn_webp_s3_key',
  'cdn_avif_s3_key',
  'cdn_thumbnail_s3_key',
  'cdn_thumbnail_webp_s3_key',
  'cdn_thumbnail_avif_s3_key',
  'cdn_small_s3_key',
  'cdn_small_webp_s3_key',
  'cdn_small_avif_s3_key',
  'cdn_medium_s3_key',
  'cdn_medium_webp_s3_key',
  'cdn_medium_avif_s3_key',
] as const satisfies readonly (keyof Receipt)[];

type OptionalField = (typeof OPTIONAL_FIELDS)[number];

const optionalShape = <Value>(
  make: (field: OptionalField) => Value,
): Record<OptionalField, Value> =>
  Object.fromEntries(OPTIONAL_FIELDS.map((field) => [field, make(field)])) as Record<
    OptionalField,
    Value
  >;

const DIMENSION_MESSAGE = 'width and height must be positive integers';
const dimension = (): Codec<number> =>
  int(
    DIMENSION_MESSAGE,
    check((value) => value >= 1, DIMENSION_MESSAGE),
  );

/** The rules of a receipt: HEAD's, with the Python entity's messages. @internal */
export const RECEIPT_RULES: EntityRules<Receipt> = /* @__PURE__ */ entityRules(
  () =>
    object({
      ...receiptKeyShape(),
      width: dimension(),
      height: dimension(),
      timestamp_added: isoTimestamp('timestamp_added'),
      raw_s3_bucket: string('raw_s3_bucket must be a string'),
      raw_s3_key: string('raw_s3_key must be a string'),
      top_left: pointRule(),
      top_right: pointRule(),
      bottom_left: pointRule(),
      bottom_right: pointRule(),
      ...optionalShape(nullableString),
    }) as Codec<Receipt>,
  (candidate) => {
    if (!isRecord(candidate)) return undefined;
    const { image_id, receipt_id, width, height, timestamp_added, raw_s3_bucket, raw_s3_key } =
      candidate;
    if (!isValidUuid(image_id) || !isPositiveInt(receipt_id)) return undefined;
    if (!isPositiveInt(width) || !isPositiveInt(height) || !isTimestamp(timestamp_added)) {
      return undefined;
    }
    if (typeof raw_s3_bucket !== 'string' || typeof raw_s3_key !== 'string') return undefined;
    const topLeft = acceptPoint(candidate['top_left']);
    const topRight = acceptPoint(candidate['top_right']);
    const bottomLeft = acceptPoint(candidate['bottom_left']);
    const bottomRight = acceptPoint(candidate['bottom_right']);
    if (topLeft === undefined || topRight === undefined) return undefined;
    if (bottomLeft === undefined || bottomRight === undefined) return undefined;
    const receipt: Record<string, unknown> = {
      image_id,
      receipt_id,
      width,
      height,
      timestamp_added,
      raw_s3_bucket,
      raw_s3_key,
      top_left: topLeft,
      top_right: topRight,
      bottom_left: bottomLeft,
      bottom_right: bottomRight,
    };
    for (const field of OPTIONAL_FIELDS) {
      const value = candidate[field];
      if (!isNullableString(value)) return undefined;
      receipt[field] = value;
    }
    return receipt as unknown as Receipt;
  },
);

/** Validates a receipt with the Python entity's rules and messages (HEAD). */
export const ReceiptSchema: z.ZodMiniType<Receipt> = /* @__PURE__ */ entitySchema(RECEIPT_RULES);

/** The table keys of a receipt: primary key plus GSI1, GSI2 and GSI4 (HEAD). */
export interface ReceiptKeys {
  PK: string;
  SK: string;
  GSI1PK: string;
  GSI1SK: string;
  GSI2PK: string;
  GSI2SK: string;
  GSI4PK: string;
  GSI4SK: string;
}

/** Builds every key of a receipt item as Python writes it. */
export const receiptKeys = (receipt: Pick<Receipt, 'image_id' | 'receipt_id'>): ReceiptKeys => {
  const imageReceipt = imageReceiptKey(receipt.image_id, receipt.receipt_id);
  return {
    PK: imagePk(receipt.image_id),
    SK: receiptSkPrefix(receipt.receipt_id),
    GSI1PK: imagePk(receipt.image_id),
    GSI1SK: receiptSkPrefix(receipt.receipt_id),
    GSI2PK: 'RECEIPT',
    GSI2SK: imageReceipt,
    GSI4PK: imageReceipt,
    GSI4SK: '0_RECEIPT',
  };
};

/** `RECEIPT#<rid>`. */
const RECEIPT_KEY: ReceiptKeyLayout = {
  entity: 'Receipt',
  segments: ['RECEIPT'],
  ids: ['receipt_id'],
  exact: true,
};

const KEY_ATTRIBUTES = { image_id: 'PK', receipt_id: 'SK' } as const;

/** Reads a receipt's ids from its keys alone, with the receipt's rules. @internal */
export const RECEIPT_KEY_READER: KeyIdentityReader<Pick<Receipt, 'image_id' | 'receipt_id'>> =
  /* @__PURE__ */ keyIdentityReader(RECEIPT_KEY, receiptKeyShape);

/** The item decoders of a receipt. */
const receiptItemShape = () => ({
  PK: S,
  SK: S,
  width: intN,
  height: intN,
  timestamp_added: S,
  raw_s3_bucket: S,
  raw_s3_key: S,
  top_left: point,
  top_right: point,
  bottom_left: point,
  bottom_right: point,
  ...optionalShape(() => nullableS),
});

/** The plain-code parser of receipt items, which the stream pipeline uses. @internal */
export const RECEIPT_ITEM_PARSER: ItemParser<Receipt> = /* @__PURE__ */ itemParser(
  /* @__PURE__ */ receiptItemShape(),
  (decoded, issues): Receipt | Invalid => {
    const candidate = receiptKeyCandidate(issues, decoded, RECEIPT_KEY);
    if (candidate === undefined) return INVALID;
    return validateDecodedEntity(RECEIPT_RULES, candidate, issues, KEY_ATTRIBUTES);
  },
);

/**
 * Parses a `RECEIPT` item or stream image into a {@link Receipt}. `image_id` comes from
 * `PK`, `receipt_id` from `SK` (`RECEIPT#<rid>`); the sha256 and CDN attributes read as
 * `null` when missing or NULL.
 *
 * @example
 * ```ts
 * const receipt = ReceiptItemSchema.parse(record.dynamodb.OldImage);
 * ```
 */
export const ReceiptItemSchema: z.ZodMiniType<Receipt, DynamoDBItem> =
  /* @__PURE__ */ zodItemSchema(RECEIPT_ITEM_PARSER);

/** Decimals Python writes for a receipt's corner points. */
const CORNER_DECIMALS = 18;

/**
 * Writes a receipt as the HEAD Python `Receipt.to_item()` does: keys, `TYPE`, integer
 * dimensions, corners with 18 decimals, and every sha256/CDN attribute as `S` or `NULL`
 * (an empty string is written as `NULL`, as Python's truthiness test does).
 */
export const receiptToItem = (receipt: Receipt): DynamoDBItem => ({
  ...writeKeys(receiptKeys(receipt)),
  TYPE: writeS('RECEIPT'),
  width: writeInt(receipt.width),
  height: writeInt(receipt.height),
  timestamp_added: writeS(receipt.timestamp_added),
  raw_s3_bucket: writeS(receipt.raw_s3_bucket),
  raw_s3_key: writeS(receipt.raw_s3_key),
  top_left: writePoint(receipt.top_left, CORNER_DECIMALS),
  top_right: writePoint(receipt.top_right, CORNER_DECIMALS),
  bottom_left: writePoint(receipt.bottom_left, CORNER_DECIMALS),
  bottom_right: writePoint(receipt.bottom_right, CORNER_DECIMALS),
  ...optionalShape((field) => writeNullableS(receipt[field] || null)),
});
