import {
  decodeSqsRecords,
  processCollectionUpdates,
  type SqsRecordLike,
} from '@receipt-chroma/chroma-compaction';
import { describe, expect, it } from 'vitest';
import { recordFigures } from '../lib/figures.js';
import { profile } from '../lib/profile.js';
import type { Random } from '../lib/random.js';
import { seededRandom } from '../lib/random.js';
import {
  comparableContents,
  seedWireWorld,
  type WireQueue,
  type WireWorld,
  wireGoodBodies,
} from '../lib/wireWorld.js';

const QUEUES: readonly WireQueue[] = ['lines', 'words'];
/** The clock of the timestamps written into metadata, the same in every run. */
const NOW = (): string => '2026-01-04T13:00:00.000000+00:00';
/** SQS hands a Lambda at most 10 records per batch by default. */
const MAX_BATCH = 10;

/** One delivery of a message: SQS gives each delivery a new message id, same body. */
interface Delivery {
  readonly body: string;
  readonly order: number;
}

/** Delivers `deliveries` to `queue` of `world` in batches of 1 to 10; returns the failures. */
const deliver = async (
  world: WireWorld,
  queue: WireQueue,
  deliveries: readonly Delivery[],
  random: Random,
): Promise<number> => {
  let failed = 0;
  let next = 0;
  while (next < deliveries.length) {
    const size = random.int(1, MAX_BATCH);
    const records: SqsRecordLike[] = deliveries
      .slice(next, next + size)
      .map(({ body }, index) => ({ messageId: `delivery-${next + index}`, body }));
    next += size;
    const { inputs, failures } = decodeSqsRecords(records);
    const result = await processCollectionUpdates(inputs, queue, {
      vectors: world[queue],
      receipts: world.receipts,
      now: NOW,
    });
    failed += failures.length + result.outcomes.filter(({ status }) => status === 'failed').length;
  }
  return failed;
};

/** Every body once, in a random order, some twice or three times (at-least-once delivery). */
const redeliveries = (bodies: readonly string[], random: Random): Delivery[] => {
  const deliveries: Delivery[] = [];
  bodies.forEach((body, order) => {
    const copies = random.chance(0.5) ? random.int(2, 3) : 1;
    for (let copy = 0; copy < copies; copy += 1) deliveries.push({ body, order });
  });
  for (let index = deliveries.length - 1; index > 0; index -= 1) {
    const other = random.int(0, index);
    [deliveries[index], deliveries[other]] = [
      deliveries[other] as Delivery,
      deliveries[index] as Delivery,
    ];
  }
  return deliveries;
};

/** Deliveries that came before one of an earlier message. */
const outOfOrder = (deliveries: readonly Delivery[]): number => {
  let latest = -1;
  let count = 0;
  for (const { order } of deliveries) {
    if (order < latest) count += 1;
    latest = Math.max(latest, order);
  }
  return count;
};

/** Both collections, compared as maps without the history keys (`comparableContents`). */
const contents = async (world: WireWorld): Promise<string> =>
  `${await comparableContents(world.lines)}\n${await comparableContents(world.words)}`;

describe('Scenario: redelivery', () => {
  it('ends in the same collections whatever the order and however often each message comes', async () => {
    // Prepare: the run delivered once, in order: what every other delivery must end in.
    const random = seededRandom(0x2ede_1e7e);
    const bodies = wireGoodBodies();
    const reference = await seedWireWorld();
    const before = await contents(reference);
    for (const queue of QUEUES) {
      const inOrder = bodies[queue].map((body, order) => ({ body, order }));
      expect(await deliver(reference, queue, inOrder, random)).toBe(0);
    }
    const expected = await contents(reference);
    let deliveriesMade = 0;
    let duplicates = 0;
    let reordered = 0;
    let failures = 0;
    const differing: number[] = [];

    // Act: each trial delivers every message again, shuffled and duplicated, to a fresh world,
    // then the whole run once more on top (a redrive of everything).
    for (let trial = 0; trial < profile.redeliveries; trial += 1) {
      const world = await seedWireWorld();
      for (const queue of QUEUES) {
        for (const pass of [0, 1]) {
          const deliveries = redeliveries(bodies[queue], random);
          deliveriesMade += deliveries.length;
          duplicates += deliveries.length - bodies[queue].length;
          if (pass === 0) reordered += outOfOrder(deliveries);
          failures += await deliver(world, queue, deliveries, random);
        }
      }
      if ((await contents(world)) !== expected) differing.push(trial);
    }

    // Assess
    const messages = QUEUES.reduce((sum, queue) => sum + bodies[queue].length, 0);
    recordFigures('redelivery', [
      { figure: 'messages in the run', value: messages },
      { figure: 'trials (shuffled, duplicated, then redriven)', value: profile.redeliveries },
      { figure: 'deliveries', value: deliveriesMade },
      { figure: 'duplicate deliveries', value: duplicates },
      { figure: 'deliveries out of order', value: reordered },
      { figure: 'failed outcomes', value: failures },
      { figure: 'trials ending in other collections', value: differing.length },
    ]);
    expect(expected).not.toBe(before);
    expect(reordered).toBeGreaterThan(0);
    expect(failures).toBe(0);
    expect(differing).toEqual([]);
  });
});
