import type * as z from 'zod/mini';
import { PLACE_SORT_KEY, type TableKeys } from '../keys/receiptKeys.js';
import type { DynamoDBItem } from '../types.js';
import { type IssueSink, intN, optional, S } from '../validation/attributes.js';
import { declaredItemSchema, declaredSchema } from '../validation/declaredSchemas.js';
import type { EntityOf, Field } from '../validation/field.js';
import { imageId, keyAttribute, positiveId, text, withMissing } from '../validation/fieldKinds.js';
import { fastAttributeReader, fastFieldReader } from '../validation/fieldReader.js';
import { emptyOrOneOf, textOrEmpty } from '../validation/metadataKinds.js';
import {
  checkedText,
  coordinate,
  dictionary,
  nullableDatetime,
  nullableFlag,
  uniqueTextList,
  unitInterval,
} from '../validation/placeKinds.js';
import { declareReceiptEntity, type ReceiptEntity } from '../validation/receiptEntity.js';
import { check } from '../validation/rules.js';
import { writeInt, writeS } from '../validation/writers.js';
import { ValidationMethod } from './enums.js';
import {
  checkReceiptPlaceKeys,
  merchantSlug,
  type ReceiptPlaceKeyFields,
  receiptPlaceIndexKeys,
  type StoredPlaceKeys,
} from './receiptPlaceKeys.js';

export {
  merchantSlug,
  type ReceiptPlaceKeyFields,
  type ReceiptPlaceKeys,
  receiptPlaceKeys,
  type StoredPlaceKeys,
} from './receiptPlaceKeys.js';

/**
 * The ids of a place are attributes too, read from them and checked against the keys.
 * (`@__PURE__`: these kinds are not annotated as free of side effects.)
 */
const PLACE_KEY_FIELDS = {
  /** The image the receipt was cut from: a version 4 or 5 UUID. */
  image_id: keyAttribute(/* @__PURE__ */ imageId(), S, writeS) as Field<string>,
  /** The receipt number within the image, `> 0`. */
  receipt_id: keyAttribute(/* @__PURE__ */ positiveId(), intN, writeInt) as Field<number>,
};

// spec §2.5
/**
 * The attributes of a place, in the order of the Python constructor, with its defaults.
 * Strings read NULL as `""` and write `""` as NULL.
 */
