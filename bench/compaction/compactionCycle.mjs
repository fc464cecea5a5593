// @ts-check
/**
 * One whole compaction cycle of the `lines` collection, as a Lambda runs it:
 * `compactCollection` (`@receipt-chroma/chroma-compaction/chroma`) on 500 SQS records against
 * a snapshot of about 200 MB in moto's S3, with the time of each phase (`result.timings`), so
 * the slowest is visible, with a warm cache (it already holds the pointer's version) and a
 * cold one (an empty cache root: the snapshot is downloaded); and the same batch in remote
 * mode (`target: { vectors }`), applied in place to a running Chroma server holding the
 * starting version.
 *
 *   node bench/compaction/compactionCycle.mjs [--runs 3] [--count 30000] [--json]
 *
 * Not a test: it prints markdown tables (with `--json`, one JSON line last) and exits 0
 * whatever the figures. It exits 1 only when it cannot measure what it should: a service
 * does not start, the cycle aborts, or a message does not end as its kind must (see
 * `KINDS`: every message of this mix is `applied`), which would mean the setup is wrong.
 *
 * How:
 * - esbuild bundles the package (and the stream package's message encoder and entity
 *   schemas) from `src` into `bench/results/compactionCycle.bundle.mjs`; no build needed.
 * - The snapshot is the Chroma persist directory `bench/lib/snapshotData.mjs` builds and
 *   caches (`--count` line vectors of 1,536 values, receipts of 100 lines of the image
 *   `BENCH_IMAGE_ID`, collection `lines`). moto's server is started and the directory is
 *   published once with `publishSnapshot` on an `S3ObjectStore`: the starting version.
 * - The batch (`bench/lib/cycleBatch.mjs`): 20 `COMPACTION_RUN` INSERT messages whose deltas
 *   (25 lines of a new receipt each) were written with `writeDelta`, and 480 messages on the
 *   snapshot's receipts: place MODIFY and REMOVE, word labels (row labels), sections, line
 *   and receipt removals. Every message must end `applied`.
 * - Every run is a fresh child process calling `compactCollection` once, with an
 *   `InMemoryReceiptStore` seeded with the table *after* the changes the messages announce
 *   and a 15-minute deadline; the records are built and the table seeded before the clock
 *   starts. Warm and cold runs (snapshot mode) also get an `InMemoryLockStore` and a local
 *   Chroma server (`chromaNodeCommand()`). Before each run `latest-pointer.txt` is put back
 *   on the starting version, so every run applies the same batch to the same snapshot; each run's deltas are on new
 *   receipts of its own (written with `writeDelta` before the first run). After each run the
 *   version it published is deleted from the bucket (and from the warm cache), so moto and
 *   the disk do not grow.
 * - Warm, cold and remote runs alternate (`--runs` of each). Warm: the cache root holds the
 *   starting version (downloaded once before the runs). Cold: a new, empty cache root.
 * - Remote: before the run (untimed) the starting version's persist directory is copied to a
 *   new temporary directory and a Chroma server of its own is started on it
 *   (`bench/lib/remoteChroma.mjs`: `startLocalChroma` through `chromaNodeCommand()`, by this
 *   process, not the child); after the run it is stopped and the copy deleted. The child
 *   connects a chromadb `ChromaClient` to it and takes `getCollection({ name: 'lines' })`
 *   before the clock starts, then calls `compactCollection({ …, target: { vectors:
 *   chromaVectorCollection(collection) } })` with the same records, table and S3 store (the
 *   deltas are read from moto), no cache and no lock store: phases `decode` and `process`.
 * - The child reports `result.timings`, its wall time, its peak RSS
 *   (`process.resourceUsage().maxRSS`; also sampled every half second, by phase) and the
 *   Chroma server's (the largest `VmHWM` of its child processes, or in remote mode of the
 *   remote server's process, sampled likewise; `VmHWM` includes the server's start). It splits
 *   three phases with the package's own log lines (a logger given to `compactCollection` and
 *   the cache) and the tracer's span starts: snapshot (download into the cache, copy to the
 *   working directory), process (delta merges: reading, upserts, refresh; places, labels,
 *   sections, removals, the final count) and publish (`publishSnapshot`: pack, upload,
 *   pointer; then pruning and the copy into the cache). It counts the chromadb client's
 *   HTTP requests (the global `fetch`) by phase and operation, with the time until each
 *   response.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundlePackage } from '../lib/bundle.mjs';
import { countChromaRequests } from '../lib/chromaRequests.mjs';
import {
  buildBatch,
  COLLECTION,
  DELTA_LINES,
  DIMENSION,
  deltaRecords,
  deltaRuns,
  KINDS,
  MESSAGES,
  MIX,
  SNAPSHOT_LINES,
  SNAPSHOT_RECEIPTS_USED,
} from '../lib/cycleBatch.mjs';
import { BENCH_IMAGE_ID } from '../lib/deltaBench.mjs';
import { startRemoteChroma } from '../lib/remoteChroma.mjs';
import { motoS3Client } from '../lib/s3Client.mjs';
import { fmt, option, ROOT, summarize } from '../lib/stats.mjs';

const SELF = fileURLToPath(import.meta.url);
const BUCKET = 'cycle-bench';
const DEADLINE_MS = 15 * 60_000;
/** The kinds of run, interleaved in this order, `--runs` of each. */
const MODES = /** @type {const} */ (['warm', 'cold', 'remote']);
const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);

