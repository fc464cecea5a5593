import type * as z from 'zod/mini';
import type { DynamoDBItem } from '../types.js';
import {
  type Codec,
  INVALID,
  type Invalid,
  type IssueSink,
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
import { nullable, object, reject } from './rules.js';
import { isValidUuid } from './validators.js';
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

/** The rules of the fields a word's keys hold; line and word ids may be 0 (HEAD, spec §2.3). */
const wordKeyShape = () => ({
  ...receiptKeyShape(),
  line_id: nonNegativeInt('line_id'),
  word_id: nonNegativeInt('word_id'),
});

/** The rules of a receipt word: HEAD's, with the Python entity's messages. @internal */
export const RECEIPT_WORD_RULES: EntityRules<ReceiptWord> = /* @__PURE__ */ entityRules(
  () =>
    object({
      ...wordKeyShape(),
      ...textGeometryEntityShape(),
      extracted_data: nullable(stringMap),
    }) as Codec<ReceiptWord>,
  (candidate) => {
    if (!isRecord(candidate)) return undefined;
    const { image_id, receipt_id, line_id, word_id, extracted_data } = candidate;
    if (!isValidUuid(image_id) || !isPositiveInt(receipt_id)) return undefined;
    if (!isNonNegativeInt(line_id) || !isNonNegativeInt(word_id)) return undefined;
    if (extracted_data !== null && !isStringMap(extracted_data)) return undefined;
    const word: Record<string, unknown> = { image_id, receipt_id, line_id, word_id };
    if (!acceptTextGeometry(candidate, word)) return undefined;
    word['extracted_data'] = extracted_data;
    return word as unknown as ReceiptWord;
  },
);

/** Validates a receipt word with the Python entity's rules and messages (HEAD). */
export const ReceiptWordSchema: z.ZodMiniType<ReceiptWord> =
  /* @__PURE__ */ entitySchema(RECEIPT_WORD_RULES);

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
 * `extracted_data`: a map of `{"S"}` values (any keys, HEAD), `{"NULL": true}` or missing.
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

/** `RECEIPT#<rid>#LINE#<lid>#WORD#<wid>`. */
const WORD_KEY: ReceiptKeyLayout = {
  entity: 'RECEIPT/LINE/WORD',
  segments: ['RECEIPT', 'LINE', 'WORD'],
  ids: ['receipt_id', 'line_id', 'word_id'],
  exact: true,
};

const KEY_ATTRIBUTES = {
  image_id: 'PK',
  receipt_id: 'SK',
  line_id: 'SK',
  word_id: 'SK',
} as const;

/** Reads a word's ids from its keys alone, with the word's rules. @internal */
export const RECEIPT_WORD_KEY_READER: KeyIdentityReader<
  Pick<ReceiptWord, 'image_id' | 'receipt_id' | 'line_id' | 'word_id'>
> = /* @__PURE__ */ keyIdentityReader(WORD_KEY, wordKeyShape);

/** The plain-code parser of receipt word items, which the stream pipeline uses. @internal */
export const RECEIPT_WORD_ITEM_PARSER: ItemParser<ReceiptWord> = /* @__PURE__ */ itemParser(
  /* @__PURE__ */ withTextGeometry({ PK: S, SK: S }, { extracted_data: extractedData }),
  (decoded, issues): ReceiptWord | Invalid => {
    const candidate = receiptKeyCandidate(issues, decoded, WORD_KEY);
    if (candidate === undefined) return INVALID;
    return validateDecodedEntity(RECEIPT_WORD_RULES, candidate, issues, KEY_ATTRIBUTES);
  },
);

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
export const ReceiptWordItemSchema: z.ZodMiniType<ReceiptWord, DynamoDBItem> =
  /* @__PURE__ */ zodItemSchema(RECEIPT_WORD_ITEM_PARSER);

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
