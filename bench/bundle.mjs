/**
 * Size and load time of the example stream handler as a zip-Lambda bundle.
 *
 *   node bench/bundle.mjs [--runs 21] [--json]
 *
 * esbuild bundles `examples/stream-processor/handler.ts` (bundle, minify, platform node,
 * target node20, format esm) into `bench/results/handler.mjs`. The package resolves to its
 * BUILT entry (`dist/index.js`, through the `import` condition), and it is bundled together
 * with `@aws-sdk/util-dynamodb` (the handler's path does not reach zod, so none is bundled). `@aws-sdk/client-sqs` stays external because the
 * Lambda Node.js runtime ships AWS SDK v3. `mainFields: ['module', 'main']` makes esbuild take
 * the ES build of packages without an `exports` map (as AWS CDK's NodejsFunction does for
 * ESM), so they tree-shake.
 *
 * Reported: minified bytes, gzip -9 bytes (what the zip roughly costs), the contributors by
 * package, and the median time to import the bundle in fresh `node` processes (timed inside
 * the child around `await import()`; nothing is stubbed, so the external SDK loads from
 * node_modules and is part of the figure, as it is part of a Lambda cold start). The SDK's
 * own import time is measured the same way, for context; so is constructing the `SQSClient`,
 * which the handler does on its first publish rather than at load.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { BUNDLE_BUDGET_BYTES, ZIP_LAMBDA_BUILD } from '../scripts/packaging/bundleBudget.mjs';
import { fmt, isMain, option, ROOT, timeImports } from './lib/stats.mjs';

/** The load-time target for the bundle, in milliseconds. */
export const BUNDLE_IMPORT_TARGET_MS = 15;
/** The gzipped-size target for the bundle, in bytes (40 kB): the budget `npm test` enforces. */
export const BUNDLE_GZIP_TARGET_BYTES = BUNDLE_BUDGET_BYTES;

const ENTRY = `${ROOT}examples/stream-processor/handler.ts`;
const OUTFILE = `${ROOT}bench/results/handler.mjs`;
const EXTERNAL = [...ZIP_LAMBDA_BUILD.external];
const SQS_CLIENT = `${ROOT}bench/lib/sqsClient.mjs`;

/**
 * The package an input file belongs to: `zod`, `@aws-sdk/util-dynamodb`, or a workspace path.
 * @param {string} path esbuild's input path, relative to the working directory
 */
const ownerOf = (path) => {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (match?.[1] !== undefined) return match[1];
  if (path.includes('packages/dynamo-stream/')) return '@receipt-chroma/dynamo-stream';
  return path.split('/').slice(0, 2).join('/');
};

/**
 * @typedef {object} BundleResult
 * @property {string} outfile
 * @property {string[]} external
 * @property {number} minifiedBytes
 * @property {number} gzipBytes
 * @property {Record<string, number>} bytesByPackage minified output bytes per package
 * @property {{median: number, min: number, max: number, runs: number, samples: number[]}} importMs
 * @property {{median: number, min: number, max: number, runs: number, samples: number[]}} externalSdkImportMs
 * @property {{median: number, min: number, max: number, runs: number, samples: number[]}} importAfterSdkMs
 *   the bundle's import with the SDK already loaded (outside the timing): the bundle's own cost
 * @property {{median: number, min: number, max: number, runs: number, samples: number[]}} sqsClientMs
 *   constructing one default `SQSClient` with the SDK already loaded: what the example's first
 *   publish adds (the handler creates its client lazily)
 */

/**
 * @param {{runs?: number}} [options]
 * @returns {Promise<BundleResult>}
 */
export const measureBundle = async ({ runs = 21 } = {}) => {
  mkdirSync(`${ROOT}bench/results`, { recursive: true });
  const result = await build({
    entryPoints: [ENTRY],
    outfile: OUTFILE,
    ...ZIP_LAMBDA_BUILD,
    mainFields: [...ZIP_LAMBDA_BUILD.mainFields],
    external: EXTERNAL,
    metafile: true,
    logLevel: 'error',
  });
  const code = readFileSync(OUTFILE);
  /** @type {Record<string, number>} */
  const bytesByPackage = {};
  const output = Object.values(result.metafile.outputs)[0];
  for (const [path, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const owner = ownerOf(path);
    bytesByPackage[owner] = (bytesByPackage[owner] ?? 0) + bytesInOutput;
  }
  const sdkEntry = createRequire(ENTRY).resolve('@aws-sdk/client-sqs');
  return {
    outfile: 'bench/results/handler.mjs',
    external: EXTERNAL,
    minifiedBytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    bytesByPackage: Object.fromEntries(Object.entries(bytesByPackage).sort((a, b) => b[1] - a[1])),
    importMs: timeImports(OUTFILE, runs),
    externalSdkImportMs: timeImports(sdkEntry, runs),
    importAfterSdkMs: timeImports(OUTFILE, runs, [sdkEntry]),
    sqsClientMs: timeImports(SQS_CLIENT, runs, [sdkEntry]),
  };
};

/** @param {BundleResult} result */
const report = (result) => {
  const { median, min, max, runs } = result.importMs;
  const kb = (/** @type {number} */ bytes) => `${fmt(bytes / 1000, 1)} kB`;
  return [
    `handler bundle ${result.outfile} (external: ${result.external.join(', ')}, shipped by the Lambda Node.js runtime)`,
    `  minified ${kb(result.minifiedBytes)}, gzip -9 ${kb(result.gzipBytes)} ` +
      `(target < ${kb(BUNDLE_GZIP_TARGET_BYTES)}: ${result.gzipBytes < BUNDLE_GZIP_TARGET_BYTES ? 'PASS' : 'FAIL'})`,
    `  by package (minified): ${Object.entries(result.bytesByPackage)
      .map(([name, bytes]) => `${name} ${kb(bytes)}`)
      .join(', ')}`,
    `  import in ${runs} fresh node processes, SDK included: median ${fmt(median, 1)} ms (min ${fmt(min, 1)}, max ${fmt(max, 1)})`,
    `  the external @aws-sdk/client-sqs alone: median ${fmt(result.externalSdkImportMs.median, 1)} ms; ` +
      `the bundle once the SDK is loaded: median ${fmt(result.importAfterSdkMs.median, 1)} ms ` +
      `(target < ${BUNDLE_IMPORT_TARGET_MS} ms: ${result.importAfterSdkMs.median < BUNDLE_IMPORT_TARGET_MS ? 'PASS' : 'FAIL'}); ` +
      `the SQS client the first publish creates: median ${fmt(result.sqsClientMs.median, 1)} ms`,
  ].join('\n');
};

if (isMain(import.meta.url)) {
  const result = await measureBundle({ runs: Number(option('runs', '21')) });
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
  else console.log(report(result));
}
