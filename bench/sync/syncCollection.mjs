// @ts-check
/**
 * Throughput of `syncCollection` (`@receipt-chroma/chroma-compaction`) copying a whole
 * collection from one Chroma server to another, against a bare chromadb loop doing the same
 * (issue 14: the goal is at least twice the loop's records/s, at equal final state).
 *
 *   node bench/sync/syncCollection.mjs [--count 20000] [--dimension 1536] [--runs 3]
 *     [--wide 8] [--ceiling] [--json]
 *
 * Not a test: it prints a markdown table (with `--json`, one JSON line last) and exits 0
 * whatever the figures. It exits 1 when a copy differs from the source (the figures would
 * be meaningless) or a server does not start.
 *
 * How:
 * - esbuild bundles `syncCollection`, `chromaVectorCollection` and `startLocalChroma` from
 *   `src` into `bench/results/syncCollection.bundle.mjs` (no package build needed).
 * - Two local Chroma servers (`chroma run` of chromadb, through the glibc shim of
 *   `scripts/services/chroma.mjs` where needed), each a process of its own with its own
 *   persist directory: the source, and the target (the stand-in for a remote server or
 *   Chroma Cloud).
 * - The source collection is seeded once with `--count` records: `--dimension` floats from a
 *   seeded xorshift generator, a document of about 40 characters and 12 metadata keys
 *   (strings, integers, floats, booleans), as a receipt word carries.
 * - Contenders, in an order that rotates run by run, `--runs` times each, every run into a
 *   target collection deleted and created again just before (outside the timer):
 *   - `bare loop`: chromadb alone, one request at a time: `get` 250 records (embeddings,
 *     documents, metadatas) by offset, `upsert` them, until a page comes back short;
 *   - `syncCollection`: `chromaVectorCollection` on both collections, default options
 *     (pages of 250, 4 in flight);
 *   - `syncCollection, concurrency <wide>`: the same with more pages in flight (`--wide 0`
 *     leaves it out);
 *   - with `--ceiling`, `writes only`: the bare loop's upserts, one at a time, of the pages
 *     read before the runs (untimed): how fast the target takes the records when nothing
 *     else happens, the ceiling of any copy that writes pages of 250.
 * - After each run (outside the timer) the target must hold `--count` records and, page by
 *   page, the same ids, documents, metadatas and embeddings (compared as float32) as the
 *   source.
 * - Where time goes: for every run, the CPU time of this process (the chromadb client:
 *   JSON, base64, HTTP) and of each server (`/proc/<pid>/stat`, with their descendants), and
 *   the time the `get` and `upsert` requests waited for their response headers (summed; in
 *   the bare loop they do not overlap, so they split its wall time into reads and writes).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundlePackage } from '../lib/bundle.mjs';
import { countChromaRequests } from '../lib/chromaRequests.mjs';
import { fmt, option, ROOT, summarize } from '../lib/stats.mjs';

/** Records per page of both contenders: `syncCollection`'s default, Chroma Cloud's limit. */
const PAGE = 250;
/** Records per request when seeding the source and comparing the copy. */
const BULK = 1_000;
const SOURCE = 'sync-source';
const TARGET = 'sync-target';
const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);

/** @typedef {import('chromadb').Collection} Collection */
/** @typedef {import('chromadb').Metadata} Metadata */

/**
 * A seeded xorshift32 generator of floats in [0, 1).
 * @param {number} seed
 */
const generator = (seed) => {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
};

const WORDS = ['TOTAL', 'SUBTOTAL', 'TAX', 'COFFEE', 'BAGEL', 'VISA', 'CHANGE', 'MILK', 'EGGS'];
const LABELS = ['GRAND_TOTAL', 'SUBTOTAL', 'TAX', 'PRODUCT_NAME', 'PAYMENT_METHOD', 'DATE'];

/**
 * Records `start` to `end - 1` of the source, with ids like the `words` collection's: 8
 * words a line, 50 lines a receipt, a receipt on an image of its own.
 * @param {() => number} random
 * @param {number} start
 * @param {number} end
 * @param {number} dimension
 */
