import type { TargetQueue } from '../constants.js';

/** A JSON value: what `changes` and `entityData` may hold, so every message serialises. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** One relevant field's value before and after a change. */
export interface FieldChange {
  /** The value before the change; `null` when the field or the old entity was absent. */
  readonly old: JsonValue;
  /** The value after the change; `null` when the field or the new entity is absent. */
  readonly new: JsonValue;
}

/** Field name → change, in the order of the entity type's relevant fields. */
export type FieldChanges = Readonly<Record<string, FieldChange>>;

/**
 * The identifiers a consumer needs to refetch an entity. Keys keep the table's
 * snake_case attribute names because they go on the wire unchanged.
 */
export interface EntityData {
  /** The entity type, e.g. `RECEIPT_WORD_LABEL`. */
  readonly entity_type: string;
  /** The image the entity belongs to (the UUID of its `IMAGE#` partition). */
  readonly image_id: string;
  /** The receipt number within the image. */
  readonly receipt_id: number;
  /** The line number, for lines, words and word labels. */
  readonly line_id?: number;
  /** The word number, for words and word labels. */
  readonly word_id?: number;
  /** The label name, for word labels. */
  readonly label?: string;
  /** The section type, for sections. */
  readonly section_type?: string;
  /** The run id, for compaction runs. */
  readonly run_id?: string;
  /** The S3 prefix of the run's lines delta, for compaction runs. */
  readonly lines_delta_prefix?: string | null;
  /** The S3 prefix of the run's words delta, for compaction runs. */
  readonly words_delta_prefix?: string | null;
  /** The S3 prefix of the delta to merge into this message's collection, for compaction runs. */
  readonly delta_s3_prefix?: string | null;
  /** Further identifiers of custom entity types. */
  readonly [key: string]: JsonValue | undefined;
}

/** Where a message came from. */
export interface StreamRecordContext {
  /** `dynamodb_stream` for stream records, `section_backfill` for backfills. */
  readonly source: string;
  /** When the message was built, in Python's isoformat (`…T12:34:56.123456+00:00`). */
  readonly timestamp: string | null;
  /** The stream record's `eventID` (`"unknown"` when it had none). */
  readonly recordId: string | null;
  /** The stream record's `awsRegion` (`"unknown"` when it had none). */
  readonly awsRegion: string | null;
}

/**
 * A change that matters to a downstream consumer, built from one stream record and
 * routed to one or more queues.
 */
export interface StreamMessage {
  /** The entity type, e.g. `RECEIPT_WORD_LABEL` or `COMPACTION_RUN`. */
  readonly entityType: string;
  /** The entity's identifiers. */
  readonly entityData: EntityData;
  /** Relevant fields that changed; empty for removals without a diff and compaction runs. */
  readonly changes: FieldChanges;
  /** `INSERT`, `MODIFY` or `REMOVE`. */
  readonly eventName: string;
  /** The queues this message goes to, in routing order. Not sent on the wire. */
  readonly collections: readonly TargetQueue[];
  /** Provenance: source, build time, stream event id and region. */
  readonly context: StreamRecordContext;
  /** The new image (raw for compaction runs, the parsed entity otherwise). Not sent on the wire. */
  readonly recordSnapshot?: Readonly<Record<string, unknown>> | undefined;
}

/** A message read back from a queue body: everything but the routing and the snapshot. */
export type DecodedStreamMessage = Omit<StreamMessage, 'collections' | 'recordSnapshot'>;
