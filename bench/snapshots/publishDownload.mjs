// @ts-check
/**
 * Publishing and downloading a real Chroma persist directory (about 200 MB) through moto's
 * S3 with `publishSnapshot` / `downloadSnapshot`, against the way the Python package does it
 * (GNU `tar -czf`, then the upload; the download, then `tar -xzf`), and a `SnapshotCache`
 * hit.
 *
 *   node bench/snapshots/publishDownload.mjs [--runs 3] [--count 30000] [--dimension 1536] [--json]
 *
 * Not a test: it prints a markdown table (with `--json`, one JSON line last) and exits 0
 * whatever the figures. How:
 * - The persist directory is the one `bench/snapshots/packUnpack.mjs` builds and caches
 *   (`bench/lib/snapshotData.mjs`). A moto server is started; every phase runs in a fresh
 *   child process (its peak RSS is the process's own), in alternating order per run.
 * - publish: `publishSnapshot` on an `S3ObjectStore` (packing in worker threads overlapped
 *   with the multipart upload, then `.snapshot_hash`, `manifest.json` and the pointer).
 *   Baseline: `tar -czf` to a file, then `S3ObjectStore.put` of the file.
 * - download: `downloadSnapshot` (tarball to a temporary file with its digests, checks, then
 *   the gzip members inflated in parallel). Baseline: `get` to a file, then `tar -xzf`.
 * - cache hit: `SnapshotCache.ensure(version)` on a version already cached, 20 times in
 *   one process, median.
 * - MB/s is the directory's bytes (uncompressed) over the wall time. MB = 10^6 bytes.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startMoto } from '../../scripts/services/moto.mjs';
import { bundlePackage } from '../lib/bundle.mjs';
import { motoS3Client } from '../lib/s3Client.mjs';
import { chromaDirectory } from '../lib/snapshotData.mjs';
import { fmt, option, ROOT, summarize } from '../lib/stats.mjs';

const SELF = fileURLToPath(import.meta.url);
const BUCKET = 'snapshot-bench';
const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);
const peakRss = () => process.resourceUsage().maxRSS * 1024;

/** @param {string} command @param {string[]} args */
const run = (command, args) => {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
};

/** Bytes of every file under `dir`. @param {string} dir @returns {Promise<number>} */
const treeBytes = async (dir) => {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
};

/** Child: one phase. @param {string} phase */
const runChild = async (phase) => {
  const lib = await import(pathToFileURL(option('bundle', '')).href);
  const client = await motoS3Client(option('endpoint', ''));
  const store = new lib.S3ObjectStore({ client, bucket: BUCKET });
  const dir = option('dir', '');
  const work = await mkdtemp(join(tmpdir(), 'snapshot-bench-'));
  const started = performance.now();
  /** @type {Record<string, number | string>} */
  let extra = {};
  try {
    if (phase === 'publish') {
      const published = await lib.publishSnapshot({ store, collection: 'lines', dir });
      extra = { version: published.version, compressed: published.size };
    } else if (phase === 'tar-publish') {
      const file = join(work, 'snapshot.tar.gz');
      run('tar', ['-czf', file, '-C', dir, '.']);
      const { size } = await stat(file);
      await store.put('baseline/snapshot.tar.gz', createReadStream(file), { contentLength: size });
      extra = { compressed: size };
    } else if (phase === 'download') {
      await lib.downloadSnapshot({ store, collection: 'lines', dest: join(work, 'dest') });
    } else if (phase === 'tar-download') {
      const file = join(work, 'snapshot.tar.gz');
      const { body } = await store.get('baseline/snapshot.tar.gz');
      const { pipeline } = await import('node:stream/promises');
      const { createWriteStream } = await import('node:fs');
      await pipeline(body, createWriteStream(file));
      await rm(join(work, 'dest'), { recursive: true, force: true });
      await import('node:fs/promises').then((fs) => fs.mkdir(join(work, 'dest')));
      run('tar', ['-xzf', file, '-C', join(work, 'dest')]);
    } else if (phase === 'cache-hit') {
      const cache = new lib.SnapshotCache({ root: work, collection: 'lines', store });
      const { version } = await cache.ensure();
      const hits = [];
      for (let index = 0; index < 20; index += 1) {
        const begun = performance.now();
        const ensured = await cache.ensure(version);
        hits.push(performance.now() - begun);
        if (ensured.source !== 'cache') throw new Error('expected a cache hit');
      }
      extra = { hitMs: summarize(hits).median };
    }
    return { phase, ms: performance.now() - started, peakRss: peakRss(), ...extra };
  } finally {
    client.destroy();
    await rm(work, { recursive: true, force: true });
  }
};

