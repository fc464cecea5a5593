import type * as z from 'zod/mini';
import { scanKeyId } from '../keys/receiptKeyReaders.js';
import {
  imageIdFromPk,
  imageReceiptKey,
  LABEL_SORT_KEY,
  padId,
  type TableKeys,
} from '../keys/receiptKeys.js';
import type { DynamoDBItem } from '../types.js';
import { type Codec, INVALID, type IssueSink, nullableS, S } from '../validation/attributes.js';
import { declaredItemSchema, declaredSchema } from '../validation/declaredSchemas.js';
import { isTimestamp } from '../validation/entityParts.js';
import type { EntityOf, Field } from '../validation/field.js';
import {
  imageId,
  nullableNonEmptyText,
  oneOf,
  positiveId,
  timestamp,
  upperCaseKeyName,
} from '../validation/fieldKinds.js';
import { invalidTypeMessage } from '../validation/invalidType.js';
import { declareReceiptEntity, type ReceiptEntity } from '../validation/receiptEntity.js';
import { minLength, nullable, string } from '../validation/rules.js';
import { isValidUuid } from '../validation/validators.js';
import { writeNullableS } from '../validation/writers.js';
import { ValidationStatus } from './enums.js';

// spec §2.4
/**
 * The 22 core word-label names. The Python package enforces them only where a new label row
 * is added; stream parsing accepts every name, because existing tables hold rows outside
 * this list.
 */
export const CORE_LABELS: readonly string[] = [
  'MERCHANT_NAME',
  'STORE_HOURS',
  'PHONE_NUMBER',
  'WEBSITE',
  'LOYALTY_ID',
  'ADDRESS_LINE',
  'DATE',
  'TIME',
  'PAYMENT_METHOD',
  'COUPON',
  'DISCOUNT',
  'PRODUCT_NAME',
  'QUANTITY',
  'UNIT_PRICE',
  'LINE_TOTAL',
  'SUBTOTAL',
  'TAX',
  'TIP',
  'GRAND_TOTAL',
  'CHANGE',
  'CASH_BACK',
  'REFUND',
];

/** Legacy label names and the core label each stands for. */
export const LABEL_ALIASES: Readonly<Record<string, string>> = {
  ADDRESS: 'ADDRESS_LINE',
  BUSINESS_NAME: 'MERCHANT_NAME',
  CARD_NUMBER: 'PAYMENT_METHOD',
  PAYMENT_TYPE: 'PAYMENT_METHOD',
};

/** `reasoning`: required; `{"S"}` gives the string and any other value (NULL) gives `null`. */
const reasoning: Codec<string | null> = (value, issues) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({
      code: 'invalid_type',
      path: [],
      message: value === undefined ? 'missing required attribute' : 'expected an attribute value',
      input: value,
    });
    return INVALID;
  }
  const text = (value as { S?: unknown }).S;
  if (text === undefined) return null;
  if (typeof text === 'string') return text;
  issues.push({
    code: 'invalid_type',
    path: ['S'],
    message: invalidTypeMessage('string', text),
    input: text,
  });
  return INVALID;
};

/** `reasoning`: required, `null` (NULL) or a non-empty string, which Python never writes empty. */
const reasoningField: Field<string | null> = {
  decode: () => reasoning,
  rule: (name) =>
    nullable(string(`${name} must be a string or None`, minLength(1, `${name} cannot be empty`))),
  write: writeNullableS,
};

const VALIDATION_STATUS_VALUES: readonly ValidationStatus[] =
  /* @__PURE__ */ Object.values(ValidationStatus);
const VALIDATION_STATUSES: ReadonlySet<unknown> = /* @__PURE__ */ new Set(VALIDATION_STATUS_VALUES);

/** `validation_status`, as Python's `ValidationStatus` names it in messages. */
const validationStatusField: Field<ValidationStatus> = /* @__PURE__ */ oneOf(
  VALIDATION_STATUS_VALUES,
  { missing: ValidationStatus.NONE, blank: true, label: 'ValidationStatus' },
);
const validationStatus = validationStatusField.decode?.('validation_status') as Codec<unknown>;

/**
 * The fields a label's keys hold. Unlike a word's, the ids must be `> 0`: the Python
 * `ReceiptWordLabel` rejects 0, so no label row has one.
 */
