import { applyWordLabelMessages, type WordLabelOptions } from './applyWordLabelMessages.js';
import type { LabelUpdateResult } from './results.js';
import type { OperationInput } from './types.js';

// spec §6.6, fixed as §18.4 asks.
/**
 * Handles label REMOVE messages: instead of wiping every
 * label field of the word, it rebuilds the word's label metadata from the labels that remain
 * in DynamoDB, so removing one of two labels keeps the other. Fields whose source is gone are
 * sent as `null` (removed); a word left without labels loses all of them. Each word that
 * changed gets `labels_removed_at`. Batched per receipt; one result per input, in input
 * order (see {@link applyWordLabelMessages}).
 *
 * @param inputs - `RECEIPT_WORD_LABEL` REMOVE messages with their record ids
 * @param options - `vectors` (the `words` collection), `receipts`, `labelFormat`, …
 * @returns one result per input, in input order
 * @throws {RangeError} when `maxBatchSize` is not a positive integer
 * @example
 * ```ts
 * import type { DecodedStreamMessage } from '@receipt-chroma/dynamo-stream';
 * import {
 *   type ReceiptStore,
 *   removeWordLabels,
 *   type VectorCollection,
 * } from '@receipt-chroma/chroma-compaction';
 *
 * declare const words: VectorCollection;
 * declare const receipts: ReceiptStore;
 * declare const recordId: string; // the SQS messageId
 * declare const message: DecodedStreamMessage; // a RECEIPT_WORD_LABEL REMOVE
 *
 * const [result] = await removeWordLabels([{ recordId, message }], { vectors: words, receipts });
 * ```
 */
export function removeWordLabels(
  inputs: readonly OperationInput[],
  options: WordLabelOptions,
): Promise<LabelUpdateResult[]> {
  return applyWordLabelMessages(inputs, options, () => 'remove');
}
