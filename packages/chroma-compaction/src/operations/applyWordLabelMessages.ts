import type { ReceiptWordLabel } from '@receipt-chroma/dynamo-stream';
import { toError } from '../errors.js';
import { wordChromaId } from '../ids/chromaIds.js';
import type { ReceiptRef, WordRef } from '../ports/receiptStore.js';
import type { Metadata, MetadataValue } from '../ports/vectorCollection.js';
import { type RecordPatch, updateEachBatch } from '../vectors/writeBatches.js';
import {
  ARRAY_LABEL_KEYS,
  DELIMITED_LABEL_KEYS,
  deriveWordLabelState,
  type LabelFormat,
  labelStatePatch,
} from './labelMetadata.js';
import {
  batchSizeOf,
  clockOf,
  dimensionsOf,
  type LabelOutcome,
  labelInputResult,
  observersOf,
  patchChanges,
  receiptKey,
  writeFailureReason,
} from './operationSupport.js';
import type { LabelUpdateResult } from './results.js';
import type { OperationInput, OperationOptions } from './types.js';
import { getRecords } from './vectorReads.js';

/** Options of the word label operations. */
export interface WordLabelOptions extends OperationOptions {
  /**
   * How the `words` collection stores a word's label sets (see {@link LabelFormat}).
   * @default 'array'
   */
  readonly labelFormat?: LabelFormat | undefined;
}

/** What a label message asks for: rebuild after a change, or after a removal. */
export type WordLabelMode = 'update' | 'remove';

/** One word touched by the batch, and the inputs (by index) that touch it. */
interface WordTarget {
  readonly ref: WordRef;
  readonly chromaId: string;
  readonly inputs: number[];
  update: boolean;
  remove: boolean;
}

interface ReceiptGroup {
  readonly ref: ReceiptRef;
  readonly words: Map<string, WordTarget>;
}

/** The keys of the label format not in use, removed when a record still has them. */
const otherFormatKeys = (format: LabelFormat): readonly string[] =>
  format === 'array' ? DELIMITED_LABEL_KEYS : ARRAY_LABEL_KEYS;

const modeOfEvent = (input: OperationInput): WordLabelMode =>
  input.message.eventName === 'REMOVE' ? 'remove' : 'update';

// The legacy flags are the one-flag-per-label format of spec §6.5.
/**
 * The metadata to send for one word: the rebuilt label fields (every key written, `null`
 * where its source is gone), `null` for the other format's keys and for legacy boolean
 * `label_{NAME}` flags (an older layout with one flag per label) still on the record.
 */
const wordPatch = (
  stored: Metadata | null,
  labels: readonly ReceiptWordLabel[],
  format: LabelFormat,
): { patch: Record<string, MetadataValue | null>; validCount: number } => {
  const state = deriveWordLabelState(labels);
  const patch: Record<string, MetadataValue | null> = { ...labelStatePatch(state, format) };
  for (const [key, value] of Object.entries(stored ?? {})) {
    const legacyFlag = key.startsWith('label_') && typeof value === 'boolean';
    if ((legacyFlag || otherFormatKeys(format).includes(key)) && !Object.hasOwn(patch, key)) {
      patch[key] = null;
    }
  }
  return { patch, validCount: state.valid.length };
};