const records = (random, start, end, dimension) => {
  /** @type {string[]} */
  const ids = [];
  /** @type {number[][]} */
  const embeddings = [];
  /** @type {string[]} */
  const documents = [];
  /** @type {Metadata[]} */
  const metadatas = [];
  /** @param {number} n @param {number} width */
  const pad = (n, width) => String(n).padStart(width, '0');
  for (let index = start; index < end; index += 1) {
    const image = Math.floor(index / 20_000);
    const receipt = Math.floor(index / 400) % 50;
    const line = Math.floor(index / 8) % 50;
    const word = index % 8;
    const imageId = `${pad(image, 8)}-5b1c-4e2f-9a3d-${pad(receipt * 7919, 12)}`;
    const text = `${WORDS[index % WORDS.length]}${index % 5 === 0 ? ` ${(random() * 100).toFixed(2)}` : ''}`;
    ids.push(
      `IMAGE#${imageId}#RECEIPT#${pad(receipt, 5)}#LINE#${pad(line, 5)}#WORD#${pad(word, 5)}`,
    );
    embeddings.push(Array.from({ length: dimension }, () => (random() - 0.5) / 20));
    documents.push(`${text} (receipt ${receipt}, line ${line}, word ${word})`.padEnd(40, '.'));
    metadatas.push({
      image_id: imageId,
      receipt_id: receipt,
      line_id: line,
      word_id: word,
      text,
      label: LABELS[index % LABELS.length] ?? 'O',
      x: 0.05 + random() * 0.9,
      y: 0.05 + random() * 0.9,
      width: 0.01 + random() * 0.2,
      confidence: 0.5 + random() * 0.49,
      is_noise: index % 17 === 0,
      validated: index % 3 !== 0,
    });
  }
  return { ids, embeddings, documents, metadatas };
};

// ---------------------------------------------------------------------------------------
// The contenders

/**
 * The bare chromadb loop: one page read, then written, then the next.
 * @param {Collection} source
 * @param {Collection} target
 */
const bareLoop = async (source, target) => {
  for (let offset = 0; ; offset += PAGE) {
    const page = await source.get({
      limit: PAGE,
      offset,
      include: /** @type {import('chromadb').IncludeEnum[]} */ ([
        'embeddings',
        'documents',
        'metadatas',
      ]),
    });
    if (page.ids.length > 0) {
      await target.upsert({
        ids: page.ids,
        embeddings: page.embeddings,
        documents: /** @type {string[]} */ (page.documents),
        metadatas: /** @type {Metadata[]} */ (page.metadatas),
      });
    }
    if (page.ids.length < PAGE) return;
  }
};

/**
 * `syncCollection` through the adapter on both collections.
 * @param {any} lib the bundle
 * @param {number | undefined} concurrency `undefined`: the default
 * @returns {(source: Collection, target: Collection) => Promise<void>}
 */
const viaSyncCollection = (lib, concurrency) => async (source, target) => {
  const result = await lib.syncCollection({
    from: lib.chromaVectorCollection(source),
    to: lib.chromaVectorCollection(target),
    ...(concurrency === undefined ? {} : { concurrency }),
  });
  if (result.failedBatches > 0) {
    const first = result.failures[0];
    throw new Error(
      `syncCollection gave up on ${result.failedBatches} pages (first: ${first?.step} at offset ${first?.offset}: ${first?.error.message})`,
    );
  }
};

/**
 * Only the writes of the bare loop: the pages, read beforehand, upserted one at a time.
 * @param {import('chromadb').GetResult<Metadata>[]} pages
 * @returns {(source: Collection, target: Collection) => Promise<void>}
 */
const writesOnly = (pages) => async (_source, target) => {
  for (const page of pages) {
    await target.upsert({
      ids: page.ids,
      embeddings: page.embeddings,
      documents: /** @type {string[]} */ (page.documents),
      metadatas: /** @type {Metadata[]} */ (page.metadatas),
    });
  }
};

// ---------------------------------------------------------------------------------------
// Checking the copy

/** @param {Metadata | null | undefined} a @param {Metadata | null | undefined} b */
const sameMetadata = (a, b) => {
  if (a === null || a === undefined || b === null || b === undefined) return a === b;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
};

/** @param {readonly number[] | undefined} a @param {readonly number[] | undefined} b */
const sameEmbedding = (a, b) =>
  a !== undefined &&
  b !== undefined &&
  a.length === b.length &&
  a.every((value, index) => Math.fround(value) === Math.fround(b[index] ?? Number.NaN));

/**
 * Why the target differs from the source, or `undefined` when it holds the same records.
 * @param {Collection} source
 * @param {Collection} target
 * @param {number} count
 * @returns {Promise<string | undefined>}
 */