const LABEL_KEY_FIELDS = {
  /** The image the receipt was cut from: a version 4 or 5 UUID, from `PK`. */
  image_id: imageId() as Field<string>,
  /** Receipt number, `> 0`. */
  receipt_id: positiveId() as Field<number>,
  /** Line number, `> 0`. */
  line_id: positiveId() as Field<number>,
  /** Word number, `> 0`. */
  word_id: positiveId() as Field<number>,
  /** The label name, upper-cased; any non-empty name is accepted. */
  label: upperCaseKeyName() as Field<string>,
};

/** The attributes of a label, in the order Python lists them. */
const LABEL_FIELDS = {
  /** Why the label was given; never an empty string. */
  reasoning: reasoningField as Field<string | null>,
  /** ISO timestamp, kept verbatim. */
  timestamp_added: timestamp() as Field<string>,
  /** A missing, NULL or empty attribute reads as `NONE` (Python's `status or NONE`). */
  validation_status: validationStatusField as Field<ValidationStatus>,
  /** Who or what proposed the label (never empty), or `null`. */
  label_proposed_by: nullableNonEmptyText() as Field<string | null>,
  /** The label this one was consolidated from (never empty), or `null`. */
  label_consolidated_from: nullableNonEmptyText() as Field<string | null>,
};

/**
 * A label on one receipt word (item TYPE `RECEIPT_WORD_LABEL`,
 * SK `RECEIPT#<rid>#LINE#<lid>#WORD#<wid>#LABEL#<LABEL>`).
 */
export type ReceiptWordLabel = EntityOf<[typeof LABEL_KEY_FIELDS, typeof LABEL_FIELDS]>;

/** The table keys of a word label: primary key plus GSI1 to GSI4. */
export type ReceiptWordLabelKeys = TableKeys<'GSI1' | 'GSI2' | 'GSI3' | 'GSI4'>;

/** What the keys of a label are built from. */
type LabelKeyInput = Pick<
  ReceiptWordLabel,
  'image_id' | 'receipt_id' | 'line_id' | 'word_id' | 'label' | 'validation_status'
>;

/** Total length of a label's GSI1PK, reached by padding with `_`. */
const LABEL_GSI1PK_LENGTH = 40;

const scratchIssues: IssueSink = [];
const scratchIds: number[] = [0, 0, 0];

/** A `nullableS` attribute that is `null` or a non-empty string, else `undefined`. */
const optionalNonEmptyAttribute = (value: unknown): string | null | undefined => {
  const text = nullableS(value, scratchIssues);
  return text === null || (typeof text === 'string' && text.length > 0) ? text : undefined;
};

/**
 * The fast path of {@link RECEIPT_WORD_LABEL.itemParser}: a label item in its usual form
 * (plain-digit ids, every attribute well formed and valid), read without the generic
 * attribute loop, the key split or the candidate object. Anything else returns `undefined`
 * and takes the full parse. A property test checks both give the same results.
 */
const fastLabel = (item: Record<string, unknown>): ReceiptWordLabel | undefined => {
  scratchIssues.length = 0;
  const pk = S(item['PK'], scratchIssues);
  const sk = S(item['SK'], scratchIssues);
  if (pk === INVALID || sk === INVALID) return undefined;
  const imageId = imageIdFromPk(pk);
  if (!isValidUuid(imageId)) return undefined;
  let at = scanKeyId(sk, 0, 'RECEIPT#', scratchIds, 0);
  if (at !== -1) at = scanKeyId(sk, at, 'LINE#', scratchIds, 1);
  if (at !== -1) at = scanKeyId(sk, at, 'WORD#', scratchIds, 2);
  if (at === -1 || !sk.startsWith('LABEL#', at)) return undefined;
  const label = sk.slice(at + 6);
  if (label.length === 0 || label.includes('#')) return undefined;
  const reasoningText = reasoning(item['reasoning'], scratchIssues);
  if (reasoningText === INVALID || reasoningText === '') return undefined;
  const timestamp = S(item['timestamp_added'], scratchIssues);
  if (timestamp === INVALID || !isTimestamp(timestamp)) return undefined;
  const status = validationStatus(item['validation_status'], scratchIssues);
  if (!VALIDATION_STATUSES.has(status)) return undefined;
  const proposedBy = optionalNonEmptyAttribute(item['label_proposed_by']);
  const consolidatedFrom = optionalNonEmptyAttribute(item['label_consolidated_from']);
  if (proposedBy === undefined || consolidatedFrom === undefined) return undefined;
  return {
    image_id: imageId,
    receipt_id: scratchIds[0] as number,
    line_id: scratchIds[1] as number,
    word_id: scratchIds[2] as number,
    label: label.toUpperCase(),
    reasoning: reasoningText,
    timestamp_added: timestamp,
    validation_status: status as ValidationStatus,
    label_proposed_by: proposedBy,
    label_consolidated_from: consolidatedFrom,
  };
};

