import type * as z from 'zod/mini';
import { imagePk, imageReceiptKey, receiptSkPrefix } from '../keys/receiptKeys.js';
import type { AttributeValue, DynamoDBItem } from '../types.js';
import {
  type Codec,
  INVALID,
  type Invalid,
  type ItemParser,
  itemParser,
  nullableS,
  S,
  stringList,
  zodItemSchema,
} from '../validation/attributes.js';
import {
  addIssue,
  type EntityRules,
  entityRules,
  entitySchema,
  isPositiveInt,
  isRecord,
  isTimestamp,
  listValues,
  positiveInt,
  uuid,
  validateInto,
} from '../validation/entityParts.js';
import { invalidTypeMessageFor } from '../validation/invalidType.js';
import { array, check, map, object, string } from '../validation/rules.js';
import { isIsoTimestamp, isValidUuid, parsePythonInt } from '../validation/validators.js';
import { writeS } from '../validation/writers.js';
import { type MerchantValidationStatus, ValidationMethod } from './enums.js';
import { type ReceiptPlace, ReceiptPlaceSchema } from './receiptPlace.js';

/**
 * The legacy predecessor of {@link ReceiptPlace}, TYPE `RECEIPT_METADATA`, SK
 * `RECEIPT#<rid:05>#METADATA`. Only read for legacy rows; the stream treats `#METADATA`
 * sort keys as unknown. `NULL` strings read as `""`.
 */
export interface ReceiptMetadata {
  image_id: string;
  receipt_id: number;
  place_id: string;
  merchant_name: string;
  merchant_category: string;
  address: string;
  phone_number: string;
  /** Unique non-empty strings (a string set in the table, so read sorted). */
  matched_fields: string[];
  /** `""` or a {@link ValidationMethod}. */
  validated_by: ValidationMethod | '';
  /** An ISO timestamp, verbatim. */
  timestamp: string;
  reasoning: string;
  canonical_place_id: string;
  canonical_merchant_name: string;
  canonical_address: string;
  canonical_phone_number: string;
  /** As stored, or derived from the matched fields when stored empty. */
  validation_status: string;
}

/** Every key a metadata item carries; GSI2 is `null` without a place id. */
export interface ReceiptMetadataKeys {
  PK: string;
  SK: string;
  GSI1PK: string;
  GSI1SK: string;
  GSI2PK: string | null;
  GSI2SK: string | null;
  GSI3PK: string;
  GSI3SK: string;
}

/** The keys of a metadata row, as the Python entity wrote them. */
export const receiptMetadataKeys = (
  metadata: Pick<
    ReceiptMetadata,
    | 'image_id'
    | 'receipt_id'
    | 'place_id'
    | 'merchant_name'
    | 'canonical_merchant_name'
    | 'validation_status'
  >,
): ReceiptMetadataKeys => {
  const sortKey = `${imageReceiptKey(metadata.image_id, metadata.receipt_id)}#METADATA`;
  const merchant = metadata.canonical_merchant_name || metadata.merchant_name;
  return {
    PK: imagePk(metadata.image_id),
    SK: `${receiptSkPrefix(metadata.receipt_id)}#METADATA`,
    GSI1PK: `MERCHANT#${merchant.toUpperCase().replaceAll(' ', '_')}`,
    GSI1SK: sortKey,
    GSI2PK: metadata.place_id === '' ? null : `PLACE#${metadata.place_id}`,
    GSI2SK: metadata.place_id === '' ? null : sortKey,
    GSI3PK: 'MERCHANT_VALIDATION',
    GSI3SK: `STATUS#${metadata.validation_status}`,
  };
};

/** Thresholds of {@link deriveMerchantValidationStatus}. */
export interface MerchantMatchThresholds {
  /**
   * High-quality matched fields needed for `MATCHED`.
   * @default 2 (Python reads `MIN_FIELDS_FOR_MATCH` from the environment)
   */
  readonly minFieldsForMatch?: number | undefined;
  /**
   * High-quality matched fields needed for `UNSURE`.
   * @default 1 (Python reads `MIN_FIELDS_FOR_UNSURE` from the environment)
   */
  readonly minFieldsForUnsure?: number | undefined;
}

const DIGIT = /\p{Nd}/u;
const DIGITS_ONLY = /^\p{Nd}+$/u;
const LETTERS_ONLY = /^\p{L}+$/u;
const TRAILING_PUNCTUATION = /[.,;:]+$/;
const SEPARATORS = /[-/]/g;
const WHITESPACE = /\s+/;