const PLACE_FIELDS = {
  /** Google place id; `""` for an unmatched receipt (then no GSI2 is written). */
  place_id: checkedText(
    check((id) => id === '' || id.trim() !== '', 'place_id cannot contain only whitespace'),
  ) as Field<string>,
  /** The merchant's name; must hold a letter or digit (it keys GSI1). */
  merchant_name: checkedText(
    check((name) => name.trim() !== '', 'merchant_name cannot be empty'),
    check(
      (name) => name.trim() === '' || merchantSlug(name) !== '',
      (name) =>
        `merchant_name '${String(name)}' contains no alphanumeric characters and would produce an invalid GSI1 key`,
    ),
  ) as Field<string>,
  /** The merchant's category; `""` when unknown. */
  merchant_category: withMissing(textOrEmpty('null-if-empty'), '') as Field<string>,
  /** The Places types of the merchant, unique; `[]` when unknown. */
  merchant_types: withMissing(uniqueTextList(), []) as Field<string[]>,
  /** The full address; `""` when unknown. */
  formatted_address: withMissing(textOrEmpty('null-if-empty'), '') as Field<string>,
  /** The short address; `""` when unknown. */
  short_address: withMissing(textOrEmpty('null-if-empty'), '') as Field<string>,
  /** The address parts, as Places gives them; `{}` when unknown. */
  address_components: withMissing(dictionary('ReceiptPlace'), {}) as Field<Record<string, unknown>>,
  /** Latitude in degrees, within ±90; `null` when unknown. */
  latitude: withMissing(coordinate(90), null) as Field<number | null>,
  /** Longitude in degrees, within ±180; `null` when unknown. */
  longitude: withMissing(coordinate(180), null) as Field<number | null>,
  /** The viewport's north-east latitude; `null` when unknown. */
  viewport_ne_lat: withMissing(coordinate(90), null) as Field<number | null>,
  /** The viewport's north-east longitude; `null` when unknown. */
  viewport_ne_lng: withMissing(coordinate(180), null) as Field<number | null>,
  /** The viewport's south-west latitude; `null` when unknown. */
  viewport_sw_lat: withMissing(coordinate(90), null) as Field<number | null>,
  /** The viewport's south-west longitude; `null` when unknown. */
  viewport_sw_lng: withMissing(coordinate(180), null) as Field<number | null>,
  /** The Plus Code of the location; `""` when unknown. */
  plus_code: withMissing(textOrEmpty('null-if-empty'), '') as Field<string>,
  /** The phone number as printed locally; `""` when unknown. */
  phone_number: withMissing(textOrEmpty('null-if-empty'), '') as Field<string>,
  /** The phone number in international format; `""` when unknown. */
  phone_intl: withMissing(textOrEmpty('null-if-empty'), '') as Field<string>,
  /** The merchant's website; `""` when unknown. */
  website: withMissing(textOrEmpty('null-if-empty'), '') as Field<string>,
  /** The Google Maps URL of the place; `""` when unknown. */
  maps_url: withMissing(textOrEmpty('null-if-empty'), '') as Field<string>,
  /** The Places business status (e.g. `OPERATIONAL`); `""` when unknown. */
  business_status: withMissing(textOrEmpty('null-if-empty'), '') as Field<string>,
  /** Whether the place was open when looked up; `null` when unknown. */
  open_now: withMissing(nullableFlag(), null) as Field<boolean | null>,
  /** Opening hours as display lines, unique; `[]` when unknown. */
  hours_summary: withMissing(uniqueTextList(), []) as Field<string[]>,
  /** Opening hours as Places gives them; `{}` when unknown. */
  hours_data: withMissing(dictionary('ReceiptPlace'), {}) as Field<Record<string, unknown>>,
  /** Places photo references, unique; `[]` when none. */
  photo_references: withMissing(uniqueTextList(), []) as Field<string[]>,
  /** The receipt fields that matched the place (e.g. `name`, `phone`), unique; `[]` when none. */
  matched_fields: withMissing(uniqueTextList(), []) as Field<string[]>,
  /** `""` or a {@link ValidationMethod}. */
  validated_by: withMissing(
    emptyOrOneOf(/* @__PURE__ */ Object.values(ValidationMethod), 'ValidationMethod'),
    '',
  ) as Field<ValidationMethod | ''>,
  /** Free text (usually `MATCHED`, `UNSURE`, `NO_MATCH` or `""`); not validated. */
  validation_status: withMissing(/* @__PURE__ */ text(), '') as Field<string>,
  /** Confidence in the match, within `[0, 1]`; 0 when missing. */
  confidence: withMissing(unitInterval(), 0) as Field<number>,
  /** Why the place was matched; `""` when not given. */
  reasoning: withMissing(textOrEmpty('null-if-empty'), '') as Field<string>,
  /**
   * The stored ISO timestamp, verbatim. `null` when the item has none: Python would
   * substitute "now", which makes two reads of one item differ, so this port does not.
   */
  timestamp: withMissing(nullableDatetime(), null) as Field<string | null>,
  /**
   * The Places API version the data came from; `v1` when missing, `legacy` for a place
   * converted from a metadata row.
   */
  places_api_version: withMissing(textOrEmpty('null-if-empty'), 'v1') as Field<string>,
};

/**
 * A receipt's matched merchant place (Google Places data), TYPE `RECEIPT_PLACE`, SK
 * `RECEIPT#<rid:05>#PLACE`. Field names are the table's attribute names. Strings the table
 * stores as `NULL` read as `""`; absent lists and maps read as `[]` and `{}`.
 */
export type ReceiptPlace = EntityOf<[typeof PLACE_KEY_FIELDS, typeof PLACE_FIELDS]>;

/** The keys of a place item: GSI2 only with a place id. */
type PlaceItemKeys = TableKeys<'GSI1' | 'GSI3' | 'GSI4'> & Partial<TableKeys<'GSI2'>>;

const optionalKey = /* @__PURE__ */ optional(S);

/** The index keys a place item may hold, read only to be checked against the entity's. */
const PLACE_INDEX_KEYS = {
  GSI1PK: optionalKey,
  GSI1SK: optionalKey,
  GSI2PK: optionalKey,
  GSI2SK: optionalKey,
  GSI3PK: optionalKey,
  GSI3SK: optionalKey,
  GSI4PK: optionalKey,
  GSI4SK: optionalKey,
};

/**
 * Every attribute a place item may hold; `geohash`, which older rows carry, is dropped on
 * read.
 */
const PLACE_ATTRIBUTES: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'PK',
  'SK',
  'TYPE',
  ...Object.keys(PLACE_INDEX_KEYS),
  ...Object.keys(PLACE_KEY_FIELDS),
  ...Object.keys(PLACE_FIELDS),
  'geohash',
]);

const readPlaceFields = /* @__PURE__ */ fastFieldReader([PLACE_KEY_FIELDS, PLACE_FIELDS]);
const readPlaceKeys = /* @__PURE__ */ fastAttributeReader({
  PK: S,
  SK: S,
  TYPE: S,
  ...PLACE_INDEX_KEYS,
});
const keyIssues: IssueSink = [];

