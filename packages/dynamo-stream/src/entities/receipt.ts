import type * as z from 'zod/mini';
import { imagePk, imageReceiptKey, RECEIPT_SORT_KEY, type TableKeys } from '../keys/receiptKeys.js';
import type { DynamoDBItem } from '../types.js';
import type { Point } from '../validation/attributes.js';
import { declaredItemSchema, declaredSchema } from '../validation/declaredSchemas.js';
import type { EntityOf, Field } from '../validation/field.js';
import {
  imageId,
  nullableText,
  point,
  positiveId,
  positiveInteger,
  text,
  timestamp,
} from '../validation/fieldKinds.js';
import { declareReceiptEntity, type ReceiptEntity } from '../validation/receiptEntity.js';

/** Decimals Python writes for a receipt's corner points. */
const CORNER_DECIMALS = 18;

const DIMENSION_MESSAGE = 'width and height must be positive integers';

const RECEIPT_KEY_FIELDS = {
  /** The image the receipt was cut from: a version 4 or 5 UUID, from `PK`. */
  image_id: imageId() as Field<string>,
  /** Receipt number within the image, `> 0`. */
  receipt_id: positiveId() as Field<number>,
};

// spec §2.1
/**
 * The attributes of a receipt in the order Python writes them. The sha256 and CDN keys
 * read as `null` when missing or NULL, and an empty one is written as NULL.
 */
const RECEIPT_FIELDS = {
  /** Width in pixels, a positive integer. */
  width: positiveInteger(DIMENSION_MESSAGE) as Field<number>,
  /** Height in pixels, a positive integer. */
  height: positiveInteger(DIMENSION_MESSAGE) as Field<number>,
  /** ISO timestamp, kept verbatim. */
  timestamp_added: timestamp() as Field<string>,
  /** The S3 bucket of the raw receipt image. */
  raw_s3_bucket: text() as Field<string>,
  /** The S3 key of the raw receipt image. */
  raw_s3_key: text() as Field<string>,
  /** The receipt's top-left corner in the image. */
  top_left: point(CORNER_DECIMALS) as Field<Point>,
  /** The receipt's top-right corner in the image. */
  top_right: point(CORNER_DECIMALS) as Field<Point>,
  /** The receipt's bottom-left corner in the image. */
  bottom_left: point(CORNER_DECIMALS) as Field<Point>,
  /** The receipt's bottom-right corner in the image. */
  bottom_right: point(CORNER_DECIMALS) as Field<Point>,
  /** The SHA-256 of the receipt image, or `null`. */
  sha256: nullableText('null-if-empty') as Field<string | null>,
  /** The CDN bucket of the receipt's rendered images, or `null`. */
  cdn_s3_bucket: nullableText('null-if-empty') as Field<string | null>,
  /** The CDN key of the full-size image, or `null`. */
  cdn_s3_key: nullableText('null-if-empty') as Field<string | null>,
  /** The CDN key of the full-size WebP, or `null`. */
  cdn_webp_s3_key: nullableText('null-if-empty') as Field<string | null>,
  /** The CDN key of the full-size AVIF, or `null`. */
  cdn_avif_s3_key: nullableText('null-if-empty') as Field<string | null>,
  /** The CDN key of the thumbnail image, or `null`. */
  cdn_thumbnail_s3_key: nullableText('null-if-empty') as Field<string | null>,
  /** The CDN key of the thumbnail WebP, or `null`. */
  cdn_thumbnail_webp_s3_key: nullableText('null-if-empty') as Field<string | null>,
  /** The CDN key of the thumbnail AVIF, or `null`. */
  cdn_thumbnail_avif_s3_key: nullableText('null-if-empty') as Field<string | null>,
  /** The CDN key of the small image, or `null`. */
  cdn_small_s3_key: nullableText('null-if-empty') as Field<string | null>,
  /** The CDN key of the small WebP, or `null`. */
  cdn_small_webp_s3_key: nullableText('null-if-empty') as Field<string | null>,
  /** The CDN key of the small AVIF, or `null`. */
  cdn_small_avif_s3_key: nullableText('null-if-empty') as Field<string | null>,
  /** The CDN key of the medium image, or `null`. */
  cdn_medium_s3_key: nullableText('null-if-empty') as Field<string | null>,
  /** The CDN key of the medium WebP, or `null`. */
  cdn_medium_webp_s3_key: nullableText('null-if-empty') as Field<string | null>,
  /** The CDN key of the medium AVIF, or `null`. */
  cdn_medium_avif_s3_key: nullableText('null-if-empty') as Field<string | null>,
};

