import type * as z from 'zod/mini';
import {
  imageIdFromPk,
  imagePk,
  imageReceiptKey,
  padId,
  type ReceiptKeyLayout,
  receiptSkPrefix,
} from '../keys/receiptKeys.js';
import type { DynamoDBItem } from '../types.js';
import {
  type Codec,
  INVALID,
  type Invalid,
  type IssueSink,
  type ItemParser,
  itemParser,
  nullableS,
  S,
  zodItemSchema,
} from './attributes.js';
import {
  type EntityRules,
  entityRules,
  entitySchema,
  enumMessage,
  isoTimestamp,
  isPositiveInt,
  isRecord,
  isTimestamp,
  positiveInt,
  validateDecodedEntity,
  writeKeys,
} from './entityParts.js';
import { ValidationStatus } from './enums.js';
import { invalidTypeMessage } from './invalidType.js';
import {
  type KeyIdentityReader,
  keyIdentityReader,
  receiptKeyCandidate,
  receiptKeyShape,
  scanKeyId,
} from './receiptKeyReaders.js';
import { map, minLength, nullable, object, oneOf, string } from './rules.js';
import { isValidUuid } from './validators.js';
import { writeNullableS, writeS } from './writers.js';

/**
 * The 22 core word-label names of HEAD. Enforced in Python only where a new label row is
 * added; stream parsing must accept every name, because production has rows outside it.
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

/**
 * A label on one receipt word (item TYPE `RECEIPT_WORD_LABEL`,
 * SK `RECEIPT#<rid>#LINE#<lid>#WORD#<wid>#LABEL#<LABEL>`).
 */
export interface ReceiptWordLabel {
  image_id: string;
  /** Receipt number, `> 0`. */
  receipt_id: number;
  /** Line number, `> 0`. */
  line_id: number;
  /** Word number, `> 0`. */
  word_id: number;
  /** The label name, upper-cased; any non-empty name is accepted. */
  label: string;
  /** Why the label was given; never an empty string. */
  reasoning: string | null;
  /** ISO timestamp, kept verbatim. */
  timestamp_added: string;
  validation_status: ValidationStatus;
  label_proposed_by: string | null;
  label_consolidated_from: string | null;
}

const VALIDATION_STATUS_VALUES: readonly ValidationStatus[] =
  /* @__PURE__ */ Object.values(ValidationStatus);
const VALIDATION_STATUSES: ReadonlySet<unknown> = /* @__PURE__ */ new Set(VALIDATION_STATUS_VALUES);

/** A string of at least one character: `<typeMessage>`, else `<name> cannot be empty`. */
const nonEmpty = (name: string, typeMessage: string): Codec<string> =>
  string(typeMessage, minLength(1, `${name} cannot be empty`));

const optionalNonEmpty = (name: string): Codec<string | null> =>
  nullable(nonEmpty(name, `${name} must be a string`));

/** What `optionalNonEmpty` accepts: `null` or a non-empty string. */
const isOptionalNonEmpty = (value: unknown): value is string | null =>
  value === null || (typeof value === 'string' && value.length > 0);

/**
 * The rules of the fields a label's keys hold. Unlike a word's, the ids must be `> 0`: the
 * Python `ReceiptWordLabel` rejects 0 (spec §2.4), so no label row has one.
 */
const labelKeyShape = () => ({
  ...receiptKeyShape(),
  line_id: positiveInt('line_id'),
  word_id: positiveInt('word_id'),
  label: map(nonEmpty('label', 'label must be a string'), (label) => label.toUpperCase()),
});

/**
 * The rules of a word label: HEAD's, with the Python entity's messages. The label is
 * upper-cased, as the Python constructor does. @internal
 */
