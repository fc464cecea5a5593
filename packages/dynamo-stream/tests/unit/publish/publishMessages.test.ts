import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  PublishFailureError,
  QueueBatchFailureError,
  QueueConfigurationError,
  QueueServiceError,
} from '../../../src/errors.js';
import { decodeStreamMessage } from '../../../src/messages/wire.js';
import { publishMessages } from '../../../src/publish/publishMessages.js';
import type { SendMessageBatchInput, SendMessageBatchOutput } from '../../../src/publish/types.js';
import type { Logger, Metrics } from '../../../src/types.js';
import { placeMessage, wordLabelMessage } from '../../helpers/factories.js';

const URLS = {
  lines: 'https://sqs.test/lines',
  words: 'https://sqs.test/words',
  receipt_summary: 'https://sqs.test/summary',
  line_items: 'https://sqs.test/line-items',
} as const;

type Responder = (input: SendMessageBatchInput, call: number) => SendMessageBatchOutput;

/** A fake SendMessageBatch that records every request and answers through `respond`. */
const fakeSend = (
  respond: Responder = (input) => accept(input.Entries.map((entry) => entry.Id)),
) => {
  const calls: SendMessageBatchInput[] = [];
  const send = vi.fn(async (input: SendMessageBatchInput) => {
    calls.push(structuredClone(input));
    return respond(input, calls.length);
  });
  return { send, calls };
};

const accept = (ids: readonly string[]): SendMessageBatchOutput => ({
  Successful: ids.map((Id) => ({ Id, MessageId: `m-${Id}` })),
  Failed: [],
});

/** Accepts every entry except `failing`, which fails with `code`. */
const rejectIds =
  (failing: readonly string[], code = 'Throttled', senderFault = false): Responder =>
  (input) => ({
    Successful: input.Entries.filter((entry) => !failing.includes(entry.Id)).map((entry) => ({
      Id: entry.Id,
    })),
    Failed: input.Entries.filter((entry) => failing.includes(entry.Id)).map((entry) => ({
      Id: entry.Id,
      Code: code,
      Message: 'nope',
      SenderFault: senderFault,
    })),
  });

const recorder = () => {
  const counts: [string, number, Record<string, string> | undefined][] = [];
  const metrics: Metrics = { count: (name, value, dims) => counts.push([name, value, dims]) };
  const lines: [string, string][] = [];
  const log =
    (level: string) =>
    (message: string): void => {
      lines.push([level, message]);
    };
  const logger: Logger = {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
  };
  return { metrics, counts, logger, lines };
};

const catchError = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};

const labels = (count: number) =>
  Array.from({ length: count }, (_, i) => wordLabelMessage({ wordId: i + 1 }));

