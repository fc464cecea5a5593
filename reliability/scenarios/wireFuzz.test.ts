import {
  decodeSqsRecords,
  processCollectionUpdates,
  type RecordOutcome,
  toBatchItemFailures,
} from '@receipt-chroma/chroma-compaction';
import { describe, expect, it } from 'vitest';
import { recordFigures } from '../lib/figures.js';
import { profile } from '../lib/profile.js';
import { seededRandom } from '../lib/random.js';
import {
  type FuzzedBatch,
  type FuzzedRecord,
  fuzzWireBatches,
  WIRE_MUTATION_KINDS,
} from '../lib/wireMutations.js';
import {
  collectionContents,
  type StoredVector,
  seedWireWorld,
  type WireWorld,
  wireGoodBodies,
} from '../lib/wireWorld.js';

/** The fuzzer's seed: a failure replays exactly from it. */
const SEED = 0x5eed_2026;
/**
 * Bodies delivered to one world before the next round starts from a fresh one: the world
 * has some 140 distinct edits, so without fresh worlds later good bodies would only find
 * work already done.
 */
const ROUND_BODIES = 250;
/** The clock of the timestamps written into metadata, the same in both runs. */
const NOW = (): string => '2026-01-04T13:00:00.000000+00:00';

/** What happened to the batches of one run. */
interface Run {
  /** Every outcome of each record id (decode failures and `processCollectionUpdates`'). */
  readonly outcomes: Map<string, RecordOutcome[]>;
  /** The ids `toBatchItemFailures` named, per batch. */
  readonly retried: string[][];
  /** What escaped `decodeSqsRecords`, `processCollectionUpdates` or `toBatchItemFailures`. */
  readonly escaped: unknown[];
}

/** Delivers each batch as the compactor's Lambda would: decode, apply, report failures. */
const deliver = async (world: WireWorld, batches: readonly FuzzedBatch[]): Promise<Run> => {
  const outcomes = new Map<string, RecordOutcome[]>();
  const retried: string[][] = [];
  const escaped: unknown[] = [];
  for (const { queue, records } of batches) {
    try {
      const { inputs, failures } = decodeSqsRecords(records);
      const result = await processCollectionUpdates(inputs, queue, {
        vectors: world[queue],
        receipts: world.receipts,
        now: NOW,
      });
      for (const outcome of [...failures, ...result.outcomes]) {
        const list = outcomes.get(outcome.recordId) ?? [];
        list.push(outcome);
        outcomes.set(outcome.recordId, list);
      }
      const response = toBatchItemFailures(result, { failures, records });
      retried.push(response.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier));
    } catch (error) {
      escaped.push(error);
      retried.push([]);
    }
  }
  return { outcomes, retried, escaped };
};

/** Both collections of a world, in full. */
interface Contents {
  readonly lines: StoredVector[];
  readonly words: StoredVector[];
}

const contentsOf = async (world: WireWorld): Promise<Contents> => ({
  lines: await collectionContents(world.lines),
  words: await collectionContents(world.words),
});

/** One round: its batches into a fresh world, and their good records alone into another. */
interface Round {
  readonly run: Run;
  readonly alone: Run;
  readonly seeded: Contents;
  readonly after: Contents;
  readonly replayed: Contents;
}

const playRound = async (batches: readonly FuzzedBatch[]): Promise<Round> => {
  const goodOnly = batches.map(({ queue, records }) => ({
    queue,
    records: records.filter(({ verdict }) => verdict === 'good'),
  }));
  const fuzzed = await seedWireWorld();
  const replay = await seedWireWorld();
  const seeded = await contentsOf(fuzzed);
  const run = await deliver(fuzzed, batches);
  const alone = await deliver(replay, goodOnly);
  return {
    run,
    alone,
    seeded,
    after: await contentsOf(fuzzed),
    replayed: await contentsOf(replay),
  };
};

/** The batches cut into rounds of at least {@link ROUND_BODIES} records (the last may be short). */
const inRounds = (batches: readonly FuzzedBatch[]): FuzzedBatch[][] => {
  const rounds: FuzzedBatch[][] = [[]];
  let size = 0;
  for (const batch of batches) {
    if (size >= ROUND_BODIES) {
      rounds.push([]);
      size = 0;
    }
    rounds[rounds.length - 1]?.push(batch);
    size += batch.records.length;
  }
  return rounds;
};

/** The runs of all rounds as one (message ids are unique across rounds). */
const merged = (runs: readonly Run[]): Run => ({
  outcomes: new Map(runs.flatMap(({ outcomes }) => [...outcomes])),
  retried: runs.flatMap(({ retried }) => retried),
  escaped: runs.flatMap(({ escaped }) => escaped),
});