/** Python's address-quality rule: enough meaningful tokens, or a number with context. */
const isUsableAddress = (address: string): boolean => {
  const trimmed = address.trim();
  const tokens = trimmed === '' ? [] : trimmed.split(WHITESPACE);
  let meaningful = 0;
  let hasNumber = false;
  for (const token of tokens) {
    const clean = token.replace(TRAILING_PUNCTUATION, '');
    if (DIGITS_ONLY.test(clean.replace(SEPARATORS, ''))) {
      meaningful += 1;
      hasNumber = true;
    } else if (DIGIT.test(clean)) meaningful += 1;
    else if ([...clean].length >= 3 && LETTERS_ONLY.test(clean)) meaningful += 1;
    else if (tokens.length > 1 && LETTERS_ONLY.test(clean)) meaningful += 0.5;
  }
  return (
    meaningful >= 2 ||
    (tokens.length === 1 && meaningful >= 1 && !hasNumber) ||
    (hasNumber && tokens.length > 1)
  );
};

const isHighQuality = (
  field: string,
  metadata: Pick<ReceiptMetadata, 'merchant_name' | 'phone_number' | 'address'>,
): boolean => {
  if (field === 'name') return [...metadata.merchant_name.trim()].length > 2;
  if (field === 'phone') return [...metadata.phone_number].filter((c) => DIGIT.test(c)).length >= 7;
  if (field === 'address') return isUsableAddress(metadata.address);
  return true; // unknown fields count as they are, as in Python
};

/**
 * Derives a legacy row's validation status from the quality of its matched fields, as the
 * Python entity does when the stored status is empty: `MATCHED` with at least 2
 * high-quality fields, `UNSURE` with at least 1, else `NO_MATCH`.
 */
export const deriveMerchantValidationStatus = (
  metadata: Pick<ReceiptMetadata, 'matched_fields' | 'merchant_name' | 'phone_number' | 'address'>,
  thresholds: MerchantMatchThresholds = {},
): MerchantValidationStatus => {
  const count = metadata.matched_fields.filter((field) => isHighQuality(field, metadata)).length;
  if (count >= (thresholds.minFieldsForMatch ?? 2)) return 'MATCHED';
  if (count >= (thresholds.minFieldsForUnsure ?? 1)) return 'UNSURE';
  return 'NO_MATCH';
};

const VALIDATION_METHODS: ReadonlySet<string> = /* @__PURE__ */ new Set(
  /* @__PURE__ */ Object.values(ValidationMethod),
);
const VALIDATION_METHOD_LIST: string = /* @__PURE__ */ listValues(ValidationMethod);
const text = (name: string): Codec<string> => string(`${name} must be a string`);
const MATCHED_FIELDS_MESSAGE = 'matched_fields must contain unique non-empty strings';

const TEXT_FIELDS = [
  'place_id',
  'merchant_name',
  'merchant_category',
  'address',
  'phone_number',
] as const;
const LATER_TEXT_FIELDS = [
  'reasoning',
  'canonical_place_id',
  'canonical_merchant_name',
  'canonical_address',
  'canonical_phone_number',
  'validation_status',
] as const;

const deriveStatus = (metadata: ReceiptMetadata): ReceiptMetadata =>
  metadata.validation_status === ''
    ? { ...metadata, validation_status: deriveMerchantValidationStatus(metadata) }
    : metadata;

/** A copy of `value` when it is a list of unique non-empty strings. */
const acceptMatchedFields = (value: unknown): string[] | undefined => {
  if (!Array.isArray(value)) return undefined;
  const fields: string[] = new Array(value.length);
  for (let index = 0; index < value.length; index += 1) {
    const field: unknown = value[index];
    if (typeof field !== 'string' || field === '') return undefined;
    fields[index] = field;
  }
  return new Set(fields).size === fields.length ? fields : undefined;
};

/**
 * The rules of a legacy metadata row (ids, strings, unique matched fields, `validated_by`,
 * ISO timestamp); `validation_status` is derived when it is empty. @internal
 */