/** The word label, declared once. @internal */
export const RECEIPT_WORD_LABEL: ReceiptEntity<
  ReceiptWordLabel,
  LabelKeyInput,
  ReceiptWordLabelKeys,
  EntityOf<[typeof LABEL_KEY_FIELDS]>
> = /* @__PURE__ */ declareReceiptEntity({
  type: 'RECEIPT_WORD_LABEL',
  sortKey: LABEL_SORT_KEY,
  keyFields: LABEL_KEY_FIELDS,
  fields: [LABEL_FIELDS],
  // GSI1PK is `LABEL#<LABEL>` right-padded with `_` to 40 characters (longer names are not cut).
  indexes: (label: LabelKeyInput, { PK, SK }) => {
    const wordSk = SK.slice(0, SK.lastIndexOf('#LABEL#'));
    return {
      GSI1PK: `LABEL#${label.label}`.padEnd(LABEL_GSI1PK_LENGTH, '_'),
      GSI1SK: `${PK}#${wordSk}`,
      GSI2PK: 'RECEIPT',
      GSI2SK: `${PK}#${wordSk}`,
      GSI3PK: `VALIDATION_STATUS#${label.validation_status}`,
      GSI3SK: `${PK}#${SK}`,
      GSI4PK: imageReceiptKey(label.image_id, label.receipt_id),
      GSI4SK: `4_LABEL#${padId(label.line_id)}#${padId(label.word_id)}#${label.label}`,
    };
  },
  fastItem: fastLabel,
});

/**
 * Validates a word label with the Python entity's rules and messages. The label is
 * upper-cased, as the Python constructor does.
 */
export const ReceiptWordLabelSchema: z.ZodMiniType<ReceiptWordLabel> =
  /* @__PURE__ */ declaredSchema(RECEIPT_WORD_LABEL);

/**
 * Parses a `RECEIPT_WORD_LABEL` item or stream image into a {@link ReceiptWordLabel}. The ids
 * and the label come from the keys (the item has no `label` attribute); the SK must be
 * `RECEIPT#<rid>#LINE#<lid>#WORD#<wid>#LABEL#<label>`. Label names are not checked against
 * {@link CORE_LABELS}.
 *
 * @example
 * ```ts
 * import { type DynamoDBItem, ReceiptWordLabelItemSchema } from '@receipt-chroma/dynamo-stream';
 *
 * declare const newImage: DynamoDBItem;
 * const label = ReceiptWordLabelItemSchema.parse(newImage);
 * console.log(label.label, label.validation_status);
 * ```
 */
export const ReceiptWordLabelItemSchema: z.ZodMiniType<ReceiptWordLabel, DynamoDBItem> =
  /* @__PURE__ */ declaredItemSchema(RECEIPT_WORD_LABEL);

/**
 * Builds every key of a word label item as Python writes it. GSI1PK is `LABEL#<LABEL>`
 * right-padded with `_` to 40 characters (longer names are not cut).
 *
 * @param label - the label's ids, name and `validation_status` (GSI3 is keyed by it)
 */
export const receiptWordLabelKeys: (label: LabelKeyInput) => ReceiptWordLabelKeys = (label) =>
  RECEIPT_WORD_LABEL.keys(label);

/**
 * Writes a word label as Python's `ReceiptWordLabel.to_item()` does: keys, `TYPE`,
 * `reasoning` (S or NULL), `timestamp_added`, `validation_status`, and the proposer and
 * consolidation attributes (S or NULL). No `label` attribute is written.
 *
 * @param label - a valid word label (it is not checked again)
 */
export const receiptWordLabelToItem: (label: ReceiptWordLabel) => DynamoDBItem = (label) =>
  RECEIPT_WORD_LABEL.toItem(label);
