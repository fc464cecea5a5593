import type { ReceiptWordLabel } from '@receipt-chroma/dynamo-stream';
import type { MetadataPatch } from '../ports/vectorCollection.js';

/**
 * How a word's label sets are stored in Chroma metadata:
 * - `array`: `valid_labels_array` / `invalid_labels_array`, sorted string arrays, `null`
 *   (removed) when empty; filter them with `$contains` on the array (Chroma 1.5 or later).
 * - `delimited`: `valid_labels` / `invalid_labels`, strings such as `",A,B,"` (leading and
 *   trailing comma, for exact `$contains` matching on the string), `""` when empty.
 */
export type LabelFormat = 'array' | 'delimited';

/** The `label_status` of a word derived from its labels. */
export type WordLabelStatus = 'validated' | 'auto_suggested' | 'unvalidated';

/** A word's label state derived from the labels DynamoDB holds for it. */
export interface WordLabelState {
  /** `null` when the word has no labels at all. */
  readonly status: WordLabelStatus | null;
  /** `label_proposed_by` of the newest PENDING label; `null` without one. */
  readonly proposedBy: string | null;
  /** `timestamp_added` of the newest VALID label; `null` without one. */
  readonly validatedAt: string | null;
  /** Sorted, de-duplicated, trimmed and upper-cased VALID label names. */
  readonly valid: readonly string[];
  /** Sorted INVALID label names; never one of `valid` (VALID wins a conflict). */
  readonly invalid: readonly string[];
}

/** The metadata keys of the array format. */
export const ARRAY_LABEL_KEYS: readonly ['valid_labels_array', 'invalid_labels_array'] = [
  'valid_labels_array',
  'invalid_labels_array',
];

/** The metadata keys of the delimited format (comma-delimited strings). */
export const DELIMITED_LABEL_KEYS: readonly ['valid_labels', 'invalid_labels'] = [
  'valid_labels',
  'invalid_labels',
];

const normalise = (label: string): string => label.trim().toUpperCase();

const newest = (labels: readonly ReceiptWordLabel[]): ReceiptWordLabel | undefined =>
  // A stable sort by the timestamp string, last one wins (Python's `sorted(...)[-1]`).
  [...labels]
    .sort((left, right) =>
      left.timestamp_added < right.timestamp_added
        ? -1
        : left.timestamp_added > right.timestamp_added
          ? 1
          : 0,
    )
    .at(-1);

const sortedNames = (labels: readonly ReceiptWordLabel[]): string[] =>
  [...new Set(labels.map((label) => normalise(label.label)).filter((name) => name !== ''))].sort();

// spec §6.3
/**
 * Derives a word's label state from every label DynamoDB holds for it:
 * `validated` if any label is VALID, else `auto_suggested` if any is PENDING, else
 * `unvalidated` (NONE, NEEDS_REVIEW and INVALID count as neither), `null` with no labels.
 * A name that is both VALID and INVALID after normalisation counts as VALID only, so the two
 * sets never overlap.
 *
 * @param labels - the word's labels (any order)
 * @returns the status, proposer, validation time and the valid and invalid label names
 * @example
 * ```ts
 * import type { ReceiptWordLabel } from '@receipt-chroma/dynamo-stream';
 * import { deriveWordLabelState } from '@receipt-chroma/chroma-compaction';
 *
 * declare const labels: readonly ReceiptWordLabel[];
 *
 * const { status, valid } = deriveWordLabelState(labels); // e.g. 'validated', ['TOTAL']
 * ```
 */
export function deriveWordLabelState(labels: readonly ReceiptWordLabel[]): WordLabelState {
  const valid = labels.filter((label) => label.validation_status === 'VALID');
  const pending = labels.filter((label) => label.validation_status === 'PENDING');
  const validNames = sortedNames(valid);
  const validSet = new Set(validNames);
  const invalidNames = sortedNames(
    labels.filter((label) => label.validation_status === 'INVALID'),
  ).filter((name) => !validSet.has(name));
  let status: WordLabelStatus | null = null;
  if (valid.length > 0) status = 'validated';
  else if (pending.length > 0) status = 'auto_suggested';
  else if (labels.length > 0) status = 'unvalidated';
  return {
    status,
    proposedBy: newest(pending)?.label_proposed_by ?? null,
    validatedAt: newest(valid)?.timestamp_added ?? null,
    valid: validNames,
    invalid: invalidNames,
  };
}

/** Options of {@link reconstructLabelMetadata}. */
export interface ReconstructLabelMetadataOptions {
  /** How the label sets are written (see {@link LabelFormat}). @default 'array' */
  readonly labelFormat?: LabelFormat | undefined;
}

// spec §6.3, with the fixes of §6.5 and §18.1/§18.4.
/**
 * The label metadata of one word, rebuilt from every label DynamoDB holds for it. Every key
 * is always present, with `null` where its source is gone, so a Chroma `update` (which
 * merges) removes stale values instead of keeping them:
 *
 * - `label_status`: see {@link deriveWordLabelState}.
 * - `label_confidence`: always `null` (word labels carry no confidence; a stale value from an
 *   older writer is removed).
 * - `label_proposed_by`: the newest PENDING label's proposer, or `null`.
 * - `label_validated_at`: the newest VALID label's `timestamp_added`, or `null`.
 * - `labelFormat: 'array'` (default): `valid_labels_array`, `invalid_labels_array`
 *   (sorted arrays, `null` when empty). `'delimited'`: `valid_labels`, `invalid_labels`
 *   (`",A,B,"`, `""` when empty).
 *
 * Invariant: no label name is in both the valid and the invalid set.
 *
 * @param labels - every label of the word, as `ReceiptStore.listWordLabels` returns them
 * @param options - the label format
 * @returns the metadata patch to `update` the word's record with
 * @example
 * ```ts
 * import {
 *   type ReceiptStore,
 *   reconstructLabelMetadata,
 *   type WordRef,
 * } from '@receipt-chroma/chroma-compaction';
 *
 * declare const receipts: ReceiptStore;
 * declare const word: WordRef;
 *
 * const labels = await receipts.listWordLabels(word);
 * const patch = reconstructLabelMetadata(labels);
 * // { label_status: 'validated', valid_labels_array: ['TOTAL'], invalid_labels_array: null, … }
 * ```
 */
export function reconstructLabelMetadata(
  labels: readonly ReceiptWordLabel[],
  options: ReconstructLabelMetadataOptions = {},
): MetadataPatch {
  return labelStatePatch(deriveWordLabelState(labels), options.labelFormat ?? 'array');
}

/**
 * The metadata patch of a derived label state in one format (see {@link reconstructLabelMetadata}).
 * @internal
 */
export function labelStatePatch(state: WordLabelState, labelFormat: LabelFormat): MetadataPatch {
  const sets: MetadataPatch =
    labelFormat === 'delimited'
      ? {
          valid_labels: state.valid.length === 0 ? '' : `,${state.valid.join(',')},`,
          invalid_labels: state.invalid.length === 0 ? '' : `,${state.invalid.join(',')},`,
        }
      : {
          valid_labels_array: state.valid.length === 0 ? null : [...state.valid],
          invalid_labels_array: state.invalid.length === 0 ? null : [...state.invalid],
        };
  return {
    label_status: state.status,
    label_confidence: null,
    label_proposed_by: state.proposedBy,
    label_validated_at: state.validatedAt,
    ...sets,
  };
}