export const RECEIPT_METADATA_RULES: EntityRules<ReceiptMetadata> = /* @__PURE__ */ entityRules(
  () =>
    map(
      object({
        image_id: uuid(),
        receipt_id: positiveInt('receipt_id'),
        place_id: text('place_id'),
        merchant_name: text('merchant_name'),
        merchant_category: text('merchant_category'),
        address: text('address'),
        phone_number: text('phone_number'),
        matched_fields: array(
          string(invalidTypeMessageFor('string')),
          'matched_fields must be a list',
          check((values) => values.every((value) => value !== ''), MATCHED_FIELDS_MESSAGE),
          check((values) => new Set(values).size === values.length, MATCHED_FIELDS_MESSAGE),
        ),
        validated_by: string(
          'validated_by must be a string',
          check(
            (value) => value === '' || VALIDATION_METHODS.has(value),
            (input) =>
              `ValidationMethod must be one of: ${VALIDATION_METHOD_LIST}\nGot: ${String(input)}`,
          ),
        ),
        timestamp: string(
          'timestamp must be a string',
          check(isIsoTimestamp, (input) => `Invalid isoformat string: '${String(input)}'`),
        ),
        reasoning: text('reasoning'),
        canonical_place_id: text('canonical_place_id'),
        canonical_merchant_name: text('canonical_merchant_name'),
        canonical_address: text('canonical_address'),
        canonical_phone_number: text('canonical_phone_number'),
        validation_status: text('validation_status'),
      }) as Codec<ReceiptMetadata>,
      deriveStatus,
    ),
  (candidate) => {
    if (!isRecord(candidate)) return undefined;
    const { image_id, receipt_id, validated_by, timestamp } = candidate;
    if (!isValidUuid(image_id) || !isPositiveInt(receipt_id)) return undefined;
    const metadata: Record<string, unknown> = { image_id, receipt_id };
    for (const name of TEXT_FIELDS) {
      const value = candidate[name];
      if (typeof value !== 'string') return undefined;
      metadata[name] = value;
    }
    const matchedFields = acceptMatchedFields(candidate['matched_fields']);
    if (matchedFields === undefined || typeof validated_by !== 'string') return undefined;
    if (validated_by !== '' && !VALIDATION_METHODS.has(validated_by)) return undefined;
    if (!isTimestamp(timestamp)) return undefined;
    metadata['matched_fields'] = matchedFields;
    metadata['validated_by'] = validated_by;
    metadata['timestamp'] = timestamp;
    for (const name of LATER_TEXT_FIELDS) {
      const value = candidate[name];
      if (typeof value !== 'string') return undefined;
      metadata[name] = value;
    }
    return deriveStatus(metadata as unknown as ReceiptMetadata);
  },
);

/**
 * Validates a legacy metadata row (ids, strings, unique matched fields, `validated_by`,
 * ISO timestamp) and derives `validation_status` when it is empty.
 */
export const ReceiptMetadataSchema: z.ZodMiniType<ReceiptMetadata> =
  /* @__PURE__ */ entitySchema(RECEIPT_METADATA_RULES);

const OPTIONAL_STRINGS = [
  'merchant_category',
  'address',
  'phone_number',
  'validated_by',
  'reasoning',
  'canonical_place_id',
  'canonical_merchant_name',
  'canonical_address',
  'canonical_phone_number',
] as const;

/** Writes a metadata row as the Python `to_item()` did (matched fields as a string set). */
export const receiptMetadataToItem = (metadata: ReceiptMetadata): DynamoDBItem => {
  const keys = receiptMetadataKeys(metadata);
  const entries: [string, AttributeValue][] = [
    ['PK', writeS(keys.PK)],
    ['SK', writeS(keys.SK)],
    ['GSI1PK', writeS(keys.GSI1PK)],
    ['GSI1SK', writeS(keys.GSI1SK)],
    ['GSI3PK', writeS(keys.GSI3PK)],
    ['GSI3SK', writeS(keys.GSI3SK)],
    ['TYPE', writeS('RECEIPT_METADATA')],
    ['place_id', writeS(metadata.place_id)],
    ['merchant_name', writeS(metadata.merchant_name)],
    ['validation_status', writeS(metadata.validation_status)],
    ['timestamp', writeS(metadata.timestamp)],
  ];
  if (keys.GSI2PK !== null && keys.GSI2SK !== null) {
    entries.push(['GSI2PK', writeS(keys.GSI2PK)], ['GSI2SK', writeS(keys.GSI2SK)]);
  }
  for (const name of OPTIONAL_STRINGS) {
    entries.push([name, metadata[name] ? writeS(metadata[name]) : { NULL: true }]);
  }
  if (metadata.matched_fields.length > 0) {
    entries.push(['matched_fields', { SS: [...metadata.matched_fields] }]);
  }
  return Object.fromEntries(entries);
};

