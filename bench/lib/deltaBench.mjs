// @ts-check
/**
 * What the delta benchmarks (`bench/deltas/`) share: the esbuild bundle of the package's
 * delta code from `src`, and deterministic line-like records made one at a time.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundlePackage } from './bundle.mjs';
import { option, ROOT } from './stats.mjs';

/** The image every bench record belongs to (a fixed UUID, so runs are comparable). */
export const BENCH_IMAGE_ID = '3f2b8c1e-7d4a-4e6b-9a51-0c8d2e4f6a7b';

/**
 * Bundles the package's delta code (and, with `chroma`, the Chroma adapter and
 * `localChromaDeltaSource`) from `src` into `bench/results/<name>.bundle.mjs`.
 * With `checkout`, the package's `src` is taken from that other checkout of the repository.
 * @param {string} name the bundle's file name, without `.bundle.mjs`
 * @param {{ chroma?: boolean, checkout?: string }} [options]
 * @returns {Promise<string>} the bundle's path
 */
export const bundleDeltas = (name, options = {}) =>
  bundlePackage(
    name,
    {
      index: [
        'createDeltaMerger',
        'FileSystemObjectStore',
        'lineChromaId',
        'readDelta',
        'writeDelta',
      ],
      ...(options.chroma
        ? { chroma: ['chromaVectorCollection', 'localChromaDeltaSource', 'startLocalChroma'] }
        : {}),
    },
    options.checkout === undefined ? {} : { checkout: options.checkout },
  );

/**
 * @typedef {object} LineRecord
 * @property {string} id `IMAGE#<uuid>#RECEIPT#<r>#LINE#<l>`
 * @property {number[]} embedding
 * @property {string} document
 * @property {Record<string, string | number | boolean>} metadata
 */

/**
 * Deterministic line records, made one at a time (nothing is held but the current record):
 * `dimension` pseudo-random values in ±0.025 (float32 noise compresses as badly as real
 * embeddings do), a short document and eight metadata keys. Lines are numbered from 1 within
 * receipts of `linesPerReceipt` lines (receipts from 1); `Infinity` keeps every record in
 * receipt 1, as a delta of one receipt must be.
 * @param {{ count: number, dimension: number, linesPerReceipt: number,
 *   lineChromaId: (parts: { imageId: string, receiptId: number, lineId: number }) => string }} options
 * @returns {Generator<LineRecord>}
 */
export function* lineRecords({ count, dimension, linesPerReceipt, lineChromaId }) {
  let state = 0x9e3779b9;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) / 0xffffffff) * 2 - 1;
  };
  for (let index = 0; index < count; index += 1) {
    const receiptId = Number.isFinite(linesPerReceipt)
      ? Math.floor(index / linesPerReceipt) + 1
      : 1;
    const lineId = Number.isFinite(linesPerReceipt) ? (index % linesPerReceipt) + 1 : index + 1;
    /** @type {number[]} */
    const embedding = new Array(dimension);
    for (let value = 0; value < dimension; value += 1) embedding[value] = random() / 40;
    const text = `LINE ${lineId} TOTAL ${(index % 997) / 10}`;
    yield {
      id: lineChromaId({ imageId: BENCH_IMAGE_ID, receiptId, lineId }),
      embedding,
      document: text,
      metadata: {
        image_id: BENCH_IMAGE_ID,
        receipt_id: receiptId,
        line_id: lineId,
        text,
        x: Math.abs(random()),
        y: Math.abs(random()),
        confidence: 0.9 + Math.abs(random()) / 10,
        merchant_name: 'Bench Market',
      },
    };
  }
}

/**
 * The same records, as an async iterable (what `writeDelta` is given by a producer that
 * streams them).
 * @param {Parameters<typeof lineRecords>[0]} options
 * @returns {AsyncGenerator<LineRecord>}
 */
export async function* lineRecordStream(options) {
  yield* lineRecords(options);
}

/**
 * Writes the benchmark's delta (receipt 1 of the bench image, from {@link lineRecordStream})
 * with `writeDelta` and times it.
 * @param {any} lib the bundle
 * @param {any} store an `ObjectStore` of the bundle
 * @param {string} prefix the delta's prefix
 * @param {string} runId the run id recorded in the manifest
 * @param {Parameters<typeof lineRecords>[0]} options the records
 * @returns {Promise<{ ms: number, compressedBytes: number }>}
 */
export const writeBenchDelta = async (lib, store, prefix, runId, options) => {
  const clock = performance.now();
  await lib.writeDelta(store, prefix, {
    collection: 'lines',
    runId,
    imageId: BENCH_IMAGE_ID,
    receiptId: 1,
    records: lineRecordStream(options),
  });
  const ms = performance.now() - clock;
  return { ms, compressedBytes: (await store.head(`${prefix}delta.tar.gz`))?.size ?? 0 };
};

/**
 * The benchmark's Chroma server: a local one (`startLocalChroma` through the glibc shim of
 * `scripts/services/chroma.mjs` where needed) on a temporary directory and a free port, or
 * the one at `--url`. Imports chromadb and the shim script lazily (the read benchmark's
 * child processes import this file too).
 * @param {any} lib the bundle (with `chroma`)
 * @param {string} name for the temporary directory and the server's log file
 * @returns {Promise<{ client: import('chromadb').ChromaClient, stop: () => Promise<void> }>}
 */
export const benchChroma = async (lib, name) => {
  const given = option('url', '');
  if (given !== '') {
    const { ChromaClient } = await import('chromadb');
    const url = new URL(given);
    const client = new ChromaClient({
      host: url.hostname,
      port: Number(url.port),
      ssl: url.protocol === 'https:',
    });
    return { client, stop: async () => {} };
  }
  const { chromaNodeCommand } = await import('../../scripts/services/chroma.mjs');
  const path = await mkdtemp(join(tmpdir(), `${name}-chroma-`));
  const chroma = await lib.startLocalChroma({
    path,
    command: (await chromaNodeCommand()).command,
    startupTimeoutMs: 120_000,
    logFile: join(ROOT, '.test-services', `${name}-chroma-${process.pid}.log`),
  });
  return {
    client: chroma.client,
    stop: async () => {
      await chroma.stop();
      await rm(path, { recursive: true, force: true });
    },
  };
};

/**
 * A `VectorCollection` that times the calls the merger makes (`upsert`, and `get`: the
 * dimension probe and the verification), and when the first upsert began
 * (`performance.now()`).
 * @param {any} vectors
 */
export const timedVectors = (vectors) => {
  const spent = { upsertMs: 0, getMs: 0, upserts: 0, gets: 0, firstUpsertAt: 0 };
  /**
   * @param {'upsert' | 'get'} name
   * @param {unknown} request
   */
  const call = async (name, request) => {
    const started = performance.now();
    if (name === 'upsert' && spent.firstUpsertAt === 0) spent.firstUpsertAt = started;
    try {
      return await vectors[name](request);
    } finally {
      spent[`${name}Ms`] += performance.now() - started;
      spent[`${name}s`] += 1;
    }
  };
  return {
    spent,
    vectors: {
      ...vectors,
      name: vectors.name,
      upsert: (/** @type {unknown} */ request) => call('upsert', request),
      get: (/** @type {unknown} */ request) => call('get', request),
    },
  };
};
