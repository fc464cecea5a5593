/**
 * Small helpers the compaction operations share: their options (batch size, clock, logger and
 * metrics), receipt references, metadata comparison, the row layout of the `lines`
 * collection, and the per-input result of the label operations. The batched Chroma reads live
 * in `vectorReads.ts`, the batched writes in `vectors/writeBatches.ts`.
 * @internal
 * @packageDocumentation
 */

import { pythonUtcNow } from '@receipt-chroma/dynamo-stream';
import { errorType } from '../errors.js';
import { receiptChromaIdPrefix } from '../ids/chromaIds.js';
import { checkedInteger } from '../options/checkedInteger.js';
import {
  type Logger,
  type MetricDimensions,
  type Metrics,
  NOOP_LOGGER,
  NOOP_METRICS,
  type ObservabilityOptions,
} from '../ports/observability.js';
import type { ReceiptRef } from '../ports/receiptStore.js';
import type { Metadata, MetadataPatch, MetadataValue, Where } from '../ports/vectorCollection.js';
import { VectorLimitError } from '../vectors/limits.js';
import type { LabelUpdateResult, OperationStatus } from './results.js';
import { DEFAULT_OPERATION_BATCH_SIZE, type OperationInput } from './types.js';

/**
 * The batch size from the options (any options with `maxBatchSize`), checked.
 * @param options - `maxBatchSize`, @default 250
 * @throws {RangeError} when `maxBatchSize` is not a positive integer
 * @internal
 */
export const batchSizeOf = (options: { readonly maxBatchSize?: number | undefined }): number => {
  return checkedInteger('maxBatchSize', options.maxBatchSize ?? DEFAULT_OPERATION_BATCH_SIZE, 1);
};

/** The clock from the options. @internal */
export const clockOf = (options: { readonly now?: (() => string) | undefined }): (() => string) =>
  options.now ?? pythonUtcNow;

/**
 * The reason a failed write gives its messages: the limit a record is over, which says what
 * to change, or `fallback` (the step that failed; `error` says how). @internal
 */
export const writeFailureReason = (error: unknown, fallback: string): string =>
  error instanceof VectorLimitError ? error.message : fallback;

/** The logger and metrics from the options, no-ops where missing. @internal */
export interface Observers {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** The logger and metrics from the options, no-ops where missing. @internal */
export const observersOf = (options: ObservabilityOptions): Observers => ({
  logger: options.logger ?? NOOP_LOGGER,
  metrics: options.metrics ?? NOOP_METRICS,
});

/**
 * Metric dimensions for one collection, plus `error_type` when an error is given.
 * @internal
 */
export const dimensionsOf = (collection: string, error?: unknown): MetricDimensions =>
  error === undefined ? { collection } : { collection, error_type: errorType(error) };

/** A map key for one receipt. @internal */
export const receiptKey = (receipt: ReceiptRef): string =>
  `${receipt.imageId}\u0000${receipt.receiptId}`;

// spec §7 step 2
/**
 * The Chroma filter for every record of one receipt, in the `$and` form Chroma Cloud
 * requires.
 * @internal
 */
export const receiptWhere = (receipt: ReceiptRef): Where => ({
  $and: [{ image_id: { $eq: receipt.imageId } }, { receipt_id: { $eq: receipt.receiptId } }],
});

/**
 * Reads the receipt an input names (`entity_data.image_id` / `receipt_id`), checked the way
 * Chroma ids are (non-empty image id without `#`, integer receipt id `>= 0`).
 * @throws {InvalidChromaIdError} when either is missing or invalid
 * @internal
 */
export const readReceiptRef = (entityData: {
  readonly image_id?: unknown;
  readonly receipt_id?: unknown;
}): ReceiptRef => {
  const ref = {
    imageId: entityData.image_id as string,
    receiptId: entityData.receipt_id as number,
  };
  receiptChromaIdPrefix(ref);
  return ref;
};

const sameValue = (left: MetadataValue | undefined, right: MetadataValue): boolean => {
  if (!Array.isArray(right)) return left === right;
  if (!Array.isArray(left) || left.length !== right.length) return false;
  return right.every((item, index) => left[index] === item);
};

/**
 * Whether merging `patch` into `stored` (Chroma's update semantics: `null` removes a key,
 * a key left out stays) would change anything.
 * @internal
 */
export const patchChanges = (stored: Metadata | null, patch: MetadataPatch): boolean =>
  Object.entries(patch).some(([key, value]) => {
    const current = stored === null || !Object.hasOwn(stored, key) ? undefined : stored[key];
    return value === null ? current !== undefined : !sameValue(current, value);
  });

/**
 * The line ids a `lines` row covers: its `row_line_ids` (a JSON string such as `"[1, 2]"`
 * as Python writes it, or a number array), falling back to `[line_id]` when that is missing,
 * unreadable or empty; `undefined` when neither gives integers.
 * @internal
 */
export const readRowLineIds = (metadata: Metadata | null): number[] | undefined => {
  const raw = metadata?.['row_line_ids'];
  let parsed: unknown = raw;
  if (typeof raw === 'string') {
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
  }
  if (Array.isArray(parsed) && parsed.length > 0 && parsed.every(Number.isSafeInteger)) {
    return parsed as number[];
  }
  const lineId = metadata?.['line_id'];
  return typeof lineId === 'number' && Number.isSafeInteger(lineId) ? [lineId] : undefined;
};

/** What became of the record a label input names. @internal */
export interface LabelOutcome {
  readonly status: OperationStatus;
  readonly reason?: string | undefined;
  readonly error?: Error | undefined;
}

/** The record (a word, or a row of `lines`) a label input resolved to. @internal */
export interface LabelRecord {
  readonly chromaId: string;
  /** Indexes of the inputs naming this record, first one first. */
  readonly inputs: readonly number[];
}

/**
 * The result of one label input (word labels on `words`, row labels on `lines`): the
 * record's id and receipt, and `updatedCount` 1 only on the first input of a record written
 * for several inputs (the others say so in `reason`).
 * @param what - the record kind for that reason, e.g. `word` or `row`
 * @internal
 */
export const labelInputResult = (
  collection: string,
  what: string,
  inputs: readonly OperationInput[],
  index: number,
  receipt: ReceiptRef | undefined,
  record: LabelRecord | undefined,
  outcome: LabelOutcome,
): LabelUpdateResult => {
  const input = inputs[index] as OperationInput;
  const first = record === undefined || record.inputs[0] === index;
  return {
    kind: 'label',
    collection,
    status: outcome.status,
    chromaId: record?.chromaId,
    chromaIds: record === undefined ? undefined : [record.chromaId],
    imageId: receipt?.imageId,
    receiptId: receipt?.receiptId,
    eventName: input.message.eventName,
    changes: Object.keys(input.message.changes ?? {}),
    updatedCount: outcome.status === 'applied' && first ? 1 : 0,
    reason:
      outcome.status === 'applied' && !first
        ? `the ${what} was written for an earlier message of the batch`
        : outcome.reason,
    error: outcome.error,
    recordIds: input.recordId === undefined ? undefined : [input.recordId],
  };
};
