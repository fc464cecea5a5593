// @ts-check
/**
 * Merging a portable delta into Chroma with `createDeltaMerger`
 * (`@receipt-chroma/chroma-compaction`) through `chromaVectorCollection` (`./chroma`), against
 * a bare `chromadb` upsert loop of the same records, on the same local Chroma server.
 *
 *   node bench/deltas/mergeDelta.mjs [--count 5000] [--dimension 1536] [--batch 250]
 *     [--runs 5] [--url http://127.0.0.1:8000] [--json]
 *
 * Not a test: it prints a markdown table (and with `--json` one JSON line last) and exits 0
 * whatever the figures; it exits 1 only when it cannot run (the server does not start, a merge
 * is not `applied`, or a collection does not end with `--count` records). Target: the merge's
 * median time at most 1.25x the bare loop's.
 *
 * How:
 * - esbuild bundles the package's delta code and the Chroma adapter from `src` (no build
 *   needed) into `bench/results/mergeDelta.bundle.mjs` (see `bench/lib/deltaBench.mjs`);
 *   `chromadb` stays external.
 * - Without `--url` the script starts its own Chroma (`startLocalChroma`, through the glibc
 *   shim of `scripts/services/chroma.mjs` where needed) on a temporary directory, on a free
 *   port, and stops it at the end.
 * - One delta of `--count` line records of one receipt (`IMAGE#<uuid>#RECEIPT#00001#LINE#n`,
 *   a short document, eight metadata keys) is written with `writeDelta` to a
 *   `FileSystemObjectStore` on a temporary directory, from an async generator. The bare loop's
 *   data is the same records, made in memory before the clock starts, with the values rounded
 *   to float32 as the delta hands them out.
 * - Each run creates two new collections and times (a) `createDeltaMerger({ store })` merging
 *   the delta into one, through `chromaVectorCollection` (reading and checking the delta,
 *   upserting in batches of 250, verifying every id: all of it timed) and (b)
 *   `collection.upsert` in batches of `--batch` on the other, alternating which goes first;
 *   then checks both counts and deletes both collections. One untimed warm-up of each first.
 * - Where the merge's time goes: the `VectorCollection` handed to the merger is wrapped to time
 *   its `upsert` calls and its `get` calls (the dimension probe and the verification); the rest
 *   is reading and checking the delta, converting the batches, and the merger itself. A
 *   `readDelta` of the same delta with every batch iterated, nothing written, is timed on its
 *   own after each run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  BENCH_IMAGE_ID,
  benchChroma,
  bundleDeltas,
  lineRecords,
  timedVectors,
  writeBenchDelta,
} from '../lib/deltaBench.mjs';
import { fmt, option, summarize } from '../lib/stats.mjs';

/** The merge may take at most 1.25x the bare loop's time. */
export const RATIO_TARGET = 1.25;
const PREFIX = 'lines/delta/bench-merge/';
const RUN_ID = 'bench-merge';

/**
 * The bare loop's data: the delta's records in column form, values rounded to float32.
 * @param {Parameters<typeof lineRecords>[0]} options
 */
const columns = (options) => {
  /** @type {string[]} */
  const ids = [];
  /** @type {number[][]} */
  const embeddings = [];
  /** @type {string[]} */
  const documents = [];
  /** @type {Record<string, string | number | boolean>[]} */
  const metadatas = [];
  for (const record of lineRecords(options)) {
    ids.push(record.id);
    embeddings.push(record.embedding.map(Math.fround));
    documents.push(record.document);
    metadatas.push(record.metadata);
  }
  return { ids, embeddings, documents, metadatas };
};