// spec §6, with the fixes of §18.1, §18.2 and §18.4.
/**
 * Applies word label messages to the `words` collection. For every word named by a message,
 * the label metadata is rebuilt from the labels that DynamoDB holds for it now (see
 * `reconstructLabelMetadata`), so a MODIFY, an INSERT and a REMOVE all converge on
 * the same state and replaying a message changes nothing. A REMOVE therefore keeps the
 * word's other labels instead of wiping them.
 * Keys whose source is gone are sent as `null` (Chroma's update merges, so leaving a key out
 * would keep it), and so are the keys of the other label format and legacy boolean
 * `label_{NAME}` flags (an older layout with one flag per label) still on the record, so a
 * word never carries two disagreeing label sets.
 *
 * Messages are grouped by receipt: per receipt one Chroma `get` for every word id (split at
 * `maxBatchSize`), one DynamoDB read (`listWordLabels` for a single word,
 * `listReceiptWordLabels` for several), and one `update` per `maxBatchSize` changed words.
 * A word whose metadata would not change is not written (`skipped`, reason `unchanged`).
 * Changed words get `last_label_update` (for a change) and/or `labels_removed_at` (for a
 * removal) set to `now()`.
 *
 * Returns one result per input, in input order:
 * - `failed`: the message's ids do not form a word id (`InvalidChromaIdError`), or the Chroma
 *   read/write or the DynamoDB read failed (the error is kept).
 * - `skipped`: the word has no embedding in the collection, or nothing changed.
 * - `applied`: the word was written; `updatedCount` is 1 on the first input of that word and
 *   0 on any other input of the batch naming the same word.
 *
 * Never rejects for a per-message problem.
 *
 * @param inputs - `RECEIPT_WORD_LABEL` messages (any event) with their record ids
 * @param options - the collections, label format, batch size, clock, logger and metrics
 * @param modeOf - whether an input is a removal; by default its `eventName` is `REMOVE`
 * @returns one result per input, in input order
 * @throws {RangeError} when `maxBatchSize` is not a positive integer
 * @example
 * ```ts
 * import {
 *   applyWordLabelMessages,
 *   type OperationInput,
 *   type ReceiptStore,
 *   type VectorCollection,
 * } from '@receipt-chroma/chroma-compaction';
 *
 * declare const words: VectorCollection;
 * declare const receipts: ReceiptStore;
 * declare const labelMessages: readonly OperationInput[]; // RECEIPT_WORD_LABEL messages
 *
 * const results = await applyWordLabelMessages(labelMessages, { vectors: words, receipts });
 * const retry = results.filter((result) => result.status === 'failed');
 * ```
 */
