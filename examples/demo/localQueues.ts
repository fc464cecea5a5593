import {
  type QueueUrls,
  type SendMessageBatchInput,
  type SendMessageBatchOutput,
  TARGET_QUEUE_ORDER,
  type TargetQueue,
} from '@receipt-chroma/dynamo-stream';
import type { SQSRecord } from 'aws-lambda';

/** An SQS record as the compactor Lambda receives it (the fields the demo fills). */
export type QueueRecord = Pick<SQSRecord, 'messageId' | 'body' | 'messageAttributes'>;

const URL_PREFIX = 'https://sqs.us-east-1.amazonaws.com/000000000000/demo-';

/**
 * In-memory stand-ins for the four queues the stream Lambda publishes to. `send` accepts
 * what `SendMessageBatch` accepts and keeps each entry as the SQS record a consumer Lambda
 * gets: a fresh `messageId`, the body, and the message attributes (`collection`, …) in the
 * event's lower-case form.
 */
export class LocalQueues {
  /** A URL per queue, as the stream Lambda's environment would give them. */
  readonly urls: QueueUrls = Object.fromEntries(
    TARGET_QUEUE_ORDER.map((queue) => [queue, `${URL_PREFIX}${queue}`]),
  );
  readonly #messages = new Map<string, QueueRecord[]>();
  #sent = 0;

  /** The `SendMessageBatch` call of `publishMessages`. */
  readonly send = async (input: SendMessageBatchInput): Promise<SendMessageBatchOutput> => {
    const queue = this.#messages.get(input.QueueUrl) ?? [];
    this.#messages.set(input.QueueUrl, queue);
    const successful = input.Entries.map((entry) => {
      this.#sent += 1;
      const messageId = `msg-${String(this.#sent).padStart(6, '0')}`;
      const attributes: QueueRecord['messageAttributes'] = {};
      for (const [name, value] of Object.entries(entry.MessageAttributes ?? {})) {
        attributes[name] = {
          dataType: value.DataType,
          stringValue: value.StringValue,
          stringListValues: [],
          binaryListValues: [],
        };
      }
      queue.push({ messageId, body: entry.MessageBody, messageAttributes: attributes });
      return { Id: entry.Id, MessageId: messageId };
    });
    return { Successful: successful, Failed: [] };
  };

  /** How many messages wait in `queue`. */
  depth(queue: TargetQueue): number {
    return this.#messages.get(this.#url(queue))?.length ?? 0;
  }

  /** Takes up to `max` of the oldest messages of `queue` (a receive plus delete). */
  receive(queue: TargetQueue, max: number): QueueRecord[] {
    return this.#messages.get(this.#url(queue))?.splice(0, max) ?? [];
  }

  /** Puts messages back at the head of `queue` (their visibility timeout ended). */
  returnMessages(queue: TargetQueue, records: readonly QueueRecord[]): void {
    const url = this.#url(queue);
    this.#messages.set(url, [...records, ...(this.#messages.get(url) ?? [])]);
  }

  #url(queue: TargetQueue): string {
    return this.urls[queue] ?? `${URL_PREFIX}${queue}`;
  }
}
