/**
 * Peak memory of streaming a large object through the object stores of
 * `@receipt-chroma/chroma-compaction`: a put from a lazily generated body, then a get
 * hashed chunk by chunk, through `S3ObjectStore` (against a moto server this script starts)
 * and through `FileSystemObjectStore` (a temp directory).
 *
 *   node bench/compaction/objectStoreStream.mjs [--size-mib 1024] [--stores s3,fs]
 *     [--part-size-mib N] [--queue-size N] [--json]
 *
 * `--part-size-mib` / `--queue-size` override `S3ObjectStore`'s defaults. Not a test: it
 * prints a markdown table (and with `--json` one JSON line last) and exits 0 whatever the
 * figures, unless the bytes read back differ from the bytes written. Target: peak RSS below
 * 150 MB for each phase of each store.
 *
 * How: esbuild bundles each adapter from `src` (no package build needed) into
 * `bench/results/objectStore-{s3,fs}.bundle.mjs`, the AWS SDK left external (loaded from
 * node_modules). Each phase (put, get) of each store runs in its own `node` process, so its
 * peak RSS (`process.resourceUsage().maxRSS`, the kernel's high-water mark) is that phase's
 * alone; the RSS after loading the modules is reported as the baseline. The body is 1 MiB
 * chunks made on demand; the sha256 computed while producing it is compared with the sha256
 * of what `get` streams back.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { startMoto } from '../../scripts/services/moto.mjs';
import { motoS3Client } from '../lib/s3Client.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'packages/chroma-compaction/src');
const RESULTS = join(ROOT, 'bench/results');
const SELF = fileURLToPath(import.meta.url);
const MIB = 1024 * 1024;
const KEY = 'bench/object.bin';
/** The peak RSS target, in bytes (150 MB). */
export const PEAK_RSS_TARGET_BYTES = 150 * 1000 * 1000;

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

/** @param {number} bytes */
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * @typedef {object} PhaseFigures
 * @property {number} ms wall time of the transfer
 * @property {number} baselineRss RSS after loading the modules, before the transfer, bytes
 * @property {number} peakRss the process's maximum RSS (resourceUsage().maxRSS), bytes
 * @property {string} sha256 of the bytes produced (put) or read back (get)
 * @property {number} bytes
 * @property {string} etag
 */

/**
 * One phase of one store, inside a child process.
 * @param {'put' | 'get'} phase
 * @param {'s3' | 'fs'} kind
 * @returns {Promise<PhaseFigures>}
 */
const runPhase = async (phase, kind) => {
  const bundle = await import(pathToFileURL(option('bundle', '')).href);
  /** @type {{ put: Function, get: Function }} */
  let store;
  if (kind === 's3') {
    const partSize = option('part-size-mib', '');
    const queueSize = option('queue-size', '');
    store = new bundle.S3ObjectStore({
      client: await motoS3Client(option('endpoint', '')),
      bucket: option('bucket', ''),
      ...(partSize === '' ? {} : { partSize: Number(partSize) * MIB }),
      ...(queueSize === '' ? {} : { queueSize: Number(queueSize) }),
    });
  } else {
    store = new bundle.FileSystemObjectStore({ root: option('root', '') });
  }
  const baselineRss = process.memoryUsage.rss();
  const hash = createHash('sha256');
  let bytes = 0;
  let etag = '';
  const start = performance.now();
  if (phase === 'put') {
    const total = Number(option('size-mib', '1024')) * MIB;
    async function* body() {
      for (let index = 0; index < total / MIB; index += 1) {
        // A fresh buffer per chunk: the store may still hold the previous ones.
        const chunk = Buffer.alloc(MIB, index % 251);
        chunk.writeUInt32BE(index, 0);
        hash.update(chunk);
        bytes += chunk.byteLength;
        yield chunk;
      }
    }
    ({ etag } = await store.put(KEY, body()));
  } else {
    const read = await store.get(KEY);
    etag = read.info.etag;
    for await (const chunk of read.body) {
      hash.update(chunk);
      bytes += chunk.byteLength;
    }
  }
  const ms = performance.now() - start;
  return {
    ms,
    baselineRss,
    peakRss: process.resourceUsage().maxRSS * 1024,
    sha256: hash.digest('hex'),
    bytes,
    etag,
  };
};

/**
 * Bundles one adapter from source; the AWS SDK stays external.
 * @param {'s3' | 'fs'} kind
 * @returns {Promise<string>} the bundle's path
 */
