/// <reference path="../../scripts/vitest/globalSetup.ts" />
/// <reference path="../../scripts/vitest/chromaSetup.ts" />
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqsRecordLike } from '@receipt-chroma/chroma-compaction';
import { decodeSqsRecords, processCollectionUpdates } from '@receipt-chroma/chroma-compaction';
import { DynamoReceiptStore } from '@receipt-chroma/chroma-compaction/dynamodb';
import { build } from 'esbuild';
import { describe, expect, inject, it } from 'vitest';
import { workspaceSourcePlugin } from '../../scripts/workspaceSources.mjs';
import { startFaultProxy } from '../lib/faultProxy.js';
import { recordFigures } from '../lib/figures.js';
import { profile } from '../lib/profile.js';
import { type Random, seededRandom } from '../lib/random.js';
import {
  chromaClientAt,
  chromaCollection,
  createTable,
  deleteTable,
  motoClient,
  seedChromaCollection,
  writeItems,
} from '../lib/serviceWorld.js';
import { comparableContents, wireGoodBodies, wireWorldItems } from '../lib/wireWorld.js';

/** The one collection every contender compacts. */
const QUEUE = 'words';
/** The clock of the timestamps written into metadata, the same in every process. */
const NOW = '2026-01-04T13:00:00.000000+00:00';
/** SQS hands a Lambda at most 10 records per batch by default. */
const MAX_BATCH = 10;
/** Redeliveries of the messages no contender got through, before one counts as lost. */
const MAX_REDELIVERIES = 5;
const CONTENDER_ENTRY = fileURLToPath(new URL('../lib/contender.mjs', import.meta.url));

/** One lock tenure a contender held (see `lib/contender.mjs`). */
interface Tenure {
  readonly fence: number;
  readonly start: number;
  readonly end: number;
  readonly owned: boolean;
  readonly acquireAttempts: number;
}

/** What one contender did with its batches. */
interface WorkDone {
  readonly tenures: Tenure[];
  readonly outcomes: { recordId: string; status: string; reason: string | null }[];
  readonly lockErrors: string[];
}

/** The contender processes. */
interface Contenders {
  /** Gives contender `index` its batches; resolves when it has run them all. */
  readonly work: (
    index: number,
    collectionName: string,
    batches: SqsRecordLike[][],
  ) => Promise<WorkDone>;
  readonly close: () => Promise<void>;
}

/**
 * Bundles `lib/contender.mjs` with esbuild, resolving the workspace packages to their
 * source (`scripts/workspaceSources.mjs`, as the scenarios themselves run), and
 * forks `count` processes of it. Their stdout and stderr are kept, to name a crash.
 */
const startContenders = async (
  count: number,
  init: Record<string, string>,
  dir: string,
): Promise<Contenders> => {
  const bundle = join(dir, 'contender.cjs');
  await build({
    entryPoints: [CONTENDER_ENTRY],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [workspaceSourcePlugin()],
    logLevel: 'silent',
  });
  const output: string[] = [];
  const waiting = new Map<
    string,
    { resolve: (done: WorkDone) => void; reject: (error: Error) => void }
  >();
  const children: ChildProcess[] = [];
  const ready: Promise<void>[] = [];
  for (let index = 0; index < count; index += 1) {
    const child = fork(bundle, [], { execArgv: [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    ready.push(
      new Promise((resolve, reject) => {
        child.on('message', (message: { type: string; job?: string } & WorkDone) => {
          if (message.type === 'ready') resolve();
          if (message.type === 'done' && message.job !== undefined) {
            waiting.get(message.job)?.resolve(message);
            waiting.delete(message.job);
          }
        });
        child.on('exit', (code, signal) => {
          const error = new Error(
            `contender ${index} exited (${code ?? signal}): ${output.join('').slice(-2_000)}`,
          );
          reject(error);
          for (const [job, waiter] of waiting) {
            if (job.startsWith(`${index}:`)) waiter.reject(error);
          }
        });
      }),
    );
    child.send({ type: 'init', ...init });
    children.push(child);
  }
  await Promise.all(ready);
  let jobs = 0;
  return {
    work: (index, collectionName, batches) =>
      new Promise((resolve, reject) => {
        jobs += 1;
        const job = `${index}:${jobs}`;
        waiting.set(job, { resolve, reject });
        children[index]?.send({ type: 'work', job, collectionName, batches });
      }),
    close: async () => {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) resolve();
              else {
                child.once('exit', () => resolve());
                child.disconnect();
              }
            }),
        ),
      );
    },
  };
};

