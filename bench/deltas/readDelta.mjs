// @ts-check
/**
 * Time, throughput and peak memory of reading a portable delta with `readDelta`
 * (`@receipt-chroma/chroma-compaction`): staging and checking the whole `delta.tar.gz`, then
 * iterating every batch, for deltas of 1,536-dimension line vectors of several sizes.
 *
 *   node bench/deltas/readDelta.mjs [--counts 20000,80000] [--runs 5] [--dimension 1536]
 *     [--batch 250] [--before <dir>] [--json]
 *
 * Not a test: it prints a markdown table (and with `--json` one JSON line last) and exits 0
 * whatever the figures; it exits 1 only when it cannot run (a child fails, or a read hands
 * out another number of records than were written). Target: the reader's peak RSS below
 * 100 MB and not growing with the delta (the largest delta's median within 10% of the
 * smallest's).
 *
 * How:
 * - esbuild bundles the package's delta code from `src` (no build needed) into
 *   `bench/results/readDelta.bundle.mjs` (see `bench/lib/deltaBench.mjs`).
 * - For each count, a child process writes the delta with `writeDelta` to a
 *   `FileSystemObjectStore` on a temporary directory, from an async generator of records
 *   (`IMAGE#<uuid>#RECEIPT#nnnnn#LINE#nnnnn` ids of 100 lines per receipt, a short document
 *   and eight metadata keys; no more than one record is held at a time). Its time, peak RSS
 *   and the archive's compressed size are reported once.
 * - Then `--runs` fresh child processes each time `readDelta(store, prefix, { collection:
 *   'lines', batchSize })` (download, gunzip, staging, every check: the "stage" column) plus
 *   iterating every batch to the end, touching each vector (the "batches" column). The
 *   process's peak RSS is the kernel's high-water mark (`process.resourceUsage().maxRSS`),
 *   so it is the reader's alone: taken once `readDelta` resolves (peak while staging) and at
 *   the end (overall). The heap, external and array-buffer figures are the largest of
 *   `process.memoryUsage()` sampled every 10 ms.
 * - `--runs` more children only import the bundle and report their peak RSS: the baseline,
 *   so the delta's own share (peak minus baseline) is visible.
 * - `--before <dir>`: `<dir>` is another version of the repository, e.g. `mkdir <dir> && git
 *   archive <commit> | tar -x -C <dir>` (no `npm ci` needed): its
 *   `packages/chroma-compaction/src` is bundled the same way, with this checkout's
 *   dependencies. Its reads take turns
 *   with this checkout's on the same deltas (written by this checkout), each with its own
 *   baseline; the targets are judged on this checkout's figures.
 * - Throughput is the vector bytes (count x dimension x 4) over the read time, in MB/s
 *   (10^6 bytes). Staging goes to `os.tmpdir()`, on the same disk as the store here.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleDeltas, lineRecordStream } from '../lib/deltaBench.mjs';
import { fmt, option, ROOT, summarize } from '../lib/stats.mjs';

const SELF = fileURLToPath(import.meta.url);
const PREFIX = 'lines/delta/bench-run/';
/** The peak RSS target, in bytes (100 MB). */
export const PEAK_RSS_TARGET_BYTES = 100 * 1000 * 1000;
/** How much the largest delta's peak RSS may exceed the smallest's. */
export const GROWTH_TARGET = 0.1;

/** @param {number} bytes */
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

/** The process's peak RSS so far, in bytes. */
const peakRss = () => process.resourceUsage().maxRSS * 1024;

/**
 * @typedef {object} BaselineFigures
 * @property {number} peakRss bytes
 * @property {number} rss bytes, after the import
 */

/**
 * @typedef {object} WriteFigures
 * @property {number} ms
 * @property {number} peakRss bytes
 * @property {number} compressedBytes the size of `delta.tar.gz`
 * @property {number} count
 */

