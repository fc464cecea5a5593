import { type CycleChroma, runCompactionCycle } from '../../cycle/compactCollection.js';
import type { CompactionAbortedError } from '../../cycle/errors.js';
import type { CompactCollectionOptions, CompactionResult } from '../../cycle/types.js';
import { initializeEmptySnapshot } from './initializeEmptySnapshot.js';
import { type OpenSnapshotOptions, openSnapshot } from './openSnapshot.js';

/**
 * Options of {@link compactCollection}: those of either mode ({@link CompactCollectionOptions}),
 * and how to start the local Chroma server.
 */
export type ChromaCompactCollectionOptions = CompactCollectionOptions & {
  /**
   * How to start the local Chroma server on the working copy (and on the empty collection
   * of a first version), e.g. `{ glibcShim: 'auto' }` on an older glibc. Snapshot mode only.
   * @default a server with the defaults of {@link OpenSnapshotOptions}
   */
  readonly chroma?: OpenSnapshotOptions | undefined;
};

/**
 * Runs one whole compaction cycle of a collection for the SQS records of one invocation, in
 * one of two modes.
 *
 * **Snapshot mode** (`cache` and `lockStore`; the collection is a versioned snapshot in
 * `store`):
 *
 * 1. decode the records (`decodeSqsRecords`; an undecodable body fails alone);
 * 2. take the collection's lock (`LockManager.withLock`: bounded retries with jitter,
 *    heartbeat while the cycle runs, released in every path);
 * 3. make the pointer's version current in `cache` (or, when the collection has no
 *    pointer at all, publish an empty collection first) and copy it to a working directory;
 * 4. open it (a local Chroma server by default, {@link openSnapshot}), apply the messages
 *    with `processCollectionUpdates` (deltas merged by `createDeltaMerger({ store })`),
 *    close it;
 * 5. publish the working copy through `cache.publish` under the lock (its fence goes into
 *    the manifest; a lost lock refuses the publish), unless nothing was applied;
 * 6. mark each compaction run whose delta was merged `COMPLETED` for the collection in the
 *    receipts table, through `receipts.markCompactionRunCompleted` when the store has it
 *    (see {@link CompactionResult.runStates}: a failed write is logged and counted, and
 *    fails no message).
 *
 * **Remote mode** (`target: { vectors }`; the collection lives on a running Chroma server or
 * Chroma Cloud): decode, then apply the messages to `target.vectors` in place, with the same
 * `processCollectionUpdates` and delta merger, and mark the merged runs as above. Nothing is
 * downloaded or published, and no lock is taken unless `lockStore` is given: every operation
 * writes what it reads from the table, so concurrent compactors and redeliveries converge on
 * the same collection.
 *
 * The deadline is checked before each phase: the cycle stops taking work when the time
 * left cannot cover the rest (in snapshot mode, publishing is estimated from the snapshot's
 * size and the speed measured so far). Whatever stops a cycle (lock held or lost, deadline,
 * Chroma failing to start, a failed publish) returns every message for retry and publishes
 * nothing; otherwise only the messages that failed are returned. Every log line carries the
 * correlation id, and a `tracer` receives a span per phase. `mirrors` receive the same batch
 * after the primary, in either mode.
 *
 * @param options - The records, the stores, the mode's target (`cache` and `lockStore`, or
 *   `target`), the deadline, and how to start Chroma.
 * @returns What the cycle did: one outcome per record, the partial-batch response to return
 *   to Lambda, the version published (or `null`), the run states written, the phases'
 *   timings, and the
 *   {@link CompactionAbortedError} that stopped the cycle, if one did. The promise does not
 *   reject for a failed cycle: the failure is in the result's `error`.
 *
 * @example Snapshot mode, in a Lambda handler
 * ```ts
 * import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
 * import type {
 *   LockStore,
 *   ObjectStore,
 *   ReceiptStore,
 *   SnapshotCache,
 * } from '@receipt-chroma/chroma-compaction';
 * import { compactCollection } from '@receipt-chroma/chroma-compaction/chroma';
 *
 * declare const store: ObjectStore;
 * declare const cache: SnapshotCache;
 * declare const lockStore: LockStore;
 * declare const receipts: ReceiptStore;
 *
 * export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
 *   const result = await compactCollection({
 *     collectionName: 'lines',
 *     records: event.Records,
 *     store,
 *     cache,
 *     lockStore,
 *     receipts,
 *     deadline: () => context.getRemainingTimeInMillis(),
 *   });
 *   return { batchItemFailures: result.batchItemFailures };
 * };
 * ```
 *
 * @example Remote mode, against Chroma Cloud
 * ```ts
 * import type { Context, SQSEvent } from 'aws-lambda';
 * import { CloudClient } from 'chromadb';
 * import {
 *   CHROMA_CLOUD_LIMITS,
 *   type ObjectStore,
 *   type ReceiptStore,
 * } from '@receipt-chroma/chroma-compaction';
 * import {
 *   chromaCloudConfigFromEnv,
 *   chromaVectorCollection,
 *   compactCollection,
 * } from '@receipt-chroma/chroma-compaction/chroma';
 *
 * declare const event: SQSEvent;
 * declare const context: Context;
 * declare const store: ObjectStore;
 * declare const receipts: ReceiptStore;
 *
 * const cloud = chromaCloudConfigFromEnv();
 * if (cloud === undefined) throw new Error('Set CHROMA_CLOUD_ENABLED=true and its settings');
 * const client = new CloudClient(cloud);
 * const lines = chromaVectorCollection(
 *   await client.getCollection({ name: 'lines' }),
 *   { limits: CHROMA_CLOUD_LIMITS },
 * );
 * const result = await compactCollection({
 *   collectionName: 'lines',
 *   records: event.Records,
 *   store,
 *   receipts,
 *   target: { vectors: lines },
 *   deadline: () => context.getRemainingTimeInMillis(),
 * });
 * console.log(result.batchItemFailures.length, result.error?.message);
 * ```
 */
export function compactCollection(
  options: ChromaCompactCollectionOptions,
): Promise<CompactionResult> {
  if (options.target !== undefined) return runCompactionCycle(options);
  const server = options.chroma ?? {};
  const chroma: CycleChroma = {
    openCollection:
      options.openCollection ??
      (async (dir, name) => {
        const snapshot = await openSnapshot(dir, server);
        try {
          return { vectors: await snapshot.collection(name), close: () => snapshot.close() };
        } catch (error) {
          await snapshot.close().catch(() => undefined);
          throw error;
        }
      }),
    initialize: async (lock) => {
      await initializeEmptySnapshot({
        store: options.store,
        collection: options.collectionName,
        lock,
        server,
        logger: options.logger,
        metrics: options.metrics,
      });
    },
  };
  return runCompactionCycle(options, chroma);
}
