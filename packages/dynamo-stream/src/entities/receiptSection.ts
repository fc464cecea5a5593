import type * as z from 'zod/mini';
import { SECTION_SORT_KEY, type TableKeys } from '../keys/receiptKeys.js';
import type { DynamoDBItem } from '../types.js';
import {
  type Codec,
  INVALID,
  intList,
  nullableIntList,
  nullableN,
  nullableS,
  S,
} from '../validation/attributes.js';
import { declaredItemSchema, declaredSchema } from '../validation/declaredSchemas.js';
import { enumMessage, isoTimestamp, nullableUnitInterval } from '../validation/entityParts.js';
import type { EntityOf, Field } from '../validation/field.js';
import { imageId, nullableText, positiveId, timestamp } from '../validation/fieldKinds.js';
import { declareReceiptEntity, type ReceiptEntity } from '../validation/receiptEntity.js';
import {
  array,
  type Check,
  check,
  int,
  minLength,
  nullable,
  oneOf,
  reject,
  string,
} from '../validation/rules.js';
import { writeFloat, writeIntList, writeS, writeUnlessNull } from '../validation/writers.js';
import { SectionType, ValidationStatus, VerificationStatus } from './enums.js';

const SECTION_TYPE_VALUES: readonly SectionType[] = /* @__PURE__ */ Object.values(SectionType);
const VALIDATION_STATUSES: ReadonlySet<string> = /* @__PURE__ */ new Set(
  /* @__PURE__ */ Object.values(ValidationStatus),
);
/** `'A', 'B', …`: the statuses sorted and quoted, as Python prints a sorted set. */
const quotedSorted = (values: Iterable<string>): string =>
  [...values]
    .sort()
    .map((status) => `'${status}'`)
    .join(', ');
const SORTED_VALIDATION_STATUSES: string = /* @__PURE__ */ quotedSorted(VALIDATION_STATUSES);
const VERIFICATION_STATUSES: ReadonlySet<string> = /* @__PURE__ */ new Set(
  /* @__PURE__ */ Object.values(VerificationStatus),
);

const isUnique = (values: readonly number[]): boolean => new Set(values).size === values.length;

const LINE_IDS_MESSAGE = 'line_ids must contain only integers greater than or equal to zero';
const DISAGREEMENT_MESSAGE = 'disagreement_row_ids must contain non-negative integers';

/**
 * A string, upper-cased, that must be one of `allowed` (or `null`); a non-string reports
 * `message(String(input))`, a string outside `allowed` reports `message(value)`.
 */
const upperCasedOneOf = <Value extends string>(
  allowed: ReadonlySet<string>,
  message: (got: string) => string,
): Codec<Value | null> => {
  const text = string((input) => message(String(input)));
  return nullable((value, issues) => {
    const parsed = text(value, issues);
    if (parsed === INVALID) return INVALID;
    const upper = parsed.toUpperCase();
    return allowed.has(upper) ? (upper as Value) : reject(issues, message(parsed), parsed);
  });
};

/** The messages of an id list rule; without `empty` / `duplicate`, that check is not made. */
interface IdListMessages {
  /** The value is not an array. */
  readonly notAList: string;
  /** An element is not a (safe) integer. */
  readonly notAnInteger: string;
  /** An element is `< 0`. */
  readonly negative: string;
  /** The list is empty. */
  readonly empty?: string;
  /** The list holds an id twice. */
  readonly duplicate?: string;
}

/** A list of integers `>= 0`, then the `empty` and `duplicate` checks when given. */
const idList = ({
  notAList,
  notAnInteger,
  negative,
  empty,
  duplicate,
}: IdListMessages): Codec<number[]> => {
  const checks: Check<number[]>[] = [];
  if (empty !== undefined) checks.push(minLength(1, empty));
  if (duplicate !== undefined) checks.push(check(isUnique, duplicate));
  const element = int(
    notAnInteger,
    check((value) => value >= 0, negative),
  );
  return array(element, notAList, ...checks);
};

