import * as z from 'zod/mini';
import { ValidationMethod } from '../../../src/entities/enums.js';
import {
  deriveMerchantValidationStatus,
  type ReceiptMetadata,
} from '../../../src/entities/receiptMetadata.js';
import { listValues } from '../../../src/validation/entityParts.js';
import { isIsoTimestamp } from '../../../src/validation/validators.js';
import { positiveIntSchema, UuidSchema } from './fields.js';

/** The zod rules `RECEIPT_METADATA_RULES` were first written as (the reference for the property tests). */

const VALIDATION_METHODS: ReadonlySet<string> = new Set(Object.values(ValidationMethod));
const VALIDATION_METHOD_LIST: string = listValues(ValidationMethod);

const text = (name: string): z.ZodMiniString<string> =>
  z.string({ error: `${name} must be a string` });

const deriveStatus = (metadata: ReceiptMetadata): ReceiptMetadata =>
  metadata.validation_status === ''
    ? { ...metadata, validation_status: deriveMerchantValidationStatus(metadata) }
    : metadata;

export const receiptMetadataReference = (): z.ZodMiniType<ReceiptMetadata> =>
  z.pipe(
    z.object({
      image_id: UuidSchema,
      receipt_id: positiveIntSchema('receipt_id'),
      place_id: text('place_id'),
      merchant_name: text('merchant_name'),
      merchant_category: text('merchant_category'),
      address: text('address'),
      phone_number: text('phone_number'),
      matched_fields: z.array(z.string(), { error: 'matched_fields must be a list' }).check(
        z.refine((values: string[]) => values.every((value) => value !== ''), {
          error: 'matched_fields must contain unique non-empty strings',
        }),
        z.refine((values: string[]) => new Set(values).size === values.length, {
          error: 'matched_fields must contain unique non-empty strings',
        }),
      ),
      validated_by: text('validated_by').check(
        z.refine((value: string) => value === '' || VALIDATION_METHODS.has(value), {
          error: (issue) =>
            `ValidationMethod must be one of: ${VALIDATION_METHOD_LIST}\nGot: ${String(issue.input)}`,
        }),
      ),
      timestamp: text('timestamp').check(
        z.refine(isIsoTimestamp, {
          error: (issue) => `Invalid isoformat string: '${String(issue.input)}'`,
        }),
      ),
      reasoning: text('reasoning'),
      canonical_place_id: text('canonical_place_id'),
      canonical_merchant_name: text('canonical_merchant_name'),
      canonical_address: text('canonical_address'),
      canonical_phone_number: text('canonical_phone_number'),
      validation_status: text('validation_status'),
    }),
    z.transform(deriveStatus),
  ) as unknown as z.ZodMiniType<ReceiptMetadata>;
