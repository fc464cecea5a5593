import type * as z from 'zod/mini';
import { receiptKeyShape } from '../keys/receiptKeyReaders.js';
import type { AttributeValue, DynamoDBItem } from '../types.js';
import {
  type Codec,
  type Decoded,
  fastDecoder,
  INVALID,
  type Invalid,
  type IssueSink,
  type ItemGuardOptions,
  type ItemParser,
  intN,
  itemParser,
  N,
  nullableBOOL,
  nullableN,
  nullableS,
  optional,
  recordCopy,
  S,
  stringList,
  unmarshallMap,
  zodItemSchema,
} from '../validation/attributes.js';
import {
  addIssue,
  type EntityRules,
  entityRules,
  entitySchema,
  isFiniteNumber,
  isPositiveInt,
  isRecord,
  isTimestamp,
  listValues,
  validateInto,
} from '../validation/entityParts.js';
import { optionalS, pythonRepr, rawAttribute } from '../validation/itemGuards.js';
import { ValidationMethod } from './enums.js';
import {
  checkReceiptPlaceKeys,
  merchantSlug,
  placeKeysMatch,
  receiptPlaceKeys,
} from './receiptPlaceKeys.js';

export {
  merchantSlug,
  type ReceiptPlaceKeyFields,
  type ReceiptPlaceKeys,
  receiptPlaceKeys,
  type StoredPlaceKeys,
} from './receiptPlaceKeys.js';

import {
  array,
  boolean,
  type Check,
  check,
  dictionary,
  map,
  nullable,
  number,
  object,
  string,
  withDefault,
} from '../validation/rules.js';
import { isIsoTimestamp, isValidUuid } from '../validation/validators.js';
import {
  writeBool,
  writeFloat,
  writeInt,
  writeNativeMap,
  writeS,
  writeStringList,
} from '../validation/writers.js';

/**
 * A receipt's matched merchant place (Google Places data), TYPE `RECEIPT_PLACE`, SK
 * `RECEIPT#<rid:05>#PLACE`. Field names are the table's attribute names. Strings the table
 * stores as `NULL` read as `""`; absent lists and maps read as `[]` and `{}`.
 */
export interface ReceiptPlace {
  image_id: string;
  receipt_id: number;
  /** Google place id; `""` for an unmatched receipt (then no GSI2 is written). */
  place_id: string;
  merchant_name: string;
  merchant_category: string;
  merchant_types: string[];
  formatted_address: string;
  short_address: string;
  address_components: Record<string, unknown>;
  latitude: number | null;
  longitude: number | null;
  viewport_ne_lat: number | null;
  viewport_ne_lng: number | null;
  viewport_sw_lat: number | null;
  viewport_sw_lng: number | null;
  plus_code: string;
  phone_number: string;
  phone_intl: string;
  website: string;
  maps_url: string;
  business_status: string;
  open_now: boolean | null;
  hours_summary: string[];
  hours_data: Record<string, unknown>;
  photo_references: string[];
  matched_fields: string[];
  /** `""` or a {@link ValidationMethod}. */
  validated_by: ValidationMethod | '';
  /** Free text (usually `MATCHED`, `UNSURE`, `NO_MATCH` or `""`); not validated. */
  validation_status: string;
  confidence: number;
  reasoning: string;
  /**
   * The stored ISO timestamp, verbatim. `null` when the item has none: Python would
   * substitute "now", which makes two reads of one item differ, so this port does not.
   */
  timestamp: string | null;
  places_api_version: string;
}

const VALIDATION_METHODS: ReadonlySet<string> = /* @__PURE__ */ new Set(
  /* @__PURE__ */ Object.values(ValidationMethod),
);
const VALIDATION_METHOD_LIST: string = /* @__PURE__ */ listValues(ValidationMethod);

const text = (name: string, ...checks: Check<string>[]): Codec<string> =>
  string(`${name} must be a string`, ...checks);
const optionalText = (name: string): Codec<string> => withDefault(text(name), '');

const isNonBlank = (value: string): boolean => value.trim() !== '';

const stringListField = (name: string): Codec<string[]> => {
  const message = `${name} must be a list of strings`;
  return withDefault(
    map(
      array(
        string(message),
        message,
        check((values: string[]) => values.every(isNonBlank), message),
      ),
      (values) => [...new Set(values)],
    ),
    [],
  );
};

const dictionaryField = (name: string): Codec<Record<string, unknown>> =>
  withDefault(dictionary(`${name} must be a dictionary`), {});

