import type * as z from 'zod/mini';
import { METADATA_SORT_KEY, splitReceiptSortKey, type TableKeys } from '../keys/receiptKeys.js';
import type { DynamoDBItem } from '../types.js';
import type { IssueSink } from '../validation/attributes.js';
import { declaredItemSchema, declaredSchema } from '../validation/declaredSchemas.js';
import type { PrimaryKey } from '../validation/declareEntity.js';
import { addIssue } from '../validation/entityParts.js';
import type { EntityOf, Field } from '../validation/field.js';
import { imageId, positiveId } from '../validation/fieldKinds.js';
import {
  emptyOrOneOf,
  isoformatTimestamp,
  stringSet,
  textOrEmpty,
} from '../validation/metadataKinds.js';
import { declareReceiptEntity, type ReceiptEntity } from '../validation/receiptEntity.js';
import { parsePythonInt } from '../validation/validators.js';
import { type MerchantValidationStatus, ValidationMethod } from './enums.js';
import { type ReceiptPlace, ReceiptPlaceSchema } from './receiptPlace.js';

// `@__PURE__`: these kinds are not annotated as free of side effects (the metadata kinds are),
// and legacy metadata must stay out of the stream handler's bundle.
const METADATA_KEY_FIELDS = {
  /** The image the receipt was cut from: a version 4 or 5 UUID, from `PK`. */
  image_id: /* @__PURE__ */ imageId() as Field<string>,
  /** The receipt number within the image, `> 0`, from `SK`. */
  receipt_id: /* @__PURE__ */ positiveId() as Field<number>,
};

// spec §2.6
/** The attributes of a legacy metadata row; `NULL` strings read as `""`. */
const METADATA_FIELDS = {
  /** The Google place id; `""` when unmatched (then no GSI2 is written). */
  place_id: textOrEmpty() as Field<string>,
  /** The merchant's name as matched. */
  merchant_name: textOrEmpty() as Field<string>,
  /** The merchant's category. */
  merchant_category: textOrEmpty('null-if-empty') as Field<string>,
  /** The merchant's address. */
  address: textOrEmpty('null-if-empty') as Field<string>,
  /** The merchant's phone number. */
  phone_number: textOrEmpty('null-if-empty') as Field<string>,
  /** Unique non-empty strings (a string set in the table, so read sorted). */
  matched_fields: stringSet() as Field<string[]>,
  /** `""` or a {@link ValidationMethod}. */
  validated_by: emptyOrOneOf(
    /* @__PURE__ */ Object.values(ValidationMethod),
    'ValidationMethod',
  ) as Field<ValidationMethod | ''>,
  /** An ISO timestamp, verbatim. */
  timestamp: isoformatTimestamp() as Field<string>,
  /** Why the merchant was matched. */
  reasoning: textOrEmpty('null-if-empty') as Field<string>,
  /** The place id of the merchant's canonical record. */
  canonical_place_id: textOrEmpty('null-if-empty') as Field<string>,
  /** The canonical merchant name; when set, it keys GSI1 instead of `merchant_name`. */
  canonical_merchant_name: textOrEmpty('null-if-empty') as Field<string>,
  /** The canonical address. */
  canonical_address: textOrEmpty('null-if-empty') as Field<string>,
  /** The canonical phone number. */
  canonical_phone_number: textOrEmpty('null-if-empty') as Field<string>,
  /** As stored, or derived from the matched fields when stored empty. */
  validation_status: textOrEmpty() as Field<string>,
};

/**
 * The legacy predecessor of {@link ReceiptPlace}, TYPE `RECEIPT_METADATA`, SK
 * `RECEIPT#<rid:05>#METADATA`. Only read for legacy rows; the stream treats `#METADATA`
 * sort keys as unknown. `NULL` strings read as `""`.
 */
export type ReceiptMetadata = EntityOf<[typeof METADATA_KEY_FIELDS, typeof METADATA_FIELDS]>;

/** Every key a metadata item carries; GSI2 is `null` without a place id. */
export interface ReceiptMetadataKeys {
  /** `IMAGE#<image_id>`. */
  PK: string;
  /** `RECEIPT#<rid:05>#METADATA`. */
  SK: string;
  /** `MERCHANT#<NAME>`: the canonical or else the matched name, upper-cased, spaces as `_`. */
  GSI1PK: string;
  /** `<PK>#<SK>`. */
  GSI1SK: string;
  /** `PLACE#<place_id>`, or `null` without a place id. */
  GSI2PK: string | null;
  /** `<PK>#<SK>`, or `null` without a place id. */
  GSI2SK: string | null;
  /** `MERCHANT_VALIDATION`. */
  GSI3PK: string;
  /** `STATUS#<validation_status>`. */
  GSI3SK: string;
}

