import { CORE_LABELS, type ReceiptWordLabel } from '@receipt-chroma/dynamo-stream';
import { toError } from '../errors.js';
import { lineChromaId } from '../ids/chromaIds.js';
import type { ReceiptRef } from '../ports/receiptStore.js';
import type { Metadata, MetadataPatch, MetadataValue } from '../ports/vectorCollection.js';
import { type RecordPatch, updateEachBatch } from '../vectors/writeBatches.js';
import {
  batchSizeOf,
  dimensionsOf,
  labelInputResult,
  observersOf,
  patchChanges,
  readRowLineIds,
  receiptKey,
  receiptWhere,
  writeFailureReason,
} from './operationSupport.js';
import type { LabelUpdateResult, OperationStatus } from './results.js';
import type { OperationInput, OperationOptions } from './types.js';
import { getRecordsWhere } from './vectorReads.js';

// The Python package's limit (spec §7).
/** The longest `label_{NAME}` key written, in UTF-8 bytes (the Python package's limit). */
const MAX_LABEL_KEY_BYTES = 36;

const CORE_LABEL_SET: ReadonlySet<string> = new Set(CORE_LABELS);

// spec §7 step 5, with the fix of §18.1.
/**
 * The label metadata of one `lines` row, aggregated from the word labels of its lines: for
 * each core label on a word of the row, `label_{NAME}` is `true` when a word has it VALID,
 * else `false` when a word has it INVALID;
 * `label_status` is `validated` when any label is VALID or INVALID, else `auto_suggested`
 * when any is PENDING, else `unvalidated`. Every other `label_*` key the row has is sent as
 * `null`, so flags of labels that are gone are removed (the Python package left them out, and
 * Chroma's merge kept them).
 *
 * @param stored - the row's current metadata
 * @param lineIds - the lines the row covers
 * @param labels - word labels of the receipt (labels of other lines are ignored)
 * @internal
 */
export function rowLabelPatch(
  stored: Metadata | null,
  lineIds: readonly number[],
  labels: readonly ReceiptWordLabel[],
): MetadataPatch {
  const lines = new Set(lineIds);
  const flags = new Map<string, boolean>();
  let hasPending = false;
  let hasValidated = false;
  for (const label of labels) {
    if (!lines.has(label.line_id)) continue;
    const name = label.label.trim().toUpperCase();
    const key = `label_${name}`;
    if (!CORE_LABEL_SET.has(name) || Buffer.byteLength(key, 'utf8') > MAX_LABEL_KEY_BYTES) continue;
    if (label.validation_status === 'PENDING') {
      hasPending = true;
    } else if (label.validation_status === 'VALID') {
      flags.set(key, true);
      hasValidated = true;
    } else if (label.validation_status === 'INVALID') {
      if (!flags.has(key)) flags.set(key, false);
      hasValidated = true;
    }
  }
  const patch: Record<string, MetadataValue | null> = {};
  for (const key of Object.keys(stored ?? {})) {
    if (key.startsWith('label_')) patch[key] = null;
  }
  for (const [key, value] of [...flags].sort(([left], [right]) => (left < right ? -1 : 1))) {
    patch[key] = value;
  }
  patch['label_status'] = hasValidated
    ? 'validated'
    : hasPending
      ? 'auto_suggested'
      : 'unvalidated';
  return patch;
}

interface LineInput {
  readonly index: number;
  readonly lineId: number;
}

interface RowTarget {
  /** The row's id: the id of its first line. */
  readonly chromaId: string;
  readonly lineIds: readonly number[];
  readonly inputs: number[];
}

// spec §7
/**
 * Aggregates word labels onto the rows of the `lines` collection: for every
 * receipt named by the messages, reads the receipt's rows (one `get` by `image_id` /
 * `receipt_id`) and its word labels (one DynamoDB read), finds the rows that contain a
 * message's `line_id` (through each row's `row_line_ids`), rebuilds their `label_*` metadata
 * from the word labels of the row's lines, and writes the rows that change (one `update` per
 * `maxBatchSize` rows). For each core label on a word of the row, `label_{NAME}` is `true`
 * when a word has it VALID, else `false` when one has it INVALID; `label_status` is
 * `validated`, `auto_suggested` or `unvalidated`; `label_*` keys of labels that are gone are
 * removed.
 *
 * Returns one result per input, in input order, with the row id as `chromaId`:
 * - `failed`: missing or invalid ids (`InvalidChromaIdError`), or the Chroma read/write or
 *   the DynamoDB read failed (the Python package went on with no labels and wrote
 *   `unvalidated`; this fails the message instead).
 * - `skipped`: the receipt has no rows, no row contains the line, or nothing changed.
 * - `applied`: the row was written; `updatedCount` is 1 on the first input of that row.
 *
 * @param inputs - `RECEIPT_WORD_LABEL` messages (any event) for the `lines` collection
 * @param options - `vectors` (the `lines` collection), `receipts`, batch size, logger, metrics
 * @returns one result per input, in input order
 * @throws {RangeError} when `maxBatchSize` is not a positive integer
 * @example
 * ```ts
 * import {
 *   type OperationInput,
 *   type ReceiptStore,
 *   updateLineRowLabels,
 *   type VectorCollection,
 * } from '@receipt-chroma/chroma-compaction';
 *
 * declare const lines: VectorCollection;
 * declare const receipts: ReceiptStore;
 * declare const inputs: readonly OperationInput[]; // RECEIPT_WORD_LABEL messages
 *
 * const results = await updateLineRowLabels(inputs, { vectors: lines, receipts });
 * ```
 */