const coordinateField = (name: string, limit: number): Codec<number | null> => {
  const message = (input: unknown): string => `${name} out of range: ${pythonRepr(input)}`;
  return withDefault(
    nullable(
      number(
        message,
        check((value) => value >= -limit && value <= limit, message),
      ),
    ),
    null,
  );
};

const confidenceMessage = (input: unknown): string =>
  `confidence must be between 0.0 and 1.0, got ${pythonRepr(input)}`;

const OPTIONAL_TEXT_FIELDS = [
  'merchant_category',
  'formatted_address',
  'short_address',
  'plus_code',
  'phone_number',
  'phone_intl',
  'website',
  'maps_url',
  'business_status',
  'validation_status',
  'reasoning',
] as const;

/** What `stringListField` returns for `value`, or `undefined`. */
const acceptStringList = (value: unknown): string[] | undefined => {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return undefined;
  for (const entry of value as unknown[]) {
    if (typeof entry !== 'string' || !isNonBlank(entry)) return undefined;
  }
  // The rules' `[...new Set(list)]`, without building a Set for the usual short lists.
  const list = value as string[];
  if (list.length > 16) return [...new Set(list)];
  for (let index = 1; index < list.length; index += 1) {
    if (list.lastIndexOf(list[index] as string, index - 1) !== -1) return [...new Set(list)];
  }
  return list.slice();
};

/** What `dictionaryField` returns for `value`, or `undefined`. */
const acceptDictionary = (value: unknown): Record<string, unknown> | undefined => {
  if (value === undefined) return {};
  return recordCopy(value);
};

/** What `coordinateField` returns for `value`, or `undefined` when it would reject it. */
const acceptCoordinate = (value: unknown, limit: number): number | null | undefined => {
  if (value === undefined || value === null) return null;
  return isFiniteNumber(value) && value >= -limit && value <= limit ? value : undefined;
};

/**
 * The rules of a place: the Python constructor's, with its messages; omitted
 * optional fields take the Python defaults (`places_api_version` `v1`, confidence 0).
 * @internal
 */
