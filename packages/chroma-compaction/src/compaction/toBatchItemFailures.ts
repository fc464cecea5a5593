import type { RecordOutcome } from './types.js';

/** The Lambda SQS partial-batch response (`SQSBatchResponse` of `@types/aws-lambda`). */
export interface BatchItemFailuresResponse {
  /** The records to retry; an empty list acknowledges the whole batch. */
  batchItemFailures: {
    /** The SQS `messageId` of a record to retry. */
    itemIdentifier: string;
  }[];
}

/** Options of {@link toBatchItemFailures}. */
export interface BatchItemFailuresOptions {
  /**
   * Every record of the batch (`event.Records`). A record with no outcome at all counts as
   * failed, so a record that was lost on the way (never decoded, never processed) is
   * retried instead of acknowledged. Outcomes of ids that are not among the records (e.g.
   * messages fetched from the queue by hand) are left out: Lambda would fail the whole
   * batch for an unknown id, and those messages are not acknowledged by the response
   * anyway (they reappear unless deleted explicitly).
   * @default none (only the ids of failed outcomes are returned, in the order found)
   */
  readonly records?:
    | readonly {
        /** The SQS message id. */
        readonly messageId: string;
      }[]
    | undefined;
  /** More failed outcomes, e.g. `decodeSqsRecords(…).failures`. @default none */
  readonly failures?: readonly RecordOutcome[] | undefined;
}

/** Anything that holds outcomes: a `CollectionUpdateResult`. */
export interface WithOutcomes {
  /** One outcome per input (a record may have more than one across results). */
  readonly outcomes: readonly RecordOutcome[];
}

const isFailedOrUnknown = (outcome: RecordOutcome): boolean =>
  outcome.status !== 'applied' && outcome.status !== 'skipped';

/**
 * The partial-batch response for a Lambda SQS event: the ids of the records to retry, and
 * only those. A record is retried when any of its outcomes failed (or has a status other
 * than `applied` / `skipped`), or, with `records`, when it has no outcome at all. Each id
 * appears once, in the order of `records` when given, else in the order found.
 *
 * @param results - the result(s) of `processCollectionUpdates` (one per collection)
 * @param options - all the records of the batch, and extra failures such as decode failures
 * @returns the Lambda partial-batch response
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
 * declare const lines: VectorCollection;
 * declare const words: VectorCollection;
 * declare const receipts: ReceiptStore;
 *
 * export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
 *   const { inputs, failures } = decodeSqsRecords(event.Records);
 *   const routed = (name: string) => inputs.filter((input) => input.collection === name);
 *   const results = [
 *     await processCollectionUpdates(routed('lines'), 'lines', { vectors: lines, receipts }),
 *     await processCollectionUpdates(routed('words'), 'words', { vectors: words, receipts }),
 *   ];
 *   // Retried: records that failed on their collection, did not decode, or were routed nowhere.
 *   return toBatchItemFailures(results, { failures, records: event.Records });
 * };
 * ```
 */
export function toBatchItemFailures(
  results: WithOutcomes | readonly WithOutcomes[],
  options: BatchItemFailuresOptions = {},
): BatchItemFailuresResponse {
  const list: readonly WithOutcomes[] = Array.isArray(results)
    ? (results as readonly WithOutcomes[])
    : [results as WithOutcomes];
  const outcomes = [...list.flatMap((result) => result.outcomes), ...(options.failures ?? [])];

  const failed = new Set<string>();
  const seen = new Set<string>();
  const order: string[] = [];
  for (const outcome of outcomes) {
    const id = String(outcome.recordId);
    if (!seen.has(id)) order.push(id);
    seen.add(id);
    if (isFailedOrUnknown(outcome)) failed.add(id);
  }

  let ids: string[];
  if (options.records === undefined) {
    ids = order.filter((id) => failed.has(id));
  } else {
    ids = [];
    const recordIds = new Set<string>();
    for (const record of options.records) {
      const id = String(record.messageId);
      if (recordIds.has(id)) continue;
      recordIds.add(id);
      if (failed.has(id) || !seen.has(id)) ids.push(id);
    }
  }
  return { batchItemFailures: ids.map((itemIdentifier) => ({ itemIdentifier })) };
}
