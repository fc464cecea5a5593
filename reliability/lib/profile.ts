/**
 * How much each scenario does. The quick profile runs inside `npm test` on every
 * submission; the full one (`npm run reliability`) is the figures the README quotes.
 */
export interface ReliabilityProfile {
  readonly name: 'quick' | 'full';
  /** Stream records generated and mutated through `buildStreamMessages`. */
  readonly streamRecords: number;
  /** SQS bodies generated and mutated through `decodeSqsRecords` and `processCollectionUpdates`. */
  readonly wireBodies: number;
  /** Byte flips in stored snapshots and deltas. */
  readonly corruptions: number;
  /** Delivery orders tried for one run's messages (each shuffled, with duplicates). */
  readonly redeliveries: number;
  /** Publishing child processes killed with SIGKILL (each then checked and rerun). */
  readonly killTrials: number;
  /** Compactor processes contending for one collection's lock at once. */
  readonly contenders: number;
  /** Rounds of the contention scenario (each on a fresh collection). */
  readonly contentionRounds: number;
}

const PROFILES: Readonly<Record<ReliabilityProfile['name'], ReliabilityProfile>> = {
  quick: {
    name: 'quick',
    streamRecords: 20_000,
    wireBodies: 2_000,
    corruptions: 200,
    redeliveries: 10,
    killTrials: 12,
    contenders: 8,
    contentionRounds: 2,
  },
  full: {
    name: 'full',
    streamRecords: 100_000,
    wireBodies: 10_000,
    corruptions: 1_000,
    redeliveries: 50,
    killTrials: 60,
    contenders: 20,
    contentionRounds: 5,
  },
};

/** The profile `RELIABILITY_PROFILE` names (`quick` when unset). */
export const profile: ReliabilityProfile = (() => {
  const name = process.env['RELIABILITY_PROFILE'] ?? 'quick';
  const chosen = PROFILES[name as ReliabilityProfile['name']];
  if (chosen === undefined) {
    throw new Error(`RELIABILITY_PROFILE must be 'quick' or 'full', got '${name}'`);
  }
  return chosen;
})();