/** Why a record's outcome breaks the oracle, or `undefined` when it keeps it. */
const breach = (
  record: FuzzedRecord,
  outcomes: readonly RecordOutcome[] | undefined,
  replayed: readonly RecordOutcome[] | undefined,
): string | undefined => {
  if (outcomes?.length !== 1) return `${outcomes?.length ?? 0} outcomes`;
  const [outcome] = outcomes as [RecordOutcome];
  if (record.verdict === 'bad') {
    if (outcome.status !== 'failed') return `bad body ${outcome.status}: ${outcome.reason}`;
    if (typeof outcome.reason !== 'string' || outcome.reason === '') return 'failed without reason';
    return undefined;
  }
  if (record.verdict === 'inert') {
    return outcome.status === 'skipped' ? undefined : `inert body ${outcome.status}`;
  }
  if (outcome.status === 'failed') return `good body failed: ${outcome.reason}`;
  const alone = replayed?.[0]?.status;
  return outcome.status === alone ? undefined : `good body ${outcome.status}, alone ${alone}`;
};

/** The count of each value. */
const tally = (values: readonly string[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
};

describe('Scenario: wire fuzzing', () => {
  it(`fails exactly the bad ones of ${profile.wireBodies.toLocaleString('en-US')} fuzzed SQS bodies and applies every good one`, async () => {
    // Prepare
    const batches = fuzzWireBatches(seededRandom(SEED), wireGoodBodies(), profile.wireBodies);
    const records = batches.flatMap(({ records }) => records);

    // Act
    const rounds: Round[] = [];
    for (const round of inRounds(batches)) rounds.push(await playRound(round));

    // Assess
    const run = merged(rounds.map(({ run }) => run));
    const alone = merged(rounds.map(({ alone }) => alone));
    const breaches = records.flatMap((record) => {
      const why = breach(
        record,
        run.outcomes.get(record.messageId),
        alone.outcomes.get(record.messageId),
      );
      return why === undefined ? [] : [{ kind: record.kind, body: record.body.slice(0, 160), why }];
    });
    const statusOf = (record: FuzzedRecord): string =>
      run.outcomes.get(record.messageId)?.[0]?.status ?? 'none';
    const good = records.filter(({ verdict }) => verdict === 'good');
    const bad = records.filter(({ verdict }) => verdict === 'bad');
    const inert = records.filter(({ verdict }) => verdict === 'inert');
    const failedOutcomes = [...run.outcomes.values()]
      .flat()
      .filter(({ status }) => status === 'failed');
    const goodStatuses = tally(good.map(statusOf));
    const same = (left: Contents, right: Contents): boolean =>
      JSON.stringify(left) === JSON.stringify(right);
    const unequalRounds = rounds.flatMap((round, index) =>
      same(round.after, round.replayed) ? [] : [index],
    );
    const unchangedRounds = rounds.flatMap((round, index) =>
      same(round.after, round.seeded) ? [index] : [],
    );
    recordFigures('wire fuzzing', [
      { figure: 'bodies fuzzed', value: records.length },
      { figure: 'batches (1, 10 or 100 records)', value: batches.length },
      { figure: `fresh worlds (one per ~${ROUND_BODIES} bodies)`, value: rounds.length },
      { figure: 'mutation kinds', value: new Set(records.map(({ kind }) => kind)).size },
      { figure: 'bad bodies', value: bad.length },
      { figure: 'failed outcomes', value: failedOutcomes.length },
      { figure: 'good bodies', value: good.length },
      { figure: 'good bodies applied', value: goodStatuses['applied'] ?? 0 },
      {
        figure: 'good bodies skipped (nothing left to write)',
        value: goodStatuses['skipped'] ?? 0,
      },
      { figure: 'inert bodies skipped (entity type of no use)', value: inert.length },
      { figure: 'oracle breaches', value: breaches.length },
      { figure: 'exceptions escaped', value: run.escaped.length + alone.escaped.length },
      {
        figure: 'final collections equal to the good-only replay',
        value: unequalRounds.length === 0 ? 'yes' : `no (${unequalRounds.length} worlds differ)`,
      },
    ]);

    expect(run.escaped).toEqual([]);
    expect(alone.escaped).toEqual([]);
    expect(breaches).toEqual([]);
    expect(failedOutcomes).toHaveLength(bad.length);
    expect(run.retried).toEqual(
      batches.map(({ records }) =>
        records.filter(({ verdict }) => verdict === 'bad').map(({ messageId }) => messageId),
      ),
    );
    expect(alone.retried.flat()).toEqual([]);
    expect(rounds.map(({ after }) => after)).toEqual(rounds.map(({ replayed }) => replayed));
    expect(unchangedRounds).toEqual([]);
    expect(goodStatuses['applied']).toBeGreaterThan(0);
    expect(new Set(records.map(({ kind }) => kind))).toEqual(new Set(WIRE_MUTATION_KINDS));
  });
});