// ---------------------------------------------------------------------------------------
// Child: one cycle

/**
 * Memory, sampled every half second: this process's RSS by phase of the cycle (the phase
 * whose span started last), and the largest peak RSS (`VmHWM`) of its descendants (the local
 * Chroma server is a child process, whose memory the compactor's own figure omits) and of
 * `serverPid` and its descendants (remote mode's server, which the parent started).
 * @param {number | undefined} serverPid
 */
const memorySampler = (serverPid) => {
  let peak = 0;
  let phase = 'decode';
  /** @type {Record<string, number>} */
  const byPhase = {};
  /** @param {number} pid @returns {number[]} */
  const childrenOf = (pid) => {
    try {
      return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
        readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
          .trim()
          .split(/\s+/)
          .filter((id) => id !== '')
          .map(Number),
      );
    } catch {
      return [];
    }
  };
  const sample = () => {
    byPhase[phase] = Math.max(byPhase[phase] ?? 0, process.memoryUsage.rss());
    const pending = childrenOf(process.pid);
    if (serverPid !== undefined) pending.push(serverPid);
    for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
      try {
        const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (match !== null) peak = Math.max(peak, Number(match[1]) * 1024);
      } catch {
        // The process has exited.
      }
      pending.push(...childrenOf(pid));
    }
  };
  const timer = setInterval(sample, 500);
  return {
    /** @param {string} name */
    enter: (name) => {
      sample();
      phase = name;
    },
    stop: () => {
      clearInterval(timer);
      sample();
      return { chromaPeakRss: peak, rssByPhase: byPhase };
    },
  };
};

/**
 * Remote mode's target: the `lines` collection of the server at `--remote-host` and
 * `--remote-port` (started by the parent), through a chromadb client, as a `VectorCollection`.
 * @param {any} lib the bundle
 */
const remoteTarget = async (lib) => {
  const { ChromaClient } = await import('chromadb');
  const client = new ChromaClient({
    host: option('remote-host', '127.0.0.1'),
    port: Number(option('remote-port', '0')),
    ssl: false,
  });
  // No embedding function is needed (the compactor sends embeddings); chromadb 3.5 types
  // `getCollection`'s as `EmbeddingFunction | undefined` (no `null`), like `openSnapshot`'s.
  const collection = await client.getCollection({ name: COLLECTION });
  return {
    pid: Number(option('remote-pid', '0')),
    vectors: lib.chromaVectorCollection(collection),
  };
};

