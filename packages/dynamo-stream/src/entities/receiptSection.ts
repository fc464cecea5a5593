import type * as z from 'zod/mini';
import { imagePk, type ReceiptKeyLayout, receiptSkPrefix } from '../keys/receiptKeys.js';
import type { AttributeValue, DynamoDBItem } from '../types.js';
import {
  type Codec,
  INVALID,
  type Invalid,
  type ItemParser,
  intList,
  itemParser,
  nullableIntList,
  nullableN,
  nullableS,
  prefixIssues,
  S,
  zodItemSchema,
} from './attributes.js';
import {
  type EntityRules,
  entityRules,
  entitySchema,
  enumMessage,
  isNonNegativeInt,
  isNullableString,
  isNullableUnitInterval,
  isoTimestamp,
  isPositiveInt,
  isRecord,
  isTimestamp,
  nullableString,
  nullableUnitInterval,
  validateDecodedEntity,
  writeKeys,
} from './entityParts.js';
import { SectionType, ValidationStatus, VerificationStatus } from './enums.js';
import {
  type KeyIdentityReader,
  keyIdentityReader,
  receiptKeyCandidate,
  receiptKeyShape,
} from './receiptKeyReaders.js';
import { check, int, nullable, object, oneOf, reject, string } from './rules.js';
import { isValidUuid } from './validators.js';
import { writeFloat, writeIntList, writeS } from './writers.js';

/**
 * A classified section of a receipt (item TYPE `RECEIPT_SECTION`,
 * SK `RECEIPT#<rid>#SECTION#<section_type>`). The fields after `created_at` are HEAD's
 * optional attributes, `null` when the item does not have them.
 */
export interface ReceiptSection {
  image_id: string;
  /** Receipt number, `> 0`. */
  receipt_id: number;
  section_type: SectionType;
  /** The lines in the section: non-empty, each `>= 0`. */
  line_ids: number[];
  /** ISO timestamp, kept verbatim. */
  created_at: string;
  /** Model confidence in `[0, 1]`. */
  confidence: number | null;
  model_source: string | null;
  /** QA status, upper-cased on read. */
  validation_status: ValidationStatus | null;
  /** Row references: non-empty, unique, each `>= 0`. */
  row_ids: number[] | null;
  verification_source: string | null;
  /** Verifier outcome, upper-cased on read. */
  verification_status: VerificationStatus | null;
  verification_section_type: SectionType | null;
  /** Verifier confidence in `[0, 1]`. */
  verification_confidence: number | null;
  /** Rows the verifier disagreed on: unique, each `>= 0` (may be empty). */
  disagreement_row_ids: number[] | null;
  /** ISO timestamp, kept verbatim. */
  verified_at: string | null;
}

const SECTION_TYPE_VALUES: readonly SectionType[] = /* @__PURE__ */ Object.values(SectionType);
const SECTION_TYPES: ReadonlySet<unknown> = /* @__PURE__ */ new Set(SECTION_TYPE_VALUES);
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

/** What zod's length checks run on: anything not nullish with a `length`. */
const hasLength = (value: unknown): value is { length: unknown } =>
  value !== null && value !== undefined && (value as { length?: unknown }).length !== undefined;

/**
 * A list of integers `>= 0`, then the `empty` and `duplicate` checks, reproducing zod's
 * `z.array(z.int().check(z.gte(0))).check(z.minLength(1), z.refine(isUnique))`: every bad
 * element is reported; the length check runs on anything with a `length`, even a value
 * that is not an array (`''` reports both messages); the duplicate check runs unless the
 * value is not an array or an element is not an integer (negative or unsafe integers do
 * not stop it).
 */
const idList = (messages: IdListMessages): Codec<number[]> => {
  const element = int(
    messages.notAnInteger,
    check((value) => value >= 0, messages.negative),
  );
  const { notAList, empty, duplicate } = messages;
  return (value, issues) => {
    let valid = true;
    let typed = true;
    let ids: number[] = [];
    if (Array.isArray(value)) {
      ids = new Array(value.length);
      for (let index = 0; index < value.length; index += 1) {
        const id: unknown = value[index];
        const start = issues.length;
        if (element(id, issues) === INVALID) {
          prefixIssues(issues, start, index);
          valid = false;
          if (!Number.isInteger(id)) typed = false;
        }
        ids[index] = id as number;
      }
    } else {
      issues.push({
        code: 'invalid_type',
        expected: 'array',
        path: [],
        message: notAList,
        input: value,
      });
      valid = false;
      typed = false;
    }
    if (empty !== undefined && hasLength(value) && !((value.length as number) >= 1)) {
      reject(issues, empty, value);
      valid = false;
    }
    if (duplicate !== undefined && typed && !isUnique(ids)) {
      reject(issues, duplicate, ids);
      valid = false;
    }
    return valid ? ids : INVALID;
  };
};

/** The upper-cased value when `value` is `null` or a string in `allowed` once upper-cased. */
const acceptUpperCased = (
  allowed: ReadonlySet<string>,
  value: unknown,
): string | null | undefined => {
  if (value === null) return null;
  if (typeof value !== 'string') return undefined;
  const upper = value.toUpperCase();
  return allowed.has(upper) ? upper : undefined;
};

