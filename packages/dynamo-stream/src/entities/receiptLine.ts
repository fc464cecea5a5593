import type * as z from 'zod/mini';
import { imageReceiptKey, LINE_SORT_KEY, padId, type TableKeys } from '../keys/receiptKeys.js';
import type { DynamoDBItem } from '../types.js';
import { declaredItemSchema, declaredSchema } from '../validation/declaredSchemas.js';
import type { EntityOf, Field } from '../validation/field.js';
import { imageId, nonNegativeId, positiveId } from '../validation/fieldKinds.js';
import { declareReceiptEntity, type ReceiptEntity } from '../validation/receiptEntity.js';
import { TEXT_GEOMETRY_FIELDS } from './receiptTextGeometry.js';

// spec §2.2
/** The fields a line's keys hold; `line_id` may be 0. */
const LINE_KEY_FIELDS = {
  /** The image the receipt was cut from: a version 4 or 5 UUID, from `PK`. */
  image_id: imageId() as Field<string>,
  /** Receipt number within the image, `> 0`. */
  receipt_id: positiveId() as Field<number>,
  /** Line number within the receipt, `>= 0`. */
  line_id: nonNegativeId() as Field<number>,
};

/** One OCR line of a receipt (item TYPE `RECEIPT_LINE`, SK `RECEIPT#<rid>#LINE#<lid>`). */
export type ReceiptLine = EntityOf<[typeof LINE_KEY_FIELDS, typeof TEXT_GEOMETRY_FIELDS]>;

/** The table keys of a receipt line: primary key plus GSI1, GSI3 and GSI4. */
export type ReceiptLineKeys = TableKeys<'GSI1' | 'GSI3' | 'GSI4'>;

/** What the keys of a line are built from. */
type LineKeyInput = Pick<ReceiptLine, 'image_id' | 'receipt_id' | 'line_id' | 'embedding_status'>;

/** The receipt line, declared once. @internal */
export const RECEIPT_LINE: ReceiptEntity<
  ReceiptLine,
  LineKeyInput,
  ReceiptLineKeys,
  EntityOf<[typeof LINE_KEY_FIELDS]>
> = /* @__PURE__ */ declareReceiptEntity({
  type: 'RECEIPT_LINE',
  sortKey: LINE_SORT_KEY,
  keyFields: LINE_KEY_FIELDS,
  fields: [TEXT_GEOMETRY_FIELDS],
  indexes: (line: LineKeyInput, { PK, SK }) => {
    const imageReceipt = imageReceiptKey(line.image_id, line.receipt_id);
    return {
      GSI1PK: `EMBEDDING_STATUS#${line.embedding_status}`,
      GSI1SK: `LINE#${PK}#${SK}`,
      GSI3PK: imageReceipt,
      GSI3SK: 'LINE',
      GSI4PK: imageReceipt,
      GSI4SK: `2_LINE#${padId(line.line_id)}`,
    };
  },
});

/** Validates a receipt line with the Python entity's rules and messages. */
export const ReceiptLineSchema: z.ZodMiniType<ReceiptLine> =
  /* @__PURE__ */ declaredSchema(RECEIPT_LINE);

/**
 * Parses a `RECEIPT_LINE` item or stream image into a {@link ReceiptLine}. The SK must be
 * exactly `RECEIPT#<rid>#LINE#<lid>`; `embedding_status` missing or NULL reads as `NONE` and
 * `is_noise` missing or NULL as `false`.
 *
 * @example
 * ```ts
 * import { type DynamoDBItem, ReceiptLineItemSchema } from '@receipt-chroma/dynamo-stream';
 *
 * declare const newImage: DynamoDBItem;
 * const line = ReceiptLineItemSchema.parse(newImage);
 * console.log(line.line_id, line.text, line.embedding_status);
 * ```
 */
export const ReceiptLineItemSchema: z.ZodMiniType<ReceiptLine, DynamoDBItem> =
  /* @__PURE__ */ declaredItemSchema(RECEIPT_LINE);

/**
 * Builds every key of a receipt line item as Python writes it.
 *
 * @param line - the line's ids and `embedding_status` (GSI1 is keyed by it)
 */
export const receiptLineKeys: (line: LineKeyInput) => ReceiptLineKeys = (line) =>
  RECEIPT_LINE.keys(line);

/**
 * Writes a receipt line as Python's `ReceiptLine.to_item()` does: keys, `TYPE`, geometry
 * with 20 decimals, angles with 18, confidence with 2, `embedding_status`, `is_noise`.
 *
 * @param line - a valid line (it is not checked again)
 * @throws {RangeError} when a coordinate, angle or confidence is not finite (an invalid
 *   entity)
 */
export const receiptLineToItem: (line: ReceiptLine) => DynamoDBItem = (line) =>
  RECEIPT_LINE.toItem(line);
