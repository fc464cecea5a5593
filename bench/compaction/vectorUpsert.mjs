/**
 * Upsert throughput of `chromaVectorCollection` (`@receipt-chroma/chroma-compaction/chroma`)
 * against calling the chromadb client directly, on the same local Chroma server in the same
 * process: 1536-dimension vectors with word-like metadata and documents, written in batches
 * of 250, several runs, medians.
 *
 *   node bench/compaction/vectorUpsert.mjs [--count 20000] [--dimension 1536] [--batch 250]
 *     [--runs 5] [--url http://127.0.0.1:8000] [--json]
 *
 * Not a test: it prints figures (and with `--json` one JSON line last) and exits 0 whatever
 * they are. Target: the adapter's median time at most 5% above the direct client's.
 *
 * How: esbuild bundles the adapter from `src` (no package build needed) into
 * `bench/results/vectorUpsert.bundle.mjs`, chromadb left external. Without `--url` the script
 * starts its own Chroma server (`chroma run` from chromadb, through the glibc shim of
 * `scripts/services/chroma.mjs` where needed) on a temporary directory and stops it at the
 * end. Every run writes the same records into two new collections, one through the adapter
 * and one through `collection.upsert` directly, alternating which goes first, and checks the
 * count afterwards. Only the upsert calls are timed.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ChromaClient } from 'chromadb';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY = join(
  ROOT,
  'packages/chroma-compaction/src/adapters/chroma/chromaVectorCollection.ts',
);
const BUNDLE = join(ROOT, 'bench/results/vectorUpsert.bundle.mjs');
/** The overhead target: the adapter may take at most 5% longer than the client alone. */
export const OVERHEAD_TARGET = 0.05;

/**
 * The value of a `--name=value` or `--name value` command-line option.
 * @param {string} name
 * @param {string} fallback
 * @returns {string}
 */
const option = (name, fallback) => {
  const args = process.argv.slice(2);
  const index = args.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (index === -1) return fallback;
  const arg = args[index] ?? '';
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : (args[index + 1] ?? fallback);
};

/** @param {number[]} values */
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

/** A free TCP port on 127.0.0.1. */
const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/**
 * Starts `chroma run` on a temporary directory and resolves once its heartbeat answers.
 * @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 */