describe('Function: publishMessages', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends every batch in queue order and counts entries per queue', async () => {
    // Prepare
    const { send, calls } = fakeSend();
    const { metrics, counts, logger, lines } = recorder();
    const messages = [...labels(12), placeMessage()];

    // Act
    const result = await publishMessages(messages, { send, queueUrls: URLS, metrics, logger });

    // Assess: the place message goes to lines, words and receipt_summary; labels to words.
    expect(result).toEqual({
      sent: 15,
      byQueue: { lines: 1, words: 13, receipt_summary: 1, line_items: 0 },
    });
    expect(calls.map((call) => [call.QueueUrl, call.Entries.length])).toEqual([
      [URLS.lines, 1],
      [URLS.words, 10],
      [URLS.words, 3],
      [URLS.receipt_summary, 1],
    ]);
    expect(decodeStreamMessage(calls[0]?.Entries[0]?.MessageBody ?? '').entityType).toBe(
      'RECEIPT_PLACE',
    );
    expect(counts).toEqual([
      ['SQSMessagesSuccessful', 1, { collection: 'lines' }],
      ['SQSMessagesSuccessful', 10, { collection: 'words' }],
      ['SQSMessagesSuccessful', 3, { collection: 'words' }],
      ['SQSMessagesSuccessful', 1, { collection: 'receipt_summary' }],
    ]);
    expect(lines).toContainEqual(['info', 'Sent 10 messages to words queue']);
  });

  it('sends nothing for an empty list', async () => {
    // Prepare
    const { send } = fakeSend();

    // Act
    const result = await publishMessages([], { send, queueUrls: {} });

    // Assess
    expect(result.sent).toBe(0);
    expect(send).not.toHaveBeenCalled();
  });

  it('raises QueueConfigurationError before sending anything when a URL is missing', async () => {
    // Prepare
    const { send } = fakeSend();
    const messages = [wordLabelMessage(), wordLabelMessage({ collections: ['line_items'] })];

    // Act
    const error = await catchError(
      publishMessages(messages, { send, queueUrls: { lines: URLS.lines, words: URLS.words } }),
    );

    // Assess
    expect(error).toBeInstanceOf(QueueConfigurationError);
    expect((error as QueueConfigurationError).queueName).toBe('line_items');
    expect(send).not.toHaveBeenCalled();
  });

  it('retries the failed entries only, under their original ids, then succeeds', async () => {
    // Prepare
    const { send, calls } = fakeSend((input, call) =>
      call === 1
        ? rejectIds(['1', '3'])(input, call)
        : accept(input.Entries.map((entry) => entry.Id)),
    );
    const { metrics, counts } = recorder();

    // Act
    const result = await publishMessages(labels(4), {
      send,
      queueUrls: URLS,
      metrics,
      baseDelayMs: 0,
    });

    // Assess
    expect(result.sent).toBe(4);
    expect(calls[1]?.Entries.map((entry) => entry.Id)).toEqual(['1', '3']);
    expect(calls[1]?.Entries[0]).toEqual(calls[0]?.Entries[1]);
    expect(counts).toEqual([
      ['SQSMessagesRetried', 2, { collection: 'words' }],
      ['SQSMessagesSuccessful', 4, { collection: 'words' }],
    ]);
  });

  it('gives up after maxAttempts and reports each failed message, never success', async () => {
    // Prepare
    const { send } = fakeSend(rejectIds(['2']));
    const { metrics, counts, logger, lines } = recorder();
    const messages = labels(3);

    // Act
    const error = await catchError(
      publishMessages(messages, { send, queueUrls: URLS, metrics, logger, baseDelayMs: 0 }),
    );

    // Assess
    expect(send).toHaveBeenCalledTimes(3);
    expect(error).toBeInstanceOf(PublishFailureError);
    const failure = error as PublishFailureError;
    expect(failure.sent).toBe(2);
    expect(failure.failures).toHaveLength(1);
    expect(failure.failures[0]).toMatchObject({
      messageIndex: 2,
      message: messages[2],
      queue: 'words',
      entryId: '2',
      code: 'Throttled',
      senderFault: false,
    });
    const cause = failure.failures[0]?.cause;
    expect(cause).toBeInstanceOf(QueueBatchFailureError);
    expect((cause as QueueBatchFailureError).failedEntries).toEqual([
      { Id: '2', Code: 'Throttled', Message: 'nope', SenderFault: false },
    ]);
    expect(failure.message).toMatch(
      /Failed to publish 1 message\(s\) to queue\(s\) words \(2 sent\)/,
    );
    expect(counts).toContainEqual(['SQSMessagesFailed', 1, { collection: 'words' }]);
    expect(counts.filter(([name]) => name === 'SQSMessagesRetried')).toHaveLength(2);
    expect(lines.map(([level]) => level)).toContain('error');
  });

  it('does not retry entries with SenderFault: true', async () => {
    // Prepare
    const { send } = fakeSend(rejectIds(['0'], 'InvalidParameterValue', true));

    // Act
    const error = await catchError(
      publishMessages(labels(2), { send, queueUrls: URLS, baseDelayMs: 0 }),
    );

    // Assess
    expect(send).toHaveBeenCalledTimes(1);
    expect((error as PublishFailureError).failures[0]).toMatchObject({
      entryId: '0',
      code: 'InvalidParameterValue',
      senderFault: true,
    });
  });

  it('treats an entry missing from the response as failed and retries it', async () => {
    // Prepare
    const { send, calls } = fakeSend((input, call) =>
      call === 1 ? accept(['0']) : accept(input.Entries.map((entry) => entry.Id)),
    );

    // Act
    const result = await publishMessages(labels(2), { send, queueUrls: URLS, baseDelayMs: 0 });

    // Assess
    expect(result.sent).toBe(2);
    expect(calls[1]?.Entries.map((entry) => entry.Id)).toEqual(['1']);
  });

  it('retries a response without result lists, and an entry failed without an id, as missing', async () => {
    // Prepare
    const { send } = fakeSend((input, call) => {
      if (call === 1) return {};
      if (call === 2)
        return { Failed: [{ Code: 'Throttled', Message: 'nope', SenderFault: false }] };
      return accept(input.Entries.map((entry) => entry.Id));
    });

    // Act
    const result = await publishMessages(labels(1), {
      send,
      queueUrls: URLS,
      baseDelayMs: 0,
      maxAttempts: 3,
    });

    // Assess
    expect(result.sent).toBe(1);
    expect(send).toHaveBeenCalledTimes(3);
  });

  it('logs and reports a thrown value that is not an Error by its text, without a code', async () => {
    // Prepare
    const { send } = fakeSend(() => {
      throw 'socket closed';
    });
    const warnings: unknown[] = [];
    const logger: Logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (_message, fields) => warnings.push(fields),
      error: () => undefined,
    };

    // Act
    const error = await catchError(
      publishMessages(labels(1), { send, queueUrls: URLS, logger, baseDelayMs: 0, maxAttempts: 2 }),
    );

    // Assess
    expect(warnings).toEqual([{ queue: 'words', attempt: 1, delayMs: 0, error: 'socket closed' }]);
    expect(error).toBeInstanceOf(PublishFailureError);
    const [failure] = (error as PublishFailureError).failures;
    expect(failure).toMatchObject({ queue: 'words', code: undefined, senderFault: false });
    expect((failure?.cause as QueueServiceError | undefined)?.cause).toBe('socket closed');
  });

  it('retries a thrown send and succeeds', async () => {
    // Prepare
    const { send } = fakeSend((input, call) => {
      if (call === 1) throw new Error('socket hang up');
      return accept(input.Entries.map((entry) => entry.Id));
    });

    // Act
    const result = await publishMessages(labels(3), { send, queueUrls: URLS, baseDelayMs: 0 });

    // Assess
    expect(result.sent).toBe(3);
    expect(send).toHaveBeenCalledTimes(2);
  });

  it('reports a send that keeps throwing as QueueServiceError per message, and still sends the other queues', async () => {
    // Prepare
    const sdkError = Object.assign(new Error('The specified queue does not exist.'), {
      name: 'QueueDoesNotExist',
      $fault: 'client',
    });
    const { send, calls } = fakeSend((input) => {
      if (input.QueueUrl === URLS.lines) throw sdkError;
      return accept(input.Entries.map((entry) => entry.Id));
    });
    const { metrics, counts } = recorder();
    const messages = [placeMessage(), wordLabelMessage({ collections: ['lines'] })];

    // Act
    const error = await catchError(
      publishMessages(messages, { send, queueUrls: URLS, metrics, baseDelayMs: 0 }),
    );

    // Assess
    expect(error).toBeInstanceOf(PublishFailureError);
    const failure = error as PublishFailureError;
    expect(failure.sent).toBe(2);
    expect(failure.failures.map((item) => [item.messageIndex, item.queue, item.entryId])).toEqual([
      [0, 'lines', '0'],
      [1, 'lines', '1'],
    ]);
    expect(failure.failures[0]).toMatchObject({ code: 'QueueDoesNotExist', senderFault: true });
    const cause = failure.failures[0]?.cause as QueueServiceError;
    expect(cause).toBeInstanceOf(QueueServiceError);
    expect(cause.batchSize).toBe(2);
    expect(cause.cause).toBe(sdkError);
    expect(calls.filter((call) => call.QueueUrl === URLS.lines)).toHaveLength(3);
    expect(calls.map((call) => call.QueueUrl)).toContain(URLS.receipt_summary);
    expect(counts).toContainEqual(['SQSMessagesFailed', 2, { collection: 'lines' }]);
    expect(counts).toContainEqual(['SQSMessagesSuccessful', 1, { collection: 'words' }]);
  });

  it.each([
    { random: 0, delays: [50, 100] },
    { random: 0.999_999, delays: [100, 200] },
  ])(
    'waits base·2^n with jitter between half and all of it (random $random)',
    async ({ random, delays }) => {
      // Prepare
      vi.useFakeTimers();
      vi.spyOn(Math, 'random').mockReturnValue(random);
      const { send } = fakeSend(rejectIds(['0']));
      const settled = catchError(
        publishMessages(labels(1), { send, queueUrls: URLS, baseDelayMs: 100 }),
      );
      const [first = 0, second = 0] = delays;

      // Act & Assess
      await vi.advanceTimersByTimeAsync(first - 1);
      expect(send).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(send).toHaveBeenCalledTimes(2);
      await vi.advanceTimersByTimeAsync(second - 1);
      expect(send).toHaveBeenCalledTimes(2);
      await vi.advanceTimersByTimeAsync(1);
      expect(send).toHaveBeenCalledTimes(3);
      expect(await settled).toBeInstanceOf(PublishFailureError);
    },
  );

  it('does not retry when maxAttempts is 1 and validates the retry options', async () => {
    // Prepare
    const { send } = fakeSend(rejectIds(['0']));

    // Act
    const error = await catchError(
      publishMessages(labels(1), { send, queueUrls: URLS, maxAttempts: 1 }),
    );

    // Assess
    expect(send).toHaveBeenCalledTimes(1);
    expect(error).toBeInstanceOf(PublishFailureError);
    await expect(
      publishMessages(labels(1), { send, queueUrls: URLS, maxAttempts: 0 }),
    ).rejects.toThrow(RangeError);
    await expect(
      publishMessages(labels(1), { send, queueUrls: URLS, baseDelayMs: -1 }),
    ).rejects.toThrow(RangeError);
  });
});
