import * as z from 'zod/mini';
import { MessageDecodeError } from '../errors.js';
import { englishSchema } from '../validation/english.js';
import { toPythonJsonUnchecked } from './pythonJson.js';
import type {
  DecodedStreamMessage,
  EntityData,
  FieldChanges,
  JsonValue,
  StreamMessage,
} from './types.js';

/**
 * `entity_data` as it travels in a queue body: `image_id` and `receipt_id` are always
 * there, the other known identifiers are typed when present, and unknown keys are kept.
 */
export interface EntityDataWire {
  /** The entity type; when absent, decoding takes the body's top-level `entity_type`. */
  readonly entity_type?: string | undefined;
  /** The image the entity belongs to. */
  readonly image_id: string;
  /** The receipt number within the image (an integer). */
  readonly receipt_id: number;
  /** The line number, for lines, words and word labels (an integer). */
  readonly line_id?: number | undefined;
  /** The word number, for words and word labels (an integer). */
  readonly word_id?: number | undefined;
  /** The label name, for word labels. */
  readonly label?: string | undefined;
  /** The section type, for sections. */
  readonly section_type?: string | undefined;
  /** The run id, for compaction runs. */
  readonly run_id?: string | undefined;
  /** The S3 prefix of the run's lines delta, for compaction runs. */
  readonly lines_delta_prefix?: string | null | undefined;
  /** The S3 prefix of the run's words delta, for compaction runs. */
  readonly words_delta_prefix?: string | null | undefined;
  /** The S3 prefix of the delta to merge into the queue's collection, for compaction runs. */
  readonly delta_s3_prefix?: string | null | undefined;
  /** Identifiers the producer added that this version does not know; kept as they are. */
  readonly [key: string]: JsonValue | undefined;
}

/**
 * The JSON body of a queue message, field for field as the Python producer writes it.
 * `collections` and `record_snapshot` are never on the wire: the queue a message sits in
 * (and its `collection` attribute) says where it was routed.
 */
export interface StreamMessageWire {
  /** `dynamodb_stream` or `section_backfill`. */
  readonly source: string;
  /** The entity type, e.g. `RECEIPT_PLACE` (the message's `entityType`). */
  readonly entity_type: string;
  /** The entity's identifiers (the message's `entityData`). */
  readonly entity_data: EntityDataWire;
  /** Field name → `{old, new}`. */
  readonly changes: FieldChanges;
  /** `INSERT`, `MODIFY` or `REMOVE`. */
  readonly event_name: string;
  /** Python isoformat, e.g. `2026-01-04T12:34:56.123456+00:00`; compared as a string. */
  readonly timestamp: string | null;
  /** The stream record's `eventID` (the message's `context.recordId`). */
  readonly stream_record_id: string | null;
  /** The stream record's `awsRegion` (the message's `context.awsRegion`). */
  readonly aws_region: string | null;
}

const nullableString = (): z.ZodMiniType<string | null> => z.nullable(z.string());

/**
 * Validates a parsed queue body against the wire format ({@link StreamMessageWire}).
 * Unknown top-level keys are dropped (a newer producer may add some; the Python consumers
 * ignore them too); unknown `entity_data` keys are kept. {@link decodeStreamMessage} wraps
 * it with the JSON parse and the mapping to a message.
 *
 * @example
 * ```ts
 * import { StreamMessageWireSchema } from '@receipt-chroma/dynamo-stream';
 *
 * declare const body: string;
 * const result = StreamMessageWireSchema.safeParse(JSON.parse(body));
 * if (result.success) console.log(result.data.entity_type, result.data.entity_data.image_id);
 * ```
 */
export const StreamMessageWireSchema: z.ZodMiniType<StreamMessageWire> =
  /* @__PURE__ */ englishSchema(
    () =>
      z.object({
        source: z.string(),
        entity_type: z.string(),
        entity_data: z.looseObject({
          entity_type: z.optional(z.string()),
          image_id: z.string(),
          receipt_id: z.int(),
          line_id: z.optional(z.int()),
          word_id: z.optional(z.int()),
          label: z.optional(z.string()),
          section_type: z.optional(z.string()),
          run_id: z.optional(z.string()),
          lines_delta_prefix: z.optional(nullableString()),
          words_delta_prefix: z.optional(nullableString()),
          delta_s3_prefix: z.optional(nullableString()),
        }),
        changes: z.record(z.string(), z.object({ old: z.json(), new: z.json() })),
        event_name: z.string(),
        timestamp: nullableString(),
        stream_record_id: nullableString(),
        aws_region: nullableString(),
        // zod types the kept extra keys as `unknown`; they come from JSON.parse, so they are JSON.
      }) as unknown as z.ZodMiniType<StreamMessageWire>,
  );

/**
 * Maps a message to its wire object, with keys in the Python producer's order: `source`,
 * `entity_type`, `entity_data`, `changes`, `event_name`, `timestamp`, `stream_record_id`,
 * `aws_region`. `entity_data` and `changes` are shared with the message, not copied.
 *
 * @param message - the message to send
 * @returns the body as an object, before serialisation
 * @example
 * ```ts
 * import { type StreamMessage, toWireMessage } from '@receipt-chroma/dynamo-stream';
 *
 * declare const message: StreamMessage;
 * const wire = toWireMessage(message);
 * console.log(wire.stream_record_id === message.context.recordId); // true
 * ```
 */