/** An optional id list: `null`, or a list of ids `>= 0` checked as `messages` says. */
const optionalIds = (messages: IdListMessages): Field<number[] | null> => ({
  decode: () => nullableIntList,
  rule: () => nullable(idList(messages)),
  write: writeUnlessNull(writeIntList),
});

/** An optional status: `null`, or one of `allowed` once upper-cased. */
const optionalStatus = <Value extends string>(
  allowed: ReadonlySet<string>,
  message: (got: string) => string,
): Field<Value | null> => ({
  decode: () => nullableS,
  rule: () => upperCasedOneOf<Value>(allowed, message),
  write: writeUnlessNull(writeS),
});

/** An optional confidence in `[0, 1]`, written as Python's `str(float)`. */
const optionalUnitInterval = (): Field<number | null> => ({
  decode: () => nullableN,
  rule: nullableUnitInterval,
  write: writeUnlessNull(writeFloat),
});

/**
 * The fields a section's keys hold. The type is also an attribute, which the item parser
 * reads (the SK suffix is not cross-checked, as in Python); the key reader takes it from the
 * SK, since there is no item to read it from.
 */
const SECTION_KEY_FIELDS = {
  /** The image the receipt was cut from: a version 4 or 5 UUID, from `PK`. */
  image_id: imageId() as Field<string>,
  /** Receipt number, `> 0`. */
  receipt_id: positiveId() as Field<number>,
  /** The section's type, one of {@link SectionType}, from the item's `section_type` attribute. */
  section_type: {
    decode: () => S,
    rule: (name: string) =>
      oneOf(SECTION_TYPE_VALUES, (input) => enumMessage(name, SECTION_TYPE_VALUES, input)),
    write: writeS,
  } as Field<SectionType>,
};

// spec §2.7
/** The attributes of a section; those after `created_at` are optional. */
const SECTION_FIELDS = {
  /** The lines in the section: non-empty, each `>= 0`. */
  line_ids: {
    decode: () => intList,
    rule: () =>
      idList({
        notAList: 'line_ids must be a list',
        notAnInteger: LINE_IDS_MESSAGE,
        negative: LINE_IDS_MESSAGE,
        empty: 'line_ids must not be empty',
      }),
    write: writeIntList,
  } as Field<number[]>,
  /** ISO timestamp, kept verbatim. */
  created_at: timestamp() as Field<string>,
  /** Model confidence in `[0, 1]`. */
  confidence: optionalUnitInterval() as Field<number | null>,
  /** The model that classified the section. */
  model_source: nullableText('omit') as Field<string | null>,
  /** QA status, upper-cased on read. */
  validation_status: optionalStatus<ValidationStatus>(
    VALIDATION_STATUSES,
    (got) =>
      `validation_status must be one of [${SORTED_VALIDATION_STATUSES}] or None; got '${got}'`,
  ) as Field<ValidationStatus | null>,
  /** Row references: non-empty, unique, each `>= 0`. */
  row_ids: optionalIds({
    notAList: 'row_ids must be a list or None',
    notAnInteger: 'row_ids must contain only integers',
    negative: 'row_ids must be non-negative',
    empty: 'row_ids must not be empty when set',
    duplicate: 'row_ids must not contain duplicates',
  }) as Field<number[] | null>,
  /** The verifier that checked the section. */
  verification_source: nullableText('omit') as Field<string | null>,
  /** Verifier outcome, upper-cased on read. */
  verification_status: optionalStatus<VerificationStatus>(
    VERIFICATION_STATUSES,
    () => 'verification_status must be AGREED, DISAGREED, ABSTAINED, or None',
  ) as Field<VerificationStatus | null>,
  /** The section type the verifier proposes, one of {@link SectionType}. */
  verification_section_type: {
    decode: () => nullableS,
    rule: () => nullable(oneOf(SECTION_TYPE_VALUES, 'verification_section_type is invalid')),
    write: writeUnlessNull(writeS),
  } as Field<SectionType | null>,
  /** Verifier confidence in `[0, 1]`. */
  verification_confidence: optionalUnitInterval() as Field<number | null>,
  /** Rows the verifier disagreed on: unique, each `>= 0` (may be empty). */
  disagreement_row_ids: optionalIds({
    notAList: DISAGREEMENT_MESSAGE,
    notAnInteger: DISAGREEMENT_MESSAGE,
    negative: DISAGREEMENT_MESSAGE,
    duplicate: 'disagreement_row_ids must not contain duplicates',
  }) as Field<number[] | null>,
  /** ISO timestamp, kept verbatim. */
  verified_at: {
    decode: () => nullableS,
    rule: (name: string) => nullable(isoTimestamp(name)),
    write: writeUnlessNull(writeS),
  } as Field<string | null>,
};

