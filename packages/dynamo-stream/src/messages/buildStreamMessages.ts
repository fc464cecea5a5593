import { MetricName } from '../constants.js';
import { DynamoStreamError, RecordParseError } from '../errors.js';
import { resolveObservability } from '../observability.js';
import { isCompactionRun } from '../parsing/compactionRunImage.js';
import { DEFAULT_ENTITY_REGISTRY } from '../parsing/entityDefinitions.js';
import {
  isUnresolved,
  parsedImagesScratch,
  resolveRecord,
  unresolvedError,
} from '../parsing/parseStreamRecord.js';
import { readRecord, readRecordInto, recordFieldsScratch } from '../parsing/readRecord.js';
import type { EntityRegistry } from '../parsing/registry.js';
import type { DynamoDBStreamRecord, ObservabilityOptions } from '../types.js';
import { buildCompactionRunMessages } from './buildCompactionRunMessages.js';
import { type BuildContext, recordFailure } from './buildContext.js';
import { buildEntityMessage } from './buildEntityMessage.js';
import { pythonUtcNow } from './timestamp.js';
import type { StreamMessage } from './types.js';

/** Options of {@link buildStreamMessages} and {@link buildMessagesFromRecords}. */
export interface BuildMessagesOptions extends ObservabilityOptions {
  /**
   * The entity types to recognise, in matching order.
   * @default DEFAULT_ENTITY_REGISTRY
   */
  registry?: EntityRegistry | undefined;
  /**
   * The clock for `context.timestamp`, in Python isoformat.
   * @default the current UTC time with microseconds, e.g. `2026-01-04T12:34:56.123456+00:00`
   */
  now?: (() => string) | undefined;
}

/** Messages built from a batch, plus the records that could not be used. */
export interface BuildMessagesResult {
  /** The messages, in record order. */
  readonly messages: StreamMessage[];
  /**
   * Records that were malformed, invalid or failed to build, each with its index,
   * `eventID` and `SequenceNumber`. Records that are simply irrelevant (other
   * partitions, unknown sort keys, unchanged fields) are not failures.
   */
  readonly failures: RecordParseError[];
}

const buildRecord = (record: unknown, recordIndex: number, build: BuildContext) => {
  const fields = readRecordInto(build.fields, record, recordIndex);
  const { eventName } = fields;
  const { count, logger } = build.observability;
  if (eventName !== 'INSERT' && eventName !== 'MODIFY' && eventName !== 'REMOVE') {
    count(MetricName.STREAM_RECORD_PARSING_ERROR, 1);
    const error = recordFailure(
      fields,
      'malformed-record',
      fields.recordType === 'object'
        ? `Unsupported stream eventName: ${String(eventName)}`
        : `Stream record must be an object, got ${fields.recordType}`,
    );
    logger.warn('Skipping malformed stream record', {
      eventId: fields.eventId,
      recordIndex,
      error: error.message,
    });
    return error;
  }
  const resolved = resolveRecord(fields, build.registry);
  if (isUnresolved(resolved)) {
    if (resolved.reason !== 'malformed-record') {
      if (!build.observability.logging) return undefined;
      logger.debug('Skipping irrelevant stream record', {
        eventId: fields.eventId,
        reason: resolved.reason,
      });
      return undefined;
    }
    count(MetricName.STREAM_RECORD_PARSING_ERROR, 1);
    logger.warn('Skipping malformed stream record', {
      eventId: fields.eventId,
      recordIndex,
      error: resolved.message,
    });
    return unresolvedError(fields, resolved);
  }
  if (eventName === 'INSERT' && isCompactionRun(resolved.pk, resolved.sk)) {
    return buildCompactionRunMessages(fields, resolved.pk, resolved.sk, build);
  }
  return buildEntityMessage(fields, resolved, eventName, build);
};

const describe = (value: unknown): string =>
  value === null ? 'null' : typeof value === 'object' ? 'an object' : typeof value;