const runChild = async () => {
  const lib = await import(pathToFileURL(option('bundle', '')).href);
  const run = Number(option('run', '0'));
  const mode = option('mode', 'warm');
  const client = await motoS3Client(option('endpoint', ''));
  const store = new lib.S3ObjectStore({ client, bucket: BUCKET });
  const { records, receipts, kindOf } = buildBatch(lib, run);
  // Remote mode: the collection on the server the parent started, taken before the clock
  // (and before requests are counted).
  const remote = mode === 'remote' ? await remoteTarget(lib) : undefined;

  /** @type {{ name: string, at: number, extra?: Record<string, unknown> }[]} */
  const events = [];
  /** @type {string[]} */
  const errors = [];
  const logger = {
    debug: () => {},
    info: (/** @type {string} */ name, /** @type {Record<string, unknown>} */ extra) =>
      events.push({ name, at: performance.now(), extra }),
    warn: (/** @type {string} */ name, /** @type {Record<string, unknown>} */ extra) =>
      errors.push(`warn: ${name} ${JSON.stringify(extra)}`),
    error: (/** @type {string} */ name, /** @type {Record<string, unknown>} */ extra) =>
      errors.push(`error: ${name} ${JSON.stringify(extra)}`),
  };
  const sampler = memorySampler(remote?.pid);
  let phase = 'decode';
  const tracer = {
    startSpan: (/** @type {string} */ name) => {
      phase = name.replace(/^compaction\./, '');
      sampler.enter(phase);
      events.push({ name, at: performance.now() });
      return { end: () => {} };
    },
  };
  // The chromadb client's requests and the time until each response, by phase, and by
  // phase and operation.
  const requests = countChromaRequests((operation) => [phase, `${phase} ${operation}`]);
  // The cache gets the logger too: its download is one of the steps reported.
  const cache =
    remote === undefined
      ? new lib.SnapshotCache({
          root: option('cache-root', ''),
          collection: COLLECTION,
          store,
          logger,
        })
      : undefined;
  const cachedBefore = cache === undefined ? undefined : await cache.currentVersion();
  const load = loadavg()[0] ?? 0;
  const started = performance.now();
  const common = {
    collectionName: COLLECTION,
    records,
    store,
    receipts,
    deadline: () => DEADLINE_MS - (performance.now() - started),
    logger,
    tracer,
  };
  const result = await lib.compactCollection(
    remote === undefined
      ? {
          ...common,
          cache,
          lockStore: new lib.InMemoryLockStore(),
          chroma: {
            command: JSON.parse(option('chroma-command', '[]')),
            startupTimeoutMs: 120_000,
            logFile: join(ROOT, '.test-services', `bench-cycle-chroma-${process.pid}.log`),
          },
        }
      : { ...common, target: { vectors: remote.vectors } },
  );
  const wallMs = performance.now() - started;
  const { chromaPeakRss, rssByPhase } = sampler.stop();
  client.destroy();

  /** @type {Record<string, Record<string, number>>} */
  const kinds = {};
  /** @type {string[]} */
  const unexpected = [];
  for (const outcome of result.outcomes) {
    const kind = kindOf.get(outcome.recordId) ?? 'unknown';
    const counts = kinds[kind] ?? {};
    counts[outcome.status] = (counts[outcome.status] ?? 0) + 1;
    kinds[kind] = counts;
    if (outcome.status !== 'applied' && unexpected.length < 10) {
      unexpected.push(`${kind} ${outcome.recordId}: ${outcome.status} (${outcome.reason ?? ''})`);
    }
  }
  const at = (/** @type {string} */ name) => events.find((event) => event.name === name)?.at;
  const between = (/** @type {string} */ from, /** @type {string} */ to) => {
    const start = at(from);
    const end = at(to);
    return start === undefined || end === undefined ? undefined : end - start;
  };
  const downloadMs = /** @type {number | undefined} */ (
    events.find((event) => event.name === 'Snapshot downloaded to the cache')?.extra?.[
      'milliseconds'
    ]
  );
  const published = events.find((event) => event.name === 'snapshot published')?.extra;
  // Each step of `processCollectionUpdates` logs when it is done, in this order.
  const processSteps = [
    ['deltas', 'Merged compaction deltas'],
    ['places', 'Applied place updates'],
    ['labels', 'Applied label updates'],
    ['sections', 'Applied section updates'],
    ['removals', 'Applied entity deletions'],
  ];
  /** @type {Record<string, number | undefined>} */
  const steps = {
    download: downloadMs,
    copyToWork:
      result.timings.snapshot === undefined
        ? undefined
        : result.timings.snapshot - (downloadMs ?? 0),
  };
  let previous = 'compaction.process';
  for (const [step, event] of processSteps) {
    steps[/** @type {string} */ (step)] = between(previous, /** @type {string} */ (event));
    previous = /** @type {string} */ (event);
  }
  // The merger takes the deltas one after another: reading each (download, checks, staging)
  // ends where its upsert starts; the receipts are refreshed once every delta is merged.
  const times = (/** @type {string} */ name) =>
    events.filter((event) => event.name === name).map((event) => event.at);
  const reads = times('Processing compaction run');
  const upserts = times('Upserting vectors from delta');
  const verified = times('Upsert verified');
  const merged = at('Merged compaction deltas');
  const lastVerified = verified.at(-1);
  if (reads.length === MIX.deltas && upserts.length === MIX.deltas && lastVerified !== undefined) {
    steps['deltaRead'] = upserts.reduce(
      (sum, upsert, index) => sum + upsert - (reads[index] ?? 0),
      0,
    );
    steps['deltaUpsert'] = lastVerified - (reads[0] ?? 0) - steps['deltaRead'];
    steps['deltaRefresh'] = merged === undefined ? undefined : merged - lastVerified;
  }
  steps['count'] = between('Completed collection updates', 'compaction.close');
  steps['publishSnapshot'] = between('compaction.publish', 'snapshot published');
  const publishSpanAt = at('compaction.publish');
  const publishedAt = at('snapshot published');
  steps['pruneAndCacheCopy'] =
    result.timings.publish === undefined || publishSpanAt === undefined || publishedAt === undefined
      ? undefined
      : result.timings.publish - (publishedAt - publishSpanAt);
  return {
    run,
    mode,
    cachedBefore: cachedBefore ?? null,
    timings: result.timings,
    wallMs,
    steps,
    peakRss: process.resourceUsage().maxRSS * 1024,
    chromaPeakRss,
    rssByPhase,
    chromaRequests: requests.counts(),
    load,
    version: result.version,
    compressed: published?.['size'] ?? null,
    kinds,
    unexpected,
    error: result.error === null ? null : `${result.error.name}: ${result.error.message}`,
    errors: errors.slice(0, 10),
    updates:
      result.updates === null
        ? null
        : {
            counts: result.updates.counts,
            deltaMergeCount: result.updates.deltaMergeCount,
            totalMetadataUpdated: result.updates.totalMetadataUpdated,
            totalLabelsUpdated: result.updates.totalLabelsUpdated,
            totalSectionsUpdated: result.updates.totalSectionsUpdated,
            totalDeletions: result.updates.totalDeletions,
          },
  };
};

