import * as z from 'zod/mini';
import { enumMessage } from '../../../src/entities/entityParts.js';
import { SectionType, ValidationStatus, VerificationStatus } from '../../../src/entities/enums.js';
import type { ReceiptSection } from '../../../src/entities/receiptSection.js';
import {
  isoTimestampSchema,
  nullableStringSchema,
  nullableUnitIntervalSchema,
  positiveIntSchema,
  UuidSchema,
} from './fields.js';

/**
 * The zod rules `RECEIPT_SECTION.rules` were first written as (the reference for the
 * property tests).
 */

const SECTION_TYPE_VALUES: readonly string[] = Object.values(SectionType);
const VALIDATION_STATUSES: ReadonlySet<string> = new Set(Object.values(ValidationStatus));
const quotedSorted = (values: Iterable<string>): string =>
  [...values]
    .sort()
    .map((status) => `'${status}'`)
    .join(', ');
const SORTED_VALIDATION_STATUSES: string = quotedSorted(VALIDATION_STATUSES);
const VERIFICATION_STATUSES: ReadonlySet<string> = new Set(Object.values(VerificationStatus));

const isUnique = (values: readonly number[]): boolean => new Set(values).size === values.length;

const LINE_IDS_MESSAGE = 'line_ids must contain only integers greater than or equal to zero';

const upperCasedOneOf = <Value extends string>(
  allowed: ReadonlySet<string>,
  message: (got: string) => string,
): z.ZodMiniType<Value | null> =>
  z.nullable(
    z.pipe(
      z.string({ error: (issue) => message(String(issue.input)) }),
      z.transform((value: string, ctx) => {
        const upper = value.toUpperCase();
        if (allowed.has(upper)) return upper as Value;
        ctx.issues.push({ code: 'custom', message: message(value), input: value });
        return z.NEVER;
      }),
    ),
  );

export const receiptSectionReference = (): z.ZodMiniType<ReceiptSection> =>
  z.object({
    image_id: UuidSchema,
    receipt_id: positiveIntSchema('receipt_id'),
    section_type: z.enum(SectionType, {
      error: (issue) => enumMessage('section_type', SECTION_TYPE_VALUES, issue.input),
    }),
    line_ids: z
      .array(z.int({ error: LINE_IDS_MESSAGE }).check(z.gte(0, { error: LINE_IDS_MESSAGE })), {
        error: 'line_ids must be a list',
      })
      .check(z.minLength(1, { error: 'line_ids must not be empty' })),
    created_at: isoTimestampSchema('created_at'),
    confidence: nullableUnitIntervalSchema('confidence'),
    model_source: nullableStringSchema('model_source'),
    validation_status: upperCasedOneOf<ValidationStatus>(
      VALIDATION_STATUSES,
      (got) =>
        `validation_status must be one of [${SORTED_VALIDATION_STATUSES}] or None; got '${got}'`,
    ),
    row_ids: z.nullable(
      z
        .array(
          z
            .int({ error: 'row_ids must contain only integers' })
            .check(z.gte(0, { error: 'row_ids must be non-negative' })),
          { error: 'row_ids must be a list or None' },
        )
        .check(
          z.minLength(1, { error: 'row_ids must not be empty when set' }),
          z.refine(isUnique, { error: 'row_ids must not contain duplicates' }),
        ),
    ),
    verification_source: nullableStringSchema('verification_source'),
    verification_status: upperCasedOneOf<VerificationStatus>(
      VERIFICATION_STATUSES,
      () => 'verification_status must be AGREED, DISAGREED, ABSTAINED, or None',
    ),
    verification_section_type: z.nullable(
      z.enum(SectionType, { error: 'verification_section_type is invalid' }),
    ),
    verification_confidence: nullableUnitIntervalSchema('verification_confidence'),
    disagreement_row_ids: z.nullable(
      z
        .array(
          z
            .int({ error: 'disagreement_row_ids must contain non-negative integers' })
            .check(z.gte(0, { error: 'disagreement_row_ids must contain non-negative integers' })),
          { error: 'disagreement_row_ids must contain non-negative integers' },
        )
        .check(z.refine(isUnique, { error: 'disagreement_row_ids must not contain duplicates' })),
    ),
    verified_at: z.nullable(isoTimestampSchema('verified_at')),
  }) as unknown as z.ZodMiniType<ReceiptSection>;