/** Splits `records` into consecutive batches of 1 to 10. */
const batchesOf = (records: readonly SqsRecordLike[], random: Random): SqsRecordLike[][] => {
  const batches: SqsRecordLike[][] = [];
  for (let next = 0; next < records.length; ) {
    const size = random.int(1, MAX_BATCH);
    batches.push(records.slice(next, next + size));
    next += size;
  }
  return batches;
};

/** Shuffles in place (Fisher–Yates) and returns the array. */
const shuffled = <T>(values: T[], random: Random): T[] => {
  for (let index = values.length - 1; index > 0; index -= 1) {
    const other = random.int(0, index);
    [values[index], values[other]] = [values[other] as T, values[index] as T];
  }
  return values;
};

/**
 * Hands each message (by index) to one contender, and to one or two more half the time, so
 * contenders' batches overlap; each contender's share is shuffled and cut into batches.
 */
const share = (
  messages: readonly number[],
  bodies: readonly string[],
  contenders: number,
  tag: string,
  random: Random,
): SqsRecordLike[][][] => {
  const shares: SqsRecordLike[][] = Array.from({ length: contenders }, () => []);
  for (const message of messages) {
    const takers = new Set([random.int(0, contenders - 1)]);
    if (random.chance(0.5)) {
      for (let extra = random.int(1, 2); extra > 0; extra -= 1) {
        takers.add(random.int(0, contenders - 1));
      }
    }
    for (const taker of takers) {
      shares[taker]?.push({
        messageId: `m${message}.${tag}.c${taker}`,
        body: bodies[message] as string,
      });
    }
  }
  return shares.map((records) => batchesOf(shuffled(records, random), random));
};

/** The message index a delivery's `messageId` carries. */
const messageOf = (recordId: string): number => Number(/^m(\d+)\./.exec(recordId)?.[1]);

/** Consecutive tenures (in fence order) where the later one started before the earlier ended. */
const overlapsOf = (tenures: readonly Tenure[]): string[] => {
  const ordered = tenures.toSorted((a, b) => a.fence - b.fence);
  const overlaps: string[] = [];
  for (let index = 1; index < ordered.length; index += 1) {
    const [before, after] = [ordered[index - 1] as Tenure, ordered[index] as Tenure];
    if (after.fence === before.fence || after.start < before.end) {
      overlaps.push(
        `fence ${after.fence} [${after.start}, ${after.end}] after fence ${before.fence} [${before.start}, ${before.end}]`,
      );
    }
  }
  return overlaps;
};

