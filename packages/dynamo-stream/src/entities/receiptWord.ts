import type * as z from 'zod/mini';
import { imageReceiptKey, padId, type TableKeys, WORD_SORT_KEY } from '../keys/receiptKeys.js';
import type { DynamoDBItem } from '../types.js';
import { type Codec, INVALID, type IssueSink } from '../validation/attributes.js';
import { declaredItemSchema, declaredSchema } from '../validation/declaredSchemas.js';
import type { EntityOf, Field } from '../validation/field.js';
import { imageId, nonNegativeId, positiveId } from '../validation/fieldKinds.js';
import { declareReceiptEntity, type ReceiptEntity } from '../validation/receiptEntity.js';
import { nullable, reject } from '../validation/rules.js';
import { writeNullableStringMap } from '../validation/writers.js';
import { TEXT_GEOMETRY_FIELDS } from './receiptTextGeometry.js';

/** True for a plain object whose values are all strings (cheaper than `z.record` per word). */
const isStringMap = (value: unknown): value is Record<string, string> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) {
    if (Object.hasOwn(value, key) && typeof (value as Record<string, unknown>)[key] !== 'string') {
      return false;
    }
  }
  return true;
};

const STRING_MAP_MESSAGE = 'extracted_data must be a map of strings or null';

/** A map of strings, passed through as it is (what `z.custom(isStringMap)` did). */
const stringMap: Codec<Record<string, string>> = (value, issues) =>
  isStringMap(value) ? value : reject(issues, STRING_MAP_MESSAGE, value);

const EXTRACTED_DATA_SHAPE_MESSAGE = 'extracted_data must be a DynamoDB map (M) or NULL';

/** Reports a problem with `extracted_data` (at `path` below the attribute). */
const reportExtractedData = (
  issues: IssueSink,
  message: string,
  input: unknown,
  path?: PropertyKey[],
): void => {
  issues.push(
    path === undefined
      ? { code: 'custom', message, input }
      : { code: 'custom', message, path, input },
  );
};

/**
 * `extracted_data`: a map of `{"S"}` values (any keys), `{"NULL": true}` or missing.
 * A non-map is rejected; so is a map entry that is not a string.
 */
