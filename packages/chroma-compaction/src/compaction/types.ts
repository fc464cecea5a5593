import type { DecodedStreamMessage } from '@receipt-chroma/dynamo-stream';
import type { StaleMirrorMarks } from '../mirrors/StaleMirrorMarks.js';
import type { LabelFormat } from '../operations/labelMetadata.js';
import type {
  DeletionResult,
  LabelUpdateResult,
  MetadataUpdateResult,
  OperationStatus,
  SectionUpdateResult,
} from '../operations/results.js';
import type { ObservabilityOptions } from '../ports/observability.js';
import type { ReceiptStore } from '../ports/receiptStore.js';
import type { VectorCollection } from '../ports/vectorCollection.js';

/** The collections `processCollectionUpdates` keeps in step. */
export type CollectionName = 'lines' | 'words';

/**
 * One queue message to apply: the decoded body and the id of the queue record it came
 * from (the SQS `messageId`), which is what a partial-batch response names.
 */
export interface CollectionUpdateInput {
  /** The SQS `messageId`. */
  readonly recordId: string;
  /** The decoded body. */
  readonly message: DecodedStreamMessage;
  /**
   * The record's `collection` message attribute (`lines` / `words`), when it had one; a
   * message routed to another collection fails instead of being applied.
   * @default none (the message is applied to the collection being updated)
   */
  readonly collection?: string | undefined;
}

/**
 * What happened to one input.
 * - `applied`: its change was written.
 * - `skipped`: provably nothing to write (`reason` says why); safe to acknowledge.
 * - `failed`: not applied (`reason`, and `error` when something threw); retry it.
 */
export interface RecordOutcome {
  /** The input's SQS `messageId`. */
  readonly recordId: string;
  /** `applied`, `skipped` or `failed`. */
  readonly status: OperationStatus;
  /** Why it was skipped or failed, for logs. */
  readonly reason?: string | undefined;
  /** What was thrown, when something threw (a failed outcome). */
  readonly error?: Error | undefined;
}

/** A {@link RecordOutcome} that failed. */
export interface FailedRecordOutcome extends RecordOutcome {
  /** Always `failed`. */
  readonly status: 'failed';
}

// Delta merging: spec §11.3.
/** One compaction run whose delta is to be merged into the collection. */
export interface DeltaMergeRequest {
  /** The input's SQS `messageId`; the merger returns it in its result. */
  readonly recordId: string;
  /** The compaction run's id. */
  readonly runId: string;
  /** The image of the run's receipt. */
  readonly imageId: string;
  /** The run's receipt within the image. */
  readonly receiptId: number;
  /** Where the delta lives (`entity_data.delta_s3_prefix`), e.g. `words/delta/{run_id}/`. */
  readonly deltaPrefix: string;
  /** The whole message, for mergers that need more of it. */
  readonly message: DecodedStreamMessage;
}

/** What merging one run's delta did (the Python package's delta result, with a status). */
export interface DeltaMergeResult {
  /** The `recordId` of the request this result answers. */
  readonly recordId: string;
  /** The compaction run's id, as in the request. */
  readonly runId: string;
  /** The image of the run's receipt, as in the request. */
  readonly imageId: string;
  /** The run's receipt within the image, as in the request. */
  readonly receiptId: number;
  /**
   * `applied`: the vectors were upserted (and verified); `skipped`: provably nothing to
   * merge (e.g. an empty delta); `failed`: retry (the run must not be marked completed).
   */
  readonly status: OperationStatus;
  /** Vectors merged; 0 unless `applied`. */
  readonly mergedCount: number;
  /** Why it was skipped or failed, for logs. */
  readonly reason?: string | undefined;
  /** What was thrown, when the merge failed on an error. */
  readonly error?: Error | undefined;
}

/** What {@link MergeDeltas} receives besides the runs. */
export interface MergeDeltasContext extends ObservabilityOptions {
  /** The collection being compacted: `lines` or `words`. */
  readonly collection: string;
  /** Where the delta vectors go. */
  readonly vectors: VectorCollection;
}

/**
 * Merges compaction-run deltas into the collection; `createDeltaMerger` builds one.
 * It answers every request with one {@link DeltaMergeResult} carrying the request's
 * `recordId`; a request left without a result counts as failed. It may reject, which
 * fails every request of the call.
 */
export type MergeDeltas = (
  runs: readonly DeltaMergeRequest[],
  context: MergeDeltasContext,
) => Promise<readonly DeltaMergeResult[]>;

/** How many inputs ended in each status. */
export interface OutcomeCounts {
  /** Inputs whose change was written. */
  readonly applied: number;
  /** Inputs with provably nothing to write. */
  readonly skipped: number;
  /** Inputs not applied, to retry. */
  readonly failed: number;
}

// The Python package's `CollectionUpdateResult` (spec §3.3), plus one outcome per input.
/**
 * Everything `processCollectionUpdates` did to one collection: one outcome per input,
 * the results of each step, and their totals.
 */