export const toWireMessage = (message: StreamMessage): StreamMessageWire => {
  const { context } = message;
  return {
    source: context.source,
    entity_type: message.entityType,
    entity_data: message.entityData,
    changes: message.changes,
    event_name: message.eventName,
    timestamp: context.timestamp,
    stream_record_id: context.recordId,
    aws_region: context.awsRegion,
  };
};

/**
 * Encodes a message as the queue body the Python producer would write for it: the wire
 * object of {@link toWireMessage} serialised like Python's `json.dumps` (see
 * `toPythonJson`), ASCII only. {@link decodeStreamMessage} reads it back.
 *
 * @param message - the message to send
 * @returns the JSON body, ASCII only
 * @throws {RangeError} when a number in the message is not finite (JSON has no token for it)
 * @example
 * ```ts
 * import { encodeStreamMessage, type StreamMessage } from '@receipt-chroma/dynamo-stream';
 *
 * declare const message: StreamMessage;
 * const body = encodeStreamMessage(message);
 * console.log(body); // '{"source": "dynamodb_stream", "entity_type": "RECEIPT_PLACE", …}'
 * ```
 */
export const encodeStreamMessage = (message: StreamMessage): string =>
  toPythonJsonUnchecked(toWireMessage(message));

/** The outcome of {@link safeDecodeStreamMessage}. */
export type SafeDecodeStreamMessageResult =
  | {
      /** The body decoded. */
      readonly success: true;
      /** The decoded message. */
      readonly data: DecodedStreamMessage;
    }
  | {
      /** The body could not be decoded. */
      readonly success: false;
      /** Why, with the fields that are wrong. */
      readonly error: MessageDecodeError;
    };

const fromWire = (wire: StreamMessageWire): DecodedStreamMessage => {
  const data = wire.entity_data;
  return {
    entityType: wire.entity_type,
    // A body without `entity_data.entity_type` still decodes; the top-level type fills in.
    // The cast drops `| undefined` from optional keys: JSON never holds `undefined`.
    entityData: (data.entity_type === undefined
      ? { entity_type: wire.entity_type, ...data }
      : data) as unknown as EntityData,
    changes: wire.changes,
    eventName: wire.event_name,
    context: {
      source: wire.source,
      timestamp: wire.timestamp,
      recordId: wire.stream_record_id,
      awsRegion: wire.aws_region,
    },
  };
};

/**
 * Decodes a queue body without throwing: `{ success: true, data }` with the camelCase
 * message, or `{ success: false, error }` holding a {@link MessageDecodeError} (also for a
 * body that is not a string, not JSON, or nested too deeply to validate).
 *
 * @param body - the SQS message body
 * @returns the decoded message, or the error
 * @example
 * ```ts
 * import { safeDecodeStreamMessage } from '@receipt-chroma/dynamo-stream';
 * import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
 *
 * export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
 *   const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
 *   for (const record of event.Records) {
 *     const result = safeDecodeStreamMessage(record.body);
 *     if (!result.success) batchItemFailures.push({ itemIdentifier: record.messageId });
 *   }
 *   return { batchItemFailures };
 * };
 * ```
 */
export const safeDecodeStreamMessage = (body: string): SafeDecodeStreamMessageResult => {
  if (typeof body !== 'string') {
    return {
      success: false,
      error: new MessageDecodeError(`Message body must be a string, got ${typeof body}`, []),
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      success: false,
      error: new MessageDecodeError(`Message body is not valid JSON (${reason})`, [], {
        cause: error,
      }),
    };
  }
  let result: ReturnType<typeof StreamMessageWireSchema.safeParse>;
  try {
    result = StreamMessageWireSchema.safeParse(parsed);
  } catch (error) {
    // JSON.parse is iterative, but zod checks `changes` values (`z.json()`) recursively: a
    // body nested deeper than the stack allows throws a RangeError instead of an issue.
    const reason = error instanceof Error ? error.message : String(error);
    return {
      success: false,
      error: new MessageDecodeError(`Message body could not be validated (${reason})`, [], {
        cause: error,
      }),
    };
  }
  if (!result.success) {
    return {
      success: false,
      error: new MessageDecodeError(
        'Message body does not match the stream message format',
        result.error.issues,
        { cause: result.error },
      ),
    };
  }
  return { success: true, data: fromWire(result.data) };
};

/**
 * Decodes a queue body into a message: parses the JSON, validates it against
 * {@link StreamMessageWireSchema} and maps the snake_case fields to the camelCase
 * message (`stream_record_id` → `context.recordId`, `aws_region` → `context.awsRegion`, …).
 * A body without `entity_data.entity_type` takes the top-level `entity_type`.
 *
 * @param body - the SQS message body
 * @returns the decoded message, without routing or snapshot
 * @throws {@link MessageDecodeError} when the body is not JSON (empty `issues`) or does not
 *   match the wire format (`issues` name the fields that are wrong)
 * @example
 * ```ts
 * import { decodeStreamMessage } from '@receipt-chroma/dynamo-stream';
 * import type { SQSRecord } from 'aws-lambda';
 *
 * declare const record: SQSRecord;
 * const message = decodeStreamMessage(record.body);
 * console.log(message.entityType, message.entityData.image_id);
 * ```
 */
export const decodeStreamMessage = (body: string): DecodedStreamMessage => {
  const result = safeDecodeStreamMessage(body);
  if (!result.success) throw result.error;
  return result.data;
};