/**
 * A classified section of a receipt (item TYPE `RECEIPT_SECTION`,
 * SK `RECEIPT#<rid>#SECTION#<section_type>`). The fields after `created_at` are optional
 * attributes, `null` when the item does not have them.
 */
export type ReceiptSection = EntityOf<[typeof SECTION_KEY_FIELDS, typeof SECTION_FIELDS]>;

/** The table keys of a receipt section: only the primary key (sections have no GSIs). */
export type ReceiptSectionKeys = TableKeys;

/** What the keys of a section are built from. */
type SectionKeyInput = Pick<ReceiptSection, 'image_id' | 'receipt_id' | 'section_type'>;

/** The receipt section, declared once. @internal */
export const RECEIPT_SECTION: ReceiptEntity<
  ReceiptSection,
  SectionKeyInput,
  ReceiptSectionKeys,
  EntityOf<[typeof SECTION_KEY_FIELDS]>
> = /* @__PURE__ */ declareReceiptEntity({
  type: 'RECEIPT_SECTION',
  sortKey: SECTION_SORT_KEY,
  nameFrom: 'attribute',
  keyFields: SECTION_KEY_FIELDS,
  fields: [SECTION_FIELDS],
  indexes: () => ({}),
});

/** Validates a receipt section with the Python entity's rules and messages. */
export const ReceiptSectionSchema: z.ZodMiniType<ReceiptSection> =
  /* @__PURE__ */ declaredSchema(RECEIPT_SECTION);

/**
 * Parses a `RECEIPT_SECTION` item or stream image into a {@link ReceiptSection}.
 * `section_type` comes from the attribute (the SK suffix is not cross-checked, as in
 * Python); the optional attributes read as `null` when missing or NULL.
 *
 * @example
 * ```ts
 * import { type DynamoDBItem, ReceiptSectionItemSchema } from '@receipt-chroma/dynamo-stream';
 *
 * declare const newImage: DynamoDBItem;
 * const section = ReceiptSectionItemSchema.parse(newImage);
 * console.log(section.section_type, section.line_ids);
 * ```
 */
export const ReceiptSectionItemSchema: z.ZodMiniType<ReceiptSection, DynamoDBItem> =
  /* @__PURE__ */ declaredItemSchema(RECEIPT_SECTION);

/**
 * Builds the keys of a receipt section item as Python writes them.
 *
 * @param section - the section's ids and `section_type`
 */
export const receiptSectionKeys: (section: SectionKeyInput) => ReceiptSectionKeys = (section) =>
  RECEIPT_SECTION.keys(section);

/**
 * Writes a receipt section as Python's `ReceiptSection.to_item()` does: keys, `TYPE`,
 * `section_type`, `line_ids`, `created_at`, then each optional attribute only when set
 * (numbers as Python's `str(float)`).
 *
 * @param section - a valid section (it is not checked again)
 */
export const receiptSectionToItem: (section: ReceiptSection) => DynamoDBItem = (section) =>
  RECEIPT_SECTION.toItem(section);