const main = async () => {
  const count = Number(option('count', '5000'));
  const dimension = Number(option('dimension', '1536'));
  const batch = Number(option('batch', '250'));
  const runs = Number(option('runs', '5'));
  const json = process.argv.includes('--json');
  const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);

  const lib = await import(pathToFileURL(await bundleDeltas('mergeDelta', { chroma: true })).href);
  const recordOptions = {
    count,
    dimension,
    linesPerReceipt: Number.POSITIVE_INFINITY,
    lineChromaId: lib.lineChromaId,
  };
  const root = await mkdtemp(join(tmpdir(), 'bench-merge-store-'));
  const store = new lib.FileSystemObjectStore({ root });
  log(`writing a delta of ${fmt(count)} x ${dimension}…`);
  const { ms: writeMs, compressedBytes } = await writeBenchDelta(
    lib,
    store,
    PREFIX,
    RUN_ID,
    recordOptions,
  );
  const data = columns(recordOptions);

  log('starting Chroma…');
  const server = await benchChroma(lib, 'bench-merge');
  try {
    const { client } = server;
    const stamp = Date.now();
    /** @type {import('../../packages/chroma-compaction/src/compaction/types.js').DeltaMergeRequest} */
    const request = {
      recordId: 'bench-message',
      runId: RUN_ID,
      imageId: BENCH_IMAGE_ID,
      receiptId: 1,
      deltaPrefix: PREFIX,
      message: /** @type {any} */ ({}),
    };

    const variants = {
      /** @param {import('chromadb').Collection} collection */
      merge: async (collection) => {
        const { spent, vectors } = timedVectors(lib.chromaVectorCollection(collection));
        const started = performance.now();
        const [result] = await lib.createDeltaMerger({ store })([request], {
          collection: 'lines',
          vectors,
        });
        const ms = performance.now() - started;
        if (result?.status !== 'applied' || result.mergedCount !== count) {
          throw new Error(`merge: ${result?.status} ${result?.mergedCount}: ${result?.reason}`);
        }
        return { ms, ...spent };
      },
      /** @param {import('chromadb').Collection} collection */
      bare: async (collection) => {
        const started = performance.now();
        for (let start = 0; start < count; start += batch) {
          await collection.upsert({
            ids: data.ids.slice(start, start + batch),
            embeddings: data.embeddings.slice(start, start + batch),
            documents: data.documents.slice(start, start + batch),
            metadatas: data.metadatas.slice(start, start + batch),
          });
        }
        return { ms: performance.now() - started };
      },
    };
    /**
     * Runs one variant on a new collection, checks its count, deletes it.
     * @param {'merge' | 'bare'} name
     * @param {string} label
     */
    const runOne = async (name, label) => {
      const collectionName = `bench-${stamp}-${label}-${name}`;
      const collection = await client.createCollection({
        name: collectionName,
        embeddingFunction: null,
      });
      const figures = await variants[name](collection);
      const stored = await collection.count();
      if (stored !== count) throw new Error(`${name} ${label}: ${stored} records, not ${count}`);
      await client.deleteCollection({ name: collectionName });
      return figures;
    };
    /** Reads the delta and iterates every batch, writing nothing. */
    const readOnly = async () => {
      const started = performance.now();
      const delta = await lib.readDelta(store, PREFIX, { collection: 'lines', batchSize: batch });
      for await (const _ of delta.batches);
      return performance.now() - started;
    };

    log('warm-up…');
    await runOne('merge', 'warmup');
    await runOne('bare', 'warmup');
    await readOnly();

    /** @type {{ ms: number, upsertMs: number, getMs: number, upserts: number, gets: number }[]} */
    const merges = [];
    /** @type {number[]} */
    const bares = [];
    /** @type {number[]} */
    const reads = [];
    for (let run = 0; run < runs; run += 1) {
      /** @type {('merge' | 'bare')[]} */
      const order = run % 2 === 0 ? ['merge', 'bare'] : ['bare', 'merge'];
      for (const name of order) {
        const figures = await runOne(name, `run${run}`);
        if (name === 'merge') merges.push(/** @type {any} */ (figures));
        else bares.push(figures.ms);
        log(
          `run ${run + 1} ${name.padEnd(5)} ${(figures.ms / 1000).toFixed(2)} s  ${fmt((count / figures.ms) * 1000)} vectors/s`,
        );
      }
      reads.push(await readOnly());
    }

    const merge = summarize(merges.map((m) => m.ms));
    const bare = summarize(bares);
    const ratio = merge.median / bare.median;
    const paired = summarize(merges.map((m, run) => m.ms / (bares[run] ?? m.ms)));
    const upsert = summarize(merges.map((m) => m.upsertMs));
    const get = summarize(merges.map((m) => m.getMs));
    const rest = summarize(merges.map((m) => m.ms - m.upsertMs - m.getMs));
    const read = summarize(reads);
    const vps = (/** @type {number} */ ms) => Math.round((count / ms) * 1000);
    const s = (/** @type {number} */ ms) => `${(ms / 1000).toFixed(2)} s`;
    const range = (/** @type {{ median: number, min: number, max: number }} */ x) =>
      `${s(x.median)} (${s(x.min)}–${s(x.max)})`;
    const lines = [
      `Merging ${fmt(count)} x ${dimension} line vectors (delta.tar.gz ${(compressedBytes / 1e6).toFixed(1)} MB, written in ${s(writeMs)}), ${runs} runs, medians (min–max)`,
      '',
      '| variant | time | vectors/s |',
      '| --- | ---: | ---: |',
      `| createDeltaMerger (read + check + upsert + verify) | ${range(merge)} | ${fmt(vps(merge.median))} |`,
      `| bare chromadb upsert loop (batches of ${batch}) | ${range(bare)} | ${fmt(vps(bare.median))} |`,
      '',
      `Ratio merge / bare: ${ratio.toFixed(3)} (target <= ${RATIO_TARGET}): ${ratio <= RATIO_TARGET ? 'met' : 'MISSED'}; median of the runs' own ratios ${paired.median.toFixed(3)}`,
      `Inside the merge (medians): upserts ${s(upsert.median)} (${merges[0]?.upserts ?? 0} calls), gets ${s(get.median)} (${merges[0]?.gets ?? 0} calls: dimension probe + verification), the rest (reading, checking, converting the delta; the merger) ${s(rest.median)}`,
      `readDelta + every batch alone, nothing written: ${range(read)}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (json) {
      process.stdout.write(
        `${JSON.stringify({
          count,
          dimension,
          batch,
          runs,
          compressedBytes,
          writeMs: Math.round(writeMs),
          mergeMedianMs: Math.round(merge.median),
          bareMedianMs: Math.round(bare.median),
          mergeVectorsPerSecond: vps(merge.median),
          bareVectorsPerSecond: vps(bare.median),
          ratio: Number(ratio.toFixed(4)),
          pairedRatio: Number(paired.median.toFixed(4)),
          target: RATIO_TARGET,
          met: ratio <= RATIO_TARGET,
          mergeUpsertMedianMs: Math.round(upsert.median),
          mergeGetMedianMs: Math.round(get.median),
          mergeRestMedianMs: Math.round(rest.median),
          readOnlyMedianMs: Math.round(read.median),
          mergeMs: merges.map((m) => Math.round(m.ms)),
          bareMs: bares.map(Math.round),
        })}\n`,
      );
    }
  } finally {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
};

await main();
