import { toError } from '../errors.js';
import { observersOf } from '../operations/operationSupport.js';
import type { VectorCollection } from '../ports/vectorCollection.js';
import { countOutcomes } from './collectionUpdatePhases.js';
import type {
  CollectionName,
  CollectionUpdateInput,
  CollectionUpdateResult,
  MirrorUpdateResult,
  ProcessCollectionUpdatesOptions,
  RecordOutcome,
} from './types.js';

/** Applies a batch to one collection: `processCollectionUpdates` without its mirrors. */
export type ApplyBatch = (
  inputs: readonly CollectionUpdateInput[],
  collectionName: CollectionName,
  options: ProcessCollectionUpdatesOptions,
) => Promise<CollectionUpdateResult>;

/** Every input failed on `mirror` because applying the batch threw `error`. */
const allFailed = (
  inputs: readonly CollectionUpdateInput[],
  mirror: VectorCollection,
  error: Error,
): RecordOutcome[] =>
  inputs.map(({ recordId }) => ({
    recordId,
    status: 'failed',
    reason: `the batch could not be applied to mirror "${mirror.name}"`,
    error,
  }));

/**
 * Applies the batch the primary took to each mirror in turn, and reports each mirror's
 * outcomes in `mirrors`. A failure on a mirror is counted (`CompactionMirrorError`), logged,
 * marked in `staleMirrorMarks` and handed to `onStaleMirror`; with `mirrorFailure: 'fail'`
 * the message's own outcome fails too, so the queue delivers it again (applying it again to
 * the primary is harmless: its state is read from the table). A mark that cannot be written
 * fails the mirror's failed messages whatever `mirrorFailure` says.
 */
export const applyToMirrors = async (
  primary: CollectionUpdateResult,
  inputs: readonly CollectionUpdateInput[],
  collectionName: CollectionName,
  options: ProcessCollectionUpdatesOptions,
  apply: ApplyBatch,
): Promise<CollectionUpdateResult> => {
  const { logger, metrics } = observersOf(options);
  const mirrors: MirrorUpdateResult[] = [];
  const failedOnMirror = new Map<string, { reason: string; error: Error | undefined }>();
  /** Messages that failed on a mirror whose stale mark could not be written. */
  const unrecorded = new Set<string>();
  for (const [index, mirror] of (options.mirrors ?? []).entries()) {
    let outcomes: readonly RecordOutcome[];
    try {
      const result = await apply(inputs, collectionName, {
        ...options,
        vectors: mirror,
        mirrors: undefined,
      });
      outcomes = result.outcomes;
    } catch (thrown) {
      outcomes = allFailed(inputs, mirror, toError(thrown));
    }
    const counts = countOutcomes(outcomes);
    const result: MirrorUpdateResult = {
      index,
      collection: mirror.name,
      outcomes,
      counts,
      stale: counts.failed > 0,
    };
    mirrors.push(result);
    if (!result.stale) continue;
    metrics.count('CompactionMirrorError', counts.failed, {
      collection: collectionName,
      mirror: String(index),
    });
    logger.warn('Messages failed on a mirror; it is stale until they are applied or synced', {
      collection: collectionName,
      mirror: index,
      failed: counts.failed,
    });
    const failed = outcomes.filter(({ status }) => status === 'failed');
    for (const outcome of failed) {
      if (!failedOnMirror.has(outcome.recordId)) {
        failedOnMirror.set(outcome.recordId, {
          reason: `failed on mirror ${index} ("${mirror.name}"): ${outcome.reason ?? 'no reason given'}`,
          error: outcome.error,
        });
      }
    }
    try {
      await options.staleMirrorMarks?.mark({
        collection: collectionName,
        mirror: index,
        failedMessages: counts.failed,
        reason: failed[0]?.reason ?? 'no reason given',
      });
    } catch (thrown) {
      metrics.count('CompactionMirrorMarkError', 1, { collection: collectionName });
      logger.error('The stale mirror could not be marked: its messages fail for retry', {
        mirror: index,
        error: toError(thrown).message,
      });
      for (const outcome of failed) unrecorded.add(outcome.recordId);
    }
    try {
      await options.onStaleMirror?.(mirror, result);
    } catch (thrown) {
      logger.error('onStaleMirror failed', { mirror: index, error: toError(thrown).message });
    }
  }
  const failing = options.mirrorFailure === 'fail';
  if (!failing && unrecorded.size === 0) return { ...primary, mirrors };
  const outcomes = primary.outcomes.map((outcome): RecordOutcome => {
    const failure = failedOnMirror.get(outcome.recordId);
    if (failure === undefined || outcome.status === 'failed') return outcome;
    if (!failing && !unrecorded.has(outcome.recordId)) return outcome;
    return { recordId: outcome.recordId, status: 'failed', ...failure };
  });
  return {
    ...primary,
    outcomes,
    counts: countOutcomes(outcomes),
    hasErrors: outcomes.some(({ status }) => status === 'failed'),
    mirrors,
  };
};
