// @ts-check
/**
 * The Python-era delta path's cost on the portable merge's data: `createDeltaMerger({ store,
 * pythonDeltas: localChromaDeltaSource({ command }) })` merging a Chroma persist directory
 * (stored as `delta.tar.gz` and as one object per file) against the same merge of the
 * portable delta, and `readDelta` of each alone.
 *
 *   node bench/deltas/pythonDelta.mjs [--count 5000] [--dimension 1536] [--batch 250]
 *     [--runs 5] [--url http://127.0.0.1:8000] [--json]
 *
 * Not a test: it prints markdown tables (and with `--json` one JSON line last) and exits 0
 * whatever the figures; it exits 1 only when it cannot run (a server does not start, a merge
 * is not `applied`, a collection or a read does not end with `--count` records).
 *
 * How:
 * - The bundle (`bench/lib/deltaBench.mjs`) adds `localChromaDeltaSource`; `chromadb` and
 *   `tar-stream` stay external. Every local server runs through `chromaNodeCommand()` of
 *   `scripts/services/chroma.mjs` (the glibc shim where needed).
 * - Set-up, untimed: the same `--count` records as `mergeDelta.mjs` (same generator) are
 *   written with `writeDelta` as a portable delta, and added in batches of `--batch` to
 *   collection `lines` of a second local Chroma on a temporary directory, created over HTTP
 *   with the default embedding function as Python's producers do; that server is stopped.
 *   Its persist directory is stored in a `FileSystemObjectStore` twice: as
 *   `{prefix}delta.tar.gz` (`./`, then `./…` in sorted `tarfile.add` order, gzip level 9 like
 *   Python's `tar w:gz`) and as one object per file under `{prefix}<uuid hex>/`.
 * - Each run times, in an order rotated every run, the three merges (portable, Python
 *   tarball, Python directory), each into a new collection of the benchmark's Chroma (count
 *   checked, collection deleted), then `readDelta` of each layout with every batch iterated,
 *   nothing written. One untimed warm-up of each first.
 * - Where a Python read's time goes: the `PythonDeltaSource` is wrapped. Until `readRecords`
 *   is called: listing the prefix, copying or unpacking the persist directory to a private
 *   directory ("copy"); the first page: starting the server on it, looking the collection up
 *   and one `get` ("start"); the other pages' `get`s ("paging"); the time the reader spends
 *   between pages, checking and staging the records ("staging"); the last call: stopping the
 *   server ("stop"); then finishing the staged file until `readDelta` resolves ("finish").
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromaNodeCommand } from '../../scripts/services/chroma.mjs';
import {
  BENCH_IMAGE_ID,
  benchChroma,
  bundleDeltas,
  timedVectors,
  writeBenchDelta,
} from '../lib/deltaBench.mjs';
import { storePersistDirectory, writePersistDirectory } from '../lib/pythonPersist.mjs';
import { fmt, option, ROOT, summarize } from '../lib/stats.mjs';

const PORTABLE = 'lines/delta/bench-portable/';
const TARBALL = 'lines/delta/bench-python-tarball/';
const DIRECTORY = 'lines/delta/bench-python-directory/';
const RUN_ID = 'bench-python';
/** @typedef {'portable' | 'tarball' | 'directory'} Layout */
/** @type {Layout[]} */
const LAYOUTS = ['portable', 'tarball', 'directory'];
const PHASES = /** @type {const} */ (['copy', 'start', 'paging', 'staging', 'stop', 'finish']);
/** @typedef {Record<(typeof PHASES)[number], number> & { pages: number }} Phases */

/**
 * Wraps a `PythonDeltaSource` to time the phases of the read in progress (`begin()` it first).
 * @param {any} inner
 */
