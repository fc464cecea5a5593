import type { DecodedStreamMessage } from '@receipt-chroma/dynamo-stream';
import { processCollectionUpdates } from '../../src/compaction/processCollectionUpdates.js';
import type {
  CollectionName,
  CollectionUpdateInput,
  MergeDeltas,
} from '../../src/compaction/types.js';
import type { ReceiptStore } from '../../src/ports/receiptStore.js';
import type { VectorCollection } from '../../src/ports/vectorCollection.js';
import { InMemoryVectorCollection } from '../../src/testing/InMemoryVectorCollection.js';
import { actualRecords, diffRecords, expectedRecords } from './convergenceExpected.js';
import {
  DeltaStore,
  drawFaultRates,
  type FaultRates,
  Faults,
  faultyCollection,
  faultyReceiptStore,
} from './convergenceFaults.js';
import { HistoryGenerator } from './convergenceHistory.js';
import {
  IMAGE_ID,
  MonotonicClock,
  randomFor,
  type SeededRandom,
  SimulatedTable,
} from './convergenceModel.js';

/**
 * One history of the convergence test, end to end: the table changes, the stream turns them
 * into messages on the `words` and `lines` queues, random batches of one queue at a time are
 * delivered to `processCollectionUpdates` between the changes (reordered, with duplicates and
 * late redeliveries, under injected failures), whatever failed is redelivered until nothing
 * is pending, and both collections are compared with what the final table says they must
 * hold.
 */

/** Delivery rounds after the history before the failure rates start to fall. */
const CALM_AFTER_ROUND = 10;
/** Delivery rounds after the history before failures stop altogether. */
const STOP_FAULTS_AFTER_ROUND = 30;
/** Delivery rounds after the history before giving up: the queue must be empty by then. */
const MAX_DRAIN_ROUNDS = 300;
/** The most messages one delivery carries (SQS's batch size for Lambda is 10 by default). */
const MAX_BATCH = 10;
/** The most table changes made while one batch of the history is being applied. */
const MAX_CHANGES_DURING_BATCH = 2;
/** The chance that a table read of the compactor is preceded by such a change. */
const CHANGE_BEFORE_READ = 0.1;

/** One queued copy of a message; a duplicate is another copy of the same message. */
interface QueuedCopy {
  /** `w3` (third copy on the words queue) or `l3`. */
  readonly id: string;
  readonly message: DecodedStreamMessage;
  /** The copy this one duplicates. */
  readonly duplicateOf?: string | undefined;
  deliveries: number;
  lastReason?: string | undefined;
}

/**
 * A Standard queue: every copy is delivered until a delivery of it is acknowledged
 * (`applied` or `skipped`); a `failed` copy stays and comes back in a later batch.
 */
class SimulatedQueue {
  readonly name: CollectionName;
  readonly pending: QueuedCopy[] = [];
  readonly acknowledged: QueuedCopy[] = [];
  #nextId = 1;

  constructor(name: CollectionName) {
    this.name = name;
  }

  add(message: DecodedStreamMessage, duplicateOf?: string): QueuedCopy {
    const id = `${this.name[0]}${this.#nextId}`;
    this.#nextId += 1;
    const copy: QueuedCopy = { id, message, duplicateOf, deliveries: 0 };
    this.pending.push(copy);
    return copy;
  }

  acknowledge(copy: QueuedCopy): void {
    const index = this.pending.indexOf(copy);
    if (index >= 0) this.pending.splice(index, 1);
    this.acknowledged.push(copy);
  }
}

/** What a message is about, briefly: `w3 RECEIPT_WORD_LABEL MODIFY r1 l2 w1 TAX`. */
const describeCopy = (copy: QueuedCopy): string => {
  const data = copy.message.entityData;
  const parts = [
    copy.id,
    copy.message.entityType,
    copy.message.eventName,
    `r${data.receipt_id}`,
    data.line_id === undefined ? '' : `l${data.line_id}`,
    data.word_id === undefined ? '' : `w${data.word_id}`,
    data.label ?? '',
    data.section_type ?? '',
    typeof data.run_id === 'string' ? data.run_id.slice(0, 8) : '',
  ];
  return parts.filter((part) => part !== '').join(' ');
};

/** The outcome of one history. */
export interface ConvergenceReport {
  readonly seed: number;
  readonly faults: FaultRates;
  readonly maxBatchSize: number;
  /** The history: changes (with the messages they produced) and deliveries. */
  readonly steps: readonly string[];
  /** Why the history failed: non-convergence, a broken contract, or record differences. */
  readonly problems: readonly string[];
  /** Records the final table says the two collections hold (the test's coverage). */
  readonly expectedRecords: number;
  /** Failures injected into the vector store, the table and the merger. */
  readonly injectedFailures: number;
}