/** What the keys of a metadata row are built from. */
type MetadataKeyInput = Pick<
  ReceiptMetadata,
  | 'image_id'
  | 'receipt_id'
  | 'place_id'
  | 'merchant_name'
  | 'canonical_merchant_name'
  | 'validation_status'
>;

/** The keys a metadata item is written with: GSI2 only with a place id. */
type WrittenMetadataKeys = TableKeys<'GSI1' | 'GSI3'> & Partial<TableKeys<'GSI2'>>;

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

/** Unicode-property patterns, built on first use: each costs a compile when a module loads. */
let unicodePatterns: { digit: RegExp; digitsOnly: RegExp; lettersOnly: RegExp } | undefined;
const patterns = (): { digit: RegExp; digitsOnly: RegExp; lettersOnly: RegExp } => {
  unicodePatterns ??= { digit: /\p{Nd}/u, digitsOnly: /^\p{Nd}+$/u, lettersOnly: /^\p{L}+$/u };
  return unicodePatterns;
};
const TRAILING_PUNCTUATION = /[.,;:]+$/;
const SEPARATORS = /[-/]/g;
const WHITESPACE = /\s+/;

/** Python's address-quality rule: enough meaningful tokens, or a number with context. */
const isUsableAddress = (address: string): boolean => {
  const trimmed = address.trim();
  const tokens = trimmed === '' ? [] : trimmed.split(WHITESPACE);
  const { digit, digitsOnly, lettersOnly } = patterns();
  let meaningful = 0;
  let hasNumber = false;
  for (const token of tokens) {
    const clean = token.replace(TRAILING_PUNCTUATION, '');
    if (digitsOnly.test(clean.replace(SEPARATORS, ''))) {
      meaningful += 1;
      hasNumber = true;
    } else if (digit.test(clean)) meaningful += 1;
    else if ([...clean].length >= 3 && lettersOnly.test(clean)) meaningful += 1;
    else if (tokens.length > 1 && lettersOnly.test(clean)) meaningful += 0.5;
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
  if (field === 'phone')
    return [...metadata.phone_number].filter((c) => patterns().digit.test(c)).length >= 7;
  if (field === 'address') return isUsableAddress(metadata.address);
  return true; // unknown fields count as they are, as in Python
};

/**
 * Derives a legacy row's validation status from the quality of its matched fields, as the
 * Python entity does when the stored status is empty: `MATCHED` with at least 2
 * high-quality fields, `UNSURE` with at least 1, else `NO_MATCH`. A `name` match counts when
 * the name has more than 2 characters, a `phone` match with at least 7 digits, an `address`
 * match when the address is usable (enough meaningful words, or a number with context);
 * any other matched field counts as it is.
 *
 * @param metadata - the row's matched fields and the values they are judged by
 * @param thresholds - the counts needed for `MATCHED` and `UNSURE`
 * @returns the derived status
 * @example
 * ```ts
 * import { deriveMerchantValidationStatus } from '@receipt-chroma/dynamo-stream';
 *
 * deriveMerchantValidationStatus({
 *   matched_fields: ['name', 'phone'],
 *   merchant_name: 'Target',
 *   phone_number: '(555) 123-4567',
 *   address: '',
 * }); // 'MATCHED'
 * ```
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

const deriveStatus = (metadata: ReceiptMetadata): ReceiptMetadata =>
  metadata.validation_status === ''
    ? { ...metadata, validation_status: deriveMerchantValidationStatus(metadata) }
    : metadata;

/**
 * Reads a metadata row's keys as the Python `from_item` does: the image id is the rest of
 * `PK` after `IMAGE#`, the SK exactly `RECEIPT#<n>#METADATA`.
 */
const readMetadataKeys = (
  decoded: Record<string, unknown> & PrimaryKey,
  issues: IssueSink,
): Record<string, unknown> | undefined => {
  const { PK: pk, SK: sk } = decoded;
  const imageId = pk.startsWith('IMAGE#') ? pk.slice('IMAGE#'.length) : '';
  const receiptId = parsePythonInt(splitReceiptSortKey(sk, METADATA_SORT_KEY)?.[1] ?? '');
  if (imageId === '') addIssue(issues, ['PK'], `Invalid PK format: ${pk}`);
  if (receiptId === undefined) addIssue(issues, ['SK'], `Invalid SK format: ${sk}`);
  if (imageId === '' || receiptId === undefined) return undefined;
  // PK, SK and TYPE stay on the candidate: the rules read only the entity's fields.
  decoded['image_id'] = imageId;
  decoded['receipt_id'] = receiptId;
  return decoded;
};

/** The legacy receipt metadata, declared once. @internal */
export const RECEIPT_METADATA: ReceiptEntity<
  ReceiptMetadata,
  MetadataKeyInput,
  WrittenMetadataKeys,
  EntityOf<[typeof METADATA_KEY_FIELDS]>
> = /* @__PURE__ */ declareReceiptEntity({
  type: 'RECEIPT_METADATA',
  sortKey: METADATA_SORT_KEY,
  keyFields: METADATA_KEY_FIELDS,
  fields: [METADATA_FIELDS],
  derive: deriveStatus,
  indexes: (metadata: MetadataKeyInput, { PK, SK }) => {
    const merchant = metadata.canonical_merchant_name || metadata.merchant_name;
    const place = metadata.place_id;
    return {
      GSI1PK: `MERCHANT#${merchant.toUpperCase().replaceAll(' ', '_')}`,
      GSI1SK: `${PK}#${SK}`,
      ...(place === '' ? {} : { GSI2PK: `PLACE#${place}`, GSI2SK: `${PK}#${SK}` }),
      GSI3PK: 'MERCHANT_VALIDATION',
      GSI3SK: `STATUS#${metadata.validation_status}`,
    };
  },
  item: {
    guard: {
      required: ['PK', 'SK', 'TYPE', 'place_id', 'merchant_name', 'timestamp'],
      missingMessage: 'Item is missing required keys',
    },
    checksType: true,
    readKeys: readMetadataKeys,
  },
});

/**
 * The keys of a metadata row, as the Python entity wrote them.
 *
 * @param metadata - the row's ids, place id, merchant names and `validation_status`
 */
export const receiptMetadataKeys = (metadata: MetadataKeyInput): ReceiptMetadataKeys => {
  const keys = RECEIPT_METADATA.keys(metadata);
  return { ...keys, GSI2PK: keys.GSI2PK ?? null, GSI2SK: keys.GSI2SK ?? null };
};

/**
 * Validates a legacy metadata row (ids, strings, unique matched fields, `validated_by`,
 * ISO timestamp) and derives `validation_status` when it is empty.
 */
export const ReceiptMetadataSchema: z.ZodMiniType<ReceiptMetadata> =
  /* @__PURE__ */ declaredSchema(RECEIPT_METADATA);

/**
 * Writes a metadata row as the Python `to_item()` did (matched fields as a string set).
 *
 * @param metadata - a valid metadata row (it is not checked again)
 */
export const receiptMetadataToItem: (metadata: ReceiptMetadata) => DynamoDBItem = (metadata) =>
  RECEIPT_METADATA.toItem(metadata);

/**
 * Parses a legacy `RECEIPT_METADATA` row: required `PK, SK, TYPE, place_id, merchant_name,
 * timestamp`; `TYPE` `RECEIPT_METADATA`; ids from `IMAGE#<id>` and
 * `RECEIPT#<n>#METADATA`; `NULL` strings as `""`; an empty `validation_status` derived.
 *
 * @example
 * ```ts
 * import { type DynamoDBItem, ReceiptMetadataItemSchema, receiptMetadataToPlace } from '@receipt-chroma/dynamo-stream';
 *
 * declare const item: DynamoDBItem;
 * const place = receiptMetadataToPlace(ReceiptMetadataItemSchema.parse(item));
 * console.log(place.formatted_address, place.places_api_version); // …, 'legacy'
 * ```
 */
export const ReceiptMetadataItemSchema: z.ZodMiniType<ReceiptMetadata, DynamoDBItem> =
  /* @__PURE__ */ declaredItemSchema(RECEIPT_METADATA);

/**
 * Maps a legacy metadata row onto a {@link ReceiptPlace} so legacy rows can be handled as
 * places: `address` becomes `formatted_address`, `places_api_version` is `legacy`, the
 * coordinates and Places-only fields stay empty, and confidence is 0.
 *
 * @param metadata - the legacy row
 * @returns the place
 * @throws zod's `$ZodError` (from {@link ReceiptPlaceSchema}) when the row cannot be a valid
 *   place, e.g. a merchant name without letters or digits
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
