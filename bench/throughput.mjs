/**
 * Throughput of `buildMessagesFromRecords` from the BUILT package
 * (`packages/dynamo-stream/dist/index.js`) on the 10,000-record mix of
 * `data/generateEvents.mjs`, against the Python package's 15,000–21,000 records/s.
 *
 *   node --expose-gc bench/throughput.mjs [--runs 15] [--warmup 5] [--count 10000] [--json] [--trace]
 *
 * The records are generated once and passed through `JSON.parse(JSON.stringify(…))`, as
 * the Lambda runtime hands them to a handler; each timed run builds messages for all of them. With
 * `--expose-gc`, a full collection runs before every timed run so one run's garbage is not
 * charged to the next. The median of the timed runs is the figure to quote. `--trace` prints
 * every timed run's rate (thousands of records per second) on stderr.
 */
import { pathToFileURL } from 'node:url';
import { expectedMessageCount, generateLabelledEvents } from './data/generateEvents.mjs';
import { BUILT_PACKAGE, fmt, isMain, option, summarize } from './lib/stats.mjs';

/** The Python package's measured range on these machines, in records per second. */
export const PYTHON_RECORDS_PER_SECOND = Object.freeze({ low: 15_000, high: 21_000 });
/** Waits for the event loop to go idle for a moment (after a full GC). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

/** Ten times the upper Python figure. */
export const THROUGHPUT_TARGET = 10 * PYTHON_RECORDS_PER_SECOND.high;

/**
 * @typedef {object} ThroughputResult
 * @property {number} records records per run
 * @property {number} messages messages per run
 * @property {number} expectedMessages messages the mix should yield (spec §8.5)
 * @property {number} failures records reported as failures by `buildStreamMessages`
 * @property {{median: number, min: number, max: number, runs: number}} recordsPerSecond
 * @property {{median: number, min: number, max: number, runs: number}} withObservability
 *   the same with a counting `metrics` and a no-op `logger`, as a handler passes them
 * @property {number} warmupRuns
 * @property {boolean} gcBetweenRuns
 */

/**
 * @param {{runs?: number, warmup?: number, count?: number}} [options]
 * @returns {Promise<ThroughputResult>}
 */
export const measureThroughput = async ({ runs = 15, warmup = 5, count = 10_000 } = {}) => {
  const pkg = await import(pathToFileURL(BUILT_PACKAGE).href);
  if (typeof pkg.buildMessagesFromRecords !== 'function') {
    throw new Error(`${BUILT_PACKAGE} does not export buildMessagesFromRecords yet`);
  }
  const labelled = generateLabelledEvents({ count, seed: 42 });
  // A Lambda handler receives the event as the Node.js runtime parses it from the invoke
  // payload. A JSON round trip gives the records that shape: objects built by the generator
  // one computed key at a time are hash-table ("dictionary") objects in V8, which JSON.parse
  // never produces, and reading them is up to twice as slow.
  const records = JSON.parse(JSON.stringify(labelled.map((entry) => entry.record)));
  const gc = typeof globalThis.gc === 'function' ? globalThis.gc : undefined;

  /** @type {Record<string, number>} */
  const counters = {};
  const metrics = {
    /** @param {string} name @param {number} value */
    count: (name, value) => {
      counters[name] = (counters[name] ?? 0) + value;
    },
  };
  const noop = () => {};
  const logger = { debug: noop, info: noop, warn: noop, error: noop };

  /** @param {() => {length: number}} build */
  const timeRuns = async (build) => {
    let messages = -1;
    for (let i = 0; i < warmup; i += 1) build();
    /** @type {number[]} */
    const rates = [];
    for (let i = 0; i < runs; i += 1) {
      gc?.();
      // The collector sweeps concurrently after a full collection; let it finish so that
      // its threads do not compete with the timed run (2 cores here).
      await settle();
      const start = performance.now();
      const produced = build().length;
      const seconds = (performance.now() - start) / 1000;
      if (messages !== -1 && produced !== messages) {
        throw new Error(`Run ${i} produced ${produced} messages, an earlier one ${messages}`);
      }
      messages = produced;
      rates.push(records.length / seconds);
    }
    if (process.argv.includes('--trace'))
      console.error(rates.map((rate) => Math.round(rate / 1000)).join(' '));
    return { messages, rates: summarize(rates) };
  };

  const plain = await timeRuns(() => pkg.buildMessagesFromRecords(records));
  const observed = await timeRuns(
    () => pkg.buildStreamMessages(records, { logger, metrics }).messages,
  );
  const { failures } = pkg.buildStreamMessages(records);
  return {
    records: records.length,
    messages: plain.messages,
    expectedMessages: expectedMessageCount(labelled),
    failures: failures.length,
    recordsPerSecond: plain.rates,
    withObservability: observed.rates,
    warmupRuns: warmup,
    gcBetweenRuns: gc !== undefined,
  };
};

/** @param {ThroughputResult} result */
const report = (result) => {
  const { median, min, max, runs } = result.recordsPerSecond;
  const lines = [
    `buildMessagesFromRecords on ${fmt(result.records)} records (${runs} timed runs after ${result.warmupRuns} warm-up runs${result.gcBetweenRuns ? ', GC between runs' : ''})`,
    `  median ${fmt(median)} records/s (min ${fmt(min)}, max ${fmt(max)}), ${fmt(1e6 / median, 2)} µs/record`,
    `  messages per run: ${fmt(result.messages)} (the mix should yield ${fmt(result.expectedMessages)}); failures: ${result.failures}`,
    `  with a counting metrics object and a no-op logger: median ${fmt(result.withObservability.median)} records/s`,
    `  vs Python ${fmt(PYTHON_RECORDS_PER_SECOND.low)}–${fmt(PYTHON_RECORDS_PER_SECOND.high)} records/s: ` +
      `${fmt(median / PYTHON_RECORDS_PER_SECOND.high, 1)}x–${fmt(median / PYTHON_RECORDS_PER_SECOND.low, 1)}x ` +
      `(target ≥ ${fmt(THROUGHPUT_TARGET)} records/s, 10x the upper figure: ${median >= THROUGHPUT_TARGET ? 'PASS' : 'FAIL'})`,
  ];
  return lines.join('\n');
};

if (isMain(import.meta.url)) {
  const result = await measureThroughput({
    runs: Number(option('runs', '15')),
    warmup: Number(option('warmup', '5')),
    count: Number(option('count', '10000')),
  });
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
  else console.log(report(result));
}
