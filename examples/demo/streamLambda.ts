import {
  buildStreamMessages,
  type DynamoDBStreamRecord,
  publishMessages,
  type TargetQueue,
} from '@receipt-chroma/dynamo-stream';
import type { LocalQueues } from './localQueues.js';

/** How many stream records one invocation of the stream Lambda receives. */
export const STREAM_BATCH_SIZE = 100;

/** What the stream Lambda did with a run of stream records. */
export interface StreamRunResult {
  readonly records: number;
  readonly invocations: number;
  /** Messages built (one per entity change that matters to Chroma). */
  readonly messages: number;
  /** Queue entries sent, per queue (a message routed to two queues counts twice). */
  readonly sent: Readonly<Record<TargetQueue, number>>;
  /** Records the builder refused (bad items); the demo's writes should have none. */
  readonly refused: number;
}

/**
 * Runs the stream Lambda over `records` in invocations of {@link STREAM_BATCH_SIZE}, with the
 * calls `examples/stream-processor/handler.ts` makes: `buildStreamMessages`, then
 * `publishMessages` to the queues (here in memory).
 */
export const runStreamLambda = async (
  records: readonly DynamoDBStreamRecord[],
  queues: LocalQueues,
): Promise<StreamRunResult> => {
  const sent: Record<TargetQueue, number> = {
    lines: 0,
    words: 0,
    receipt_summary: 0,
    line_items: 0,
  };
  let messages = 0;
  let refused = 0;
  let invocations = 0;
  for (let start = 0; start < records.length; start += STREAM_BATCH_SIZE) {
    invocations += 1;
    // A JSON round trip, as Lambda hands the handler a parsed event.
    const event = JSON.parse(
      JSON.stringify({ Records: records.slice(start, start + STREAM_BATCH_SIZE) }),
    ) as { Records: DynamoDBStreamRecord[] };
    const built = buildStreamMessages(event.Records);
    messages += built.messages.length;
    refused += built.failures.length;
    if (built.messages.length === 0) continue;
    const published = await publishMessages(built.messages, {
      send: queues.send,
      queueUrls: queues.urls,
    });
    for (const [queue, count] of Object.entries(published.byQueue) as [TargetQueue, number][]) {
      sent[queue] += count;
    }
  }
  return { records: records.length, invocations, messages, sent, refused };
};