export const RECEIPT_WORD_LABEL_RULES: EntityRules<ReceiptWordLabel> = /* @__PURE__ */ entityRules(
  () =>
    object({
      ...labelKeyShape(),
      reasoning: nullable(nonEmpty('reasoning', 'reasoning must be a string or None')),
      timestamp_added: isoTimestamp('timestamp_added'),
      validation_status: oneOf(VALIDATION_STATUS_VALUES, (input) =>
        enumMessage('ValidationStatus', VALIDATION_STATUS_VALUES, input),
      ),
      label_proposed_by: optionalNonEmpty('label_proposed_by'),
      label_consolidated_from: optionalNonEmpty('label_consolidated_from'),
    }) as Codec<ReceiptWordLabel>,
  (candidate) => {
    if (!isRecord(candidate)) return undefined;
    const { image_id, receipt_id, line_id, word_id, label, reasoning, timestamp_added } = candidate;
    const { validation_status, label_proposed_by, label_consolidated_from } = candidate;
    if (!isValidUuid(image_id) || !isPositiveInt(receipt_id) || !isPositiveInt(line_id)) {
      return undefined;
    }
    if (!isPositiveInt(word_id) || typeof label !== 'string' || label.length === 0) {
      return undefined;
    }
    if (!isOptionalNonEmpty(reasoning) || !isTimestamp(timestamp_added)) return undefined;
    if (!VALIDATION_STATUSES.has(validation_status)) return undefined;
    if (!isOptionalNonEmpty(label_proposed_by) || !isOptionalNonEmpty(label_consolidated_from)) {
      return undefined;
    }
    return {
      image_id,
      receipt_id,
      line_id,
      word_id,
      label: label.toUpperCase(),
      reasoning,
      timestamp_added,
      validation_status: validation_status as ValidationStatus,
      label_proposed_by,
      label_consolidated_from,
    };
  },
);

/**
 * Validates a word label with the Python entity's rules and messages (HEAD). The label is
 * upper-cased, as the Python constructor does.
 */
export const ReceiptWordLabelSchema: z.ZodMiniType<ReceiptWordLabel> =
  /* @__PURE__ */ entitySchema(RECEIPT_WORD_LABEL_RULES);

/** The table keys of a word label: primary key plus GSI1 to GSI4 (HEAD). */
export interface ReceiptWordLabelKeys {
  PK: string;
  SK: string;
  GSI1PK: string;
  GSI1SK: string;
  GSI2PK: string;
  GSI2SK: string;
  GSI3PK: string;
  GSI3SK: string;
  GSI4PK: string;
  GSI4SK: string;
}

/** Total length of a label's GSI1PK, reached by padding with `_`. */
const LABEL_GSI1PK_LENGTH = 40;

/**
 * Builds every key of a word label item as Python writes it. GSI1PK is `LABEL#<LABEL>`
 * right-padded with `_` to 40 characters (longer names are not cut).
 */
export const receiptWordLabelKeys = (
  label: Pick<
    ReceiptWordLabel,
    'image_id' | 'receipt_id' | 'line_id' | 'word_id' | 'label' | 'validation_status'
  >,
): ReceiptWordLabelKeys => {
  const lineWord = `LINE#${padId(label.line_id)}#WORD#${padId(label.word_id)}`;
  const wordSk = `${receiptSkPrefix(label.receipt_id)}#${lineWord}`;
  const imageWord = `${imagePk(label.image_id)}#${wordSk}`;
  const imageReceipt = imageReceiptKey(label.image_id, label.receipt_id);
  return {
    PK: imagePk(label.image_id),
    SK: `${wordSk}#LABEL#${label.label}`,
    GSI1PK: `LABEL#${label.label}`.padEnd(LABEL_GSI1PK_LENGTH, '_'),
    GSI1SK: imageWord,
    GSI2PK: 'RECEIPT',
    GSI2SK: imageWord,
    GSI3PK: `VALIDATION_STATUS#${label.validation_status}`,
    GSI3SK: `${imageWord}#LABEL#${label.label}`,
    GSI4PK: imageReceipt,
    GSI4SK: `4_LABEL#${padId(label.line_id)}#${padId(label.word_id)}#${label.label}`,
  };
};

/** `reasoning`: required; `{"S"}` gives the string and any other value (NULL) gives `null`. */
const reasoning: Codec<string | null> = (value, issues) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({
      expected: 'object',
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
    expected: 'string',
    code: 'invalid_type',
    path: ['S'],
    message: invalidTypeMessage('string', text),
    input: text,
  });
  return INVALID;
};