/** @param {string} phase @param {string[]} args */
const child = (phase, args) => {
  const result = spawnSync(process.execPath, [SELF, `--child=${phase}`, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`the ${phase} child failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
};

const main = async () => {
  const runs = Number(option('runs', '3'));
  const bundle = await bundlePackage('publishDownload', {
    index: ['downloadSnapshot', 'lineChromaId', 'publishSnapshot', 'SnapshotCache'],
    chroma: ['startLocalChroma'],
    s3: ['S3ObjectStore'],
  });
  const lib = await import(pathToFileURL(bundle).href);
  const count = Number(option('count', '30000'));
  const dimension = Number(option('dimension', '1536'));
  const dir = await chromaDirectory(lib, count, dimension, log);
  const bytes = await treeBytes(dir);
  log(`starting moto's server (directory ${fmt(bytes / 1e6, 1)} MB)…`);
  const moto = await startMoto();
  const admin = await motoS3Client(moto.endpoint);
  const { CreateBucketCommand } = await import('@aws-sdk/client-s3');
  await admin.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const args = [`--bundle=${bundle}`, `--endpoint=${moto.endpoint}`, `--dir=${dir}`];
  /** @type {Record<string, any[]>} */
  const figures = {};
  try {
    const pairs = [
      ['publish', 'tar-publish'],
      ['download', 'tar-download'],
    ];
    for (let index = 0; index < runs; index += 1) {
      for (const pair of pairs) {
        for (const phase of index % 2 === 0 ? pair : [...pair].reverse()) {
          const result = child(phase, args);
          log(
            `  run ${index + 1} ${phase}: ${fmt(result.ms / 1000, 2)} s, peak RSS ${fmt(result.peakRss / 1e6, 1)} MB`,
          );
          figures[phase] = [...(figures[phase] ?? []), result];
        }
      }
    }
    figures['cache-hit'] = [child('cache-hit', args)];
  } finally {
    admin.destroy();
    await moto.stop();
  }
  const rows = ['publish', 'tar-publish', 'download', 'tar-download'].map((phase) => {
    const results = figures[phase] ?? [];
    const seconds = summarize(results.map((r) => r.ms / 1000));
    const mbps = summarize(results.map((r) => bytes / 1e6 / (r.ms / 1000)));
    const rss = summarize(results.map((r) => r.peakRss / 1e6));
    return { phase, seconds, mbps, rss, compressed: results[0]?.compressed };
  });
  const hitMs = figures['cache-hit']?.[0]?.hitMs;
  const ratio = (/** @type {string} */ a, /** @type {string} */ b) =>
    (rows.find((r) => r.phase === a)?.mbps.median ?? 0) /
    (rows.find((r) => r.phase === b)?.mbps.median ?? 1);
  console.log(
    `\nChroma persist directory ${fmt(count)} x ${dimension} (${fmt(bytes / 1e6, 1)} MB), moto S3, ${runs} runs, ${availableParallelism()} CPUs, load ${loadavg()[0]?.toFixed(2)}\n`,
  );
  console.log('| phase | time, median (min–max) | MB/s of directory | peak RSS | compressed |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const { phase, seconds, mbps, rss, compressed } of rows) {
    console.log(
      `| ${phase} | ${fmt(seconds.median, 2)} s (${fmt(seconds.min, 2)}–${fmt(seconds.max, 2)}) | ${fmt(mbps.median, 0)} | ${fmt(rss.median, 1)} MB | ${compressed === undefined ? '' : `${fmt(compressed / 1e6, 1)} MB`} |`,
    );
  }
  console.log(`| cache hit (\`SnapshotCache.ensure\`) | ${fmt(hitMs ?? Number.NaN, 2)} ms | | | |`);
  console.log(
    `\npublish ${fmt(ratio('publish', 'tar-publish'), 2)}x the tar-then-upload baseline; download ${fmt(ratio('download', 'tar-download'), 2)}x the download-then-untar baseline.`,
  );
  if (process.argv.includes('--json')) console.log(JSON.stringify({ bytes, rows, hitMs }));
};

const phase = option('child', '');
if (phase === '') await main();
else console.log(JSON.stringify(await runChild(phase)));