export const RECEIPT_PLACE_RULES: EntityRules<ReceiptPlace> = /* @__PURE__ */ entityRules(
  () =>
    object({
      ...receiptKeyShape(),
      place_id: text(
        'place_id',
        check(
          (value) => value === '' || value.trim() !== '',
          'place_id cannot contain only whitespace',
        ),
      ),
      merchant_name: text(
        'merchant_name',
        check((name) => name.trim() !== '', 'merchant_name cannot be empty'),
        check(
          (name) => name.trim() === '' || merchantSlug(name) !== '',
          (name) =>
            `merchant_name '${String(name)}' contains no alphanumeric characters and would produce an invalid GSI1 key`,
        ),
      ),
      merchant_category: optionalText('merchant_category'),
      merchant_types: stringListField('merchant_types'),
      formatted_address: optionalText('formatted_address'),
      short_address: optionalText('short_address'),
      address_components: dictionaryField('address_components'),
      latitude: coordinateField('latitude', 90),
      longitude: coordinateField('longitude', 180),
      viewport_ne_lat: coordinateField('viewport_ne_lat', 90),
      viewport_ne_lng: coordinateField('viewport_ne_lng', 180),
      viewport_sw_lat: coordinateField('viewport_sw_lat', 90),
      viewport_sw_lng: coordinateField('viewport_sw_lng', 180),
      plus_code: optionalText('plus_code'),
      phone_number: optionalText('phone_number'),
      phone_intl: optionalText('phone_intl'),
      website: optionalText('website'),
      maps_url: optionalText('maps_url'),
      business_status: optionalText('business_status'),
      open_now: withDefault(nullable(boolean('open_now must be a boolean or None')), null),
      hours_summary: stringListField('hours_summary'),
      hours_data: dictionaryField('hours_data'),
      photo_references: stringListField('photo_references'),
      matched_fields: stringListField('matched_fields'),
      validated_by: withDefault(
        text(
          'validated_by',
          check(
            (value) => value === '' || VALIDATION_METHODS.has(value),
            (input) =>
              `ValidationMethod must be one of: ${VALIDATION_METHOD_LIST}\nGot: ${String(input)}`,
          ),
        ),
        '',
      ),
      validation_status: optionalText('validation_status'),
      confidence: withDefault(
        number(
          confidenceMessage,
          check((value) => value >= 0 && value <= 1, confidenceMessage),
        ),
        0,
      ),
      reasoning: optionalText('reasoning'),
      timestamp: withDefault(
        nullable(
          string(
            'timestamp must be a datetime',
            check(isIsoTimestamp, (input) => `Invalid isoformat string: '${String(input)}'`),
          ),
        ),
        null,
      ),
      places_api_version: withDefault(text('places_api_version'), 'v1'),
    }) as Codec<ReceiptPlace>,
  (candidate) => {
    if (!isRecord(candidate)) return undefined;
    const { image_id, receipt_id, place_id, merchant_name } = candidate;
    if (!isValidUuid(image_id) || !isPositiveInt(receipt_id)) return undefined;
    if (typeof place_id !== 'string' || (place_id !== '' && !isNonBlank(place_id))) {
      return undefined;
    }
    if (typeof merchant_name !== 'string' || !isNonBlank(merchant_name)) return undefined;
    if (merchantSlug(merchant_name) === '') return undefined;
    for (const name of OPTIONAL_TEXT_FIELDS) {
      const value = candidate[name];
      if (value !== undefined && typeof value !== 'string') return undefined;
    }
    const textOf = (name: (typeof OPTIONAL_TEXT_FIELDS)[number]): string =>
      (candidate[name] as string | undefined) ?? '';
    const merchantTypes = acceptStringList(candidate['merchant_types']);
    const hoursSummary = acceptStringList(candidate['hours_summary']);
    const photoReferences = acceptStringList(candidate['photo_references']);
    const matchedFields = acceptStringList(candidate['matched_fields']);
    if (merchantTypes === undefined || hoursSummary === undefined) return undefined;
    if (photoReferences === undefined || matchedFields === undefined) return undefined;
    const addressComponents = acceptDictionary(candidate['address_components']);
    const hoursData = acceptDictionary(candidate['hours_data']);
    if (addressComponents === undefined || hoursData === undefined) return undefined;
    const latitude = acceptCoordinate(candidate['latitude'], 90);
    const longitude = acceptCoordinate(candidate['longitude'], 180);
    const neLat = acceptCoordinate(candidate['viewport_ne_lat'], 90);
    const neLng = acceptCoordinate(candidate['viewport_ne_lng'], 180);
    const swLat = acceptCoordinate(candidate['viewport_sw_lat'], 90);
    const swLng = acceptCoordinate(candidate['viewport_sw_lng'], 180);
    if (latitude === undefined || longitude === undefined || neLat === undefined) return undefined;
    if (neLng === undefined || swLat === undefined || swLng === undefined) return undefined;
    const openNow = candidate['open_now'] ?? null;
    if (openNow !== null && typeof openNow !== 'boolean') return undefined;
    const by = candidate['validated_by'];
    const validatedBy = by === undefined ? '' : by;
    if (typeof validatedBy !== 'string') return undefined;
    if (validatedBy !== '' && !VALIDATION_METHODS.has(validatedBy)) return undefined;
    const stated = candidate['confidence'];
    const confidence = stated === undefined ? 0 : stated;
    if (!isFiniteNumber(confidence) || confidence < 0 || confidence > 1) return undefined;
    const timestamp = candidate['timestamp'] ?? null;
    if (timestamp !== null && !isTimestamp(timestamp)) return undefined;
    const version = candidate['places_api_version'];
    if (version !== undefined && typeof version !== 'string') return undefined;
    return {
      image_id,
      receipt_id,
      place_id,
      merchant_name,
      merchant_category: textOf('merchant_category'),
      merchant_types: merchantTypes,
      formatted_address: textOf('formatted_address'),
      short_address: textOf('short_address'),
      address_components: addressComponents,
      latitude,
      longitude,
      viewport_ne_lat: neLat,
      viewport_ne_lng: neLng,
      viewport_sw_lat: swLat,
      viewport_sw_lng: swLng,
      plus_code: textOf('plus_code'),
      phone_number: textOf('phone_number'),
      phone_intl: textOf('phone_intl'),
      website: textOf('website'),
      maps_url: textOf('maps_url'),
      business_status: textOf('business_status'),
      open_now: openNow,
      hours_summary: hoursSummary,
      hours_data: hoursData,
      photo_references: photoReferences,
      matched_fields: matchedFields,
      validated_by: validatedBy as ValidationMethod | '',
      validation_status: textOf('validation_status'),
      confidence,
      reasoning: textOf('reasoning'),
      timestamp,
      places_api_version: version ?? 'v1',
    };
  },
);

