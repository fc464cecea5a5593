import { applyWordLabelMessages, type WordLabelOptions } from './applyWordLabelMessages.js';
import type { LabelUpdateResult } from './results.js';
import type { OperationInput } from './types.js';

// spec §6.2/§6.3
/**
 * Rebuilds the label metadata of the words named by label INSERT/MODIFY messages from the
 * labels DynamoDB holds for them, and stamps `last_label_update` on each
 * word that changed. Batched per receipt; one result per input, in input order. See
 * {@link applyWordLabelMessages} for the outcomes and the batching.
 *
 * @param inputs - `RECEIPT_WORD_LABEL` messages with their record ids
 * @param options - `vectors` (the `words` collection), `receipts`, `labelFormat`, …
 * @returns one result per input, in input order
 * @throws {RangeError} when `maxBatchSize` is not a positive integer
 * @example
 * ```ts
 * import type { DecodedStreamMessage } from '@receipt-chroma/dynamo-stream';
 * import {
 *   type ReceiptStore,
 *   updateWordLabels,
 *   type VectorCollection,
 * } from '@receipt-chroma/chroma-compaction';
 *
 * declare const words: VectorCollection;
 * declare const receipts: ReceiptStore;
 * declare const recordId: string; // the SQS messageId
 * declare const message: DecodedStreamMessage; // a RECEIPT_WORD_LABEL INSERT or MODIFY
 *
 * const results = await updateWordLabels([{ recordId, message }], { vectors: words, receipts });
 * const failed = results.filter((result) => result.status === 'failed');
 * ```
 */
export function updateWordLabels(
  inputs: readonly OperationInput[],
  options: WordLabelOptions,
): Promise<LabelUpdateResult[]> {
  return applyWordLabelMessages(inputs, options, () => 'update');
}