const METADATA_SHAPE = {
  PK: S,
  SK: S,
  TYPE: S,
  place_id: nullableS,
  merchant_name: nullableS,
  timestamp: S,
  validation_status: nullableS,
  matched_fields: stringList,
  merchant_category: nullableS,
  address: nullableS,
  phone_number: nullableS,
  validated_by: nullableS,
  reasoning: nullableS,
  canonical_place_id: nullableS,
  canonical_merchant_name: nullableS,
  canonical_address: nullableS,
  canonical_phone_number: nullableS,
};

/** The plain-code parser of legacy metadata items. @internal */
export const RECEIPT_METADATA_ITEM_PARSER: ItemParser<ReceiptMetadata> = /* @__PURE__ */ itemParser(
  METADATA_SHAPE,
  (decoded, issues): ReceiptMetadata | Invalid => {
    if (decoded.TYPE !== 'RECEIPT_METADATA') {
      addIssue(issues, ['TYPE'], 'TYPE must be RECEIPT_METADATA');
      return INVALID;
    }
    const sk = decoded.SK.split('#');
    const receiptId = parsePythonInt(sk[1] ?? '');
    const imageId = decoded.PK.startsWith('IMAGE#') ? decoded.PK.slice(6) : '';
    if (imageId === '') addIssue(issues, ['PK'], `Invalid PK format: ${decoded.PK}`);
    if (sk.length !== 3 || sk[0] !== 'RECEIPT' || sk[2] !== 'METADATA' || receiptId === undefined) {
      addIssue(issues, ['SK'], `Invalid SK format: ${decoded.SK}`);
      return INVALID;
    }
    if (imageId === '') return INVALID;
    const candidate: Record<string, unknown> = {
      image_id: imageId,
      receipt_id: receiptId,
      timestamp: decoded.timestamp,
      matched_fields: decoded.matched_fields,
    };
    for (const name of [
      'place_id',
      'merchant_name',
      'validation_status',
      ...OPTIONAL_STRINGS,
    ] as const) {
      candidate[name] = decoded[name] ?? '';
    }
    const metadata = validateInto(RECEIPT_METADATA_RULES, candidate, issues, {
      image_id: 'PK',
      receipt_id: 'SK',
    });
    return metadata ?? INVALID;
  },
  {
    required: ['PK', 'SK', 'TYPE', 'place_id', 'merchant_name', 'timestamp'],
    missingMessage: 'Item is missing required keys',
  },
);

/**
 * Parses a legacy `RECEIPT_METADATA` row: required `PK, SK, TYPE, place_id, merchant_name,
 * timestamp`; `TYPE` `RECEIPT_METADATA`; ids from `IMAGE#<id>` and
 * `RECEIPT#<n>#METADATA`; `NULL` strings as `""`; an empty `validation_status` derived.
 *
 * @example
 * ```ts
 * const place = receiptMetadataToPlace(ReceiptMetadataItemSchema.parse(item));
 * ```
 */
export const ReceiptMetadataItemSchema: z.ZodMiniType<ReceiptMetadata, DynamoDBItem> =
  /* @__PURE__ */ zodItemSchema(RECEIPT_METADATA_ITEM_PARSER);

/**
 * Maps a legacy metadata row onto a {@link ReceiptPlace} so legacy rows can be handled as
 * places: `address` becomes `formatted_address`, `places_api_version` is `legacy`, the
 * coordinates and Places-only fields stay empty, and confidence is 0. Throws a zod error
 * when the row cannot be a valid place (e.g. a merchant name without letters or digits).
 */
export const receiptMetadataToPlace = (metadata: ReceiptMetadata): ReceiptPlace =>
  ReceiptPlaceSchema.parse({
    image_id: metadata.image_id,
    receipt_id: metadata.receipt_id,
    place_id: metadata.place_id,
    merchant_name: metadata.merchant_name,
    merchant_category: metadata.merchant_category,
    formatted_address: metadata.address,
    phone_number: metadata.phone_number,
    matched_fields: metadata.matched_fields,
    validated_by: metadata.validated_by,
    validation_status: metadata.validation_status,
    reasoning: metadata.reasoning,
    timestamp: metadata.timestamp,
    places_api_version: 'legacy',
  });