/** A copy of `value` when it is an array of integers `>= 0` (and unique, when asked). */
const acceptIds = (value: unknown, unique: boolean): number[] | undefined => {
  if (!Array.isArray(value)) return undefined;
  const ids: number[] = new Array(value.length);
  for (let index = 0; index < value.length; index += 1) {
    const id: unknown = value[index];
    if (!isNonNegativeInt(id)) return undefined;
    ids[index] = id;
  }
  return unique && !isUnique(ids) ? undefined : ids;
};

/** The rules of the fields a section's keys hold (its SK ends with the section type). */
const sectionKeyShape = () => ({
  ...receiptKeyShape(),
  section_type: oneOf(SECTION_TYPE_VALUES, (input) =>
    enumMessage('section_type', SECTION_TYPE_VALUES, input),
  ),
});

/** The rules of a receipt section: HEAD's, with the Python entity's messages. @internal */
export const RECEIPT_SECTION_RULES: EntityRules<ReceiptSection> = /* @__PURE__ */ entityRules(
  () =>
    object({
      ...sectionKeyShape(),
      line_ids: idList({
        notAList: 'line_ids must be a list',
        notAnInteger: LINE_IDS_MESSAGE,
        negative: LINE_IDS_MESSAGE,
        empty: 'line_ids must not be empty',
      }),
      created_at: isoTimestamp('created_at'),
      confidence: nullableUnitInterval('confidence'),
      model_source: nullableString('model_source'),
      validation_status: upperCasedOneOf<ValidationStatus>(
        VALIDATION_STATUSES,
        (got) =>
          `validation_status must be one of [${SORTED_VALIDATION_STATUSES}] or None; got '${got}'`,
      ),
      row_ids: nullable(
        idList({
          notAList: 'row_ids must be a list or None',
          notAnInteger: 'row_ids must contain only integers',
          negative: 'row_ids must be non-negative',
          empty: 'row_ids must not be empty when set',
          duplicate: 'row_ids must not contain duplicates',
        }),
      ),
      verification_source: nullableString('verification_source'),
      verification_status: upperCasedOneOf<VerificationStatus>(
        VERIFICATION_STATUSES,
        () => 'verification_status must be AGREED, DISAGREED, ABSTAINED, or None',
      ),
      verification_section_type: nullable(
        oneOf(SECTION_TYPE_VALUES, 'verification_section_type is invalid'),
      ),
      verification_confidence: nullableUnitInterval('verification_confidence'),
      disagreement_row_ids: nullable(
        idList({
          notAList: DISAGREEMENT_MESSAGE,
          notAnInteger: DISAGREEMENT_MESSAGE,
          negative: DISAGREEMENT_MESSAGE,
          duplicate: 'disagreement_row_ids must not contain duplicates',
        }),
      ),
      verified_at: nullable(isoTimestamp('verified_at')),
    }) as Codec<ReceiptSection>,
  (candidate) => {
    if (!isRecord(candidate)) return undefined;
    const { image_id, receipt_id, section_type, created_at, confidence, model_source } = candidate;
    if (!isValidUuid(image_id) || !isPositiveInt(receipt_id)) return undefined;
    if (!SECTION_TYPES.has(section_type) || !isTimestamp(created_at)) return undefined;
    if (!isNullableUnitInterval(confidence) || !isNullableString(model_source)) return undefined;
    const lineIds = acceptIds(candidate['line_ids'], false);
    if (lineIds === undefined || lineIds.length === 0) return undefined;
    const validationStatus = acceptUpperCased(VALIDATION_STATUSES, candidate['validation_status']);
    if (validationStatus === undefined) return undefined;
    const rows = candidate['row_ids'];
    const rowIds = rows === null ? null : acceptIds(rows, true);
    if (rowIds === undefined || rowIds?.length === 0) return undefined;
    const { verification_source, verification_section_type, verification_confidence } = candidate;
    if (!isNullableString(verification_source)) return undefined;
    const verificationStatus = acceptUpperCased(
      VERIFICATION_STATUSES,
      candidate['verification_status'],
    );
    if (verificationStatus === undefined) return undefined;
    if (verification_section_type !== null && !SECTION_TYPES.has(verification_section_type)) {
      return undefined;
    }
    if (!isNullableUnitInterval(verification_confidence)) return undefined;
    const disagreements = candidate['disagreement_row_ids'];
    const disagreementRowIds = disagreements === null ? null : acceptIds(disagreements, true);
    if (disagreementRowIds === undefined) return undefined;
    const verifiedAt = candidate['verified_at'];
    if (verifiedAt !== null && !isTimestamp(verifiedAt)) return undefined;
    return {
      image_id,
      receipt_id,
      section_type: section_type as SectionType,
      line_ids: lineIds,
      created_at,
      confidence,
      model_source,
      validation_status: validationStatus as ValidationStatus | null,
      row_ids: rowIds,
      verification_source,
      verification_status: verificationStatus as VerificationStatus | null,
      verification_section_type: verification_section_type as SectionType | null,
      verification_confidence,
      disagreement_row_ids: disagreementRowIds,
      verified_at: verifiedAt,
    };
  },
);

