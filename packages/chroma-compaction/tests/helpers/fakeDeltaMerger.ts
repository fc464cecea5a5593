import type { DeltaMergeRequest, MergeDeltas } from '../../src/compaction/types.js';

/** The vectors a test registers under one delta prefix. */
export interface FakeDelta {
  readonly ids: string[];
  readonly metadatas: Record<string, string | number>[];
}

/**
 * A delta merger that upserts, into whatever collection it is given, the vectors a test
 * registered under each run's prefix (2-dimensional embeddings, like `seedWords`), and fails
 * a run whose prefix has none (as a missing delta object would). `calls` keeps every call.
 */
export const fakeDeltaMerger = (
  deltas: Readonly<Record<string, FakeDelta>>,
): { mergeDeltas: MergeDeltas; calls: DeltaMergeRequest[][] } => {
  const calls: DeltaMergeRequest[][] = [];
  const mergeDeltas: MergeDeltas = async (runs, { vectors }) => {
    calls.push([...runs]);
    const results = [];
    for (const run of runs) {
      const delta = deltas[run.deltaPrefix];
      if (delta === undefined) {
        results.push({
          ...run,
          status: 'failed' as const,
          mergedCount: 0,
          reason: 'delta download failed',
          error: new Error('NoSuchKey'),
        });
        continue;
      }
      await vectors.upsert({
        ids: delta.ids,
        embeddings: delta.ids.map(() => [0.5, 0.5]),
        metadatas: delta.metadatas,
      });
      results.push({
        recordId: run.recordId,
        runId: run.runId,
        imageId: run.imageId,
        receiptId: run.receiptId,
        status: 'applied' as const,
        mergedCount: delta.ids.length,
      });
    }
    return results;
  };
  return { mergeDeltas, calls };
};

/**
 * A merger that fails every run of its first `failures` calls (as a delta download that
 * times out would), then merges through `inner`.
 */
export const failingFirst = (inner: MergeDeltas, failures = 1): MergeDeltas => {
  let calls = 0;
  return async (runs, context) => {
    calls += 1;
    if (calls > failures) return inner(runs, context);
    return runs.map((run) => ({
      recordId: run.recordId,
      runId: run.runId,
      imageId: run.imageId,
      receiptId: run.receiptId,
      status: 'failed' as const,
      mergedCount: 0,
      reason: 'delta download failed',
      error: new Error('injected merge failure'),
    }));
  };
};