/**
 * Validates a place with the Python constructor's rules and messages; omitted
 * optional fields take the Python defaults (`places_api_version` `v1`, confidence 0).
 *
 * @example
 * ```ts
 * const place = ReceiptPlaceSchema.parse({ image_id, receipt_id: 1, place_id: 'ChIJ…', merchant_name: 'Target' });
 * ```
 */
export const ReceiptPlaceSchema: z.ZodMiniType<ReceiptPlace> =
  /* @__PURE__ */ entitySchema(RECEIPT_PLACE_RULES);

const NULLABLE_STRING_FIELDS = [
  'merchant_category',
  'formatted_address',
  'short_address',
  'phone_number',
  'phone_intl',
  'website',
  'maps_url',
  'business_status',
  'plus_code',
  'validated_by',
  'reasoning',
  'places_api_version',
] as const;
const LIST_FIELDS = [
  'merchant_types',
  'matched_fields',
  'hours_summary',
  'photo_references',
] as const;
const COORDINATE_FIELDS = [
  'latitude',
  'longitude',
  'viewport_ne_lat',
  'viewport_ne_lng',
  'viewport_sw_lat',
  'viewport_sw_lng',
] as const;
/**
 * Writes a place as the Python `to_item()` does: keys (GSI2 only with a place id),
 * `TYPE`, `NULL` for empty optional strings, lists as `L` and maps as native `M` only when
 * non-empty, and numbers as Python `str(float)`. A `null` timestamp is left out.
 */
export const receiptPlaceToItem = (place: ReceiptPlace): DynamoDBItem => {
  const keys = receiptPlaceKeys(place);
  const entries: [string, AttributeValue][] = [
    ['PK', writeS(keys.PK)],
    ['SK', writeS(keys.SK)],
    ['GSI1PK', writeS(keys.GSI1PK)],
    ['GSI1SK', writeS(keys.GSI1SK)],
  ];
  if (keys.GSI2PK !== null && keys.GSI2SK !== null) {
    entries.push(['GSI2PK', writeS(keys.GSI2PK)], ['GSI2SK', writeS(keys.GSI2SK)]);
  }
  entries.push(
    ['GSI3PK', writeS(keys.GSI3PK)],
    ['GSI3SK', writeS(keys.GSI3SK)],
    ['GSI4PK', writeS(keys.GSI4PK)],
    ['GSI4SK', writeS(keys.GSI4SK)],
    ['TYPE', writeS('RECEIPT_PLACE')],
    ['image_id', writeS(place.image_id)],
    ['receipt_id', writeInt(place.receipt_id)],
    ['place_id', writeS(place.place_id)],
    ['merchant_name', writeS(place.merchant_name)],
    ['validation_status', writeS(place.validation_status)],
  );
  if (place.timestamp !== null) entries.push(['timestamp', writeS(place.timestamp)]);
  entries.push(['confidence', writeFloat(place.confidence)]);
  for (const name of NULLABLE_STRING_FIELDS) {
    const value = place[name];
    entries.push([name, value === '' ? { NULL: true } : writeS(value)]);
  }
  for (const name of LIST_FIELDS) {
    if (place[name].length > 0) entries.push([name, writeStringList(place[name])]);
  }
  for (const name of COORDINATE_FIELDS) {
    const value = place[name];
    if (value !== null) entries.push([name, writeFloat(value)]);
  }
  if (place.open_now !== null) entries.push(['open_now', writeBool(place.open_now)]);
  for (const name of ['address_components', 'hours_data'] as const) {
    if (Object.keys(place[name]).length > 0) entries.push([name, writeNativeMap(place[name])]);
  }
  return Object.fromEntries(entries);
};

/** A native `M` map, or a legacy JSON string (spec §2.5); a bad string → `Invalid <name> JSON`. */
const mapOrJson = (name: string) =>
  rawAttribute((value, issues): unknown => {
    if (value === undefined) return undefined;
    if (value.M !== undefined) {
      try {
        return unmarshallMap(value.M as Record<string, unknown>);
      } catch (error) {
        addIssue(issues, [], `Invalid ReceiptPlace DynamoDB item: ${(error as Error).message}`);
        return INVALID;
      }
    }
    if (typeof value.S === 'string') {
      try {
        return JSON.parse(value.S) as unknown;
      } catch {
        addIssue(issues, [], `Invalid ${name} JSON`);
        return INVALID;
      }
    }
    addIssue(issues, [], `${name} must be a dictionary`);
    return INVALID;
  });