/**
 * Turns a batch of DynamoDB stream records into queue messages and reports, per record,
 * the ones that could not be used. It never throws for a bad record: a malformed record,
 * an invalid image or a failing custom definition is counted, logged with its `eventID`,
 * and skipped, and the rest of the batch is processed.
 *
 * Which records give messages: a compaction-run INSERT gives one delta-merge message per
 * collection; section, summary, place and word-label INSERTs (the Python package sent the
 * first two only), MODIFYs that change a relevant field (`CHROMADB_RELEVANT_FIELDS`), and
 * every REMOVE of a known entity give one message routed to the type's queues. Records that
 * cannot yield a message are not parsed at all: a word MODIFY, or a MODIFY whose relevant
 * attributes are equal in both raw images (it yields no message whatever the images hold,
 * so an invalid image there goes unreported, and nothing wrong is sent).
 *
 * The table's stream must use the `NEW_AND_OLD_IMAGES` view type. A message is never built
 * from a missing or invalid image (the Python package builds one whose `changes` set every
 * field to `null`): a record without an image its event needs is a `malformed-record`
 * failure naming its `StreamViewType`, and one whose NewImage fails validation an
 * `invalid-entity` failure naming the image. A REMOVE needs no old image: every built-in
 * type's message can be built from the keys.
 *
 * @param records - the batch, usually `event.Records` of the Lambda event
 * @param options - the registry, clock and observability hooks
 * @returns the messages, in record order, and the records that could not be used
 * @throws {TypeError} when `records` is not an array
 * @example
 * ```ts
 * import {
 *   buildStreamMessages,
 *   publishMessages,
 *   type SendMessageBatch,
 * } from '@receipt-chroma/dynamo-stream';
 * import type { DynamoDBStreamEvent } from 'aws-lambda';
 *
 * declare const send: SendMessageBatch;
 * declare const queueUrls: { lines: string; words: string; receipt_summary: string; line_items: string };
 *
 * export const handler = async (event: DynamoDBStreamEvent): Promise<void> => {
 *   const { messages, failures } = buildStreamMessages(event.Records, { logger: console });
 *   for (const failure of failures) console.warn(failure.reason, failure.sequenceNumber);
 *   await publishMessages(messages, { send, queueUrls });
 * };
 * ```
 */
export const buildStreamMessages = (
  records: readonly DynamoDBStreamRecord[],
  options?: BuildMessagesOptions,
): BuildMessagesResult => {
  if (!Array.isArray(records)) {
    throw new TypeError(
      `Expected an array of DynamoDB stream records (event.Records), got ${describe(records)}`,
    );
  }
  const build: BuildContext = {
    fields: recordFieldsScratch(),
    images: parsedImagesScratch(),
    observability: resolveObservability(options),
    registry: options?.registry ?? DEFAULT_ENTITY_REGISTRY,
    now: options?.now ?? pythonUtcNow,
    messages: [],
  };
  const failures: RecordParseError[] = [];
  const list: readonly unknown[] = records;
  for (let index = 0; index < list.length; index += 1) {
    let failure: RecordParseError | undefined;
    try {
      failure = buildRecord(list[index], index, build);
    } catch (error) {
      build.observability.count(MetricName.ENTITY_MESSAGE_BUILD_ERROR, 1);
      const fields = readRecord(list[index], index);
      failure = new RecordParseError(
        'build-error',
        `Failed to build a message: ${error instanceof Error ? error.message : String(error)}`,
        fields,
        { cause: error },
      );
      build.observability.logger.error('Failed to build entity change message', {
        eventId: fields.eventId,
        recordIndex: index,
        error: failure.message,
        expected: error instanceof DynamoStreamError,
      });
    }
    if (failure !== undefined) failures.push(failure);
  }
  return { messages: build.messages, failures };
};

/**
 * Turns a batch of DynamoDB stream records into queue messages; bad records are counted,
 * logged and skipped (use {@link buildStreamMessages} to also get them back).
 *
 * @param records - the batch, usually `event.Records` of the Lambda event
 * @param options - the registry, clock and observability hooks
 * @returns the messages, in record order
 * @throws {TypeError} when `records` is not an array
 * @example
 * ```ts
 * import { buildMessagesFromRecords, type DynamoDBStreamEvent } from '@receipt-chroma/dynamo-stream';
 *
 * declare const event: DynamoDBStreamEvent;
 * const messages = buildMessagesFromRecords(event.Records);
 * console.log(`${messages.length} message(s)`);
 * ```
 */
export const buildMessagesFromRecords = (
  records: readonly DynamoDBStreamRecord[],
  options?: BuildMessagesOptions,
): StreamMessage[] => buildStreamMessages(records, options).messages;
