import type { ReceiptSection } from '@receipt-chroma/dynamo-stream';
import { toError } from '../errors.js';
import type { ReceiptRef } from '../ports/receiptStore.js';
import type { Metadata } from '../ports/vectorCollection.js';
import {
  type RecordPatch,
  unwrapBatchWriteError,
  updateInBatches,
} from '../vectors/writeBatches.js';
import {
  batchSizeOf,
  dimensionsOf,
  observersOf,
  readReceiptRef,
  readRowLineIds,
  receiptKey,
  receiptWhere,
  writeFailureReason,
} from './operationSupport.js';
import type { SectionUpdateResult } from './results.js';
import type { OperationInput, OperationOptions } from './types.js';
import { getRecordsWhere } from './vectorReads.js';

const STATUS_RANK: Readonly<Record<string, number>> = { VALID: 2, PENDING: 1 };

// spec §8 `sections_to_line_map`
/**
 * Which section each line belongs to: INVALID sections are ignored; when two sections claim
 * a line, the one with the higher (status rank: VALID 2, PENDING 1, other 0; then
 * confidence, missing = 0) wins, and on a full tie the first one (in the order given) keeps
 * it.
 *
 * @param sections - the receipt's sections
 * @returns line id → section type
 * @internal
 */
export function sectionsToLineMap(sections: readonly ReceiptSection[]): Map<number, string> {
  const best = new Map<number, { type: string; status: number; confidence: number }>();
  for (const section of sections) {
    if (section.validation_status === 'INVALID') continue;
    const status = STATUS_RANK[section.validation_status ?? ''] ?? 0;
    const confidence = section.confidence ?? 0;
    for (const lineId of section.line_ids) {
      const current = best.get(lineId);
      const better =
        current === undefined ||
        status > current.status ||
        (status === current.status && confidence > current.confidence);
      if (better) best.set(lineId, { type: section.section_type, status, confidence });
    }
  }
  return new Map([...best].map(([lineId, { type }]) => [lineId, type]));
}

// spec §8 `row_section_from_map`
/**
 * The section of a row: the section most of its mapped lines belong to; `null` when none of
 * its lines is mapped or the top count is tied.
 *
 * @param lineIds - the lines of the row
 * @param lineMap - from {@link sectionsToLineMap}
 * @internal
 */
export function rowSectionFromMap(
  lineIds: readonly number[],
  lineMap: ReadonlyMap<number, string>,
): string | null {
  const counts = new Map<string, number>();
  for (const lineId of lineIds) {
    const section = lineMap.get(lineId);
    if (section !== undefined) counts.set(section, (counts.get(section) ?? 0) + 1);
  }
  let winner: string | null = null;
  let top = 0;
  let tied = false;
  for (const [section, count] of counts) {
    if (count > top) {
      winner = section;
      top = count;
      tied = false;
    } else if (count === top) {
      tied = true;
    }
  }
  return tied ? null : winner;
}

/** Options of {@link recomputeSectionLabels}. */
export interface RecomputeSectionLabelsOptions extends OperationOptions {
  /**
   * Receipts to recompute although no message names them, e.g. those whose deltas were
   * merged in the same batch. Their results have no `recordIds`.
   * @default none
   */
  readonly extraReceipts?: readonly ReceiptRef[] | undefined;
}

interface ReceiptJob {
  readonly ref: ReceiptRef;
  readonly recordIds: string[];
}

// spec §8
/**
 * Recomputes `section_label` on the rows of the `lines` collection for every
 * receipt named by a section message or listed in `extraReceipts`, once per receipt however
 * many messages name it. Per receipt: one `get` of its rows; none → `skipped` without reading
 * DynamoDB; otherwise one consistent read of its sections, and an `update` (per
 * `maxBatchSize` rows) of only the rows whose label changes, sending `{ section_label }`
 * (`null` removes it). A line belongs to the section that claims it with the best
 * validation status (VALID, then PENDING, then any other; INVALID sections claim nothing),
 * then the highest confidence, then the first listed; a row's section is the one most of its
 * lines belong to, and none when no line is claimed or two sections tie.
 *
 * Returns one result per receipt (in order of first mention, extra receipts last) whose
 * `recordIds` list every input that named it, plus one `failed` result per input without a
 * valid `image_id`/`receipt_id` (`InvalidChromaIdError`). A Chroma or DynamoDB error fails
 * the receipt (retrying is safe: the recompute is idempotent).
 *
 * @param inputs - `RECEIPT_SECTION` messages (any event) with their record ids
 * @param options - `vectors` (the `lines` collection), `receipts`, `extraReceipts`, …
 * @returns one result per receipt, then one per input without valid ids
 * @throws {RangeError} when `maxBatchSize` is not a positive integer
 * @example
 * ```ts
 * import {
 *   type OperationInput,
 *   type ReceiptRef,
 *   type ReceiptStore,
 *   recomputeSectionLabels,
 *   type VectorCollection,
 * } from '@receipt-chroma/chroma-compaction';
 *
 * declare const lines: VectorCollection;
 * declare const receipts: ReceiptStore;
 * declare const sectionMessages: readonly OperationInput[]; // RECEIPT_SECTION messages
 * declare const mergedReceipts: readonly ReceiptRef[];
 *
 * const results = await recomputeSectionLabels(sectionMessages, {
 *   vectors: lines,
 *   receipts,
 *   extraReceipts: mergedReceipts,
 * });
 * ```
 */