// ---------------------------------------------------------------------------------------
// Parent

/** @typedef {Awaited<ReturnType<typeof runChild>>} RunResult */

/**
 * Runs one cycle in a fresh child process. Asynchronously: while it runs, this process's
 * event loop keeps draining the output of the remote server it started (a blocked pipe would
 * stall the server).
 * @param {string[]} args
 * @returns {Promise<RunResult>}
 */
const child = (args) =>
  new Promise((resolve, reject) => {
    const running = spawn(process.execPath, [SELF, '--child=run', ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    running.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
    });
    running.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-65_536);
    });
    running.once('error', reject);
    running.once('close', (code) => {
      if (code !== 0) reject(new Error(`a cycle child failed (exit ${code}):\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}'));
    });
  });

/** `median (min–max)` of values in milliseconds, as seconds. @param {number[]} values */
const secondsRange = (values) => {
  if (values.length === 0) return '—';
  const { median, min, max } = summarize(values);
  const digits = median < 1000 ? 3 : 2;
  return values.length === 1
    ? `${fmt(median / 1000, digits)} s`
    : `${fmt(median / 1000, digits)} s (${fmt(min / 1000, digits)}–${fmt(max / 1000, digits)})`;
};

/** @param {number[]} values */
const median = (values) => (values.length === 0 ? Number.NaN : summarize(values).median);

const main = async () => {
  const runs = Number(option('runs', '3'));
  const count = Number(option('count', '30000'));
  if (!Number.isSafeInteger(runs) || runs < 1) throw new Error('--runs must be at least 1');
  if (count < SNAPSHOT_RECEIPTS_USED * SNAPSHOT_LINES) {
    throw new Error(`--count must be at least ${SNAPSHOT_RECEIPTS_USED * SNAPSHOT_LINES}`);
  }
  const loadAtStart = loadavg();
  const bundle = await bundlePackage('compactionCycle', {
    index: [
      'COMPACTION_PHASES',
      'lineChromaId',
      'publishSnapshot',
      'SnapshotCache',
      'snapshotKeys',
      'writeDelta',
    ],
    chroma: ['chromaVectorCollection', 'compactCollection', 'startLocalChroma'],
    s3: ['S3ObjectStore'],
    testing: ['InMemoryLockStore', 'InMemoryReceiptStore'],
    stream: [
      'CompactionRunSchema',
      'compactionRunToItem',
      'encodeStreamMessage',
      'ReceiptItemSchema',
      'ReceiptLineSchema',
      'ReceiptPlaceSchema',
      'ReceiptSectionSchema',
      'ReceiptWordLabelSchema',
    ],
  });
  const lib = await import(pathToFileURL(bundle).href);
  /** @type {readonly string[]} the phases of `result.timings`, in order */
  const PHASES = lib.COMPACTION_PHASES;
  const { chromaDirectory } = await import('../lib/snapshotData.mjs');
  const { chromaNodeCommand } = await import('../../scripts/services/chroma.mjs');
  const { startMoto } = await import('../../scripts/services/moto.mjs');
  const dir = await chromaDirectory(lib, count, DIMENSION, log);
  const chromaCommand = (await chromaNodeCommand()).command;

  log("starting moto's server…");
  const moto = await startMoto();
  const client = await motoS3Client(moto.endpoint);
  const { CreateBucketCommand } = await import('@aws-sdk/client-s3');
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const store = new lib.S3ObjectStore({ client, bucket: BUCKET });
  const keys = lib.snapshotKeys(COLLECTION);
  const work = await mkdtemp(join(tmpdir(), 'cycle-bench-'));
  /** @type {RunResult[]} */
  const results = [];
  const setup = {
    publishMs: 0,
    compressed: 0,
    deltasMs: 0,
    warmDownloadMs: 0,
    /** @type {number[]} copying the persist directory before each remote run */
    remoteCopyMs: [],
    /** @type {number[]} starting the remote server before each remote run */
    remoteStartMs: [],
  };
  try {
    log(`publishing ${dir} as the starting version…`);
    let clock = performance.now();
    const start = await lib.publishSnapshot({ store, collection: COLLECTION, dir });
    setup.publishMs = performance.now() - clock;
    setup.compressed = start.size;
    log(
      `  ${start.version}: ${fmt(start.size / 1e6, 1)} MB in ${fmt(setup.publishMs / 1000, 1)} s`,
    );

    clock = performance.now();
    for (let run = 0; run < MODES.length * runs; run += 1) {
      for (const delta of deltaRuns(run)) {
        await lib.writeDelta(store, delta.prefix, {
          collection: COLLECTION,
          runId: delta.runId,
          imageId: BENCH_IMAGE_ID,
          receiptId: delta.receiptId,
          records: deltaRecords(lib, delta.receiptId),
        });
      }
    }
    setup.deltasMs = performance.now() - clock;
    log(
      `  ${MODES.length * runs * MIX.deltas} deltas written in ${fmt(setup.deltasMs / 1000, 1)} s`,
    );

    const warmRoot = join(work, 'warm');
    const warm = new lib.SnapshotCache({ root: warmRoot, collection: COLLECTION, store });
    clock = performance.now();
    await warm.ensure(start.version);
    await warm.setCurrentVersion(start.version);
    setup.warmDownloadMs = performance.now() - clock;

    for (let index = 0; index < MODES.length * runs; index += 1) {
      const mode = MODES[index % MODES.length] ?? 'warm';
      const cacheRoot = mode === 'warm' ? warmRoot : join(work, `cold-${index}`);
      await store.put(keys.pointer, start.version, { contentType: 'text/plain' });
      const args = [
        `--bundle=${bundle}`,
        `--endpoint=${moto.endpoint}`,
        `--run=${index}`,
        `--mode=${mode}`,
      ];
      /** @type {RunResult} */
      let result;
      if (mode === 'remote') {
        // A server of its own on a fresh copy of the starting version, started untimed.
        const remote = await startRemoteChroma(lib, dir, chromaCommand);
        setup.remoteCopyMs.push(remote.copyMs);
        setup.remoteStartMs.push(remote.startMs);
        try {
          result = await child([
            ...args,
            `--remote-host=${remote.host}`,
            `--remote-port=${remote.port}`,
            `--remote-pid=${remote.pid}`,
          ]);
        } finally {
          await remote.stop();
        }
      } else {
        result = await child([
          ...args,
          `--cache-root=${cacheRoot}`,
          `--chroma-command=${JSON.stringify(chromaCommand)}`,
        ]);
      }
      results.push(result);
      const phases = PHASES.filter((phase) => result.timings[phase] !== undefined)
        .map((phase) => `${phase} ${fmt((result.timings[phase] ?? 0) / 1000, 2)}`)
        .join(', ');
      log(
        `  run ${index + 1} ${mode}: total ${fmt((result.timings.total ?? 0) / 1000, 1)} s (${phases}), peak RSS ${fmt(result.peakRss / 1e6, 0)} MB + Chroma ${fmt(result.chromaPeakRss / 1e6, 0)} MB, load ${fmt(result.load, 2)}`,
      );
      const applied = Object.values(result.kinds).reduce((a, k) => a + (k['applied'] ?? 0), 0);
      // Snapshot mode publishes a version; remote mode never does.
      const published = mode === 'remote' ? result.version === null : result.version !== null;
      if (result.error !== null || applied !== MESSAGES || !published) {
        throw new Error(
          `run ${index + 1} (${mode}) did not apply its ${MESSAGES} messages (${applied} applied): the setup is wrong.\n${result.error ?? ''}\n${result.unexpected.join('\n')}\n${result.errors.join('\n')}`,
        );
      }
      if (mode === 'remote') continue; // its server and copy are gone already
      if ((mode === 'warm') !== (result.cachedBefore === start.version)) {
        throw new Error(`run ${index + 1} (${mode}) found ${result.cachedBefore} in its cache`);
      }
      // Back to the starting state: the version published goes from the bucket and the cache.
      const objects = await store.list({ prefix: keys.version(result.version) });
      await store.delete(objects.objects.map((/** @type {{ key: string }} */ o) => o.key));
      if (mode === 'warm') {
        await rm(join(warm.dir, result.version), { recursive: true, force: true });
        await warm.setCurrentVersion(start.version);
      } else {
        await rm(cacheRoot, { recursive: true, force: true });
      }
    }
  } finally {
    client.destroy();
    await moto.stop();
    await rm(work, { recursive: true, force: true });
  }
  report({ results, runs, count, setup, loadAtStart, phases: PHASES });
};

/**
 * Prints the tables: warm, cold and remote side by side.
 * @param {{ results: RunResult[], runs: number, count: number, loadAtStart: number[],
 *   setup: { publishMs: number, compressed: number, deltasMs: number, warmDownloadMs: number,
 *     remoteCopyMs: number[], remoteStartMs: number[] },
 *   phases: readonly string[] }} figures `phases`: the package's `COMPACTION_PHASES`
 */
const report = ({ results, runs, count, setup, loadAtStart, phases: PHASES }) => {
  const of = (/** @type {string} */ mode) => results.filter((result) => result.mode === mode);
  const warm = of('warm');
  const cold = of('cold');
  const remote = of('remote');
  const modes = [warm, cold, remote];
  /** A phase's times in the runs that had it (remote mode has only decode and process). */
  const timing = (/** @type {RunResult[]} */ list, /** @type {string} */ phase) =>
    list.flatMap((result) => {
      const ms = /** @type {Record<string, number | undefined>} */ (result.timings)[phase];
      return ms === undefined ? [] : [ms];
    });
  /** `b − a` of two medians in seconds, or `—` when either is missing. */
  const difference = (/** @type {number} */ a, /** @type {number} */ b) =>
    Number.isNaN(a) || Number.isNaN(b) ? '—' : `${fmt((b - a) / 1000, 2)} s`;
  /** A figure in MB, or `—`. @param {number} bytes */
  const mb = (bytes) => (Number.isNaN(bytes) ? '—' : fmt(bytes / 1e6, 0));
  const load = loadavg();
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `\n${MESSAGES} messages (${MIX.deltas} deltas of ${DELTA_LINES} x ${DIMENSION}) on a \`lines\` snapshot of ${fmt(count)} x ${DIMENSION} (${fmt(setup.compressed / 1e6, 1)} MB compressed), moto S3, ${runs} warm, ${runs} cold and ${runs} remote runs interleaved; ${availableParallelism()} CPUs (${cpu}), ${fmt(totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}; load average ${loadAtStart.map((v) => v.toFixed(2)).join(' ')} at the start, ${load.map((v) => v.toFixed(2)).join(' ')} at the end\n`,
  );
  console.log(
    '| phase | warm cache, median (min–max) | cold cache, median (min–max) | remote, median (min–max) | cold − warm | remote − warm |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const phase of [...PHASES, 'total']) {
    const [w, c, r] = modes.map((list) => median(timing(list, phase)));
    const label = phase === 'total' ? '**total**' : phase;
    console.log(
      `| ${label} | ${modes.map((list) => secondsRange(timing(list, phase))).join(' | ')} | ${difference(w ?? Number.NaN, c ?? Number.NaN)} | ${difference(w ?? Number.NaN, r ?? Number.NaN)} |`,
    );
  }
  const rss = (/** @type {RunResult[]} */ list, /** @type {'peakRss' | 'chromaPeakRss'} */ key) => {
    if (list.length === 0) return '—';
    const { median: mid, max } = summarize(list.map((result) => result[key] / 1e6));
    return `${fmt(mid, 0)} MB (max ${fmt(max, 0)})`;
  };
  console.log(
    `| peak RSS, compactor process | ${modes.map((list) => rss(list, 'peakRss')).join(' | ')} | | |`,
  );
  console.log(
    `| peak RSS, Chroma server | ${modes.map((list) => rss(list, 'chromaPeakRss')).join(' | ')} | | |`,
  );
  const phaseRss = (/** @type {RunResult[]} */ list, /** @type {string} */ phase) =>
    mb(
      median(
        list.flatMap((result) => {
          const bytes = result.rssByPhase[phase];
          return bytes === undefined ? [] : [bytes];
        }),
      ),
    );
  console.log(
    `\nCompactor RSS, highest half-second sample in each phase (median of runs), warm / cold / remote: ${PHASES.filter(
      (phase) => phase !== 'decode' && phase !== 'lock',
    )
      .map((phase) => `${phase} ${modes.map((list) => phaseRss(list, phase)).join(' / ')} MB`)
      .join(', ')}.`,
  );

  const requests = (/** @type {RunResult[]} */ list, /** @type {string} */ phase) => {
    const entries = list.map((result) => result.chromaRequests[phase] ?? { requests: 0, ms: 0 });
    const ms = median(entries.map((entry) => entry.ms));
    const share = ms / median(timing(list, phase));
    return `${fmt(median(entries.map((entry) => entry.requests)))} requests, ${fmt(ms / 1000, 1)} s until their responses (${fmt(share * 100, 0)}% of the phase)`;
  };
  console.log(
    `\nChroma HTTP requests in \`process\` (median of runs): warm ${requests(warm, 'process')}; cold ${requests(cold, 'process')}; remote ${requests(remote, 'process')}.`,
  );
  const operations = [
    ...new Set(
      results.flatMap((result) =>
        Object.keys(result.chromaRequests).filter((key) => key.startsWith('process ')),
      ),
    ),
  ].sort();
  console.log(
    '\n| Chroma request in `process` | warm: requests, time | cold: requests, time | remote: requests, time |',
  );
  console.log('| --- | ---: | ---: | ---: |');
  for (const key of operations) {
    const cell = (/** @type {RunResult[]} */ list) => {
      const entries = list.map((result) => result.chromaRequests[key] ?? { requests: 0, ms: 0 });
      const ms = median(entries.map((entry) => entry.ms));
      const count = median(entries.map((entry) => entry.requests));
      if (count === 0) return '—';
      return `${fmt(count)}, ${fmt(ms / 1000, 2)} s (${fmt(ms / count, 0)} ms each)`;
    };
    console.log(`| \`${key.slice('process '.length)}\` | ${modes.map(cell).join(' | ')} |`);
  }

  const slowest = (/** @type {RunResult[]} */ list) => {
    const ranked = PHASES.map((phase) => ({ phase, ms: median(timing(list, phase)) }))
      .filter(({ ms }) => !Number.isNaN(ms))
      .sort((a, b) => b.ms - a.ms);
    const total = median(timing(list, 'total'));
    return ranked
      .slice(0, 3)
      .map(({ phase, ms }) => `${phase} ${fmt(ms / 1000, 1)} s (${fmt((ms / total) * 100, 0)}%)`)
      .join(', ');
  };
  console.log(
    `\nSlowest phases, warm: ${slowest(warm)}; cold: ${slowest(cold)}; remote: ${slowest(remote)}.`,
  );

  const step = (/** @type {RunResult[]} */ list, /** @type {string} */ name) => {
    const values = list
      .map((result) => result.steps[name])
      .filter((value) => typeof value === 'number');
    return values.length === 0 ? '—' : secondsRange(/** @type {number[]} */ (values));
  };
  const STEPS = [
    ['snapshot', 'download', 'download into the cache (`downloadSnapshot`)'],
    ['snapshot', 'copyToWork', 'copy to the working directory'],
    ['process', 'deltas', `${MIX.deltas} delta merges, then each receipt refreshed`],
    ['process', 'deltaRead', '… of which reading the deltas (`readDelta`: get, checks, staging)'],
    ['process', 'deltaUpsert', '… of which upserts and their verification'],
    [
      'process',
      'deltaRefresh',
      '… of which refreshing the merged receipts (prune, place, row labels)',
    ],
    ['process', 'places', 'place updates and removals'],
    ['process', 'labels', 'row labels'],
    ['process', 'sections', 'section labels'],
    ['process', 'removals', 'line and receipt removals'],
    ['process', 'count', '`count()` of the collection'],
    ['publish', 'publishSnapshot', '`publishSnapshot`: pack, upload, pointer'],
    ['publish', 'pruneAndCacheCopy', 'pruning, copy into the cache'],
  ];
  console.log("\nInside the phases (medians; from the package's log lines and span starts):\n");
  console.log('| phase | step | warm cache | cold cache | remote |');
  console.log('| --- | --- | ---: | ---: | ---: |');
  for (const [phase, name, text] of STEPS) {
    console.log(
      `| ${phase} | ${text} | ${modes.map((list) => step(list, /** @type {string} */ (name))).join(' | ')} |`,
    );
  }

  const first = results[0];
  const seconds = (/** @type {number | undefined} */ ms) =>
    ms === undefined ? '—' : `${fmt(ms / 1000, 1)} s`;
  console.log('\nEvery run (in order):\n');
  console.log('| run | mode | total | snapshot | process | publish | 1-min load at start |');
  console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const result of results) {
    const t = /** @type {Record<string, number | undefined>} */ (result.timings);
    console.log(
      `| ${result.run + 1} | ${result.mode} | ${seconds(t['total'])} | ${seconds(t['snapshot'])} | ${seconds(t['process'])} | ${seconds(t['publish'])} | ${fmt(result.load, 2)} |`,
    );
  }
  if (first !== undefined && first.updates !== null) {
    const u = first.updates;
    const remoteSetup =
      setup.remoteStartMs.length === 0
        ? ''
        : `, and before each remote run copying the persist directory ${fmt(median(setup.remoteCopyMs) / 1000, 2)} s and starting its server ${fmt(median(setup.remoteStartMs) / 1000, 2)} s (medians)`;
    console.log(
      `\nEach run: ${MESSAGES} messages applied (${KINDS.map((kind) => `${kind.messages} ${kind.key}`).join(', ')}); ${fmt(u.deltaMergeCount)} vectors merged from ${MIX.deltas} deltas, ${fmt(u.totalMetadataUpdated)} place metadata updates, ${fmt(u.totalLabelsUpdated)} row labels, ${fmt(u.totalSectionsUpdated)} section labels, ${fmt(u.totalDeletions)} embeddings deleted. Setup (untimed): publishing the starting version ${fmt(setup.publishMs / 1000, 1)} s, writing ${MODES.length * runs * MIX.deltas} deltas ${fmt(setup.deltasMs / 1000, 1)} s, filling the warm cache ${fmt(setup.warmDownloadMs / 1000, 1)} s${remoteSetup}.`,
    );
  }
  console.log("\nThe batch (the same in every run but for the deltas' new receipts):\n");
  console.log('| messages | kind |');
  console.log('| ---: | --- |');
  for (const kind of KINDS) console.log(`| ${kind.messages} | ${kind.name} |`);
  if (process.argv.includes('--json')) {
    console.log(
      JSON.stringify({ messages: MESSAGES, count, setup, loadAtStart, loadAtEnd: load, results }),
    );
  }
};

const role = option('child', '');
if (role === '') {
  await main();
} else {
  console.log(JSON.stringify(await runChild()));
}
