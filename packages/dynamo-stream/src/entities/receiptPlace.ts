import { unmarshall } from '@aws-sdk/util-dynamodb';
import { z } from 'zod';
import type { AttributeValue, DynamoDBItem } from '../types.js';
import {
  intN,
  itemSchema,
  N,
  nullableBOOL,
  nullableN,
  nullableS,
  S,
  stringList,
} from './attributes.js';
import { ValidationMethod } from './enums.js';
import {
  addIssue,
  itemGuard,
  optionalS,
  positiveInt,
  pythonRepr,
  rawAttribute,
  validateInto,
} from './itemGuards.js';
import { checkReceiptPlaceKeys, merchantSlug, receiptPlaceKeys } from './receiptPlaceKeys.js';

export {
  merchantSlug,
  type ReceiptPlaceKeyFields,
  type ReceiptPlaceKeys,
  receiptPlaceKeys,
  type StoredPlaceKeys,
} from './receiptPlaceKeys.js';

import { isIsoTimestamp, UuidSchema } from './validators.js';
import {
  writeBool,
  writeFloat,
  writeInt,
  writeNativeMap,
  writeS,
  writeStringList,
} from './writers.js';

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

const VALIDATION_METHODS: ReadonlySet<string> = new Set(Object.values(ValidationMethod));
const VALIDATION_METHOD_LIST = Object.values(ValidationMethod).join(', ');

const text = (name: string): z.ZodString => z.string({ error: `${name} must be a string` });
const optionalText = (name: string): z.ZodType<string> => text(name).default('');

const stringListField = (name: string): z.ZodType<string[]> => {
  const message = `${name} must be a list of strings`;
  return z
    .array(z.string({ error: message }), { error: message })
    .refine((values) => values.every((value) => value.trim() !== ''), { error: message })
    .transform((values) => [...new Set(values)])
    .default([]) as unknown as z.ZodType<string[]>;
};

const dictionaryField = (name: string): z.ZodType<Record<string, unknown>> =>
  z
    .record(z.string(), z.unknown(), { error: `${name} must be a dictionary` })
    .default({}) as unknown as z.ZodType<Record<string, unknown>>;

const coordinateField = (name: string, limit: number): z.ZodType<number | null> => {
  const message = (issue: { input: unknown }): string =>
    `${name} out of range: ${pythonRepr(issue.input)}`;
  return z
    .number({ error: message })
    .refine((value) => value >= -limit && value <= limit, { error: message })
    .nullable()
    .default(null) as unknown as z.ZodType<number | null>;
};

const confidenceMessage = (issue: { input: unknown }): string =>
  `confidence must be between 0.0 and 1.0, got ${pythonRepr(issue.input)}`;

/**
 * Validates a place with the HEAD Python constructor's rules and messages; omitted
 * optional fields take the Python defaults (`places_api_version` `v1`, confidence 0).
 *
 * @example
 * ```ts
 * const place = ReceiptPlaceSchema.parse({ image_id, receipt_id: 1, place_id: 'ChIJ…', merchant_name: 'Target' });
 * ```
 */
export const ReceiptPlaceSchema: z.ZodType<ReceiptPlace> = z.object({
  image_id: UuidSchema,
  receipt_id: positiveInt('receipt_id'),
  place_id: text('place_id').refine((value) => value === '' || value.trim() !== '', {
    error: 'place_id cannot contain only whitespace',
  }),
  merchant_name: text('merchant_name').superRefine((name, ctx) => {
    if (name.trim() === '') {
      ctx.addIssue({ code: 'custom', message: 'merchant_name cannot be empty' });
    } else if (merchantSlug(name) === '') {
      ctx.addIssue({
        code: 'custom',
        message: `merchant_name '${name}' contains no alphanumeric characters and would produce an invalid GSI1 key`,
      });
    }
  }),
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
  open_now: z.boolean({ error: 'open_now must be a boolean or None' }).nullable().default(null),
  hours_summary: stringListField('hours_summary'),
  hours_data: dictionaryField('hours_data'),
  photo_references: stringListField('photo_references'),
  matched_fields: stringListField('matched_fields'),
  validated_by: text('validated_by')
    .refine((value) => value === '' || VALIDATION_METHODS.has(value), {
      error: (issue) =>
        `ValidationMethod must be one of: ${VALIDATION_METHOD_LIST}\nGot: ${String(issue.input)}`,
    })
    .default('') as unknown as z.ZodType<ValidationMethod | ''>,
  validation_status: optionalText('validation_status'),
  confidence: z
    .number({ error: confidenceMessage })
    .refine((value) => value >= 0 && value <= 1, { error: confidenceMessage })
    .default(0),
  reasoning: optionalText('reasoning'),
  timestamp: z
    .string({ error: 'timestamp must be a datetime' })
    .refine(isIsoTimestamp, {
      error: (issue) => `Invalid isoformat string: '${String(issue.input)}'`,
    })
    .nullable()
    .default(null),
  places_api_version: text('places_api_version').default('v1'),
}) as unknown as z.ZodType<ReceiptPlace>;

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
 * Writes a place as the HEAD Python `to_item()` does: keys (GSI2 only with a place id),
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

