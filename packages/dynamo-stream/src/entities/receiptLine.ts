import { z } from 'zod';
import type { DynamoDBItem } from '../types.js';
import { itemSchema, S, splitKey } from './attributes.js';
import {
  nonNegativeIntSchema,
  positiveIntSchema,
  readKeyId,
  reportKeyIssue,
  validateDecodedEntity,
  writeKeys,
} from './entityParts.js';
import { imageIdFromPk, imagePk, imageReceiptKey, padId, receiptSkPrefix } from './keys.js';
import {
  type ReceiptTextGeometry,
  TEXT_GEOMETRY_ENTITY_SHAPE,
  TEXT_GEOMETRY_ITEM_SHAPE,
  writeTextGeometry,
} from './receiptTextGeometry.js';
import { UuidSchema } from './validators.js';
import { writeS } from './writers.js';

/** One OCR line of a receipt (item TYPE `RECEIPT_LINE`, SK `RECEIPT#<rid>#LINE#<lid>`). */
export interface ReceiptLine extends ReceiptTextGeometry {
  image_id: string;
  /** Receipt number within the image, `> 0`. */
  receipt_id: number;
  /** Line number within the receipt, `>= 0` (HEAD). */
  line_id: number;
}

/** Validates a receipt line with the Python entity's rules and messages (HEAD). */
export const ReceiptLineSchema: z.ZodType<ReceiptLine> = z.object({
  image_id: UuidSchema,
  receipt_id: positiveIntSchema('receipt_id'),
  line_id: nonNegativeIntSchema('line_id'),
  ...TEXT_GEOMETRY_ENTITY_SHAPE,
});

/** The table keys of a receipt line: primary key plus GSI1, GSI3 and GSI4 (HEAD). */
export interface ReceiptLineKeys {
  PK: string;
  SK: string;
  GSI1PK: string;
  GSI1SK: string;
  GSI3PK: string;
  GSI3SK: string;
  GSI4PK: string;
  GSI4SK: string;
}

/** Builds every key of a receipt line item as Python writes it. */
export const receiptLineKeys = (
  line: Pick<ReceiptLine, 'image_id' | 'receipt_id' | 'line_id' | 'embedding_status'>,
): ReceiptLineKeys => {
  const imageReceipt = imageReceiptKey(line.image_id, line.receipt_id);
  const lineSk = `${receiptSkPrefix(line.receipt_id)}#LINE#${padId(line.line_id)}`;
  return {
    PK: imagePk(line.image_id),
    SK: lineSk,
    GSI1PK: `EMBEDDING_STATUS#${line.embedding_status}`,
    GSI1SK: `LINE#${imagePk(line.image_id)}#${lineSk}`,
    GSI3PK: imageReceipt,
    GSI3SK: 'LINE',
    GSI4PK: imageReceipt,
    GSI4SK: `2_LINE#${padId(line.line_id)}`,
  };
};

const KEY_ATTRIBUTES = { image_id: 'PK', receipt_id: 'SK', line_id: 'SK' } as const;

/**
 * Parses a `RECEIPT_LINE` item or stream image into a {@link ReceiptLine}. The SK must be
 * exactly `RECEIPT#<rid>#LINE#<lid>`; `embedding_status` missing or NULL reads as `NONE` and
 * `is_noise` missing or NULL as `false`.
 *
 * @example
 * ```ts
 * const line = ReceiptLineItemSchema.parse(record.dynamodb.NewImage);
 * ```
 */
export const ReceiptLineItemSchema: z.ZodType<ReceiptLine, DynamoDBItem> = itemSchema(
  { PK: S, SK: S, ...TEXT_GEOMETRY_ITEM_SHAPE },
  (decoded, ctx): ReceiptLine => {
    const { PK, SK } = decoded;
    const parts = splitKey(SK);
    if (parts.length !== 4 || parts[0] !== 'RECEIPT' || parts[2] !== 'LINE') {
      reportKeyIssue(ctx, 'SK', `Invalid SK format for ReceiptLine: ${SK}`, SK);
      return z.NEVER;
    }
    const receiptId = readKeyId(ctx, parts, 1, 'receipt_id', SK);
    const lineId = readKeyId(ctx, parts, 3, 'line_id', SK);
    if (receiptId === undefined || lineId === undefined) return z.NEVER;
    const candidate = Object.assign(decoded, {
      image_id: imageIdFromPk(PK),
      receipt_id: receiptId,
      line_id: lineId,
    });
    return validateDecodedEntity(ReceiptLineSchema, candidate, ctx, KEY_ATTRIBUTES);
  },
);

/**
 * Writes a receipt line as the HEAD Python `ReceiptLine.to_item()` does: keys, `TYPE`,
 * geometry with 20 decimals, angles with 18, confidence with 2, `embedding_status`, `is_noise`.
 */
export const receiptLineToItem = (line: ReceiptLine): DynamoDBItem => ({
  ...writeKeys(receiptLineKeys(line)),
  TYPE: writeS('RECEIPT_LINE'),
  ...writeTextGeometry(line),
});
