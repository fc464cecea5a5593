import * as z from 'zod/mini';
import { ValidationStatus } from '../../../src/entities/enums.js';
import type { ReceiptWordLabel } from '../../../src/entities/receiptWordLabel.js';
import { isoTimestampSchema, positiveIntSchema, UuidSchema } from './fields.js';

/**
 * The zod rules `RECEIPT_WORD_LABEL.rules` were first written as (the reference for the
 * property tests).
 */

const VALIDATION_STATUS_VALUES: readonly string[] = Object.values(ValidationStatus);

/** Python's `normalize_enum` message (copied from `enumMessage` in entityParts). */
const enumMessage = (name: string, values: readonly string[], got: unknown): string =>
  `${name} must be one of: ${values.join(', ')}\nGot: ${String(got)}`;

const optionalNonEmpty = (name: string): z.ZodMiniType<string | null> =>
  z.nullable(
    z
      .string({ error: `${name} must be a string` })
      .check(z.minLength(1, { error: `${name} cannot be empty` })),
  );

export const receiptWordLabelReference = (): z.ZodMiniType<ReceiptWordLabel> =>
  z.object({
    image_id: UuidSchema,
    receipt_id: positiveIntSchema('receipt_id'),
    line_id: positiveIntSchema('line_id'),
    word_id: positiveIntSchema('word_id'),
    label: z.pipe(
      z
        .string({ error: 'label must be a string' })
        .check(z.minLength(1, { error: 'label cannot be empty' })),
      z.transform((label: string) => label.toUpperCase()),
    ),
    reasoning: z.nullable(
      z
        .string({ error: 'reasoning must be a string or None' })
        .check(z.minLength(1, { error: 'reasoning cannot be empty' })),
    ),
    timestamp_added: isoTimestampSchema('timestamp_added'),
    validation_status: z.enum(ValidationStatus, {
      error: (issue) => enumMessage('ValidationStatus', VALIDATION_STATUS_VALUES, issue.input),
    }),
    label_proposed_by: optionalNonEmpty('label_proposed_by'),
    label_consolidated_from: optionalNonEmpty('label_consolidated_from'),
  });