/** One collection with its queue and the compactor's view of it. */
interface Consumer {
  readonly queue: SimulatedQueue;
  /** The collection itself, read by the oracle. */
  readonly stored: InMemoryVectorCollection;
  /** The collection behind injected failures, given to the compactor. */
  readonly vectors: VectorCollection;
}

/** What the deliveries of a history share. */
interface Delivery {
  readonly rng: SeededRandom;
  readonly receipts: ReceiptStore;
  readonly mergeDeltas: MergeDeltas;
  readonly clock: MonotonicClock;
  readonly maxBatchSize: number;
}

/**
 * Delivers one batch of one queue: a random subset of the pending copies, in random order,
 * sometimes with a duplicate of one of them and a late redelivery of a copy already
 * acknowledged.
 * @returns the step's line for the history
 * @throws Error when the outcomes break the contract (one outcome per input, in order)
 */
async function deliverBatch(
  delivery: Delivery,
  consumer: Consumer,
  duplicates: boolean,
): Promise<string> {
  const { rng } = delivery;
  const { queue } = consumer;
  const batch = rng.sample(queue.pending, rng.int(1, MAX_BATCH));
  if (duplicates && batch.length > 0 && rng.chance(0.2)) {
    const original = rng.pick(batch);
    batch.push(queue.add(original.message, original.id));
  }
  if (duplicates && queue.acknowledged.length > 0 && rng.chance(0.15)) {
    const original = rng.pick(queue.acknowledged);
    batch.push(queue.add(original.message, original.id));
  }
  if (batch.length === 0) return `deliver ${queue.name}: nothing pending`;
  const copies = rng.shuffle(batch);
  const inputs: CollectionUpdateInput[] = copies.map((copy) => {
    copy.deliveries += 1;
    return {
      recordId: `${copy.id}.${copy.deliveries}`,
      message: copy.message,
      collection: queue.name,
    };
  });
  const result = await processCollectionUpdates(inputs, queue.name, {
    vectors: consumer.vectors,
    receipts: delivery.receipts,
    mergeDeltas: delivery.mergeDeltas,
    now: delivery.clock.now,
    maxBatchSize: delivery.maxBatchSize,
  });
  const outcomes = result.outcomes;
  if (
    outcomes.length !== inputs.length ||
    outcomes.some((outcome, index) => outcome.recordId !== inputs[index]?.recordId)
  ) {
    throw new Error(
      `${inputs.length} inputs got ${outcomes.length} outcomes: ${outcomes.map(({ recordId }) => recordId).join(', ')}`,
    );
  }
  const shown = copies.map((copy, index) => {
    const outcome = outcomes[index];
    const status = outcome?.status ?? 'failed';
    if (status === 'failed') copy.lastReason = outcome?.reason;
    else queue.acknowledge(copy);
    const duplicate = copy.duplicateOf === undefined ? '' : `=${copy.duplicateOf}`;
    return `${copy.id}${duplicate}:${status}`;
  });
  return `deliver ${queue.name}: ${shown.join(' ')}`;
}

/**
 * Runs the history of `seed` and checks that both collections converged on the final
 * table. The same seed always gives the same history: table changes, deliveries and
 * injected failures.
 * @param seed - the history's seed
 */