/** Validates a receipt section with the Python entity's rules and messages (HEAD). */
export const ReceiptSectionSchema: z.ZodMiniType<ReceiptSection> =
  /* @__PURE__ */ entitySchema(RECEIPT_SECTION_RULES);

/** The table keys of a receipt section: only the primary key (sections have no GSIs). */
export interface ReceiptSectionKeys {
  PK: string;
  SK: string;
}

/** Builds the keys of a receipt section item as Python writes them. */
export const receiptSectionKeys = (
  section: Pick<ReceiptSection, 'image_id' | 'receipt_id' | 'section_type'>,
): ReceiptSectionKeys => ({
  PK: imagePk(section.image_id),
  SK: `${receiptSkPrefix(section.receipt_id)}#SECTION#${section.section_type}`,
});

/** `RECEIPT#<rid>#SECTION#<type>` (anything after `SECTION` is not read). */
const SECTION_KEY: ReceiptKeyLayout = {
  entity: 'ReceiptSection',
  segments: ['RECEIPT', 'SECTION'],
  ids: ['receipt_id'],
  exact: false,
};

const KEY_ATTRIBUTES = { image_id: 'PK', receipt_id: 'SK' } as const;

/**
 * Reads a section's ids and type from its keys alone, with the section's rules. The type
 * comes from the SK here (`RECEIPT#<rid>#SECTION#<type>`), since there is no item to read
 * it from. @internal
 */
export const RECEIPT_SECTION_KEY_READER: KeyIdentityReader<
  Pick<ReceiptSection, 'image_id' | 'receipt_id' | 'section_type'>
> = /* @__PURE__ */ keyIdentityReader({ ...SECTION_KEY, name: 'section_type' }, sectionKeyShape);

/** The plain-code parser of receipt section items, which the stream pipeline uses. @internal */
export const RECEIPT_SECTION_ITEM_PARSER: ItemParser<ReceiptSection> = /* @__PURE__ */ itemParser(
  {
    PK: S,
    SK: S,
    section_type: S,
    line_ids: intList,
    created_at: S,
    confidence: nullableN,
    model_source: nullableS,
    validation_status: nullableS,
    row_ids: nullableIntList,
    verification_source: nullableS,
    verification_status: nullableS,
    verification_section_type: nullableS,
    verification_confidence: nullableN,
    disagreement_row_ids: nullableIntList,
    verified_at: nullableS,
  },
  (decoded, issues): ReceiptSection | Invalid => {
    const candidate = receiptKeyCandidate(issues, decoded, SECTION_KEY);
    if (candidate === undefined) return INVALID;
    return validateDecodedEntity(RECEIPT_SECTION_RULES, candidate, issues, KEY_ATTRIBUTES);
  },
);

/**
 * Parses a `RECEIPT_SECTION` item or stream image into a {@link ReceiptSection}.
 * `section_type` comes from the attribute (the SK suffix is not cross-checked, as in
 * Python); the optional HEAD attributes read as `null` when missing or NULL.
 *
 * @example
 * ```ts
 * const section = ReceiptSectionItemSchema.parse(record.dynamodb.NewImage);
 * ```
 */
export const ReceiptSectionItemSchema: z.ZodMiniType<ReceiptSection, DynamoDBItem> =
  /* @__PURE__ */ zodItemSchema(RECEIPT_SECTION_ITEM_PARSER);

/** `{ [name]: write(value) }`, or nothing when the value is `null` (optional attributes). */
const whenSet = <Value>(
  name: string,
  value: Value | null,
  write: (value: Value) => AttributeValue,
): DynamoDBItem => (value === null ? {} : { [name]: write(value) });

/**
 * Writes a receipt section as the HEAD Python `ReceiptSection.to_item()` does: keys, `TYPE`,
 * `section_type`, `line_ids`, `created_at`, then each optional attribute only when set
 * (numbers as Python's `str(float)`).
 */
export const receiptSectionToItem = (section: ReceiptSection): DynamoDBItem => ({
  ...writeKeys(receiptSectionKeys(section)),
  TYPE: writeS('RECEIPT_SECTION'),
  section_type: writeS(section.section_type),
  line_ids: writeIntList(section.line_ids),
  created_at: writeS(section.created_at),
  ...whenSet('confidence', section.confidence, writeFloat),
  ...whenSet('model_source', section.model_source, writeS),
  ...whenSet('validation_status', section.validation_status, writeS),
  ...whenSet('row_ids', section.row_ids, writeIntList),
  ...whenSet('verification_source', section.verification_source, writeS),
  ...whenSet('verification_status', section.verification_status, writeS),
  ...whenSet('verification_section_type', section.verification_section_type, writeS),
  ...whenSet('verification_confidence', section.verification_confidence, writeFloat),
  ...whenSet('disagreement_row_ids', section.disagreement_row_ids, writeIntList),
  ...whenSet('verified_at', section.verified_at, writeS),
});