/** The median of `values` (0 for none). */
const median = (values: readonly number[]): number => {
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

describe('Scenario: contention', () => {
  it('keeps compactor processes on one collection to one lock tenure at a time, losing and doubling nothing', async () => {
    // Prepare: the world's receipts table on moto (it holds the lock too, as in production),
    // reached through a proxy that hands moto one request at a time (DynamoDB isolates
    // conditional writes to one item; moto's threaded server does not); the expected
    // collection is a sequential replay of every message in this process.
    const random = seededRandom(0xc0_47e7d);
    const motoEndpoint = inject('motoEndpoint');
    const chromaUrl = inject('chromaUrl');
    const admin = motoClient(motoEndpoint);
    const proxy = await startFaultProxy({ target: motoEndpoint, serialize: true });
    const tableName = await createTable(admin, 'contention');
    const dir = await mkdtemp(join(tmpdir(), 'reliability-contention-'));
    const chroma = chromaClientAt(chromaUrl);
    const bodies = wireGoodBodies()[QUEUE];
    const messages = bodies.map((_, index) => index);
    let contenders: Contenders | undefined;
    try {
      await writeItems(admin, tableName, wireWorldItems());
      const receipts = new DynamoReceiptStore({ client: admin, tableName });
      const replay = await chromaCollection(chroma, await seedChromaCollection(chroma, QUEUE));
      const before = await comparableContents(replay);
      let replayFailures = 0;
      for (const records of batchesOf(
        bodies.map((body, index) => ({ messageId: `replay-${index}`, body })),
        random,
      )) {
        const { inputs, failures } = decodeSqsRecords(records);
        const result = await processCollectionUpdates(inputs, QUEUE, {
          vectors: replay,
          receipts,
          now: () => NOW,
        });
        replayFailures += failures.length + result.counts.failed;
      }
      const expected = await comparableContents(replay);
      contenders = await startContenders(
        profile.contenders,
        {
          dynamoEndpoint: proxy.url,
          chromaUrl,
          tableName,
          lockId: `contention-${process.pid}`,
          collection: QUEUE,
          now: NOW,
        },
        dir,
      );
      const tenures: Tenure[] = [];
      const lockErrors: string[] = [];
      const lost: string[] = [];
      const differing: number[] = [];
      let deliveries = 0;
      let redelivered = 0;

      // Act: each round starts from a fresh copy of the collection; every contender gets its
      // share at once; what nobody got through is redelivered (as SQS would) to all again.
      for (let round = 0; round < profile.contentionRounds; round += 1) {
        const collectionName = await seedChromaCollection(chroma, QUEUE);
        let pending: readonly number[] = messages;
        for (let delivery = 0; delivery <= MAX_REDELIVERIES && pending.length > 0; delivery += 1) {
          if (delivery > 0) redelivered += pending.length;
          const shares = share(
            pending,
            bodies,
            profile.contenders,
            `r${round}.d${delivery}`,
            random,
          );
          deliveries += shares.flat(2).length;
          const done = await Promise.all(
            shares.map((batches, index) =>
              (contenders as Contenders).work(index, collectionName, batches),
            ),
          );
          const succeeded = new Set<number>();
          for (const work of done) {
            tenures.push(...work.tenures);
            lockErrors.push(...work.lockErrors);
            for (const { recordId, status } of work.outcomes) {
              if (status === 'applied' || status === 'skipped') succeeded.add(messageOf(recordId));
            }
          }
          pending = pending.filter((message) => !succeeded.has(message));
        }
        lost.push(...pending.map((message) => `round ${round}: message ${message}`));
        const final = await comparableContents(await chromaCollection(chroma, collectionName));
        if (final !== expected) differing.push(round);
      }

      // Assess
      const overlaps = overlapsOf(tenures);
      const refusedAttempts = tenures.reduce(
        (sum, { acquireAttempts }) => sum + acquireAttempts - 1,
        0,
      );
      recordFigures('contention', [
        { figure: 'contenders (processes)', value: profile.contenders },
        { figure: 'rounds (fresh collection each)', value: profile.contentionRounds },
        { figure: 'messages', value: bodies.length },
        { figure: 'deliveries (overlapping batches)', value: deliveries },
        { figure: 'lock acquisitions', value: tenures.length },
        { figure: 'acquire attempts refused (lock held)', value: refusedAttempts },
        {
          figure: 'median tenure (ms)',
          value: median(tenures.map(({ start, end }) => end - start)),
        },
        { figure: 'tenure overlaps', value: overlaps.length },
        { figure: 'messages redelivered after failing everywhere', value: redelivered },
        { figure: 'lost', value: lost.length },
        { figure: 'final equals sequential replay', value: differing.length === 0 ? 'yes' : 'no' },
      ]);
      expect(replayFailures).toBe(0);
      expect(expected).not.toBe(before);
      expect(lockErrors).toEqual([]);
      expect(overlaps).toEqual([]);
      expect(tenures.filter(({ owned }) => !owned)).toEqual([]);
      expect(new Set(tenures.map(({ fence }) => fence)).size).toBe(tenures.length);
      expect(refusedAttempts).toBeGreaterThan(0);
      expect(lost).toEqual([]);
      expect(differing).toEqual([]);
    } finally {
      await contenders?.close();
      await proxy.close();
      await deleteTable(admin, tableName);
      admin.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