/**
 * @typedef {object} ReadFigures
 * @property {number} stageMs `readDelta` until it resolves
 * @property {number} batchesMs iterating every batch
 * @property {number} ms both
 * @property {number} records handed out
 * @property {number} batches handed out
 * @property {number} stagePeakRss bytes, peak RSS once `readDelta` resolved
 * @property {number} peakRss bytes, peak RSS at the end
 * @property {number} importRss bytes, RSS after importing the bundle
 * @property {number} heapUsed largest sampled, bytes
 * @property {number} external largest sampled, bytes
 * @property {number} arrayBuffers largest sampled, bytes
 */

/**
 * @typedef {ReturnType<typeof summarize>} Summary
 * @typedef {object} ReadResult the figures of one delta size read by one version of the code
 * @property {number} count
 * @property {string} code `this checkout` or `before (<dir>)`
 * @property {number} vectorBytes count x dimension x 4
 * @property {number} compressedBytes
 * @property {{ ms: number, peakRss: number }} write
 * @property {Summary} readMs
 * @property {Summary} stageMs
 * @property {Summary} batchesMs
 * @property {Summary} mbPerSecond
 * @property {Summary} peakRss
 * @property {number} baselinePeakRss median of that code's import-only children
 * @property {Summary} stagePeakRss
 * @property {Summary} heapUsed
 * @property {Summary} external
 * @property {Summary} arrayBuffers
 * @property {ReadFigures[]} reads
 */

/** @param {string} path */
const importBundle = async (path) => import(pathToFileURL(path).href);

/** Child: imports the bundle and nothing else. @returns {Promise<BaselineFigures>} */
const runBaseline = async () => {
  await importBundle(option('bundle', ''));
  return { peakRss: peakRss(), rss: process.memoryUsage.rss() };
};

/** Child: writes the delta. @returns {Promise<WriteFigures>} */
const runWrite = async () => {
  const lib = await importBundle(option('bundle', ''));
  const store = new lib.FileSystemObjectStore({ root: option('root', '') });
  const count = Number(option('count', '0'));
  const started = performance.now();
  const manifest = await lib.writeDelta(store, PREFIX, {
    collection: 'lines',
    runId: 'bench-run',
    records: lineRecordStream({
      count,
      dimension: Number(option('dimension', '1536')),
      linesPerReceipt: 100,
      lineChromaId: lib.lineChromaId,
    }),
  });
  const ms = performance.now() - started;
  const info = await store.head(`${PREFIX}delta.tar.gz`);
  return { ms, peakRss: peakRss(), compressedBytes: info?.size ?? 0, count: manifest.count };
};

/** Child: reads the delta and every batch. @returns {Promise<ReadFigures>} */
const runRead = async () => {
  const lib = await importBundle(option('bundle', ''));
  const store = new lib.FileSystemObjectStore({ root: option('root', '') });
  const importRss = process.memoryUsage.rss();
  const sampled = { heapUsed: 0, external: 0, arrayBuffers: 0 };
  const sample = () => {
    const usage = process.memoryUsage();
    sampled.heapUsed = Math.max(sampled.heapUsed, usage.heapUsed);
    sampled.external = Math.max(sampled.external, usage.external);
    sampled.arrayBuffers = Math.max(sampled.arrayBuffers, usage.arrayBuffers);
  };
  const timer = setInterval(sample, 10);
  const started = performance.now();
  const delta = await lib.readDelta(store, PREFIX, {
    collection: 'lines',
    batchSize: Number(option('batch', '250')),
  });
  const staged = performance.now();
  const stagePeakRss = peakRss();
  let records = 0;
  let batches = 0;
  let touched = 0;
  for await (const batch of delta.batches) {
    batches += 1;
    records += batch.ids.length;
    for (const embedding of batch.embeddings) touched += embedding[embedding.length - 1] ?? 0;
  }
  const ended = performance.now();
  sample();
  clearInterval(timer);
  if (!Number.isFinite(touched)) throw new Error('a vector value is not finite');
  return {
    stageMs: staged - started,
    batchesMs: ended - staged,
    ms: ended - started,
    records,
    batches,
    stagePeakRss,
    peakRss: peakRss(),
    importRss,
    ...sampled,
  };
};

