import * as z from 'zod/mini';
import type { ReceiptLine } from '../../../src/entities/receiptLine.js';
import { nonNegativeIntSchema, positiveIntSchema, UuidSchema } from './fields.js';
import { textGeometryReferenceShape } from './receiptTextGeometry.js';

/** The zod rules `RECEIPT_LINE.rules` were first written as (the reference for the property tests). */
export const receiptLineReference = (): z.ZodMiniType<ReceiptLine> =>
  z.object({
    image_id: UuidSchema,
    receipt_id: positiveIntSchema('receipt_id'),
    line_id: nonNegativeIntSchema('line_id'),
    ...textGeometryReferenceShape(),
  });
