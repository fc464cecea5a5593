import { MetricName, type TargetQueue } from '../constants.js';
import {
  type FailedQueueEntry,
  type PublishFailure,
  PublishFailureError,
  QueueBatchFailureError,
  type QueueMessageTooLargeError,
  QueueServiceError,
} from '../errors.js';
import type { StreamMessage } from '../messages/types.js';
import { type Observability, resolveObservability } from '../observability.js';
import { planQueueBatches } from './planQueueBatches.js';
import type {
  OversizedQueueEntry,
  PlannedQueueBatch,
  PlannedQueueEntry,
  PublishMessagesOptions,
  PublishResult,
  QueuePlan,
  SendMessageBatch,
  SendMessageBatchOutput,
} from './types.js';

const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_BASE_DELAY_MS = 100;
/** No single backoff delay exceeds this, whatever `maxAttempts` is. */
const MAX_DELAY_MS = 20_000;

interface SendContext extends Observability {
  readonly send: SendMessageBatch;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
}

interface BatchOutcome {
  readonly sent: number;
  readonly failures: readonly PublishFailure[];
}

const sleep = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

/** Exponential backoff with jitter: between half and all of `base * 2^(retry - 1)`. */
const backoffMs = (base: number, retry: number): number =>
  Math.round(Math.min(base * 2 ** (retry - 1), MAX_DELAY_MS) * (0.5 + Math.random() / 2));

const errorName = (error: unknown): string | undefined =>
  error instanceof Error ? error.name : undefined;

/** The AWS SDK marks errors the caller caused with `$fault: 'client'`. */
const isClientFault = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  (error as { readonly $fault?: unknown }).$fault === 'client';

const failure = (
  planned: PlannedQueueEntry,
  queue: TargetQueue,
  code: string | undefined,
  senderFault: boolean,
  cause: QueueBatchFailureError | QueueServiceError,
): PublishFailure => ({
  messageIndex: planned.messageIndex,
  message: planned.message,
  queue,
  entryId: planned.entry.Id,
  code,
  senderFault,
  cause,
});

/** The failure of a message too large to send at all: the sender's fault, never retried. */
const oversizedFailure = (oversized: OversizedQueueEntry, queue: TargetQueue): PublishFailure => {
  const cause: QueueMessageTooLargeError = oversized.error;
  return {
    messageIndex: oversized.messageIndex,
    message: oversized.message,
    queue,
    entryId: oversized.entryId,
    code: cause.name,
    senderFault: true,
    cause,
  };
};

/** Counts and logs what planning did to fit the size limit: shrunk and unsendable messages. */
const reportSizes = (plan: QueuePlan, ctx: SendContext): PublishFailure[] => {
  const { queue } = plan;
  let truncated = 0;
  for (const batch of plan.batches) {
    for (const planned of batch.entries) if (planned.truncated) truncated++;
  }
  if (truncated > 0) {
    ctx.count(MetricName.SQS_MESSAGES_TRUNCATED, truncated, { collection: queue });
    ctx.logger.warn(`Shrank ${truncated} message(s) for '${queue}' queue to fit its size limit`, {
      queue,
      truncated,
    });
  }
  const failures = plan.oversized.map((oversized) => oversizedFailure(oversized, queue));
  if (failures.length > 0) {
    ctx.count(MetricName.SQS_MESSAGES_FAILED, failures.length, { collection: queue });
    ctx.logger.error(`${failures.length} message(s) too large for '${queue}' queue; not sent`, {
      queue,
      entryIds: failures.map((item) => item.entryId),
      errors: plan.oversized.map((oversized) => oversized.error.message),
    });
  }
  return failures;
};

