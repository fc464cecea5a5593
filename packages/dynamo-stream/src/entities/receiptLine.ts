import type * as z from 'zod/mini';
import type { DynamoDBItem } from '../types.js';
import {
  type Codec,
  INVALID,
  type Invalid,
  type ItemParser,
  itemParser,
  S,
  zodItemSchema,
} from './attributes.js';
import {
  type EntityRules,
  entityRules,
  entitySchema,
  isNonNegativeInt,
  isPositiveInt,
  isRecord,
  nonNegativeInt,
  validateDecodedEntity,
  writeKeys,
} from './entityParts.js';
import { imagePk, imageReceiptKey, padId, receiptSkPrefix } from './keys.js';
import {
  type KeyIdentityReader,
  keyIdentityReader,
  type ReceiptKeyLayout,
  receiptKeyCandidate,
  receiptKeyShape,
} from './receiptKeyReaders.js';
import {
  acceptTextGeometry,
  type ReceiptTextGeometry,
  textGeometryEntityShape,
  withTextGeometry,
  writeTextGeometry,
} from './receiptTextGeometry.js';
import { object } from './rules.js';
import { isValidUuid } from './validators.js';
import { writeS } from './writers.js';

/** One OCR line of a receipt (item TYPE `RECEIPT_LINE`, SK `RECEIPT#<rid>#LINE#<lid>`). */
export interface ReceiptLine extends ReceiptTextGeometry {
  image_id: string;
  /** Receipt number within the image, `> 0`. */
  receipt_id: number;
  /** Line number within the receipt, `>= 0` (HEAD). */
  line_id: number;
}

/** The rules of the fields a line's keys hold; `line_id` may be 0 (HEAD, spec §2.2). */
const lineKeyShape = () => ({ ...receiptKeyShape(), line_id: nonNegativeInt('line_id') });

/** The rules of a receipt line: HEAD's, with the Python entity's messages. @internal */
export const RECEIPT_LINE_RULES: EntityRules<ReceiptLine> = /* @__PURE__ */ entityRules(
  () =>
    object({
      ...lineKeyShape(),
      ...textGeometryEntityShape(),
    }) as Codec<ReceiptLine>,
  (candidate) => {
    if (!isRecord(candidate)) return undefined;
    const { image_id, receipt_id, line_id } = candidate;
    if (!isValidUuid(image_id) || !isPositiveInt(receipt_id) || !isNonNegativeInt(line_id)) {
      return undefined;
    }
    const line: Record<string, unknown> = { image_id, receipt_id, line_id };
    return acceptTextGeometry(candidate, line) ? (line as unknown as ReceiptLine) : undefined;
  },
);

/** Validates a receipt line with the Python entity's rules and messages (HEAD). */
export const ReceiptLineSchema: z.ZodMiniType<ReceiptLine> =
  /* @__PURE__ */ entitySchema(RECEIPT_LINE_RULES);

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

/** `RECEIPT#<rid>#LINE#<lid>`. */
const LINE_KEY: ReceiptKeyLayout = {
  entity: 'ReceiptLine',
  segments: ['RECEIPT', 'LINE'],
  ids: ['receipt_id', 'line_id'],
  exact: true,
};

const KEY_ATTRIBUTES = { image_id: 'PK', receipt_id: 'SK', line_id: 'SK' } as const;

/** Reads a line's ids from its keys alone, with the line's rules. @internal */
export const RECEIPT_LINE_KEY_READER: KeyIdentityReader<
  Pick<ReceiptLine, 'image_id' | 'receipt_id' | 'line_id'>
> = /* @__PURE__ */ keyIdentityReader(LINE_KEY, lineKeyShape);

/** The plain-code parser of receipt line items, which the stream pipeline uses. @internal */
export const RECEIPT_LINE_ITEM_PARSER: ItemParser<ReceiptLine> = /* @__PURE__ */ itemParser(
  /* @__PURE__ */ withTextGeometry({ PK: S, SK: S }, {}),
  (decoded, issues): ReceiptLine | Invalid => {
    const candidate = receiptKeyCandidate(issues, decoded, LINE_KEY);
    if (candidate === undefined) return INVALID;
    return validateDecodedEntity(RECEIPT_LINE_RULES, candidate, issues, KEY_ATTRIBUTES);
  },
);

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
export const ReceiptLineItemSchema: z.ZodMiniType<ReceiptLine, DynamoDBItem> =
  /* @__PURE__ */ zodItemSchema(RECEIPT_LINE_ITEM_PARSER);

/**
 * Writes a receipt line as the HEAD Python `ReceiptLine.to_item()` does: keys, `TYPE`,
 * geometry with 20 decimals, angles with 18, confidence with 2, `embedding_status`, `is_noise`.
 */
export const receiptLineToItem = (line: ReceiptLine): DynamoDBItem => ({
  ...writeKeys(receiptLineKeys(line)),
  TYPE: writeS('RECEIPT_LINE'),
  ...writeTextGeometry(line),
});