/**
 * Runs this script as a child in a fresh `node` process and returns its figures.
 * @param {string} mode
 * @param {string[]} args
 */
const child = (mode, args) => {
  const result = spawnSync(process.execPath, [SELF, `--child=${mode}`, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`the ${mode} child exited with ${result.status}:\n${result.stderr}`);
  }
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '');
};

/** @param {{ median: number, min: number, max: number }} s @param {(n: number) => string} f */
const range = (s, f) => `${f(s.median)} (${f(s.min)}–${f(s.max)})`;

const main = async () => {
  const mode = option('child', '');
  if (mode !== '') {
    const run = { baseline: runBaseline, write: runWrite, read: runRead }[mode];
    if (run === undefined) throw new Error(`unknown child mode ${mode}`);
    process.stdout.write(`${JSON.stringify(await run())}\n`);
    return;
  }
  const counts = option('counts', '20000,80000').split(',').map(Number);
  const runs = Number(option('runs', '5'));
  const dimension = Number(option('dimension', '1536'));
  const batch = Number(option('batch', '250'));
  const before = option('before', '');
  const json = process.argv.includes('--json');
  const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);

  /** @type {{ code: string, bundle: string, baseline: Summary }[]} */
  const codes = [];
  for (const [code, checkout] of [
    ['this checkout', undefined],
    ...(before === '' ? [] : [[`before (${before})`, before]]),
  ]) {
    const bundle = await bundleDeltas(checkout === undefined ? 'readDelta' : 'readDelta-before', {
      ...(checkout === undefined ? {} : { checkout }),
    });
    log(`${code}: ${runs} children that only import the bundle…`);
    /** @type {BaselineFigures[]} */
    const baselines = [];
    for (let run = 0; run < runs; run += 1) {
      baselines.push(child('baseline', [`--bundle=${bundle}`]));
    }
    codes.push({
      code: String(code),
      bundle,
      baseline: summarize(baselines.map((b) => b.peakRss)),
    });
  }
  const [current] = codes;
  if (current === undefined) throw new Error('no bundle');

  /** @type {ReadResult[]} */
  const results = [];
  for (const count of counts) {
    const root = await mkdtemp(join(tmpdir(), 'bench-read-delta-'));
    try {
      log(`${fmt(count)} records: writing the delta…`);
      /** @type {WriteFigures} */
      const write = child('write', [
        `--bundle=${current.bundle}`,
        `--root=${root}`,
        `--count=${count}`,
        `--dimension=${dimension}`,
      ]);
      /** @type {ReadFigures[][]} reads[code][run] */
      const reads = codes.map(() => []);
      for (let run = 0; run < runs; run += 1) {
        // With --before, the two codes take turns going first.
        const order = codes.map((_, index) => index);
        if (run % 2 === 1) order.reverse();
        for (const index of order) {
          const { code, bundle } = /** @type {(typeof codes)[number]} */ (codes[index]);
          /** @type {ReadFigures} */
          const read = child('read', [`--bundle=${bundle}`, `--root=${root}`, `--batch=${batch}`]);
          if (read.records !== count) {
            throw new Error(`${code} read ${read.records} records of a delta of ${count}`);
          }
          log(
            `  ${code} read ${run + 1}: ${(read.ms / 1000).toFixed(2)} s (stage ${(read.stageMs / 1000).toFixed(2)} s), peak RSS ${mb(read.peakRss)} (staging ${mb(read.stagePeakRss)})`,
          );
          reads[index]?.push(read);
        }
      }
      const vectorBytes = count * dimension * 4;
      codes.forEach(({ code, baseline }, index) => {
        const mine = reads[index] ?? [];
        results.push({
          count,
          code,
          vectorBytes,
          compressedBytes: write.compressedBytes,
          write: { ms: Math.round(write.ms), peakRss: write.peakRss },
          readMs: summarize(mine.map((r) => r.ms)),
          stageMs: summarize(mine.map((r) => r.stageMs)),
          batchesMs: summarize(mine.map((r) => r.batchesMs)),
          mbPerSecond: summarize(mine.map((r) => vectorBytes / 1e6 / (r.ms / 1000))),
          peakRss: summarize(mine.map((r) => r.peakRss)),
          baselinePeakRss: baseline.median,
          stagePeakRss: summarize(mine.map((r) => r.stagePeakRss)),
          heapUsed: summarize(mine.map((r) => r.heapUsed)),
          external: summarize(mine.map((r) => r.external)),
          arrayBuffers: summarize(mine.map((r) => r.arrayBuffers)),
          reads: mine,
        });
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }

  const ours = results.filter((r) => r.code === current.code);
  const smallest = ours[0];
  const largest = ours.at(-1);
  const growth =
    smallest && largest ? largest.peakRss.median / smallest.peakRss.median - 1 : Number.NaN;
  const peakMet = ours.every((r) => r.peakRss.median < PEAK_RSS_TARGET_BYTES);
  const growthMet = Math.abs(growth) <= GROWTH_TARGET;
  const ms = (/** @type {number} */ n) => `${(n / 1000).toFixed(2)} s`;
  const lines = [
    `readDelta + every batch, ${dimension}-dimension float32 vectors, batches of ${batch}, ${runs} runs each, medians (min–max)`,
    '',
    '| records | code | vectors | delta.tar.gz | read time | stage / batches | throughput | peak RSS | peak RSS while staging | peak minus baseline | largest heap / external / array buffers |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${fmt(r.count)} | ${r.code} | ${mb(r.vectorBytes)} | ${mb(r.compressedBytes)} | ${range(r.readMs, ms)} | ${ms(r.stageMs.median)} / ${ms(r.batchesMs.median)} | ${range(r.mbPerSecond, (n) => `${n.toFixed(0)}`)} MB/s | ${range(r.peakRss, mb)} | ${mb(r.stagePeakRss.median)} | ${mb(r.peakRss.median - r.baselinePeakRss)} | ${mb(r.heapUsed.median)} / ${mb(r.external.median)} / ${mb(r.arrayBuffers.median)} |`,
    ),
    ...codes.map(
      ({ code, baseline }) =>
        `| baseline (import only) | ${code} | | | | | | ${range(baseline, mb)} | | | |`,
    ),
    '',
    `This checkout: peak RSS target < ${mb(PEAK_RSS_TARGET_BYTES)}: ${peakMet ? 'met' : 'MISSED'}; ` +
      `${smallest ? fmt(smallest.count) : '?'} → ${largest ? fmt(largest.count) : '?'} records: ${(growth * 100).toFixed(1)}% (target within ${GROWTH_TARGET * 100}%): ${growthMet ? 'met' : 'MISSED'}`,
    `Writing (once per size, this checkout's writeDelta from an async generator): ${ours
      .map((r) => `${fmt(r.count)} in ${ms(r.write.ms)}, peak RSS ${mb(r.write.peakRss)}`)
      .join('; ')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (json) {
    process.stdout.write(
      `${JSON.stringify({
        dimension,
        batch,
        runs,
        targetPeakRssBytes: PEAK_RSS_TARGET_BYTES,
        growthTarget: GROWTH_TARGET,
        baselinePeakRss: Object.fromEntries(codes.map(({ code, baseline }) => [code, baseline])),
        growth: Number(growth.toFixed(4)),
        met: peakMet && growthMet,
        results,
      })}\n`,
    );
  }
};

await main();