/** `validation_status`: missing, NULL or empty reads as `NONE` (Python's `status or NONE`). */
const validationStatus: Codec<string> = (value, issues) => {
  const status = nullableS(value, issues);
  return status === INVALID ? INVALID : status || ValidationStatus.NONE;
};

/** `RECEIPT#<rid>#LINE#<lid>#WORD#<wid>#LABEL#<label>`. */
const LABEL_KEY: ReceiptKeyLayout = {
  entity: 'ReceiptWordLabel',
  segments: ['RECEIPT', 'LINE', 'WORD', 'LABEL'],
  ids: ['receipt_id', 'line_id', 'word_id'],
  name: 'label',
  exact: true,
};

/** Reads a label's ids and name from its keys alone, with the label's rules. @internal */
export const RECEIPT_WORD_LABEL_KEY_READER: KeyIdentityReader<
  Pick<ReceiptWordLabel, 'image_id' | 'receipt_id' | 'line_id' | 'word_id' | 'label'>
> = /* @__PURE__ */ keyIdentityReader(LABEL_KEY, labelKeyShape);

const KEY_ATTRIBUTES = {
  image_id: 'PK',
  receipt_id: 'SK',
  line_id: 'SK',
  word_id: 'SK',
  label: 'SK',
} as const;

const scratchIssues: IssueSink = [];
const scratchIds: number[] = [0, 0, 0];

/** A `nullableS` attribute that is `null` or a non-empty string, else `undefined`. */
const optionalNonEmptyAttribute = (value: unknown): string | null | undefined => {
  const text = nullableS(value, scratchIssues);
  return text === null || (typeof text === 'string' && text.length > 0) ? text : undefined;
};

/**
 * The fast path of {@link RECEIPT_WORD_LABEL_ITEM_PARSER}: a label item in its usual form
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

/** The plain-code parser of word label items, which the stream pipeline uses. @internal */
export const RECEIPT_WORD_LABEL_ITEM_PARSER: ItemParser<ReceiptWordLabel> =
  /* @__PURE__ */ itemParser(
    {
      PK: S,
      SK: S,
      reasoning,
      timestamp_added: S,
      validation_status: validationStatus,
      label_proposed_by: nullableS,
      label_consolidated_from: nullableS,
    },
    (decoded, issues): ReceiptWordLabel | Invalid => {
      const candidate = receiptKeyCandidate(issues, decoded, LABEL_KEY);
      if (candidate === undefined) return INVALID;
      return validateDecodedEntity(RECEIPT_WORD_LABEL_RULES, candidate, issues, KEY_ATTRIBUTES);
    },
    undefined,
    fastLabel,
  );

/**
 * Parses a `RECEIPT_WORD_LABEL` item or stream image into a {@link ReceiptWordLabel}. The ids
 * and the label come from the keys (the item has no `label` attribute); the SK must be
 * `RECEIPT#<rid>#LINE#<lid>#WORD#<wid>#LABEL#<label>`. Label names are not checked against
 * {@link CORE_LABELS}.
 *
 * @example
 * ```ts
 * const label = ReceiptWordLabelItemSchema.parse(record.dynamodb.NewImage);
 * ```
 */
export const ReceiptWordLabelItemSchema: z.ZodMiniType<ReceiptWordLabel, DynamoDBItem> =
  /* @__PURE__ */ zodItemSchema(RECEIPT_WORD_LABEL_ITEM_PARSER);

/**
 * Writes a word label as the HEAD Python `ReceiptWordLabel.to_item()` does: keys, `TYPE`,
 * `reasoning` (S or NULL), `timestamp_added`, `validation_status`, and the proposer and
 * consolidation attributes (S or NULL). No `label` attribute is written.
 */
export const receiptWordLabelToItem = (label: ReceiptWordLabel): DynamoDBItem => ({
  ...writeKeys(receiptWordLabelKeys(label)),
  TYPE: writeS('RECEIPT_WORD_LABEL'),
  reasoning: writeNullableS(label.reasoning),
  timestamp_added: writeS(label.timestamp_added),
  validation_status: writeS(label.validation_status),
  label_consolidated_from: writeNullableS(label.label_consolidated_from),
  label_proposed_by: writeNullableS(label.label_proposed_by),
});