const startChroma = async () => {
  const { chromaNodeCommand, resolveChromaCli } = await import('../../scripts/services/chroma.mjs');
  const { command } = await chromaNodeCommand();
  const cli = await resolveChromaCli();
  const dir = await mkdtemp(join(tmpdir(), 'bench-vector-upsert-'));
  const port = await freePort();
  const [program = process.execPath, ...prefix] = command;
  const child = spawn(program, [...prefix, cli, 'run', '--path', dir, '--port', String(port)], {
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGINT'); // Chroma ignores SIGTERM.
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${url}/api/v2/heartbeat`)).ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`Chroma did not start on ${url} within 60 s`);
};

/**
 * Deterministic records: unit-length-ish vectors from a small PRNG, word-like metadata.
 * @param {number} count
 * @param {number} dimension
 */
const makeRecords = (count, dimension) => {
  let state = 0x9e3779b9;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) / 0xffffffff) * 2 - 1;
  };
  /** @type {string[]} */
  const ids = [];
  /** @type {number[][]} */
  const embeddings = [];
  /** @type {string[]} */
  const documents = [];
  /** @type {Record<string, string | number | string[]>[]} */
  const metadatas = [];
  for (let index = 0; index < count; index += 1) {
    const receipt = Math.floor(index / 400) + 1;
    const line = Math.floor((index % 400) / 8) + 1;
    const word = (index % 8) + 1;
    /** @param {number} n */
    const pad = (n) => String(n).padStart(5, '0');
    ids.push(`IMAGE#bench-image#RECEIPT#${pad(receipt)}#LINE#${pad(line)}#WORD#${pad(word)}`);
    embeddings.push(Array.from({ length: dimension }, () => random() / 40));
    documents.push(`word ${index}`);
    metadatas.push({
      image_id: 'bench-image',
      receipt_id: receipt,
      line_id: line,
      word_id: word,
      text: `word ${index}`,
      x: random(),
      y: random(),
      valid_labels: index % 3 === 0 ? ['TOTAL'] : ['MERCHANT_NAME', 'ADDRESS'],
      label_status: 'validated',
    });
  }
  return { ids, embeddings, documents, metadatas };
};

const main = async () => {
  const count = Number(option('count', '20000'));
  const dimension = Number(option('dimension', '1536'));
  const batch = Number(option('batch', '250'));
  const runs = Number(option('runs', '5'));
  const json = process.argv.includes('--json');

  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  await build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile: BUNDLE,
    external: ['chromadb'],
    logLevel: 'warning',
  });
  const { chromaVectorCollection } = await import(pathToFileURL(BUNDLE).href);

  const given = option('url', '');
  const server = given === '' ? await startChroma() : { url: given, stop: async () => {} };
  try {
    const url = new URL(server.url);
    const client = new ChromaClient({
      host: url.hostname,
      port: Number(url.port),
      ssl: url.protocol === 'https:',
    });
    const records = makeRecords(count, dimension);
    const stamp = Date.now();

    /** @param {string} name */
    const newCollection = (name) =>
      client.createCollection({ name: `bench-${stamp}-${name}`, embeddingFunction: null });

    const variants = {
      /** @param {import('chromadb').Collection} collection */
      direct: async (collection) => {
        for (let start = 0; start < count; start += batch) {
          await collection.upsert({
            ids: records.ids.slice(start, start + batch),
            embeddings: records.embeddings.slice(start, start + batch),
            documents: records.documents.slice(start, start + batch),
            metadatas: records.metadatas.slice(start, start + batch),
          });
        }
      },
      /** @param {import('chromadb').Collection} collection */
      adapter: async (collection) => {
        await chromaVectorCollection(collection, { maxBatchSize: batch }).upsert(records);
      },
    };

    // Warm-up: the preflight request, JIT and the server's first collection files.
    const small = Math.min(count, batch * 4);
    const warmup = {
      ids: records.ids.slice(0, small),
      embeddings: records.embeddings.slice(0, small),
      documents: records.documents.slice(0, small),
      metadatas: records.metadatas.slice(0, small),
    };
    await (await newCollection('warmup-direct')).upsert(warmup);
    await chromaVectorCollection(await newCollection('warmup-adapter'), {
      maxBatchSize: batch,
    }).upsert(warmup);

    // The adapter's own work (checks, slicing, payload), without a server: both variants call
    // a collection whose upsert does nothing, so the difference is what the adapter adds.
    const idle = /** @type {import('chromadb').Collection} */ (
      /** @type {unknown} */ ({ name: 'idle', upsert: async () => {} })
    );
    /** @type {{ direct: number[], adapter: number[] }} */
    const idleTimes = { direct: [], adapter: [] };
    for (let run = 0; run < Math.max(runs, 5) * 2; run += 1) {
      /** @type {('direct' | 'adapter')[]} */
      const idleOrder = run % 2 === 0 ? ['direct', 'adapter'] : ['adapter', 'direct'];
      for (const name of idleOrder) {
        const started = performance.now();
        await variants[name](idle);
        idleTimes[name].push(performance.now() - started);
      }
    }

    /** @type {{ direct: number[], adapter: number[] }} */
    const times = { direct: [], adapter: [] };
    for (let run = 0; run < runs; run += 1) {
      /** @type {('direct' | 'adapter')[]} */
      const order = run % 2 === 0 ? ['direct', 'adapter'] : ['adapter', 'direct'];
      for (const name of order) {
        const collection = await newCollection(`${run}-${name}`);
        const started = performance.now();
        await variants[name](collection);
        const elapsed = performance.now() - started;
        const stored = await collection.count();
        if (stored !== count)
          throw new Error(`${name} run ${run}: ${stored} records, expected ${count}`);
        times[name].push(elapsed);
        if (!json) {
          console.log(
            `run ${run + 1} ${name.padEnd(7)} ${(elapsed / 1000).toFixed(2)} s  ${Math.round((count / elapsed) * 1000)} vectors/s`,
          );
        }
      }
    }

    const direct = median(times.direct);
    const adapter = median(times.adapter);
    const overhead = adapter / direct - 1;
    // Each run's two writes are next to each other in time, so their ratio is less exposed to
    // drift in server speed (machine load, collection count) than the ratio of medians.
    const paired = median(times.adapter.map((ms, run) => ms / (times.direct[run] ?? ms) - 1));
    const result = {
      count,
      dimension,
      batch,
      runs,
      directMedianMs: Math.round(direct),
      adapterMedianMs: Math.round(adapter),
      directVectorsPerSecond: Math.round((count / direct) * 1000),
      adapterVectorsPerSecond: Math.round((count / adapter) * 1000),
      overhead: Number(overhead.toFixed(4)),
      pairedOverhead: Number(paired.toFixed(4)),
      target: OVERHEAD_TARGET,
      met: overhead <= OVERHEAD_TARGET,
      adapterOwnMs: Number((median(idleTimes.adapter) - median(idleTimes.direct)).toFixed(2)),
      adapterOwnShare: Number(
        ((median(idleTimes.adapter) - median(idleTimes.direct)) / direct).toFixed(5),
      ),
      directMs: times.direct.map(Math.round),
      adapterMs: times.adapter.map(Math.round),
    };
    if (json) console.log(JSON.stringify(result));
    else {
      console.log(
        `median direct  ${result.directVectorsPerSecond} vectors/s (${(direct / 1000).toFixed(2)} s)\n` +
          `median adapter ${result.adapterVectorsPerSecond} vectors/s (${(adapter / 1000).toFixed(2)} s)\n` +
          `overhead ${(overhead * 100).toFixed(1)}% (target <= ${OVERHEAD_TARGET * 100}%): ${result.met ? 'met' : 'missed'}\n` +
          `median of the runs' adapter/direct ratios: ${(paired * 100).toFixed(1)}%\n` +
          `adapter's own work without a server: ${result.adapterOwnMs} ms per ${count} vectors ` +
          `(${(result.adapterOwnShare * 100).toFixed(2)}% of the direct median)`,
      );
    }
  } finally {
    await server.stop();
  }
};

await main();