/**
 * The fast path of the place's item parser, for an item in its usual form (known attributes
 * only, every field sure of its value, the keys as the place gives them or tolerated): the
 * keys and fields read in one pass each, without the full parse's decoded item and generic
 * acceptance. Anything else returns `undefined` and takes the full parse; a property test
 * checks both give the same results.
 */
const fastPlace = (item: Record<string, unknown>): ReceiptPlace | undefined => {
  for (const name in item) if (!PLACE_ATTRIBUTES.has(name)) return undefined;
  const keys = readPlaceKeys(item);
  const place = keys?.TYPE === 'RECEIPT_PLACE' ? readPlaceFields(item) : undefined;
  if (keys === undefined || place === undefined) return undefined;
  keyIssues.length = 0;
  checkReceiptPlaceKeys(keys, place, keyIssues);
  return keyIssues.length === 0 ? place : undefined;
};

/**
 * The place, declared once. Its item is read as Python's `ReceiptPlace.from_item` reads it:
 * required attributes, `TYPE` `RECEIPT_PLACE`, no unknown attribute, the ids from their
 * attributes, then the key consistency check against the valid place.
 * @internal
 */
export const RECEIPT_PLACE: ReceiptEntity<
  ReceiptPlace,
  ReceiptPlaceKeyFields,
  PlaceItemKeys,
  EntityOf<[typeof PLACE_KEY_FIELDS]>
> = /* @__PURE__ */ declareReceiptEntity({
  type: 'RECEIPT_PLACE',
  sortKey: PLACE_SORT_KEY,
  keyFields: PLACE_KEY_FIELDS,
  fields: [PLACE_FIELDS],
  indexes: receiptPlaceIndexKeys,
  item: {
    guard: {
      required: ['PK', 'SK', 'TYPE', 'image_id', 'receipt_id', 'place_id', 'merchant_name'],
      missingMessage: 'Item is missing required keys',
      allowed: PLACE_ATTRIBUTES,
    },
    checksType: true,
    attributes: PLACE_INDEX_KEYS,
    // The ids are the attributes': keys that disagree are reported by the key check.
    readKeys: (decoded) => decoded,
    keyAttributes: {},
    check: (decoded, place: ReceiptPlace, issues) =>
      checkReceiptPlaceKeys(decoded as StoredPlaceKeys, place, issues),
  },
  fastItem: fastPlace,
});

/**
 * Validates a place with the Python constructor's rules and messages; omitted
 * optional fields take the Python defaults (`places_api_version` `v1`, confidence 0).
 *
 * @example
 * ```ts
 * import { ReceiptPlaceSchema } from '@receipt-chroma/dynamo-stream';
 *
 * declare const image_id: string;
 * const place = ReceiptPlaceSchema.parse({ image_id, receipt_id: 1, place_id: 'ChIJ…', merchant_name: 'Target' });
 * console.log(place.places_api_version, place.confidence); // 'v1' 0
 * ```
 */
export const ReceiptPlaceSchema: z.ZodMiniType<ReceiptPlace> =
  /* @__PURE__ */ declaredSchema(RECEIPT_PLACE);

/**
 * Writes a place as the Python `to_item()` does: keys (GSI2 only with a place id),
 * `TYPE`, `NULL` for empty optional strings, lists as `L` and maps as native `M` only when
 * non-empty, and numbers as Python `str(float)`. A `null` timestamp is left out.
 *
 * @param place - a valid place (it is not checked again)
 */
export const receiptPlaceToItem: (place: ReceiptPlace) => DynamoDBItem = (place) =>
  RECEIPT_PLACE.toItem(place);

/**
 * Parses a raw place item or stream image with Python's `ReceiptPlace.from_item` rules:
 * required keys, `TYPE` `RECEIPT_PLACE`, no unknown attributes, legacy `SS` lists and JSON
 * string maps, the constructor's validation, then the key consistency check. Fixes over
 * Python: a `GEOHASH#` GSI4 from the first Python releases is read instead of rejected, and
 * stream Keys that disagree with the `image_id`/`receipt_id` attributes are reported on
 * `PK`/`SK`.
 *
 * @example
 * ```ts
 * import { type DynamoDBItem, ReceiptPlaceItemSchema } from '@receipt-chroma/dynamo-stream';
 *
 * declare const newImage: DynamoDBItem;
 * const result = ReceiptPlaceItemSchema.safeParse(newImage);
 * if (result.success) console.log(result.data.merchant_name);
 * ```
 */
export const ReceiptPlaceItemSchema: z.ZodMiniType<ReceiptPlace, DynamoDBItem> =
  /* @__PURE__ */ declaredItemSchema(RECEIPT_PLACE);