export async function updateLineRowLabels(
  inputs: readonly OperationInput[],
  options: OperationOptions,
): Promise<LabelUpdateResult[]> {
  const { vectors, receipts } = options;
  const { logger, metrics } = observersOf(options);
  const batchSize = batchSizeOf(options);
  const collection = vectors.name;
  const results: (LabelUpdateResult | undefined)[] = new Array(inputs.length);

  const settle = (
    index: number,
    receipt: ReceiptRef | undefined,
    row: RowTarget | undefined,
    status: OperationStatus,
    reason?: string,
    error?: Error,
  ): void => {
    results[index] = labelInputResult(collection, 'row', inputs, index, receipt, row, {
      status,
      reason,
      error,
    });
  };

  const groups = new Map<string, { ref: ReceiptRef; lines: LineInput[] }>();
  for (const [index, input] of inputs.entries()) {
    const data = input.message.entityData;
    const ref = { imageId: data.image_id, receiptId: data.receipt_id };
    const lineId = data.line_id as number;
    try {
      lineChromaId({ ...ref, lineId });
    } catch (thrown) {
      const error = toError(thrown);
      metrics.count('CompactionInvalidChromaDBID', 1, dimensionsOf(collection));
      logger.error('Invalid line label message ids', { entityData: data, error });
      settle(index, undefined, undefined, 'failed', 'invalid line ids', error);
      continue;
    }
    const key = receiptKey(ref);
    const group = groups.get(key) ?? { ref, lines: [] };
    group.lines.push({ index, lineId });
    groups.set(key, group);
  }

  for (const { ref, lines } of groups.values()) {
    const failAll = (items: readonly LineInput[], reason: string, thrown: unknown): void => {
      const error = toError(thrown);
      logger.error('Error updating row labels', { ...ref, reason, error });
      metrics.count('RowLabelUpdateError', 1, dimensionsOf(collection, error));
      for (const { index } of items) settle(index, ref, undefined, 'failed', reason, error);
    };
    let rows: Map<string, Metadata | null>;
    try {
      rows = await getRecordsWhere(vectors, receiptWhere(ref), batchSize);
    } catch (thrown) {
      failAll(lines, 'Chroma get failed', thrown);
      continue;
    }
    if (rows.size === 0) {
      logger.debug('No rows for receipt; skipping row labels', { ...ref });
      for (const { index } of lines)
        settle(index, ref, undefined, 'skipped', 'no rows for receipt');
      continue;
    }
    let labels: ReceiptWordLabel[];
    try {
      labels = await receipts.listReceiptWordLabels(ref);
    } catch (thrown) {
      failAll(lines, 'DynamoDB read of word labels failed', thrown);
      continue;
    }

    const rowOfLine = new Map<number, RowTarget>();
    for (const [chromaId, metadata] of rows) {
      const lineIds = readRowLineIds(metadata);
      if (lineIds === undefined) continue;
      const row: RowTarget = { chromaId, lineIds, inputs: [] };
      for (const lineId of lineIds) rowOfLine.set(lineId, row);
    }
    const affected = new Set<RowTarget>();
    for (const { index, lineId } of lines) {
      const row = rowOfLine.get(lineId);
      if (row === undefined) {
        settle(index, ref, undefined, 'skipped', 'no row contains the line');
        continue;
      }
      row.inputs.push(index);
      affected.add(row);
    }

    const writes: (RecordPatch & { row: RowTarget })[] = [];
    for (const row of affected) {
      const stored = rows.get(row.chromaId) ?? null;
      const patch = rowLabelPatch(stored, row.lineIds, labels);
      if (patchChanges(stored, patch)) writes.push({ id: row.chromaId, row, patch, stored });
      else for (const index of row.inputs) settle(index, ref, row, 'skipped', 'unchanged');
    }
    await updateEachBatch(vectors, writes, batchSize, (batch, error) => {
      if (error !== undefined) {
        const reason = writeFailureReason(error, 'Chroma update failed');
        logger.error('Error updating row labels', { ...ref, reason, error });
        metrics.count('RowLabelUpdateError', 1, dimensionsOf(collection, error));
        for (const { row } of batch) {
          for (const index of row.inputs) settle(index, ref, row, 'failed', reason, error);
        }
        return;
      }
      for (const { row } of batch) {
        metrics.count('RowLabelUpdated', 1, dimensionsOf(collection));
        for (const index of row.inputs) settle(index, ref, row, 'applied');
      }
    });
  }
  return results as LabelUpdateResult[];
}