export async function applyWordLabelMessages(
  inputs: readonly OperationInput[],
  options: WordLabelOptions,
  modeOf: (input: OperationInput) => WordLabelMode = modeOfEvent,
): Promise<LabelUpdateResult[]> {
  const { vectors, receipts } = options;
  const { logger, metrics } = observersOf(options);
  const batchSize = batchSizeOf(options);
  const now = clockOf(options);
  const format = options.labelFormat ?? 'array';
  const collection = vectors.name;
  const results: (LabelUpdateResult | undefined)[] = new Array(inputs.length);

  const settle = (index: number, target: WordTarget | undefined, outcome: LabelOutcome): void => {
    results[index] = labelInputResult(
      collection,
      'word',
      inputs,
      index,
      target?.ref,
      target,
      outcome,
    );
  };
  const settleWord = (target: WordTarget, outcome: LabelOutcome): void => {
    for (const index of target.inputs) settle(index, target, outcome);
  };
  const fail = (targets: Iterable<WordTarget>, error: Error, reason: string): void => {
    for (const target of targets) {
      if (target.update)
        metrics.count('CompactionWordLabelUpdateError', 1, dimensionsOf(collection, error));
      if (target.remove)
        metrics.count('CompactionWordLabelRemovalError', 1, dimensionsOf(collection, error));
      logger.error('Error updating word labels', { chromaId: target.chromaId, reason, error });
      settleWord(target, { status: 'failed', reason, error });
    }
  };

  // Group the inputs by receipt and word; an input without a valid word id fails alone.
  const groups = new Map<string, ReceiptGroup>();
  for (const [index, input] of inputs.entries()) {
    const data = input.message.entityData;
    const ref: WordRef = {
      imageId: data.image_id,
      receiptId: data.receipt_id,
      lineId: data.line_id as number,
      wordId: data.word_id as number,
    };
    let chromaId: string;
    try {
      chromaId = wordChromaId(ref);
    } catch (thrown) {
      const error = toError(thrown);
      metrics.count('CompactionInvalidChromaDBID', 1, dimensionsOf(collection));
      logger.error('Invalid word label message ids', { entityData: data, error });
      settle(index, undefined, { status: 'failed', reason: 'invalid word ids', error });
      continue;
    }
    const key = receiptKey(ref);
    let group = groups.get(key);
    if (group === undefined) {
      group = { ref: { imageId: ref.imageId, receiptId: ref.receiptId }, words: new Map() };
      groups.set(key, group);
    }
    let target = group.words.get(chromaId);
    if (target === undefined) {
      target = { ref, chromaId, inputs: [], update: false, remove: false };
      group.words.set(chromaId, target);
    }
    target.inputs.push(index);
    if (modeOf(input) === 'remove') target.remove = true;
    else target.update = true;
  }

  for (const group of groups.values()) {
    // 1. Which words have an embedding, and their metadata.
    let stored: Map<string, Metadata | null>;
    try {
      stored = await getRecords(vectors, [...group.words.keys()], batchSize);
    } catch (thrown) {
      fail(group.words.values(), toError(thrown), 'Chroma get failed');
      continue;
    }
    const found: WordTarget[] = [];
    for (const target of group.words.values()) {
      if (stored.has(target.chromaId)) {
        found.push(target);
        continue;
      }
      if (target.update)
        metrics.count('CompactionWordEmbeddingNotFound', 1, dimensionsOf(collection));
      if (target.remove) {
        metrics.count('CompactionWordEmbeddingNotFoundForRemoval', 1, dimensionsOf(collection));
      }
      logger.info('Word embedding not found; it may have been deleted', {
        chromaId: target.chromaId,
      });
      settleWord(target, { status: 'skipped', reason: 'embedding not found' });
    }
    if (found.length === 0) continue;

    // 2. The labels DynamoDB holds for those words, in one read.
    let labelsOf: (target: WordTarget) => ReceiptWordLabel[];
    try {
      if (found.length === 1) {
        const labels = await receipts.listWordLabels((found[0] as WordTarget).ref);
        labelsOf = () => labels;
      } else {
        const labels = await receipts.listReceiptWordLabels(group.ref);
        labelsOf = ({ ref }) =>
          labels.filter((label) => label.line_id === ref.lineId && label.word_id === ref.wordId);
      }
    } catch (thrown) {
      fail(found, toError(thrown), 'DynamoDB read of word labels failed');
      continue;
    }

    // 3. Rebuild each word's label metadata; write only what changes.
    const writes: (RecordPatch & { target: WordTarget; validCount: number })[] = [];
    for (const target of found) {
      const current = stored.get(target.chromaId) ?? null;
      const { patch, validCount } = wordPatch(current, labelsOf(target), format);
      if (!patchChanges(current, patch)) {
        settleWord(target, { status: 'skipped', reason: 'unchanged' });
        continue;
      }
      const timestamp = now();
      if (target.update) patch['last_label_update'] = timestamp;
      if (target.remove) patch['labels_removed_at'] = timestamp;
      writes.push({ id: target.chromaId, target, patch, validCount, stored: current });
    }
    await updateEachBatch(vectors, writes, batchSize, (batch, error) => {
      if (error !== undefined) {
        fail(
          batch.map(({ target }) => target),
          error,
          writeFailureReason(error, 'Chroma update failed'),
        );
        return;
      }
      for (const { target, validCount } of batch) {
        if (target.update) {
          metrics.count('CompactionWordLabelUpdated', 1, dimensionsOf(collection));
          metrics.gauge('CompactionValidatedLabelsCount', validCount, dimensionsOf(collection));
        }
        if (target.remove) metrics.count('CompactionWordLabelRemoved', 1, dimensionsOf(collection));
        settleWord(target, { status: 'applied' });
      }
    });
  }
  return results as LabelUpdateResult[];
}