export async function recomputeSectionLabels(
  inputs: readonly OperationInput[],
  options: RecomputeSectionLabelsOptions,
): Promise<SectionUpdateResult[]> {
  const { vectors, receipts } = options;
  const { logger, metrics } = observersOf(options);
  const batchSize = batchSizeOf(options);
  const collection = vectors.name;
  const results: SectionUpdateResult[] = [];

  const jobs = new Map<string, ReceiptJob>();
  const addJob = (ref: ReceiptRef, recordId: string | undefined): void => {
    const key = receiptKey(ref);
    const job = jobs.get(key) ?? {
      ref: { imageId: ref.imageId, receiptId: ref.receiptId },
      recordIds: [],
    };
    if (recordId !== undefined) job.recordIds.push(recordId);
    jobs.set(key, job);
  };
  const invalid = (
    data: { readonly image_id?: unknown; readonly receipt_id?: unknown },
    recordIds: string[],
    thrown: unknown,
  ): void => {
    const error = toError(thrown);
    logger.error('Invalid section message ids', { entityData: data, error });
    results.push({
      kind: 'section',
      collection,
      status: 'failed',
      imageId: typeof data.image_id === 'string' ? data.image_id : 'unknown',
      receiptId: typeof data.receipt_id === 'number' ? data.receipt_id : 0,
      updatedCount: 0,
      reason: 'invalid receipt ids',
      error,
      recordIds,
    });
  };
  for (const input of inputs) {
    const data = input.message.entityData;
    try {
      addJob(readReceiptRef(data), input.recordId);
    } catch (thrown) {
      invalid(data, input.recordId === undefined ? [] : [input.recordId], thrown);
    }
  }
  for (const ref of options.extraReceipts ?? []) {
    try {
      addJob(readReceiptRef({ image_id: ref.imageId, receipt_id: ref.receiptId }), undefined);
    } catch (thrown) {
      invalid({ image_id: ref.imageId, receipt_id: ref.receiptId }, [], thrown);
    }
  }

  for (const { ref, recordIds } of jobs.values()) {
    const base = { kind: 'section', collection, ...ref, recordIds } as const;
    metrics.count('SectionRecomputeProcessed', 1, dimensionsOf(collection));
    let step = 'Chroma get failed';
    try {
      const rows = await getRecordsWhere(vectors, receiptWhere(ref), batchSize);
      if (rows.size === 0) {
        logger.debug('No rows for receipt; skipping section recompute', { ...ref });
        results.push({
          ...base,
          status: 'skipped',
          updatedCount: 0,
          reason: 'no rows for receipt',
        });
        continue;
      }
      step = 'DynamoDB read of sections failed';
      const lineMap = sectionsToLineMap(await receipts.listReceiptSections(ref));
      const changed: RecordPatch[] = [];
      for (const [id, metadata] of rows) {
        const section = rowSection(metadata, lineMap);
        if (section !== undefined) {
          changed.push({ id, patch: { section_label: section }, stored: metadata });
        }
      }
      step = 'Chroma update failed';
      await updateInBatches(vectors, changed, batchSize);
      results.push(
        changed.length === 0
          ? { ...base, status: 'skipped', updatedCount: 0, reason: 'unchanged' }
          : { ...base, status: 'applied', updatedCount: changed.length },
      );
    } catch (thrown) {
      const error = toError(unwrapBatchWriteError(thrown).cause);
      const reason = writeFailureReason(error, step);
      logger.error('Error recomputing section labels', { ...ref, reason, error });
      metrics.count('SectionRecomputeError', 1, dimensionsOf(collection, error));
      results.push({ ...base, status: 'failed', updatedCount: 0, reason, error });
    }
  }
  return results;
}

/**
 * The `section_label` a row should get, or `undefined` when it already has it (or its lines
 * cannot be read). A missing label and `null` are the same.
 */
const rowSection = (
  metadata: Metadata | null,
  lineMap: ReadonlyMap<number, string>,
): string | null | undefined => {
  const lineIds = readRowLineIds(metadata);
  if (lineIds === undefined) return undefined;
  const wanted = rowSectionFromMap(lineIds, lineMap);
  const current = metadata?.['section_label'] ?? null;
  return current === wanted ? undefined : wanted;
};