/** Sends one planned batch, retrying failed entries and thrown calls; never throws. */
const sendBatch = async (batch: PlannedQueueBatch, ctx: SendContext): Promise<BatchOutcome> => {
  const { queue } = batch;
  const failures: PublishFailure[] = [];
  /** Entries SQS rejected for good, with the `Failed` item of their last attempt. */
  const rejected: [PlannedQueueEntry, FailedQueueEntry][] = [];
  let pending: readonly PlannedQueueEntry[] = batch.entries;
  let sent = 0;

  for (let attempt = 1; pending.length > 0; attempt++) {
    const input =
      attempt === 1
        ? batch.input
        : { QueueUrl: batch.input.QueueUrl, Entries: pending.map((planned) => planned.entry) };
    const canRetry = attempt < ctx.maxAttempts;
    let output: SendMessageBatchOutput;
    try {
      output = await ctx.send(input);
    } catch (error) {
      if (canRetry) {
        const delayMs = backoffMs(ctx.baseDelayMs, attempt);
        ctx.logger.warn(`Retrying ${pending.length} message(s) for '${queue}' queue`, {
          queue,
          attempt,
          delayMs,
          error: errorName(error) ?? String(error),
        });
        ctx.count(MetricName.SQS_MESSAGES_RETRIED, pending.length, { collection: queue });
        await sleep(delayMs);
        continue;
      }
      const cause = new QueueServiceError(queue, pending.length, { cause: error });
      const code = errorName(error);
      const senderFault = isClientFault(error);
      for (const planned of pending)
        failures.push(failure(planned, queue, code, senderFault, cause));
      break;
    }

    const succeeded = new Set<string | undefined>();
    for (const entry of output.Successful ?? []) succeeded.add(entry.Id);
    const failedById = new Map<string | undefined, FailedQueueEntry>();
    for (const entry of output.Failed ?? [])
      failedById.set(entry.Id, { ...entry, Id: entry.Id ?? '' });

    const retry: PlannedQueueEntry[] = [];
    for (const planned of pending) {
      const id = planned.entry.Id;
      if (succeeded.has(id)) {
        sent++;
        continue;
      }
      // An entry SQS reported neither way has not been confirmed: treat it as failed.
      const failed = failedById.get(id) ?? {
        Id: id,
        Code: 'MissingFromResponse',
        Message: 'The SendMessageBatch response listed this entry neither as sent nor as failed',
        SenderFault: false,
      };
      if (failed.SenderFault === true || !canRetry) rejected.push([planned, failed]);
      else retry.push(planned);
    }
    if (retry.length === 0) break;
    const delayMs = backoffMs(ctx.baseDelayMs, attempt);
    ctx.logger.warn(`Retrying ${retry.length} message(s) for '${queue}' queue`, {
      queue,
      attempt,
      delayMs,
      codes: [...new Set(retry.map((planned) => failedById.get(planned.entry.Id)?.Code))],
    });
    ctx.count(MetricName.SQS_MESSAGES_RETRIED, retry.length, { collection: queue });
    await sleep(delayMs);
    pending = retry;
  }

  if (rejected.length > 0) {
    const cause = new QueueBatchFailureError(
      queue,
      rejected.map(([, failed]) => failed),
    );
    for (const [planned, failed] of rejected) {
      failures.push(failure(planned, queue, failed.Code, failed.SenderFault === true, cause));
    }
  }
  return { sent, failures };
};

const positiveInteger = (name: string, value: number): number => {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
};