export async function runConvergenceHistory(seed: number): Promise<ConvergenceReport> {
  const historyRng = randomFor(seed, 1);
  const faultRng = randomFor(seed, 3);
  const clock = new MonotonicClock();
  const table = new SimulatedTable(clock);
  const deltas = new DeltaStore();
  const receiptCount = historyRng.int(2, 3);
  const stepCount = historyRng.int(10, 40);
  const generator = new HistoryGenerator(historyRng, table, clock, receiptCount, {
    onRun: (run, contents) => deltas.capture(run, contents),
  });
  const faults = new Faults(drawFaultRates(faultRng), faultRng);
  const maxBatchSize = faultRng.pick([1, 2, 3, 250]);
  const consumers = new Map<CollectionName, Consumer>(
    (['words', 'lines'] as const).map((name) => {
      const stored = new InMemoryVectorCollection(name);
      const consumer = {
        queue: new SimulatedQueue(name),
        stored,
        vectors: faultyCollection(stored, faults),
      };
      return [name, consumer];
    }),
  );
  const everyConsumer = [...consumers.values()];
  /** Queues the messages of the changes so far; ` ⇒ w3 …, l4 …` for the history. */
  const enqueue = (): string => {
    const copies = table.publish().map(({ collection, message }) => {
      const consumer = consumers.get(collection) as Consumer;
      return consumer.queue.add(message);
    });
    return copies.length === 0 ? '' : ` ⇒ ${copies.map(describeCopy).join(', ')}`;
  };
  // The table keeps changing while a batch is applied (the compactor holds the collection's
  // lock, not the table): a few changes happen between the compactor's reads.
  const duringBatch = { allowed: 0, rng: randomFor(seed, 4), steps: [] as string[] };
  const changeDuringBatch = (): void => {
    if (duringBatch.allowed === 0 || !duringBatch.rng.chance(CHANGE_BEFORE_READ)) return;
    duringBatch.allowed -= 1;
    const description = generator.change();
    if (description !== undefined) {
      duringBatch.steps.push(`(during that batch) ${description}${enqueue()}`);
    }
  };
  const delivery: Delivery = {
    rng: randomFor(seed, 2),
    receipts: faultyReceiptStore(table.store, faults, changeDuringBatch),
    mergeDeltas: deltas.merger(faults),
    clock,
    maxBatchSize,
  };
  const pendingCount = (): number =>
    everyConsumer.reduce((total, { queue }) => total + queue.pending.length, 0);
  const steps: string[] = [];
  const report = (problems: string[], expectedRecords = 0): ConvergenceReport => ({
    seed,
    faults: faults.rates,
    maxBatchSize,
    steps,
    problems,
    expectedRecords,
    injectedFailures: faults.injected,
  });

  try {
    for (let index = 0; index < stepCount; index += 1) {
      const step = generator.step();
      if (step.kind === 'change') {
        steps.push(`${step.description}${enqueue()}`);
        continue;
      }
      duringBatch.allowed = MAX_CHANGES_DURING_BATCH;
      steps.push(await deliverBatch(delivery, delivery.rng.pick(everyConsumer), true));
      duringBatch.allowed = 0;
      steps.push(...duringBatch.steps.splice(0));
    }
    steps.push('-- drain --');
    for (let round = 1; pendingCount() > 0; round += 1) {
      if (round > MAX_DRAIN_ROUNDS) {
        const stuck = everyConsumer
          .flatMap(({ queue }) => queue.pending)
          .map((copy) => `${describeCopy(copy)} (${copy.lastReason})`);
        return report([
          `did not converge: ${stuck.length} message(s) still failing after ${MAX_DRAIN_ROUNDS} delivery rounds, the last ${MAX_DRAIN_ROUNDS - STOP_FAULTS_AFTER_ROUND} without injected failures: ${stuck.join('; ')}`,
        ]);
      }
      if (round > CALM_AFTER_ROUND) faults.calm(round > STOP_FAULTS_AFTER_ROUND ? 0 : 0.7);
      const busy = everyConsumer.filter(({ queue }) => queue.pending.length > 0);
      steps.push(await deliverBatch(delivery, delivery.rng.pick(busy), round <= CALM_AFTER_ROUND));
    }
  } catch (error) {
    return report([`the history threw: ${(error as Error).stack ?? String(error)}`]);
  }

  const receiptIds = Array.from({ length: receiptCount }, (_, index) => index + 1);
  const problems: string[] = [];
  let expectedCount = 0;
  for (const [name, { stored }] of consumers) {
    const expected = await expectedRecords(table.store, IMAGE_ID, receiptIds, name);
    expectedCount += expected.size;
    const differences = diffRecords(expected, await actualRecords(stored));
    problems.push(...differences.map((difference) => `${name} ${difference}`));
  }
  return report(problems, expectedCount);
}

/** A failed history as a message: how to replay it, the history, then the problems. */
export function formatReport(report: ConvergenceReport): string {
  return [
    `seed ${report.seed}: replay with CONVERGENCE_SEED=${report.seed}`,
    `faults ${JSON.stringify(report.faults)}, maxBatchSize ${report.maxBatchSize}`,
    'history:',
    ...report.steps.map((step, index) => `  ${String(index + 1).padStart(3)}. ${step}`),
    'problems:',
    ...report.problems.slice(0, 40).map((problem) => `  - ${problem}`),
    ...(report.problems.length > 40 ? [`  … and ${report.problems.length - 40} more`] : []),
  ].join('\n');
}
