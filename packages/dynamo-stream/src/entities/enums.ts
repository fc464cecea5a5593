import * as z from 'zod/mini';
import { english } from '../validation/english.js';

/** Validation status of a word label or a section. */
export const ValidationStatus = {
  NONE: 'NONE',
  PENDING: 'PENDING',
  VALID: 'VALID',
  INVALID: 'INVALID',
  NEEDS_REVIEW: 'NEEDS_REVIEW',
} as const;
/** A validation status value. */
export type ValidationStatus = (typeof ValidationStatus)[keyof typeof ValidationStatus];
/** Accepts exactly one of the {@link ValidationStatus} values (case-sensitive). */
export const ValidationStatusSchema: z.ZodMiniEnum<{ [K in ValidationStatus]: K }> =
  /* @__PURE__ */ z.enum(ValidationStatus, { error: english });

/** Embedding status of a line or word. */
export const EmbeddingStatus = {
  NONE: 'NONE',
  PENDING: 'PENDING',
  SUCCESS: 'SUCCESS',
  FAILED: 'FAILED',
  NOISE: 'NOISE',
} as const;
/** An embedding status value. */
export type EmbeddingStatus = (typeof EmbeddingStatus)[keyof typeof EmbeddingStatus];
/** Accepts exactly one of the {@link EmbeddingStatus} values. */
export const EmbeddingStatusSchema: z.ZodMiniEnum<{ [K in EmbeddingStatus]: K }> =
  /* @__PURE__ */ z.enum(EmbeddingStatus, { error: english });

/** How a place was validated. */
export const ValidationMethod = {
  PHONE_LOOKUP: 'PHONE_LOOKUP',
  ADDRESS_LOOKUP: 'ADDRESS_LOOKUP',
  NEARBY_LOOKUP: 'NEARBY_LOOKUP',
  TEXT_SEARCH: 'TEXT_SEARCH',
  INFERENCE: 'INFERENCE',
} as const;
/** A validation method value. */
export type ValidationMethod = (typeof ValidationMethod)[keyof typeof ValidationMethod];
/** Accepts exactly one of the {@link ValidationMethod} values. */
export const ValidationMethodSchema: z.ZodMiniEnum<{ [K in ValidationMethod]: K }> =
  /* @__PURE__ */ z.enum(ValidationMethod, { error: english });

/** Outcome of matching a receipt to a merchant. */
export const MerchantValidationStatus = {
  MATCHED: 'MATCHED',
  NO_MATCH: 'NO_MATCH',
  UNSURE: 'UNSURE',
} as const;
/** A merchant validation status value. */
export type MerchantValidationStatus =
  (typeof MerchantValidationStatus)[keyof typeof MerchantValidationStatus];

/** State of one collection's half of a compaction run. */
export const CompactionState = {
  PENDING: 'PENDING',
  PROCESSING: 'PROCESSING',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
} as const;
/** A compaction state value. */
export type CompactionState = (typeof CompactionState)[keyof typeof CompactionState];
/** Accepts exactly one of the {@link CompactionState} values. */
export const CompactionStateSchema: z.ZodMiniEnum<{ [K in CompactionState]: K }> =
  /* @__PURE__ */ z.enum(CompactionState, { error: english });

/** Section types of a receipt, in the order error messages list them (spec §2.7). */
export const SectionType = {
  HEADER: 'HEADER',
  ITEMS_VALUE: 'ITEMS_VALUE',
  ITEMS_DESCRIPTION: 'ITEMS_DESCRIPTION',
  STOREFRONT: 'STOREFRONT',
  ADDRESS: 'ADDRESS',
  ITEMS: 'ITEMS',
  SECTION_HEADER: 'SECTION_HEADER',
  SUMMARY: 'SUMMARY',
  TOTAL_LINE: 'TOTAL_LINE',
  PAYMENT: 'PAYMENT',
  SURVEY: 'SURVEY',
  FOOTER: 'FOOTER',
  BARCODE: 'BARCODE',
  TRANSACTION_INFO: 'TRANSACTION_INFO',
} as const;
/** A section type value. */
export type SectionType = (typeof SectionType)[keyof typeof SectionType];
/** Accepts exactly one of the {@link SectionType} values. */
export const SectionTypeSchema: z.ZodMiniEnum<{ [K in SectionType]: K }> = /* @__PURE__ */ z.enum(
  SectionType,
  { error: english },
);

/** Outcome of a section verification. */
export const VerificationStatus = {
  AGREED: 'AGREED',
  DISAGREED: 'DISAGREED',
  ABSTAINED: 'ABSTAINED',
} as const;
/** A verification status value. */
export type VerificationStatus = (typeof VerificationStatus)[keyof typeof VerificationStatus];