// Publishing: spec §10, with the "surface publish failures" fix.
/**
 * Publishes messages to their target queues with `SendMessageBatch`: plans every request
 * first ({@link planQueueBatches}), so a queue without a URL raises
 * `QueueConfigurationError` before anything is sent; then sends the batches queue by
 * queue in `TARGET_QUEUE_ORDER`. Partial success is never reported as success: the
 * call rejects when any entry did not get through.
 *
 * A message over the size limit is shrunk to fit (its `changes` lose their `old` values,
 * then their longest strings; the entry carries `truncated` = `true`), so it never blocks
 * the batch; one that cannot fit even so is not sent and fails alone, with a
 * `QueueMessageTooLargeError` and `senderFault: true`.
 *
 * Entries in a response's `Failed` list, and whole calls that throw, are retried with
 * exponential backoff and jitter; entries with `SenderFault: true` are not retried. A
 * failing batch does not stop the others: every batch is attempted, and if any entry
 * still failed, a `PublishFailureError` lists each message and queue that was not reached
 * (with the `QueueBatchFailureError`, `QueueServiceError` or `QueueMessageTooLargeError`
 * behind it) and how many were sent.
 *
 * Metrics (dimension `collection`): `SQSMessagesSuccessful` per batch, `SQSMessagesFailed`
 * for entries that finally failed, `SQSMessagesRetried` for entries sent again,
 * `SQSMessagesTruncated` for entries shrunk to fit.
 *
 * @param messages - the messages to publish
 * @param options - the `send` call, queue URLs, retry settings and observability hooks
 * @returns the number of entries sent, in total and per queue
 * @throws {@link QueueConfigurationError} before sending anything, when a queue that
 *   messages target has no URL
 * @throws {@link PublishFailureError} after every batch was attempted, when some entries
 *   still failed; its `failures` hold a {@link QueueBatchFailureError},
 *   {@link QueueServiceError} or {@link QueueMessageTooLargeError} for each
 * @throws {RangeError} before sending anything, when `maxAttempts`, `baseDelayMs` or
 *   `maxBatchBytes` is out of range, or a message holds a number that is not finite
 * @example
 * ```ts
 * import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
 * import { publishMessages, type StreamMessage } from '@receipt-chroma/dynamo-stream';
 *
 * declare const messages: StreamMessage[];
 * declare const linesQueueUrl: string, wordsQueueUrl: string;
 *
 * const sqs = new SQSClient({});
 * const { sent, byQueue } = await publishMessages(messages, {
 *   send: (input) => sqs.send(new SendMessageBatchCommand(input)),
 *   queueUrls: { lines: linesQueueUrl, words: wordsQueueUrl },
 * });
 * console.log(`sent ${sent}: ${byQueue.lines} to lines, ${byQueue.words} to words`);
 * ```
 */
export const publishMessages = async (
  messages: readonly StreamMessage[],
  options: PublishMessagesOptions,
): Promise<PublishResult> => {
  const maxAttempts = positiveInteger('maxAttempts', options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  const baseDelayMs = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  if (!Number.isFinite(baseDelayMs) || baseDelayMs < 0) {
    throw new RangeError(`baseDelayMs must be a non-negative number, got ${baseDelayMs}`);
  }
  const plans = planQueueBatches(messages, {
    queueUrls: options.queueUrls,
    maxBatchBytes: options.maxBatchBytes,
  });
  const ctx: SendContext = {
    ...resolveObservability(options),
    send: options.send,
    maxAttempts,
    baseDelayMs,
  };

  const byQueue: Record<TargetQueue, number> = {
    lines: 0,
    words: 0,
    receipt_summary: 0,
    line_items: 0,
  };
  const failures: PublishFailure[] = [];
  for (const plan of plans) {
    failures.push(...reportSizes(plan, ctx));
    for (const batch of plan.batches) {
      const outcome = await sendBatch(batch, ctx);
      byQueue[plan.queue] += outcome.sent;
      ctx.count(MetricName.SQS_MESSAGES_SUCCESSFUL, outcome.sent, { collection: plan.queue });
      if (outcome.failures.length > 0) {
        ctx.count(MetricName.SQS_MESSAGES_FAILED, outcome.failures.length, {
          collection: plan.queue,
        });
        ctx.logger.error(
          `Failed to send ${outcome.failures.length} message(s) to '${plan.queue}' queue`,
          {
            queue: plan.queue,
            entryIds: outcome.failures.map((item) => item.entryId),
            codes: [...new Set(outcome.failures.map((item) => item.code))],
          },
        );
        failures.push(...outcome.failures);
      }
      if (outcome.sent > 0) {
        ctx.logger.info(`Sent ${outcome.sent} messages to ${plan.queue} queue`, {
          queue: plan.queue,
          sent: outcome.sent,
        });
      }
    }
  }

  const sent = byQueue.lines + byQueue.words + byQueue.receipt_summary + byQueue.line_items;
  if (failures.length > 0) {
    throw new PublishFailureError(sent, failures, { cause: failures[0]?.cause });
  }
  return { sent, byQueue };
};
