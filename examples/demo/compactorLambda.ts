import {
  COMPACTION_PHASES,
  type CollectionName,
  type CompactionPhase,
  type CompactionResult,
  type LockStore,
  type ObjectStore,
  type ReceiptStore,
  type SnapshotCache,
} from '@receipt-chroma/chroma-compaction';
import { compactCollection } from '@receipt-chroma/chroma-compaction/chroma';
import type { LocalQueues } from './localQueues.js';

/** The longest a Lambda runs: the fake deadline of each invocation. */
export const LAMBDA_TIMEOUT_MS: number = 15 * 60 * 1000;

/** How often a message is received before the queue would move it to its dead-letter queue. */
const MAX_RECEIVES = 3;

/** What the compactor needs besides the queue: the same objects a Lambda would hold. */
export interface CompactorContext {
  readonly store: ObjectStore;
  readonly caches: Readonly<Record<CollectionName, SnapshotCache>>;
  readonly lockStore: LockStore;
  readonly receipts: ReceiptStore;
  /** The argv prefix that runs Node.js able to load Chroma's native binding. */
  readonly command: readonly string[];
  /** Records per invocation (the event source's batch size). */
  readonly batchSize: number;
  readonly progress: (line: string) => void;
  /** Stops taking new invocations once aborted. */
  readonly signal?: AbortSignal | undefined;
}

/** What the invocations on one queue did. */
export interface QueueDrainResult {
  readonly collection: CollectionName;
  readonly invocations: number;
  /** The versions published, oldest first. */
  readonly versions: readonly string[];
  readonly applied: number;
  readonly skipped: number;
  /** Failed outcomes over every invocation (retried ones included). */
  readonly failed: number;
  /** Messages given up on after {@link MAX_RECEIVES} receives. */
  readonly deadLettered: number;
  /** Milliseconds per cycle phase, summed over the invocations. */
  readonly timings: Readonly<Record<CompactionPhase | 'total', number>>;
  /** The first reason a message failed, if one did. */
  readonly firstFailure: string | undefined;
}

const emptyTimings = (): Record<CompactionPhase | 'total', number> =>
  Object.fromEntries([...COMPACTION_PHASES, 'total'].map((phase) => [phase, 0])) as Record<
    CompactionPhase | 'total',
    number
  >;

/**
 * Runs the compactor Lambda on `collection`'s queue until it is empty: each invocation
 * receives up to `batchSize` records and calls `compactCollection` with a deadline of
 * {@link LAMBDA_TIMEOUT_MS}, as the handler would with `context.getRemainingTimeInMillis`.
 * The records it reports in `batchItemFailures` go back to the queue, as SQS redelivers
 * them, until their third receive.
 */
export const drainQueue = async (
  collection: CollectionName,
  queues: LocalQueues,
  context: CompactorContext,
): Promise<QueueDrainResult> => {
  const timings = emptyTimings();
  const versions: string[] = [];
  const receives = new Map<string, number>();
  let invocations = 0;
  let applied = 0;
  let skipped = 0;
  let failed = 0;
  let deadLettered = 0;
  let firstFailure: string | undefined;
  while (queues.depth(collection) > 0) {
    context.signal?.throwIfAborted();
    const records = queues.receive(collection, context.batchSize);
    invocations += 1;
    const started = performance.now();
    const result: CompactionResult = await compactCollection({
      collectionName: collection,
      records,
      store: context.store,
      cache: context.caches[collection],
      lockStore: context.lockStore,
      receipts: context.receipts,
      deadline: () => LAMBDA_TIMEOUT_MS - (performance.now() - started),
      chroma: { command: context.command, startupTimeoutMs: 60_000 },
    });
    for (const [phase, ms] of Object.entries(result.timings) as [CompactionPhase, number][]) {
      timings[phase] += ms;
    }
    if (result.version !== null) versions.push(result.version);
    for (const outcome of result.outcomes) {
      if (outcome.status === 'applied') applied += 1;
      else if (outcome.status === 'skipped') skipped += 1;
      else {
        failed += 1;
        firstFailure ??= outcome.reason;
      }
    }
    const retry = new Set(result.batchItemFailures.map((failure) => failure.itemIdentifier));
    const returned = records.filter((record) => {
      if (!retry.has(record.messageId)) return false;
      const count = (receives.get(record.messageId) ?? 1) + 1;
      receives.set(record.messageId, count);
      if (count <= MAX_RECEIVES) return true;
      deadLettered += 1;
      return false;
    });
    queues.returnMessages(collection, returned);
    const counts = result.updates?.counts;
    context.progress(
      `  ${collection} invocation ${invocations}: ${records.length} records, ` +
        `${counts?.applied ?? 0} applied, ${counts?.skipped ?? 0} skipped, ` +
        `${result.batchItemFailures.length} returned, ` +
        `${result.version === null ? 'nothing published' : `published ${result.version}`} ` +
        `(${Math.round(result.timings.total ?? 0)} ms)`,
    );
    if (result.error !== null) {
      context.progress(
        `  ${collection} invocation ${invocations} aborted: ${result.error.message}`,
      );
    }
  }
  return {
    collection,
    invocations,
    versions,
    applied,
    skipped,
    failed,
    deadLettered,
    timings,
    firstFailure,
  };
};
