import { remoteCycle } from './remoteCycle.js';
import { runCycle } from './runCycle.js';
import { type CycleChroma, snapshotCycle } from './snapshotCycle.js';
import type {
  CompactCollectionOptions,
  CompactionResult,
  RemoteCompactionOptions,
  SnapshotCompactionOptions,
} from './types.js';

export type { CycleChroma } from './snapshotCycle.js';

/**
 * One whole compaction cycle for the records of one invocation, in the mode the options
 * choose: remote (`target`) applies the batch to a running Chroma in place; snapshot mode
 * works on the pointer's version with `chroma` and publishes a new one. @internal (the
 * public entry adds Chroma)
 */
export function runCompactionCycle(options: RemoteCompactionOptions): Promise<CompactionResult>;
/** @internal */
export function runCompactionCycle(
  options: SnapshotCompactionOptions,
  chroma: CycleChroma,
): Promise<CompactionResult>;
export function runCompactionCycle(
  options: CompactCollectionOptions,
  chroma?: CycleChroma,
): Promise<CompactionResult> {
  return runCycle(options, (run) =>
    options.target === undefined
      ? // The overloads make `chroma` present in snapshot mode.
        snapshotCycle(run, options, chroma as CycleChroma)
      : remoteCycle(run, options),
  );
}