/** A receipt cut out of an image (item TYPE `RECEIPT`, SK `RECEIPT#<rid>`). */
export type Receipt = EntityOf<[typeof RECEIPT_KEY_FIELDS, typeof RECEIPT_FIELDS]>;

/** The table keys of a receipt: primary key plus GSI1, GSI2 and GSI4. */
export type ReceiptKeys = TableKeys<'GSI1' | 'GSI2' | 'GSI4'>;

/** What the keys of a receipt are built from. */
type ReceiptKeyInput = Pick<Receipt, 'image_id' | 'receipt_id'>;

/** The receipt, declared once. @internal */
export const RECEIPT: ReceiptEntity<
  Receipt,
  ReceiptKeyInput,
  ReceiptKeys,
  EntityOf<[typeof RECEIPT_KEY_FIELDS]>
> = /* @__PURE__ */ declareReceiptEntity({
  type: 'RECEIPT',
  sortKey: RECEIPT_SORT_KEY,
  keyFields: RECEIPT_KEY_FIELDS,
  fields: [RECEIPT_FIELDS],
  indexes: (receipt: ReceiptKeyInput, { PK, SK }) => {
    const imageReceipt = imageReceiptKey(receipt.image_id, receipt.receipt_id);
    return {
      GSI1PK: imagePk(receipt.image_id),
      GSI1SK: SK,
      GSI2PK: 'RECEIPT',
      GSI2SK: `${PK}#${SK}`,
      GSI4PK: imageReceipt,
      GSI4SK: '0_RECEIPT',
    };
  },
});

/** Validates a receipt with the Python entity's rules and messages. */
export const ReceiptSchema: z.ZodMiniType<Receipt> = /* @__PURE__ */ declaredSchema(RECEIPT);

/**
 * Parses a `RECEIPT` item or stream image into a {@link Receipt}. `image_id` comes from
 * `PK`, `receipt_id` from `SK` (`RECEIPT#<rid>`); the sha256 and CDN attributes read as
 * `null` when missing or NULL.
 *
 * @example
 * ```ts
 * import { type DynamoDBItem, ReceiptItemSchema } from '@receipt-chroma/dynamo-stream';
 *
 * declare const oldImage: DynamoDBItem;
 * const receipt = ReceiptItemSchema.parse(oldImage);
 * console.log(receipt.width, receipt.height, receipt.cdn_s3_key);
 * ```
 */
export const ReceiptItemSchema: z.ZodMiniType<Receipt, DynamoDBItem> =
  /* @__PURE__ */ declaredItemSchema(RECEIPT);

/**
 * Builds every key of a receipt item as Python writes it.
 *
 * @param receipt - the receipt's `image_id` and `receipt_id`
 */
export const receiptKeys: (receipt: ReceiptKeyInput) => ReceiptKeys = (receipt) =>
  RECEIPT.keys(receipt);

/**
 * Writes a receipt as Python's `Receipt.to_item()` does: keys, `TYPE`, integer dimensions,
 * corners with 18 decimals, and every sha256/CDN attribute as `S` or `NULL` (an empty string
 * is written as `NULL`, as Python's truthiness test does).
 *
 * @param receipt - a valid receipt (it is not checked again)
 * @throws {RangeError} when a corner coordinate is not finite (an invalid receipt)
 */
export const receiptToItem: (receipt: Receipt) => DynamoDBItem = (receipt) =>
  RECEIPT.toItem(receipt);