const probedSource = (inner) => {
  /** @returns {Phases & { began: number, sourceDone: number }} a read beginning now */
  const fresh = () => ({
    began: performance.now(),
    sourceDone: 0,
    pages: 0,
    copy: 0,
    start: 0,
    paging: 0,
    staging: 0,
    stop: 0,
    finish: 0,
  });
  let current = fresh();
  return {
    begin: () => {
      current = fresh();
      return current;
    },
    /**
     * The phases of a finished read; `finish` ends at `resolvedAt`.
     * @param {any} phases
     * @param {number} resolvedAt
     */
    end: (phases, resolvedAt) => {
      phases.finish = resolvedAt - phases.sourceDone;
      const { began: _b, sourceDone: _s, ...rest } = phases;
      return /** @type {Phases} */ (rest);
    },
    source: {
      /** @param {string} path @param {any} collection @param {number} pageSize */
      readRecords: (path, collection, pageSize) => {
        const phases = current;
        phases.copy = performance.now() - phases.began;
        const pages = inner.readRecords(path, collection, pageSize)[Symbol.asyncIterator]();
        return (async function* () {
          let handedOut = 0;
          try {
            for (;;) {
              const asked = performance.now();
              if (handedOut > 0) phases.staging += asked - handedOut;
              const next = await pages.next();
              const ms = performance.now() - asked;
              if (next.done) {
                phases.stop = ms;
                phases.sourceDone = performance.now();
                return;
              }
              if (phases.pages === 0) phases.start = ms;
              else phases.paging += ms;
              phases.pages += 1;
              handedOut = performance.now();
              yield next.value;
            }
          } finally {
            await pages.return?.();
          }
        })();
      },
    },
  };
};

