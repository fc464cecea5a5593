import { z } from 'zod';
import type { AttributeValue, DynamoDBItem } from '../types.js';
import { type Codec, itemSchema, S, splitKey } from './attributes.js';
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
import { writeNullableStringMap, writeS } from './writers.js';

/**
 * One OCR word of a receipt (item TYPE `RECEIPT_WORD`,
 * SK `RECEIPT#<rid>#LINE#<lid>#WORD#<wid>`).
 */
export interface ReceiptWord extends ReceiptTextGeometry {
  image_id: string;
  /** Receipt number within the image, `> 0`. */
  receipt_id: number;
  /** Line number within the receipt, `>= 0`. */
  line_id: number;
  /** Word number within the line, `>= 0`. */
  word_id: number;
  /** Free-form string metadata (e.g. `type`/`value`, or Apple NL tags such as `language`). */
  extracted_data: Record<string, string> | null;
}

/** True for a plain object whose values are all strings (cheaper than `z.record` per word). */
const isStringMap = (value: unknown): value is Record<string, string> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const entry of Object.values(value)) if (typeof entry !== 'string') return false;
  return true;
};

/** Validates a receipt word with the Python entity's rules and messages (HEAD). */
export const ReceiptWordSchema: z.ZodType<ReceiptWord> = z.object({
  image_id: UuidSchema,
  receipt_id: positiveIntSchema('receipt_id'),
  line_id: nonNegativeIntSchema('line_id'),
  word_id: nonNegativeIntSchema('word_id'),
  ...TEXT_GEOMETRY_ENTITY_SHAPE,
  extracted_data: z
    .custom<Record<string, string>>(isStringMap, {
      error: 'extracted_data must be a map of strings or null',
    })
    .nullable(),
});

/** The table keys of a receipt word: primary key plus GSI1 to GSI4 (HEAD). */
export interface ReceiptWordKeys {
  PK: string;
  SK: string;
  GSI1PK: string;
  GSI1SK: string;
  GSI2PK: string;
  GSI2SK: string;
  GSI3PK: string;
  GSI3SK: string;
  GSI4PK: string;
  GSI4SK: string;
}

/** Builds every key of a receipt word item as Python writes it. */
export const receiptWordKeys = (
  word: Pick<ReceiptWord, 'image_id' | 'receipt_id' | 'line_id' | 'word_id' | 'embedding_status'>,
): ReceiptWordKeys => {
  const imageReceipt = imageReceiptKey(word.image_id, word.receipt_id);
  const wordSk = `${receiptSkPrefix(word.receipt_id)}#LINE#${padId(word.line_id)}#WORD#${padId(word.word_id)}`;
  return {
    PK: imagePk(word.image_id),
    SK: wordSk,
    GSI1PK: `EMBEDDING_STATUS#${word.embedding_status}`,
    GSI1SK: `WORD#${imagePk(word.image_id)}#${wordSk}`,
    GSI2PK: 'RECEIPT',
    GSI2SK: `${imagePk(word.image_id)}#${wordSk}`,
    GSI3PK: imageReceipt,
    GSI3SK: 'WORD',
    GSI4PK: imageReceipt,
    GSI4SK: `3_WORD#${padId(word.line_id)}#${padId(word.word_id)}`,
  };
};

const EXTRACTED_DATA_SHAPE_MESSAGE = 'extracted_data must be a DynamoDB map (M) or NULL';

/**
 * `extracted_data`: a map of `{"S"}` values (any keys, HEAD), `{"NULL": true}` or missing.
 * A non-map is rejected; so is a map entry that is not a string.
 */
const extractedData: Codec<Record<string, string> | null> = z
  .custom<AttributeValue>((value) => typeof value === 'object', {
    error: EXTRACTED_DATA_SHAPE_MESSAGE,
  })
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === null || value.NULL === true) return null;
    const map = value.M;
    if (map === undefined || map === null || typeof map !== 'object' || Array.isArray(map)) {
      ctx.issues.push({ code: 'custom', message: EXTRACTED_DATA_SHAPE_MESSAGE, input: value });
      return z.NEVER;
    }
    const data: Record<string, string> = {};
    for (const [key, entry] of Object.entries(map)) {
      if (typeof entry?.S === 'string') {
        // defineProperty keeps a `__proto__` key as data instead of changing the prototype
        Object.defineProperty(data, key, {
          value: entry.S,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        ctx.issues.push({
          code: 'custom',
          message: `extracted_data.${key} must be a DynamoDB string (S)`,
          path: ['M', key],
          input: entry,
        });
      }
    }
    return data;
  }) as unknown as Codec<Record<string, string> | null>;

const KEY_ATTRIBUTES = {
  image_id: 'PK',
  receipt_id: 'SK',
  line_id: 'SK',
  word_id: 'SK',
} as const;

/**
 * Parses a `RECEIPT_WORD` item or stream image into a {@link ReceiptWord}. The SK must have
 * exactly six parts, `RECEIPT#<rid>#LINE#<lid>#WORD#<wid>`, so receipt letters
 * (`…#LETTER#<id>`) and spatial analyses (`…#SPATIAL_ANALYSIS`) are rejected rather than read
 * as words. Missing or NULL `embedding_status` reads as `NONE`; `extracted_data` keeps every key.
 *
 * @example
 * ```ts
 * const word = ReceiptWordItemSchema.parse(record.dynamodb.OldImage);
 * ```
 */
export const ReceiptWordItemSchema: z.ZodType<ReceiptWord, DynamoDBItem> = itemSchema(
  { PK: S, SK: S, ...TEXT_GEOMETRY_ITEM_SHAPE, extracted_data: extractedData },
  (decoded, ctx): ReceiptWord => {
    const { PK, SK } = decoded;
    const parts = splitKey(SK);
    if (
      parts.length !== 6 ||
      parts[0] !== 'RECEIPT' ||
      parts[2] !== 'LINE' ||
      parts[4] !== 'WORD'
    ) {
      reportKeyIssue(ctx, 'SK', `Invalid SK format for RECEIPT/LINE/WORD: ${SK}`, SK);
      return z.NEVER;
    }
    const receiptId = readKeyId(ctx, parts, 1, 'receipt_id', SK);
    const lineId = readKeyId(ctx, parts, 3, 'line_id', SK);
    const wordId = readKeyId(ctx, parts, 5, 'word_id', SK);
    if (receiptId === undefined || lineId === undefined || wordId === undefined) return z.NEVER;
    const candidate = Object.assign(decoded, {
      image_id: imageIdFromPk(PK),
      receipt_id: receiptId,
      line_id: lineId,
      word_id: wordId,
    });
    return validateDecodedEntity(ReceiptWordSchema, candidate, ctx, KEY_ATTRIBUTES);
  },
);

/**
 * Writes a receipt word as the HEAD Python `ReceiptWord.to_item()` does: the line layout plus
 * GSI2 and `extracted_data` (`{"M": {k: {"S": v}}}` or `{"NULL": true}`).
 */
export const receiptWordToItem = (word: ReceiptWord): DynamoDBItem => ({
  ...writeKeys(receiptWordKeys(word)),
  TYPE: writeS('RECEIPT_WORD'),
  ...writeTextGeometry(word),
  extracted_data: writeNullableStringMap(word.extracted_data),
});