const difference = async (source, target, count) => {
  const stored = await target.count();
  if (stored !== count) return `the target holds ${fmt(stored)} records, expected ${fmt(count)}`;
  /** @type {Set<string>} */
  const seen = new Set();
  const include = /** @type {import('chromadb').IncludeEnum[]} */ ([
    'embeddings',
    'documents',
    'metadatas',
  ]);
  for (let offset = 0; offset < count; offset += BULK) {
    const expected = await source.get({ limit: BULK, offset, include });
    const actual = await target.get({ ids: expected.ids, include });
    /** @type {Map<string, number>} */
    const at = new Map(actual.ids.map((id, index) => [id, index]));
    for (const [index, id] of expected.ids.entries()) {
      if (seen.has(id)) return `the source returned ${id} twice`;
      seen.add(id);
      const other = at.get(id);
      if (other === undefined) return `${id} is missing from the target`;
      if (expected.documents[index] !== actual.documents[other]) return `${id}: document differs`;
      if (!sameMetadata(expected.metadatas[index], actual.metadatas[other])) {
        return `${id}: metadata differs: ${JSON.stringify(expected.metadatas[index])} != ${JSON.stringify(actual.metadatas[other])}`;
      }
      if (!sameEmbedding(expected.embeddings[index], actual.embeddings[other])) {
        return `${id}: embedding differs`;
      }
    }
  }
  return seen.size === count ? undefined : `the source listed ${fmt(seen.size)} records`;
};

// ---------------------------------------------------------------------------------------
// Where time goes

const TICKS_PER_SECOND = (() => {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  return Number(result.stdout?.trim()) || 100;
})();

/**
 * CPU time (user + system, ms) of a process and its descendants, from `/proc`; `NaN` where
 * there is no `/proc`.
 * @param {number} pid
 * @returns {number}
 */
const processCpuMs = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat(5) (utime, stime); `fields` starts at field 3.
    let ticks = Number(fields[11]) + Number(fields[12]);
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter((id) => id !== '')) {
        ticks += (processCpuMs(Number(child)) / 1000) * TICKS_PER_SECOND;
      }
    }
    return (ticks / TICKS_PER_SECOND) * 1000;
  } catch {
    return Number.NaN;
  }
};

/** This process's CPU time (user + system), ms. */
const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

// ---------------------------------------------------------------------------------------
// Main

/**
 * @typedef {object} RunFigures
 * @property {string} contender
 * @property {number} run
 * @property {number} ms wall time of the copy
 * @property {number} recordsPerSecond
 * @property {number} clientCpuMs
 * @property {number} sourceCpuMs
 * @property {number} targetCpuMs
 * @property {Record<string, { requests: number, ms: number }>} waits
 * @property {number} load 1-minute load average when the run started
 */

/**
 * @param {any} lib the bundle
 * @param {string} name
 * @param {string[]} command
 */