/** The attribute names of `shape`, plus `extra`. */
const attributeNames = (shape: object, extra: readonly string[]): ReadonlySet<string> =>
  new Set([...Object.keys(shape), ...extra]);

const optionalKey = /* @__PURE__ */ optional(S);
const optionalNumber = /* @__PURE__ */ optional(N);
const addressComponents = /* @__PURE__ */ mapOrJson('address_components');
const hoursData = /* @__PURE__ */ mapOrJson('hours_data');

const PLACE_SHAPE = {
  PK: S,
  SK: S,
  TYPE: S,
  GSI1PK: optionalKey,
  GSI1SK: optionalKey,
  GSI2PK: optionalKey,
  GSI2SK: optionalKey,
  GSI3PK: optionalKey,
  GSI3SK: optionalKey,
  GSI4PK: optionalKey,
  GSI4SK: optionalKey,
  image_id: S,
  receipt_id: intN,
  place_id: S,
  merchant_name: S,
  validation_status: optionalKey,
  timestamp: optionalKey,
  confidence: optionalNumber,
  merchant_category: nullableS,
  formatted_address: nullableS,
  short_address: nullableS,
  phone_number: nullableS,
  phone_intl: nullableS,
  website: nullableS,
  maps_url: nullableS,
  business_status: nullableS,
  plus_code: nullableS,
  validated_by: nullableS,
  reasoning: nullableS,
  places_api_version: optionalS,
  merchant_types: stringList,
  matched_fields: stringList,
  hours_summary: stringList,
  photo_references: stringList,
  latitude: nullableN,
  longitude: nullableN,
  viewport_ne_lat: nullableN,
  viewport_ne_lng: nullableN,
  viewport_sw_lat: nullableN,
  viewport_sw_lng: nullableN,
  open_now: nullableBOOL,
  address_components: addressComponents,
  hours_data: hoursData,
};

const ALLOWED_ATTRIBUTES: ReadonlySet<string> = /* @__PURE__ */ attributeNames(PLACE_SHAPE, [
  'geohash',
]);

type DecodedPlace = Decoded<typeof PLACE_SHAPE>;

/** The entity candidate of a decoded place item: absent optional texts read as `""`. */
const candidateOf = (decoded: DecodedPlace) => ({
  image_id: decoded.image_id,
  receipt_id: decoded.receipt_id,
  place_id: decoded.place_id,
  merchant_name: decoded.merchant_name,
  validation_status: decoded.validation_status,
  timestamp: decoded.timestamp,
  confidence: decoded.confidence,
  places_api_version: decoded.places_api_version === null ? '' : decoded.places_api_version,
  open_now: decoded.open_now,
  address_components: decoded.address_components,
  hours_data: decoded.hours_data,
  merchant_category: decoded.merchant_category ?? '',
  formatted_address: decoded.formatted_address ?? '',
  short_address: decoded.short_address ?? '',
  phone_number: decoded.phone_number ?? '',
  phone_intl: decoded.phone_intl ?? '',
  website: decoded.website ?? '',
  maps_url: decoded.maps_url ?? '',
  business_status: decoded.business_status ?? '',
  plus_code: decoded.plus_code ?? '',
  validated_by: decoded.validated_by ?? '',
  reasoning: decoded.reasoning ?? '',
  merchant_types: decoded.merchant_types,
  matched_fields: decoded.matched_fields,
  hours_summary: decoded.hours_summary,
  photo_references: decoded.photo_references,
  latitude: decoded.latitude,
  longitude: decoded.longitude,
  viewport_ne_lat: decoded.viewport_ne_lat,
  viewport_ne_lng: decoded.viewport_ne_lng,
  viewport_sw_lat: decoded.viewport_sw_lat,
  viewport_sw_lng: decoded.viewport_sw_lng,
});

/**
 * The attributes of a place item decoded in straight-line code, for the fast path of
 * {@link RECEIPT_PLACE_ITEM_PARSER} (a property test checks it against the full parse).
 */
