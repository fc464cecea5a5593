import * as z from 'zod/mini';
import { english } from '../validation/english.js';

/** Validation status of a word label or a section. */
export const ValidationStatus = {
  /** Not validated yet (a word label with no status reads as this). */
  NONE: 'NONE',
  /** Queued for validation. */
  PENDING: 'PENDING',
  /** Confirmed correct. */
  VALID: 'VALID',
  /** Found wrong. */
  INVALID: 'INVALID',
  /** Validation could not decide; a person should look. */
  NEEDS_REVIEW: 'NEEDS_REVIEW',
} as const;
/** A validation status value. */
export type ValidationStatus = (typeof ValidationStatus)[keyof typeof ValidationStatus];
/** Accepts exactly one of the {@link ValidationStatus} values (case-sensitive). */
export const ValidationStatusSchema: z.ZodMiniEnum<{ [K in ValidationStatus]: K }> =
  /* @__PURE__ */ z.enum(ValidationStatus, { error: english });

/** Embedding status of a line or word. */
export const EmbeddingStatus = {
  /** Not embedded; a missing status reads as this. */
  NONE: 'NONE',
  /** Queued for embedding. */
  PENDING: 'PENDING',
  /** Embedded in Chroma. */
  SUCCESS: 'SUCCESS',
  /** Embedding failed. */
  FAILED: 'FAILED',
  /** OCR noise, deliberately not embedded. */
  NOISE: 'NOISE',
} as const;
/** An embedding status value. */
export type EmbeddingStatus = (typeof EmbeddingStatus)[keyof typeof EmbeddingStatus];
/** Accepts exactly one of the {@link EmbeddingStatus} values. */
export const EmbeddingStatusSchema: z.ZodMiniEnum<{ [K in EmbeddingStatus]: K }> =
  /* @__PURE__ */ z.enum(EmbeddingStatus, { error: english });

/** How a place was validated. */
export const ValidationMethod = {
  /** Found by the receipt's phone number. */
  PHONE_LOOKUP: 'PHONE_LOOKUP',
  /** Found by the receipt's address. */
  ADDRESS_LOOKUP: 'ADDRESS_LOOKUP',
  /** Found among places near the receipt's location. */
  NEARBY_LOOKUP: 'NEARBY_LOOKUP',
  /** Found by a free-text search. */
  TEXT_SEARCH: 'TEXT_SEARCH',
  /** Inferred from the receipt's text, without a lookup. */
  INFERENCE: 'INFERENCE',
} as const;
/** A validation method value. */
export type ValidationMethod = (typeof ValidationMethod)[keyof typeof ValidationMethod];
/** Accepts exactly one of the {@link ValidationMethod} values. */
export const ValidationMethodSchema: z.ZodMiniEnum<{ [K in ValidationMethod]: K }> =
  /* @__PURE__ */ z.enum(ValidationMethod, { error: english });

/** Outcome of matching a receipt to a merchant. */
export const MerchantValidationStatus = {
  /** Enough high-quality fields matched. */
  MATCHED: 'MATCHED',
  /** No high-quality field matched. */
  NO_MATCH: 'NO_MATCH',
  /** Some, but not enough, high-quality fields matched. */
  UNSURE: 'UNSURE',
} as const;
/** A merchant validation status value. */
export type MerchantValidationStatus =
  (typeof MerchantValidationStatus)[keyof typeof MerchantValidationStatus];

/** State of one collection's half of a compaction run. */
export const CompactionState = {
  /** The delta waits to be merged; a missing state reads as this. */
  PENDING: 'PENDING',
  /** The compactor is merging the delta. */
  PROCESSING: 'PROCESSING',
  /** The delta is merged into the collection. */
  COMPLETED: 'COMPLETED',
  /** Merging failed; the run's `*_error` says why. */
  FAILED: 'FAILED',
} as const;
/** A compaction state value. */
export type CompactionState = (typeof CompactionState)[keyof typeof CompactionState];
/** Accepts exactly one of the {@link CompactionState} values. */
export const CompactionStateSchema: z.ZodMiniEnum<{ [K in CompactionState]: K }> =
  /* @__PURE__ */ z.enum(CompactionState, { error: english });

// spec §2.7
/** Section types of a receipt, in the order error messages list them. */
export const SectionType = {
  /** The receipt's header. */
  HEADER: 'HEADER',
  /** Legacy item values; unlike `ITEMS`, not routed to the line-item queue. */
  ITEMS_VALUE: 'ITEMS_VALUE',
  /** Legacy item descriptions; unlike `ITEMS`, not routed to the line-item queue. */
  ITEMS_DESCRIPTION: 'ITEMS_DESCRIPTION',
  /** The store's name and branding. */
  STOREFRONT: 'STOREFRONT',
  /** The store's address. */
  ADDRESS: 'ADDRESS',
  /** The purchased items; its messages also go to the line-item queue. */
  ITEMS: 'ITEMS',
  /** A heading inside the receipt. */
  SECTION_HEADER: 'SECTION_HEADER',
  /** The summary block (subtotal, tax, totals). */
  SUMMARY: 'SUMMARY',
  /** A total line. */
  TOTAL_LINE: 'TOTAL_LINE',
  /** How the receipt was paid. */
  PAYMENT: 'PAYMENT',
  /** A survey or feedback invitation. */
  SURVEY: 'SURVEY',
  /** The receipt's footer. */
  FOOTER: 'FOOTER',
  /** A barcode and its digits. */
  BARCODE: 'BARCODE',
  /** Transaction details (e.g. register, cashier, transaction number). */
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
  /** The verifier agreed with the section. */
  AGREED: 'AGREED',
  /** The verifier disagreed (see the section's `disagreement_row_ids`). */
  DISAGREED: 'DISAGREED',
  /** The verifier gave no opinion. */
  ABSTAINED: 'ABSTAINED',
} as const;
/** A verification status value. */
export type VerificationStatus = (typeof VerificationStatus)[keyof typeof VerificationStatus];