const startServer = async (lib, name, command) => {
  const dir = await mkdtemp(join(tmpdir(), `bench-sync-${name}-`));
  try {
    const server = await lib.startLocalChroma({
      path: dir,
      command,
      startupTimeoutMs: 120_000,
      logFile: join(ROOT, '.test-services', `bench-sync-${name}-${process.pid}.log`),
    });
    return {
      /** @type {import('chromadb').ChromaClient} */
      client: server.client,
      /** @type {number} */
      pid: server.pid,
      stop: async () => {
        await server.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
};

const main = async () => {
  const count = Number(option('count', '20000'));
  const dimension = Number(option('dimension', '1536'));
  const runs = Number(option('runs', '3'));
  const wide = Number(option('wide', '8'));
  const json = process.argv.includes('--json');
  const ceiling = process.argv.includes('--ceiling');
  for (const [name, value, least] of /** @type {const} */ ([
    ['count', count, 1],
    ['dimension', dimension, 1],
    ['runs', runs, 1],
    ['wide', wide, 0],
  ])) {
    if (!Number.isSafeInteger(value) || value < least) {
      throw new Error(`--${name} must be an integer of at least ${least}, got ${value}`);
    }
  }
  const loadAtStart = loadavg();
  const started = performance.now();
  const bundle = await bundlePackage('syncCollection', {
    index: ['syncCollection'],
    chroma: ['chromaVectorCollection', 'startLocalChroma'],
  });
  const lib = await import(pathToFileURL(bundle).href);
  const { chromaNodeCommand } = await import('../../scripts/services/chroma.mjs');
  const command = (await chromaNodeCommand()).command;

  log('starting the source and target Chroma servers…');
  const [sourceServer, targetServer] = await Promise.all([
    startServer(lib, 'source', command),
    startServer(lib, 'target', command),
  ]);
  /** @type {RunFigures[]} */
  const figures = [];
  let seedMs = 0;
  let verifyMs = 0;
  try {
    let clock = performance.now();
    const source = await sourceServer.client.createCollection({
      name: SOURCE,
      embeddingFunction: null,
    });
    const random = generator(0x5eed_14);
    for (let start = 0; start < count; start += BULK) {
      await source.upsert(records(random, start, Math.min(count, start + BULK), dimension));
    }
    seedMs = performance.now() - clock;
    log(`seeded ${fmt(count)} x ${dimension} in ${fmt(seedMs / 1000, 1)} s`);

    const newTarget = async () => {
      try {
        await targetServer.client.deleteCollection({ name: TARGET });
      } catch {
        // Not there yet.
      }
      return targetServer.client.createCollection({ name: TARGET, embeddingFunction: null });
    };
    // Warm-up, untimed: the clients' preflight requests, JIT, the servers' first reads and
    // writes. One page through each contender.
    const warm = await newTarget();
    const firstPage = await source.get({
      limit: PAGE,
      include: /** @type {import('chromadb').IncludeEnum[]} */ ([
        'embeddings',
        'documents',
        'metadatas',
      ]),
    });
    await warm.upsert({
      ids: firstPage.ids,
      embeddings: firstPage.embeddings,
      documents: /** @type {string[]} */ (firstPage.documents),
      metadatas: /** @type {Metadata[]} */ (firstPage.metadatas),
    });
    await lib.chromaVectorCollection(warm).upsert({
      ids: firstPage.ids,
      embeddings: firstPage.embeddings,
    });

    /** @type {[string, (source: Collection, target: Collection) => Promise<void>][]} */
    const contenders = [
      ['bare loop', bareLoop],
      ['syncCollection', viaSyncCollection(lib, undefined)],
    ];
    if (wide > 0) {
      contenders.push([`syncCollection, concurrency ${wide}`, viaSyncCollection(lib, wide)]);
    }
    if (ceiling) {
      const pages = [];
      for (let offset = 0; offset < count; offset += PAGE) {
        pages.push(await source.get({ limit: PAGE, offset, include: firstPage.include }));
      }
      contenders.push(['writes only', writesOnly(pages)]);
    }
    const requests = countChromaRequests();
    for (let run = 0; run < runs; run += 1) {
      const order = contenders.map((_, index) => contenders[(index + run) % contenders.length]);
      for (const [name, copy] of /** @type {typeof contenders} */ (order)) {
        const target = await newTarget();
        const load = loadavg()[0] ?? Number.NaN;
        requests.take();
        const cpuBefore = [
          ownCpuMs(),
          processCpuMs(sourceServer.pid),
          processCpuMs(targetServer.pid),
        ];
        clock = performance.now();
        await copy(source, target);
        const ms = performance.now() - clock;
        const cpuAfter = [
          ownCpuMs(),
          processCpuMs(sourceServer.pid),
          processCpuMs(targetServer.pid),
        ];
        const waits = requests.take();
        const [clientCpuMs, sourceCpuMs, targetCpuMs] = cpuAfter.map(
          (value, index) => value - (cpuBefore[index] ?? Number.NaN),
        );
        const result = {
          contender: name,
          run: run + 1,
          ms,
          recordsPerSecond: (count / ms) * 1000,
          clientCpuMs: clientCpuMs ?? Number.NaN,
          sourceCpuMs: sourceCpuMs ?? Number.NaN,
          targetCpuMs: targetCpuMs ?? Number.NaN,
          waits,
          load,
        };
        figures.push(result);
        log(
          `run ${run + 1} ${name}: ${fmt(ms / 1000, 2)} s, ${fmt(result.recordsPerSecond)} records/s (CPU: client ${fmt(result.clientCpuMs / 1000, 1)} s, source ${fmt(result.sourceCpuMs / 1000, 1)} s, target ${fmt(result.targetCpuMs / 1000, 1)} s; load ${fmt(load, 2)})`,
        );
        clock = performance.now();
        const problem = await difference(source, target, count);
        verifyMs += performance.now() - clock;
        if (problem !== undefined) {
          throw new Error(`run ${run + 1} of ${name} did not copy the source: ${problem}`);
        }
      }
    }
    report({
      figures,
      contenders: contenders.map(([name]) => name),
      count,
      dimension,
      runs,
      seedMs,
      verifyMs,
      wallMs: performance.now() - started,
      loadAtStart,
      json,
    });
  } finally {
    await Promise.all([sourceServer.stop(), targetServer.stop()]);
  }
};

/**
 * Prints the table, and with `json` the JSON line.
 * @param {{ figures: RunFigures[], contenders: string[], count: number, dimension: number,
 *   runs: number, seedMs: number, verifyMs: number, wallMs: number, loadAtStart: number[],
 *   json: boolean }} input
 */
const report = ({
  figures,
  contenders,
  count,
  dimension,
  runs,
  seedMs,
  verifyMs,
  wallMs,
  loadAtStart,
  json,
}) => {
  const of = (/** @type {string} */ name) => figures.filter((run) => run.contender === name);
  const baseline = summarize(of('bare loop').map((run) => run.recordsPerSecond)).median;
  const loadAtEnd = loadavg();
  const load = (/** @type {number[]} */ values) => values.map((v) => v.toFixed(2)).join(' ');
  console.log(
    `\n${fmt(count)} records of ${fmt(dimension)} floats, a 40-character document and 12 metadata keys, copied between two local Chroma servers (chromadb ${chromadbVersion()}), pages of ${PAGE}; ${runs} runs of each contender, interleaved; ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown CPU'}), ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average ${load(loadAtStart)} at the start, ${load(loadAtEnd)} at the end\n`,
  );
  console.log(
    '| contender | records/s, median | min | max | time, median | speed-up (median) | CPU s, client / source / target (median) | `get` / `upsert` wait, s (median, summed) |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  /** @type {Record<string, unknown>[]} */
  const rows = [];
  for (const name of contenders) {
    const list = of(name);
    const speed = summarize(list.map((run) => run.recordsPerSecond));
    const time = summarize(list.map((run) => run.ms)).median;
    const median = (/** @type {(run: RunFigures) => number} */ pick) =>
      summarize(list.map(pick)).median;
    const cpu = {
      client: median((run) => run.clientCpuMs),
      source: median((run) => run.sourceCpuMs),
      target: median((run) => run.targetCpuMs),
    };
    const wait = {
      get: median((run) => run.waits['get']?.ms ?? 0),
      upsert: median((run) => run.waits['upsert']?.ms ?? 0),
    };
    const speedUp = speed.median / baseline;
    rows.push({
      contender: name,
      recordsPerSecond: { median: speed.median, min: speed.min, max: speed.max },
      medianMs: time,
      speedUp,
      cpuMs: cpu,
      waitMs: wait,
    });
    console.log(
      `| ${name} | **${fmt(speed.median)}** | ${fmt(speed.min)} | ${fmt(speed.max)} | ${fmt(time / 1000, 2)} s | ${fmt(speedUp, 2)}x | ${fmt(cpu.client / 1000, 1)} / ${fmt(cpu.source / 1000, 1)} / ${fmt(cpu.target / 1000, 1)} | ${fmt(wait.get / 1000, 1)} / ${fmt(wait.upsert / 1000, 1)} |`,
    );
  }
  console.log('\nEvery run (in order):\n');
  console.log(
    '| run | contender | time | records/s | CPU s, client / source / target | 1-min load |',
  );
  console.log('| ---: | --- | ---: | ---: | ---: | ---: |');
  for (const run of figures) {
    console.log(
      `| ${run.run} | ${run.contender} | ${fmt(run.ms / 1000, 2)} s | ${fmt(run.recordsPerSecond)} | ${fmt(run.clientCpuMs / 1000, 1)} / ${fmt(run.sourceCpuMs / 1000, 1)} / ${fmt(run.targetCpuMs / 1000, 1)} | ${fmt(run.load, 2)} |`,
    );
  }
  console.log(
    `\nEvery copy matched the source (count, ids, documents, metadatas, float32 embeddings). Untimed: seeding the source ${fmt(seedMs / 1000, 1)} s, checking the copies ${fmt(verifyMs / 1000, 1)} s; whole script ${fmt(wallMs / 1000, 0)} s.`,
  );
  if (json) {
    console.log(
      JSON.stringify({
        count,
        dimension,
        page: PAGE,
        runs,
        cpus: availableParallelism(),
        loadAtStart,
        loadAtEnd,
        seedMs: Math.round(seedMs),
        verifyMs: Math.round(verifyMs),
        wallMs: Math.round(wallMs),
        contenders: rows,
        figures,
      }),
    );
  }
};

/** The installed chromadb's version. */
const chromadbVersion = () => {
  try {
    const manifest = JSON.parse(
      readFileSync(join(ROOT, 'node_modules/chromadb/package.json'), 'utf8'),
    );
    return String(manifest.version);
  } catch {
    return 'unknown';
  }
};

await main();
