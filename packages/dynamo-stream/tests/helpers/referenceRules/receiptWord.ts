import * as z from 'zod/mini';
import type { ReceiptWord } from '../../../src/entities/receiptWord.js';
import { nonNegativeIntSchema, positiveIntSchema, UuidSchema } from './fields.js';
import { textGeometryReferenceShape } from './receiptTextGeometry.js';

/** The zod rules `RECEIPT_WORD.rules` were first written as (the reference for the property tests). */

/** True for a plain object whose values are all strings (copied from receiptWord.ts). */
const isStringMap = (value: unknown): value is Record<string, string> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) {
    if (Object.hasOwn(value, key) && typeof (value as Record<string, unknown>)[key] !== 'string') {
      return false;
    }
  }
  return true;
};

export const receiptWordReference = (): z.ZodMiniType<ReceiptWord> =>
  z.object({
    image_id: UuidSchema,
    receipt_id: positiveIntSchema('receipt_id'),
    line_id: nonNegativeIntSchema('line_id'),
    word_id: nonNegativeIntSchema('word_id'),
    ...textGeometryReferenceShape(),
    extracted_data: z.nullable(
      z.custom<Record<string, string>>(isStringMap, {
        error: 'extracted_data must be a map of strings or null',
      }),
    ),
  });