const decodePlace = (item: Record<string, unknown>, issues: IssueSink): DecodedPlace =>
  ({
    PK: S(item['PK'], issues),
    SK: S(item['SK'], issues),
    TYPE: S(item['TYPE'], issues),
    GSI1PK: optionalKey(item['GSI1PK'], issues),
    GSI1SK: optionalKey(item['GSI1SK'], issues),
    GSI2PK: optionalKey(item['GSI2PK'], issues),
    GSI2SK: optionalKey(item['GSI2SK'], issues),
    GSI3PK: optionalKey(item['GSI3PK'], issues),
    GSI3SK: optionalKey(item['GSI3SK'], issues),
    GSI4PK: optionalKey(item['GSI4PK'], issues),
    GSI4SK: optionalKey(item['GSI4SK'], issues),
    image_id: S(item['image_id'], issues),
    receipt_id: intN(item['receipt_id'], issues),
    place_id: S(item['place_id'], issues),
    merchant_name: S(item['merchant_name'], issues),
    validation_status: optionalKey(item['validation_status'], issues),
    timestamp: optionalKey(item['timestamp'], issues),
    confidence: optionalNumber(item['confidence'], issues),
    merchant_category: nullableS(item['merchant_category'], issues),
    formatted_address: nullableS(item['formatted_address'], issues),
    short_address: nullableS(item['short_address'], issues),
    phone_number: nullableS(item['phone_number'], issues),
    phone_intl: nullableS(item['phone_intl'], issues),
    website: nullableS(item['website'], issues),
    maps_url: nullableS(item['maps_url'], issues),
    business_status: nullableS(item['business_status'], issues),
    plus_code: nullableS(item['plus_code'], issues),
    validated_by: nullableS(item['validated_by'], issues),
    reasoning: nullableS(item['reasoning'], issues),
    places_api_version: optionalS(item['places_api_version'], issues),
    merchant_types: stringList(item['merchant_types'], issues),
    matched_fields: stringList(item['matched_fields'], issues),
    hours_summary: stringList(item['hours_summary'], issues),
    photo_references: stringList(item['photo_references'], issues),
    latitude: nullableN(item['latitude'], issues),
    longitude: nullableN(item['longitude'], issues),
    viewport_ne_lat: nullableN(item['viewport_ne_lat'], issues),
    viewport_ne_lng: nullableN(item['viewport_ne_lng'], issues),
    viewport_sw_lat: nullableN(item['viewport_sw_lat'], issues),
    viewport_sw_lng: nullableN(item['viewport_sw_lng'], issues),
    open_now: nullableBOOL(item['open_now'], issues),
    address_components: addressComponents(item['address_components'], issues),
    hours_data: hoursData(item['hours_data'], issues),
  }) as DecodedPlace;

const buildPlace = (decoded: DecodedPlace, issues: IssueSink): ReceiptPlace | Invalid => {
  if (decoded.TYPE !== 'RECEIPT_PLACE') {
    addIssue(issues, ['TYPE'], 'TYPE must be RECEIPT_PLACE');
    return INVALID;
  }
  const candidate = candidateOf(decoded);
  const place = validateInto(RECEIPT_PLACE_RULES, candidate, issues);
  if (place === undefined) return INVALID;
  // Comparing the keys costs nothing when they are all as expected, the usual case.
  if (!placeKeysMatch(decoded, place)) checkReceiptPlaceKeys(decoded, place, issues);
  return place;
};

const PLACE_GUARD: ItemGuardOptions = {
  required: ['PK', 'SK', 'TYPE', 'image_id', 'receipt_id', 'place_id', 'merchant_name'],
  missingMessage: 'Item is missing required keys',
  allowed: ALLOWED_ATTRIBUTES,
};

/** The plain-code parser of place items, which the stream pipeline uses. @internal */
export const RECEIPT_PLACE_ITEM_PARSER: ItemParser<ReceiptPlace> = /* @__PURE__ */ itemParser(
  PLACE_SHAPE,
  buildPlace,
  PLACE_GUARD,
  /* @__PURE__ */ fastDecoder(decodePlace, buildPlace, PLACE_GUARD),
);

/**
 * Parses a raw place item or stream image with Python's `ReceiptPlace.from_item` rules:
 * required keys, `TYPE` `RECEIPT_PLACE`, no unknown attributes, legacy `SS` lists and JSON
 * string maps, the constructor's validation, then the key consistency check. Fixes over
 * A `GEOHASH#` GSI4 from the first Python releases is read instead of rejected, and stream Keys that
 * disagree with the `image_id`/`receipt_id` attributes are reported on `PK`/`SK`.
 *
 * @example
 * ```ts
 * const result = ReceiptPlaceItemSchema.safeParse(record.dynamodb.NewImage);
 * if (result.success) console.log(result.data.merchant_name);
 * ```
 */
export const ReceiptPlaceItemSchema: z.ZodMiniType<ReceiptPlace, DynamoDBItem> =
  /* @__PURE__ */ zodItemSchema(RECEIPT_PLACE_ITEM_PARSER);