export interface CollectionUpdateResult {
  /** The collection name given: `lines` or `words`. */
  readonly collection: string;
  /** Exactly one outcome per input, in input order. */
  readonly outcomes: readonly RecordOutcome[];
  /** How many outcomes have each status. */
  readonly counts: OutcomeCounts;
  /** Place updates and removals, one per place input. */
  readonly metadataUpdates: readonly MetadataUpdateResult[];
  /** Word label or row label results, one per label input. */
  readonly labelUpdates: readonly LabelUpdateResult[];
  /** Section recomputes, one per receipt (`lines` only). */
  readonly sectionUpdates: readonly SectionUpdateResult[];
  /** Receipt, line and word embedding deletions. */
  readonly deletions: readonly DeletionResult[];
  /** One per delta input that reached the merger (or failed for want of one). */
  readonly deltaMergeResults: readonly DeltaMergeResult[];
  /** Vectors merged by the delta results that did not fail. */
  readonly deltaMergeCount: number;
  /** Σ `updatedCount` of the place results that did not fail (sections excluded). */
  readonly totalMetadataUpdated: number;
  /** Σ `updatedCount` of the label results that did not fail. */
  readonly totalLabelsUpdated: number;
  /** Σ `updatedCount` of the section results that did not fail. */
  readonly totalSectionsUpdated: number;
  /** Σ `deletedCount` of the deletion results that did not fail. */
  readonly totalDeletions: number;
  /** The delta results that failed. */
  readonly failedDeltaMerges: readonly DeltaMergeResult[];
  /** True when any outcome failed. */
  readonly hasErrors: boolean;
  /** One result per mirror, in the order of `mirrors`; empty without mirrors. */
  readonly mirrors: readonly MirrorUpdateResult[];
}

/** Options of `processCollectionUpdates`. */
export interface ProcessCollectionUpdatesOptions extends ObservabilityOptions {
  /** The collection to update (the snapshot opened for this batch). */
  readonly vectors: VectorCollection;
  /** The receipts table, the source of truth for places, labels, sections and ids. */
  readonly receipts: ReceiptStore;
  /**
   * Merges compaction-run deltas (see `createDeltaMerger`). Without it, delta messages
   * fail with a reason saying so (they are never acknowledged unmerged).
   * @default none
   */
  readonly mergeDeltas?: MergeDeltas | undefined;
  /**
   * How the `words` collection stores a word's label sets (see {@link LabelFormat}).
   * @default 'array'
   */
  readonly labelFormat?: LabelFormat | undefined;
  /**
   * The most records one Chroma request carries; larger sets are split.
   * @default 250
   */
  readonly maxBatchSize?: number | undefined;
  /**
   * The clock for the timestamps written into metadata, as `pythonUtcNow` prints them
   * (`2026-01-04T12:34:56.123456+00:00`). Inject a fixed clock to make runs reproducible.
   * @default pythonUtcNow (from `@receipt-chroma/dynamo-stream`)
   */
  readonly now?: (() => string) | undefined;
  /**
   * Collections that get the same batch after `vectors`, e.g. a Chroma server or Chroma Cloud
   * copy of the collection while readers move to it (dual write). Each is brought up to date
   * from the receipts table like the primary, so a mirror that missed a batch converges on
   * the next one that names the same entities, or on a `syncCollection`.
   * @default none
   */
  readonly mirrors?: readonly VectorCollection[] | undefined;
  /**
   * What a message that failed on a mirror does: `'report'` leaves the primary's outcome as
   * it is and reports the failure in `mirrors` (the mirror is then stale); `'fail'` fails the
   * message too, so the queue delivers it again.
   * @default 'report'
   */
  readonly mirrorFailure?: 'report' | 'fail' | undefined;
  /**
   * Called once per mirror a batch left stale (some message failed on it), so the caller can
   * record it and repair the mirror with `syncCollection`. A hook that throws is logged and
   * changes nothing else.
   * @default none
   */
  readonly onStaleMirror?:
    | ((mirror: VectorCollection, result: MirrorUpdateResult) => void | Promise<void>)
    | undefined;
  /**
   * Where a mirror a batch left stale is marked, so the mark outlives the invocation and
   * `repairStaleMirror` finds it. A mark that cannot be written fails the messages that
   * failed on that mirror (whatever `mirrorFailure` says), so their redelivery retries it:
   * a mirror never drifts unrecorded. @default no marks
   */
  readonly staleMirrorMarks?: StaleMirrorMarks | undefined;
}

/** What happened on one mirror of a batch. */
export interface MirrorUpdateResult {
  /** The mirror's place in `mirrors`. */
  readonly index: number;
  /** The mirror collection's name. */
  readonly collection: string;
  /** One outcome per input, as on the primary. */
  readonly outcomes: readonly RecordOutcome[];
  /** How many of the mirror's outcomes have each status. */
  readonly counts: OutcomeCounts;
  /** True when some message failed on the mirror: it may now differ from the table. */
  readonly stale: boolean;
}