const extractedData: Codec<Record<string, string> | null> = (value, issues) => {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object') {
    issues.push({ code: 'custom', path: [], message: EXTRACTED_DATA_SHAPE_MESSAGE, input: value });
    return INVALID;
  }
  const attribute = value as { NULL?: unknown; M?: unknown };
  if (attribute.NULL === true) return null;
  const map = attribute.M;
  if (map === undefined || map === null || typeof map !== 'object' || Array.isArray(map)) {
    reportExtractedData(issues, EXTRACTED_DATA_SHAPE_MESSAGE, value);
    return INVALID;
  }
  const data: Record<string, string> = {};
  let valid = true;
  // The own enumerable keys, in Object.entries order, without the entries array.
  for (const key in map) {
    if (!Object.hasOwn(map, key)) continue;
    const entry: unknown = (map as Record<string, unknown>)[key];
    const text = (entry as { S?: unknown } | null | undefined)?.S;
    if (typeof text === 'string') {
      if (key === '__proto__') {
        // defineProperty keeps a `__proto__` key as data instead of changing the prototype
        Object.defineProperty(data, key, {
          value: text,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        data[key] = text;
      }
    } else {
      valid = false;
      reportExtractedData(issues, `extracted_data.${key} must be a DynamoDB string (S)`, entry, [
        'M',
        key,
      ]);
    }
  }
  return valid ? data : INVALID;
};

/** `extracted_data`: a map of strings or `null`, written as `{"M": {k: {"S": v}}}` or NULL. */
const extractedDataField: Field<Record<string, string> | null> = {
  decode: () => extractedData,
  rule: () => nullable(stringMap),
  write: writeNullableStringMap,
};

// spec §2.3
/** The fields a word's keys hold; line and word ids may be 0. */
const WORD_KEY_FIELDS = {
  /** The image the receipt was cut from: a version 4 or 5 UUID, from `PK`. */
  image_id: imageId() as Field<string>,
  /** Receipt number within the image, `> 0`. */
  receipt_id: positiveId() as Field<number>,
  /** Line number within the receipt, `>= 0`. */
  line_id: nonNegativeId() as Field<number>,
  /** Word number within the line, `>= 0`. */
  word_id: nonNegativeId() as Field<number>,
};

/** The fields a word has beyond a line's. */
const WORD_FIELDS = {
  /** Free-form string metadata (e.g. `type`/`value`, or Apple NL tags such as `language`). */
  extracted_data: extractedDataField as Field<Record<string, string> | null>,
};

/**
 * One OCR word of a receipt (item TYPE `RECEIPT_WORD`,
 * SK `RECEIPT#<rid>#LINE#<lid>#WORD#<wid>`).
 */
export type ReceiptWord = EntityOf<
  [typeof WORD_KEY_FIELDS, typeof TEXT_GEOMETRY_FIELDS, typeof WORD_FIELDS]
>;

/** The table keys of a receipt word: primary key plus GSI1 to GSI4. */
export type ReceiptWordKeys = TableKeys<'GSI1' | 'GSI2' | 'GSI3' | 'GSI4'>;

/** What the keys of a word are built from. */
type WordKeyInput = Pick<
  ReceiptWord,
  'image_id' | 'receipt_id' | 'line_id' | 'word_id' | 'embedding_status'
>;

/** The receipt word, declared once. @internal */
export const RECEIPT_WORD: ReceiptEntity<
  ReceiptWord,
  WordKeyInput,
  ReceiptWordKeys,
  EntityOf<[typeof WORD_KEY_FIELDS]>
> = /* @__PURE__ */ declareReceiptEntity({
  type: 'RECEIPT_WORD',
  sortKey: WORD_SORT_KEY,
  keyFields: WORD_KEY_FIELDS,
  fields: [TEXT_GEOMETRY_FIELDS, WORD_FIELDS],
  indexes: (word: WordKeyInput, { PK, SK }) => {
    const imageReceipt = imageReceiptKey(word.image_id, word.receipt_id);
    return {
      GSI1PK: `EMBEDDING_STATUS#${word.embedding_status}`,
      GSI1SK: `WORD#${PK}#${SK}`,
      GSI2PK: 'RECEIPT',
      GSI2SK: `${PK}#${SK}`,
      GSI3PK: imageReceipt,
      GSI3SK: 'WORD',
      GSI4PK: imageReceipt,
      GSI4SK: `3_WORD#${padId(word.line_id)}#${padId(word.word_id)}`,
    };
  },
});

/** Validates a receipt word with the Python entity's rules and messages. */
export const ReceiptWordSchema: z.ZodMiniType<ReceiptWord> =
  /* @__PURE__ */ declaredSchema(RECEIPT_WORD);

/**
 * Parses a `RECEIPT_WORD` item or stream image into a {@link ReceiptWord}. The SK must have
 * exactly six parts, `RECEIPT#<rid>#LINE#<lid>#WORD#<wid>`, so receipt letters
 * (`…#LETTER#<id>`) and spatial analyses (`…#SPATIAL_ANALYSIS`) are rejected rather than read
 * as words. Missing or NULL `embedding_status` reads as `NONE`; `extracted_data` keeps every key.
 *
 * @example
 * ```ts
 * import { type DynamoDBItem, ReceiptWordItemSchema } from '@receipt-chroma/dynamo-stream';
 *
 * declare const oldImage: DynamoDBItem;
 * const word = ReceiptWordItemSchema.parse(oldImage);
 * console.log(word.text, word.extracted_data?.['type']);
 * ```
 */
export const ReceiptWordItemSchema: z.ZodMiniType<ReceiptWord, DynamoDBItem> =
  /* @__PURE__ */ declaredItemSchema(RECEIPT_WORD);

/**
 * Builds every key of a receipt word item as Python writes it.
 *
 * @param word - the word's ids and `embedding_status` (GSI1 is keyed by it)
 */
export const receiptWordKeys: (word: WordKeyInput) => ReceiptWordKeys = (word) =>
  RECEIPT_WORD.keys(word);

/**
 * Writes a receipt word as Python's `ReceiptWord.to_item()` does: the line layout plus GSI2
 * and `extracted_data` (`{"M": {k: {"S": v}}}` or `{"NULL": true}`).
 *
 * @param word - a valid word (it is not checked again)
 * @throws {RangeError} when a coordinate, angle or confidence is not finite (an invalid
 *   entity)
 */
export const receiptWordToItem: (word: ReceiptWord) => DynamoDBItem = (word) =>
  RECEIPT_WORD.toItem(word);