const bundleAdapter = async (kind) => {
  mkdirSync(RESULTS, { recursive: true });
  const outfile = join(RESULTS, `objectStore-${kind}.bundle.mjs`);
  const source =
    kind === 's3'
      ? `export { S3ObjectStore } from ${JSON.stringify(join(SRC, 'adapters/s3/S3ObjectStore.ts'))};`
      : `export { FileSystemObjectStore } from ${JSON.stringify(join(SRC, 'adapters/fs/FileSystemObjectStore.ts'))};`;
  await build({
    stdin: { contents: source, resolveDir: SRC, loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: ['@aws-sdk/*'],
    outfile,
    logLevel: 'warning',
  });
  return outfile;
};

/**
 * Runs one phase in a fresh `node` process and returns its figures.
 * @param {'put' | 'get'} phase
 * @param {'s3' | 'fs'} kind
 * @param {string[]} args
 * @returns {PhaseFigures}
 */
const runInChild = (phase, kind, args) => {
  process.stderr.write(`${kind}: ${phase} of ${option('size-mib', '1024')} MiB…\n`);
  const passed = ['size-mib', 'part-size-mib', 'queue-size'].flatMap((name) => {
    const value = option(name, '');
    return value === '' ? [] : [`--${name}=${value}`];
  });
  const child = spawnSync(
    process.execPath,
    [SELF, `--child=${phase}`, `--store=${kind}`, ...passed, ...args],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * MIB },
  );
  if (child.status !== 0) {
    throw new Error(`the ${kind} ${phase} exited with ${child.status}:\n${child.stderr}`);
  }
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '');
};

/**
 * Put then get through one store, each phase in its own process.
 * @param {'s3' | 'fs'} kind
 */
const benchStore = async (kind) => {
  const bundle = await bundleAdapter(kind);
  if (kind === 'fs') {
    const root = await mkdtemp(join(tmpdir(), 'bench-fs-store-'));
    try {
      const args = [`--bundle=${bundle}`, `--root=${root}`];
      return { put: runInChild('put', kind, args), get: runInChild('get', kind, args) };
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }
  process.stderr.write("starting moto's server…\n");
  const moto = await startMoto();
  const client = await motoS3Client(moto.endpoint);
  const { CreateBucketCommand, DeleteBucketCommand } = await import('@aws-sdk/client-s3');
  try {
    const bucket = `bench-stream-${process.pid}`;
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const args = [`--bundle=${bundle}`, `--endpoint=${moto.endpoint}`, `--bucket=${bucket}`];
    const figures = { put: runInChild('put', kind, args), get: runInChild('get', kind, args) };
    const { S3ObjectStore } = await import(pathToFileURL(bundle).href);
    await new S3ObjectStore({ client, bucket }).delete([KEY]);
    await client.send(new DeleteBucketCommand({ Bucket: bucket }));
    return figures;
  } finally {
    client.destroy();
    await moto.stop();
  }
};

const main = async () => {
  const phase = option('child', '');
  if (phase === 'put' || phase === 'get') {
    const kind = option('store', '') === 's3' ? 's3' : 'fs';
    process.stdout.write(`${JSON.stringify(await runPhase(phase, kind))}\n`);
    return;
  }
  const stores = /** @type {('s3' | 'fs')[]} */ (
    option('stores', 's3,fs')
      .split(',')
      .filter((name) => name === 's3' || name === 'fs')
  );
  const results = [];
  for (const kind of stores) {
    const { put, get } = await benchStore(kind);
    results.push({
      store: kind === 's3' ? 'S3ObjectStore (moto)' : 'FileSystemObjectStore',
      bytes: put.bytes,
      sha256Matches: put.sha256 === get.sha256 && put.bytes === get.bytes,
      etag: put.etag,
      put,
      get,
    });
  }
  const settings =
    option('part-size-mib', '') === '' && option('queue-size', '') === ''
      ? 'S3ObjectStore defaults'
      : `partSize ${option('part-size-mib', 'default')} MiB, queueSize ${option('queue-size', 'default')}`;
  /** @param {PhaseFigures} p */
  const cell = (p) =>
    `${mb(p.peakRss)} ${p.peakRss < PEAK_RSS_TARGET_BYTES ? '(met)' : '(MISSED)'}, base ${mb(p.baselineRss)}, ${(p.ms / 1000).toFixed(1)} s (${(p.bytes / MIB / (p.ms / 1000)).toFixed(0)} MiB/s)`;
  const lines = [
    `Streaming ${option('size-mib', '1024')} MiB (${settings}); target peak RSS < ${mb(PEAK_RSS_TARGET_BYTES)}`,
    '',
    '| store | put: peak RSS, baseline, time | get: peak RSS, baseline, time | sha256 |',
    '| --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.store} | ${cell(r.put)} | ${cell(r.get)} | ${r.sha256Matches ? 'matches' : 'DIFFERS'} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (process.argv.includes('--json')) {
    process.stdout.write(
      `${JSON.stringify({ targetPeakRssBytes: PEAK_RSS_TARGET_BYTES, settings, results })}\n`,
    );
  }
  if (results.some((r) => !r.sha256Matches)) process.exitCode = 1;
};

await main();
