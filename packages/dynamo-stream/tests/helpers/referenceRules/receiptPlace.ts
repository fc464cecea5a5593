import * as z from 'zod/mini';
import { ValidationMethod } from '../../../src/entities/enums.js';
import type { ReceiptPlace } from '../../../src/entities/receiptPlace.js';
import { merchantSlug } from '../../../src/entities/receiptPlaceKeys.js';
import { listValues } from '../../../src/validation/entityParts.js';
import { pythonRepr } from '../../../src/validation/itemGuards.js';
import { isIsoTimestamp } from '../../../src/validation/validators.js';
import { positiveIntSchema, UuidSchema } from './fields.js';

/** The zod rules `RECEIPT_PLACE_RULES` were first written as (the reference for the property tests). */

const VALIDATION_METHODS: ReadonlySet<string> = new Set(Object.values(ValidationMethod));
const VALIDATION_METHOD_LIST: string = listValues(ValidationMethod);

const text = (name: string): z.ZodMiniString<string> =>
  z.string({ error: `${name} must be a string` });
const optionalText = (name: string): z.ZodMiniType<string> => z._default(text(name), '');

const isNonBlank = (value: string): boolean => value.trim() !== '';

const stringListField = (name: string): z.ZodMiniType<string[]> => {
  const message = `${name} must be a list of strings`;
  return z._default(
    z.pipe(
      z
        .array(z.string({ error: message }), { error: message })
        .check(z.refine((values: string[]) => values.every(isNonBlank), { error: message })),
      z.transform((values: string[]) => [...new Set(values)]),
    ),
    [],
  ) as unknown as z.ZodMiniType<string[]>;
};

const dictionaryField = (name: string): z.ZodMiniType<Record<string, unknown>> =>
  z._default(z.record(z.string(), z.unknown(), { error: `${name} must be a dictionary` }), {});

const coordinateField = (name: string, limit: number): z.ZodMiniType<number | null> => {
  const message = (issue: { input: unknown }): string =>
    `${name} out of range: ${pythonRepr(issue.input)}`;
  return z._default(
    z.nullable(
      z
        .number({ error: message })
        .check(z.refine((value: number) => value >= -limit && value <= limit, { error: message })),
    ),
    null,
  ) as unknown as z.ZodMiniType<number | null>;
};

const confidenceMessage = (issue: { input: unknown }): string =>
  `confidence must be between 0.0 and 1.0, got ${pythonRepr(issue.input)}`;

export const receiptPlaceReference = (): z.ZodMiniType<ReceiptPlace> =>
  z.object({
    image_id: UuidSchema,
    receipt_id: positiveIntSchema('receipt_id'),
    place_id: text('place_id').check(
      z.refine((value: string) => value === '' || value.trim() !== '', {
        error: 'place_id cannot contain only whitespace',
      }),
    ),
    merchant_name: text('merchant_name').check(
      z.superRefine((name: string, ctx) => {
        if (name.trim() === '') {
          ctx.addIssue({ code: 'custom', message: 'merchant_name cannot be empty' });
        } else if (merchantSlug(name) === '') {
          ctx.addIssue({
            code: 'custom',
            message: `merchant_name '${name}' contains no alphanumeric characters and would produce an invalid GSI1 key`,
          });
        }
      }),
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
    open_now: z._default(
      z.nullable(z.boolean({ error: 'open_now must be a boolean or None' })),
      null,
    ),
    hours_summary: stringListField('hours_summary'),
    hours_data: dictionaryField('hours_data'),
    photo_references: stringListField('photo_references'),
    matched_fields: stringListField('matched_fields'),
    validated_by: z._default(
      text('validated_by').check(
        z.refine((value: string) => value === '' || VALIDATION_METHODS.has(value), {
          error: (issue) =>
            `ValidationMethod must be one of: ${VALIDATION_METHOD_LIST}\nGot: ${String(issue.input)}`,
        }),
      ),
      '',
    ),
    validation_status: optionalText('validation_status'),
    confidence: z._default(
      z
        .number({ error: confidenceMessage })
        .check(z.refine((value: number) => value >= 0 && value <= 1, { error: confidenceMessage })),
      0,
    ),
    reasoning: optionalText('reasoning'),
    timestamp: z._default(
      z.nullable(
        z.string({ error: 'timestamp must be a datetime' }).check(
          z.refine(isIsoTimestamp, {
            error: (issue) => `Invalid isoformat string: '${String(issue.input)}'`,
          }),
        ),
      ),
      null,
    ),
    places_api_version: z._default(text('places_api_version'), 'v1'),
  }) as unknown as z.ZodMiniType<ReceiptPlace>;