const main = async () => {
  const count = Number(option('count', '5000'));
  const dimension = Number(option('dimension', '1536'));
  const batch = Number(option('batch', '250'));
  const runs = Number(option('runs', '5'));
  const json = process.argv.includes('--json');
  const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);
  const s = (/** @type {number} */ ms) => `${(ms / 1000).toFixed(2)} s`;

  const lib = await import(pathToFileURL(await bundleDeltas('pythonDelta', { chroma: true })).href);
  const recordOptions = {
    count,
    dimension,
    linesPerReceipt: Number.POSITIVE_INFINITY,
    lineChromaId: lib.lineChromaId,
  };
  const root = await mkdtemp(join(tmpdir(), 'bench-python-store-'));
  const persist = await mkdtemp(join(tmpdir(), 'bench-python-persist-'));
  const store = new lib.FileSystemObjectStore({ root });
  const { command } = await chromaNodeCommand();
  const probe = probedSource(
    lib.localChromaDeltaSource({
      command,
      startupTimeoutMs: 120_000,
      logFile: join(ROOT, '.test-services', `bench-python-reader-${process.pid}.log`),
    }),
  );
  let server;
  try {
    log(`writing a portable delta and a persist directory of ${fmt(count)} x ${dimension}…`);
    const { ms: portableWriteMs, compressedBytes: portableBytes } = await writeBenchDelta(
      lib,
      store,
      PORTABLE,
      RUN_ID,
      recordOptions,
    );
    let clock = performance.now();
    await writePersistDirectory(lib, persist, recordOptions, batch);
    const persistWriteMs = performance.now() - clock;
    clock = performance.now();
    const stored = await storePersistDirectory(
      store,
      persist,
      { tarball: TARBALL, directory: DIRECTORY },
      RUN_ID,
    );
    const storeMs = performance.now() - clock;
    log(
      `persist directory ${stored.files} files ${(stored.bytes / 1e6).toFixed(1)} MB (written in ${s(persistWriteMs)}), tarball ${(stored.tarballBytes / 1e6).toFixed(1)} MB (packed and stored in ${s(storeMs)})`,
    );
    /** @type {Record<Layout, string>} */
    const prefixes = { portable: PORTABLE, tarball: TARBALL, directory: stored.directoryPrefix };

    log('starting Chroma…');
    server = await benchChroma(lib, 'bench-python');
    const { client } = server;
    const stamp = Date.now();

    /**
     * Merges one layout into a new collection; checks the count; deletes the collection.
     * @param {Layout} layout
     * @param {string} label
     */
    const merge = async (layout, label) => {
      const name = `bench-${stamp}-${label}-${layout}`;
      const collection = await client.createCollection({ name, embeddingFunction: null });
      const { spent, vectors } = timedVectors(lib.chromaVectorCollection(collection));
      const phases = probe.begin();
      const started = performance.now();
      const [result] = await lib.createDeltaMerger({ store, pythonDeltas: probe.source })(
        [
          {
            recordId: 'bench-message',
            runId: RUN_ID,
            imageId: BENCH_IMAGE_ID,
            receiptId: 1,
            deltaPrefix: prefixes[layout],
            message: /** @type {any} */ ({}),
          },
        ],
        { collection: 'lines', vectors },
      );
      const ms = performance.now() - started;
      if (result?.status !== 'applied' || result.mergedCount !== count) {
        throw new Error(
          `merge ${layout}: ${result?.status} ${result?.mergedCount}: ${result?.reason}`,
        );
      }
      const inCollection = await collection.count();
      if (inCollection !== count) throw new Error(`merge ${layout}: ${inCollection} records`);
      await client.deleteCollection({ name });
      // The merger upserts as soon as readDelta resolves: "finish" ends at the first upsert.
      const { firstUpsertAt, ...calls } = spent;
      const done = layout === 'portable' ? undefined : probe.end(phases, firstUpsertAt);
      return { ms, ...calls, phases: done };
    };
    /**
     * `readDelta` of one layout, every batch iterated, nothing written; checks the count.
     * @param {Layout} layout
     */
    const read = async (layout) => {
      const phases = probe.begin();
      const started = performance.now();
      const delta = await lib.readDelta(store, prefixes[layout], {
        collection: 'lines',
        batchSize: batch,
        pythonDeltas: probe.source,
      });
      const stagedMs = performance.now() - started;
      let records = 0;
      for await (const { ids } of delta.batches) records += ids.length;
      const ms = performance.now() - started;
      if (records !== count || delta.manifest.count !== count) {
        throw new Error(`read ${layout}: ${records} records, manifest ${delta.manifest.count}`);
      }
      const done = layout === 'portable' ? undefined : probe.end(phases, started + stagedMs);
      return { ms, batchesMs: ms - stagedMs, phases: done };
    };

    log('warm-up…');
    for (const layout of LAYOUTS) {
      await merge(layout, 'warmup');
      await read(layout);
    }
    /** @type {Record<Layout, Awaited<ReturnType<typeof merge>>[]>} */
    const merges = { portable: [], tarball: [], directory: [] };
    /** @type {Record<Layout, Awaited<ReturnType<typeof read>>[]>} */
    const reads = { portable: [], tarball: [], directory: [] };
    for (let run = 0; run < runs; run += 1) {
      const order = LAYOUTS.map((_, i) => /** @type {Layout} */ (LAYOUTS[(i + run) % 3]));
      for (const layout of order) {
        const figures = await merge(layout, `run${run}`);
        merges[layout].push(figures);
        log(
          `run ${run + 1} merge ${layout.padEnd(9)} ${s(figures.ms)}  ${fmt((count / figures.ms) * 1000)} vectors/s`,
        );
      }
      for (const layout of order) {
        const figures = await read(layout);
        reads[layout].push(figures);
        log(`run ${run + 1} read  ${layout.padEnd(9)} ${s(figures.ms)}`);
      }
    }

    const med = (/** @type {number[]} */ values) => summarize(values).median;
    const range = (/** @type {number[]} */ values) => {
      const x = summarize(values);
      return `${s(x.median)} (${s(x.min)}–${s(x.max)})`;
    };
    const vps = (/** @type {number} */ ms) => Math.round((count / ms) * 1000);
    const mergeMs = (/** @type {Layout} */ l) => med(merges[l].map((m) => m.ms));
    const readMs = (/** @type {Layout} */ l) => med(reads[l].map((r) => r.ms));
    const title = {
      portable: 'portable delta.tar.gz',
      tarball: 'Python-era delta.tar.gz',
      directory: 'Python-era directory',
    };
    const lines = [
      `${fmt(count)} x ${dimension} line vectors, ${runs} runs, medians (min–max). Portable delta.tar.gz ${(portableBytes / 1e6).toFixed(1)} MB (written in ${s(portableWriteMs)}); persist directory ${stored.files} files, ${(stored.bytes / 1e6).toFixed(1)} MB (written in ${s(persistWriteMs)}), as delta.tar.gz ${(stored.tarballBytes / 1e6).toFixed(1)} MB`,
      '',
      '| variant | time | vectors/s | vs portable |',
      '| --- | ---: | ---: | ---: |',
      ...LAYOUTS.map(
        (l) =>
          `| createDeltaMerger, ${title[l]} | ${range(merges[l].map((m) => m.ms))} | ${fmt(vps(mergeMs(l)))} | ${(mergeMs(l) / mergeMs('portable')).toFixed(2)}x |`,
      ),
      ...LAYOUTS.map(
        (l) =>
          `| readDelta + every batch, ${title[l]} | ${range(reads[l].map((r) => r.ms))} | ${fmt(vps(readMs(l)))} | ${(readMs(l) / readMs('portable')).toFixed(2)}x |`,
      ),
      '',
      `Inside the merges (medians): upserts ${LAYOUTS.map((l) => `${l} ${s(med(merges[l].map((m) => m.upsertMs)))}`).join(', ')}; gets ${LAYOUTS.map((l) => `${l} ${s(med(merges[l].map((m) => m.getMs)))}`).join(', ')}`,
      '',
      `Where a Python-era read's time goes (medians; pages of ${batch}):`,
      '',
      `| read | ${PHASES.join(' | ')} | total |`,
      `| --- | ${PHASES.map(() => '---:').join(' | ')} | ---: |`,
    ];
    /** @type {Record<string, Record<string, number>>} */
    const breakdown = {};
    for (const layout of /** @type {Layout[]} */ (['tarball', 'directory'])) {
      for (const [context, list] of /** @type {const} */ ([
        ['merge', merges[layout]],
        ['readDelta', reads[layout]],
      ])) {
        const all = list.map((x) => /** @type {Phases} */ (x.phases));
        const row = Object.fromEntries(PHASES.map((p) => [p, med(all.map((x) => x[p]))]));
        const total = med(all.map((x) => PHASES.reduce((sum, p) => sum + x[p], 0)));
        breakdown[`${context}-${layout}`] = { ...row, total, pages: all[0]?.pages ?? 0 };
        lines.push(
          `| ${context}, ${title[layout]} | ${PHASES.map((p) => s(row[p] ?? 0)).join(' | ')} | ${s(total)} |`,
        );
      }
    }
    lines.push(
      '',
      `readDelta of the portable delta alone: staging + checks ${s(med(reads.portable.map((r) => r.ms - r.batchesMs)))}, batches ${s(med(reads.portable.map((r) => r.batchesMs)))}`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
    if (json) {
      const round = (/** @type {number[]} */ values) => values.map(Math.round);
      process.stdout.write(
        `${JSON.stringify({
          count,
          dimension,
          batch,
          runs,
          portableBytes,
          persistBytes: stored.bytes,
          persistFiles: stored.files,
          pythonTarballBytes: stored.tarballBytes,
          mergeMedianMs: Object.fromEntries(LAYOUTS.map((l) => [l, Math.round(mergeMs(l))])),
          readMedianMs: Object.fromEntries(LAYOUTS.map((l) => [l, Math.round(readMs(l))])),
          mergeMs: Object.fromEntries(LAYOUTS.map((l) => [l, round(merges[l].map((m) => m.ms))])),
          readMs: Object.fromEntries(LAYOUTS.map((l) => [l, round(reads[l].map((r) => r.ms))])),
          breakdownMedianMs: Object.fromEntries(
            Object.entries(breakdown).map(([k, v]) => [
              k,
              Object.fromEntries(Object.entries(v).map(([p, ms]) => [p, Math.round(ms)])),
            ]),
          ),
        })}\n`,
      );
    }
  } finally {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
    await rm(persist, { recursive: true, force: true });
  }
};

await main();
