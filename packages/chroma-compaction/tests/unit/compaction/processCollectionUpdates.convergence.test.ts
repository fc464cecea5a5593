import { describe, expect, it } from 'vitest';
import {
  type ConvergenceReport,
  formatReport,
  runConvergenceHistory,
} from '../../helpers/convergenceRun.js';

/**
 * The convergence rule (DESIGN §1), checked on random histories: whatever order, duplicates,
 * late redeliveries and transient failures the queue and the services produce, once every
 * message is acknowledged the collection holds exactly what the final table says (see
 * `convergenceExpected.ts` for the rule record by record).
 *
 * `CONVERGENCE_RUNS=20000` runs more histories (seeds 1…n); `CONVERGENCE_SEED=<n>` replays
 * the one history a failure printed.
 */

const DEFAULT_RUNS = 2000;

const positiveInteger = (name: string): number | undefined => {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
  }
  return value;
};

const replayed = positiveInteger('CONVERGENCE_SEED');
const runs = positiveInteger('CONVERGENCE_RUNS') ?? DEFAULT_RUNS;
const seeds =
  replayed === undefined ? Array.from({ length: runs }, (_, index) => index + 1) : [replayed];

/** The failures of every seed, the first one in full. */
const describeFailures = (failed: readonly ConvergenceReport[]): string => {
  const [first] = failed;
  if (first === undefined) return '';
  return [
    `${failed.length} of ${seeds.length} histories failed to converge on the table; failing seeds: ${failed
      .slice(0, 50)
      .map(({ seed }) => seed)
      .join(', ')}${failed.length > 50 ? ', …' : ''}`,
    formatReport(first),
  ].join('\n');
};

describe('Function: processCollectionUpdates', () => {
  describe('convergence on the table under reordering, duplicates and failures', () => {
    it(
      `leaves the words and lines collections as the final table says, in ${seeds.length} histories`,
      async () => {
        // Prepare
        const failed: ConvergenceReport[] = [];
        let expectedRecords = 0;
        let injectedFailures = 0;

        // Act
        for (const [index, seed] of seeds.entries()) {
          const report = await runConvergenceHistory(seed);
          if (report.problems.length > 0) failed.push(report);
          expectedRecords += report.expectedRecords;
          injectedFailures += report.injectedFailures;
          // Histories only await microtasks: let the worker answer the runner now and then.
          if (index % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
        }

        // Assess
        expect(describeFailures(failed)).toBe('');
        // Not vacuous: the histories left records to compare, and failures were injected.
        expect(expectedRecords).toBeGreaterThan(seeds.length);
        if (seeds.length >= 100) expect(injectedFailures).toBeGreaterThan(seeds.length);
      },
      // 10–20 ms per history on a busy 2-core machine, with room to spare.
      60_000 + seeds.length * 30,
    );
  });
});
