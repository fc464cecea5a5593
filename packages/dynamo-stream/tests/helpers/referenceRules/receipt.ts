import * as z from 'zod/mini';
import type { Receipt } from '../../../src/entities/receipt.js';
import {
  isoTimestampSchema,
  nullableStringSchema,
  pointSchema,
  positiveIntSchema,
  UuidSchema,
} from './fields.js';

/** The zod rules `RECEIPT_RULES` were first written as (the reference for the property tests). */

const OPTIONAL_FIELDS = [
  'sha256',
  'cdn_s3_bucket',
  'cdn_s3_key',
  'cdn_webp_s3_key',
  'cdn_avif_s3_key',
  'cdn_thumbnail_s3_key',
  'cdn_thumbnail_webp_s3_key',
  'cdn_thumbnail_avif_s3_key',
  'cdn_small_s3_key',
  'cdn_small_webp_s3_key',
  'cdn_small_avif_s3_key',
  'cdn_medium_s3_key',
  'cdn_medium_webp_s3_key',
  'cdn_medium_avif_s3_key',
] as const;

const dimension = (): z.ZodMiniType<number> =>
  z
    .int({ error: 'width and height must be positive integers' })
    .check(z.gte(1, { error: 'width and height must be positive integers' }));

export const receiptReference = (): z.ZodMiniType<Receipt> =>
  z.object({
    image_id: UuidSchema,
    receipt_id: positiveIntSchema('receipt_id'),
    width: dimension(),
    height: dimension(),
    timestamp_added: isoTimestampSchema('timestamp_added'),
    raw_s3_bucket: z.string({ error: 'raw_s3_bucket must be a string' }),
    raw_s3_key: z.string({ error: 'raw_s3_key must be a string' }),
    top_left: pointSchema(),
    top_right: pointSchema(),
    bottom_left: pointSchema(),
    bottom_right: pointSchema(),
    ...Object.fromEntries(OPTIONAL_FIELDS.map((field) => [field, nullableStringSchema(field)])),
  }) as unknown as z.ZodMiniType<Receipt>;