/** A native `M` map, or a legacy JSON string (seed era); a bad string → `Invalid <name> JSON`. */
const mapOrJson = (name: string) =>
  rawAttribute((value, ctx): unknown => {
    if (value === undefined) return undefined;
    if (value.M !== undefined) {
      try {
        return unmarshall(value.M as never);
      } catch (error) {
        addIssue(ctx, [], `Invalid ReceiptPlace DynamoDB item: ${(error as Error).message}`);
        return z.NEVER;
      }
    }
    if (typeof value.S === 'string') {
      try {
        return JSON.parse(value.S) as unknown;
      } catch {
        addIssue(ctx, [], `Invalid ${name} JSON`);
        return z.NEVER;
      }
    }
    addIssue(ctx, [], `${name} must be a dictionary`);
    return z.NEVER;
  });

const optionalKey = S.optional();

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
  validation_status: S.optional(),
  timestamp: S.optional(),
  confidence: N.optional(),
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
  address_components: mapOrJson('address_components'),
  hours_data: mapOrJson('hours_data'),
};

const ALLOWED_ATTRIBUTES: ReadonlySet<string> = new Set([...Object.keys(PLACE_SHAPE), 'geohash']);

/**
 * Parses a raw place item or stream image with HEAD's `ReceiptPlace.from_item` rules:
 * required keys, `TYPE` `RECEIPT_PLACE`, no unknown attributes, legacy `SS` lists and JSON
 * string maps, the constructor's validation, then the key consistency check. Fixes over
 * HEAD: a seed-era `GEOHASH#` GSI4 is read instead of rejected, and stream Keys that
 * disagree with the `image_id`/`receipt_id` attributes are reported on `PK`/`SK`.
 *
 * @example
 * ```ts
 * const result = ReceiptPlaceItemSchema.safeParse(record.dynamodb.NewImage);
 * if (result.success) console.log(result.data.merchant_name);
 * ```
 */
export const ReceiptPlaceItemSchema: z.ZodType<ReceiptPlace, DynamoDBItem> = itemGuard({
  required: ['PK', 'SK', 'TYPE', 'image_id', 'receipt_id', 'place_id', 'merchant_name'],
  missingMessage: 'Item is missing required keys',
  allowed: ALLOWED_ATTRIBUTES,
}).pipe(
  itemSchema(PLACE_SHAPE, (decoded, ctx) => {
    if (decoded.TYPE !== 'RECEIPT_PLACE') {
      addIssue(ctx, ['TYPE'], 'TYPE must be RECEIPT_PLACE');
      return z.NEVER;
    }
    const candidate: Record<string, unknown> = {
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
    };
    for (const name of NULLABLE_STRING_FIELDS) {
      if (name !== 'places_api_version') candidate[name] = decoded[name] ?? '';
    }
    for (const name of LIST_FIELDS) candidate[name] = decoded[name];
    for (const name of COORDINATE_FIELDS) candidate[name] = decoded[name];
    const place = validateInto(ReceiptPlaceSchema, candidate, ctx);
    if (place === undefined) return z.NEVER;
    checkReceiptPlaceKeys(decoded, place, ctx);
    return place;
  }),
) as unknown as z.ZodType<ReceiptPlace, DynamoDBItem>;
