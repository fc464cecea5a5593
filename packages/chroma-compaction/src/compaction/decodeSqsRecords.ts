import { safeDecodeStreamMessage } from '@receipt-chroma/dynamo-stream';
import type { CollectionUpdateInput, FailedRecordOutcome } from './types.js';

/**
 * The parts of a Lambda SQS record this package reads. `SQSRecord` from `@types/aws-lambda`
 * fits it, so `event.Records` can be passed as is.
 */
export interface SqsRecordLike {
  /** The SQS message id; becomes the input's `recordId`. */
  readonly messageId: string;
  /** The message body, a JSON stream message as `@receipt-chroma/dynamo-stream` publishes it. */
  readonly body: string;
  /** The message attributes; only `collection` is read. */
  readonly messageAttributes?:
    | Readonly<
        Record<
          string,
          | {
              /** The attribute's value, for a `String` attribute. */
              readonly stringValue?: string | undefined;
            }
          | undefined
        >
      >
    | undefined;
}

/** What {@link decodeSqsRecords} returns. */
export interface DecodeSqsRecordsResult {
  /** The records that decoded, in order. */
  readonly inputs: CollectionUpdateInput[];
  /** One failed outcome per record that did not (its `error` is a `MessageDecodeError`). */
  readonly failures: FailedRecordOutcome[];
}

/**
 * Decodes the records of a Lambda SQS event into the inputs of `processCollectionUpdates`:
 * each body is decoded with `@receipt-chroma/dynamo-stream`'s wire schema
 * (`safeDecodeStreamMessage`), `recordId` is the record's `messageId`, and `collection` is
 * the record's `collection` message attribute when it has one.
 *
 * A body that is not JSON or does not match the wire format becomes one failure (retried,
 * then dead-lettered by the queue), never a crash and never an acknowledgement; the
 * other records are unaffected. Never throws.
 *
 * @param records - `event.Records`
 * @returns the inputs that decoded and one failure per record that did not
 * @example
 * ```ts
 * import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
 * import {
 *   decodeSqsRecords,
 *   processCollectionUpdates,
 *   type ReceiptStore,
 *   toBatchItemFailures,
 *   type VectorCollection,
 * } from '@receipt-chroma/chroma-compaction';
 *
 * declare const vectors: VectorCollection;
 * declare const receipts: ReceiptStore;
 *
 * export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
 *   const { inputs, failures } = decodeSqsRecords(event.Records);
 *   const result = await processCollectionUpdates(inputs, 'words', { vectors, receipts });
 *   return toBatchItemFailures(result, { failures, records: event.Records });
 * };
 * ```
 */
export function decodeSqsRecords(records: readonly SqsRecordLike[]): DecodeSqsRecordsResult {
  const inputs: CollectionUpdateInput[] = [];
  const failures: FailedRecordOutcome[] = [];
  for (const record of records) {
    const recordId = String(record?.messageId);
    const decoded = safeDecodeStreamMessage(record?.body);
    if (!decoded.success) {
      failures.push({
        recordId,
        status: 'failed',
        reason: `undecodable message body: ${decoded.error.message}`,
        error: decoded.error,
      });
      continue;
    }
    const collection = record.messageAttributes?.['collection']?.stringValue;
    inputs.push(
      collection === undefined
        ? { recordId, message: decoded.data }
        : { recordId, message: decoded.data, collection },
    );
  }
  return { inputs, failures };
}
