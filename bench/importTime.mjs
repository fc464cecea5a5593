/**
 * Import time of the BUILT, unbundled package (`packages/dynamo-stream/dist/index.js`, which
 * resolves `zod` and `@aws-sdk/util-dynamodb` from node_modules), against the Python
 * package's 124 ms.
 *
 *   node bench/importTime.mjs [--runs 21] [--json]
 *
 * Each sample is a fresh `node` process that times `await import()` with
 * `performance.now()` around the import only (node's own start-up is not counted). One
 * untimed process runs first to warm the file-system cache. The median is the figure to
 * quote. The same is measured for `zod` alone, the largest dependency, for context.
 */
import { createRequire } from 'node:module';
import { BUILT_PACKAGE, fmt, isMain, option, timeImports } from './lib/stats.mjs';

/** The Python package's import time on these machines, in milliseconds. */
export const PYTHON_IMPORT_MS = 124;
/** Half the Python figure. */
export const IMPORT_TARGET_MS = PYTHON_IMPORT_MS / 2;

/**
 * @typedef {object} ImportTimeResult
 * @property {{median: number, min: number, max: number, runs: number, samples: number[]}} package
 * @property {{median: number, min: number, max: number, runs: number, samples: number[]}} zod
 */

/**
 * @param {{runs?: number}} [options]
 * @returns {ImportTimeResult}
 */
export const measureImportTime = ({ runs = 21 } = {}) => {
  const zodEntry = createRequire(BUILT_PACKAGE)
    .resolve('zod')
    .replace(/index\.cjs$/, 'index.js');
  return { package: timeImports(BUILT_PACKAGE, runs), zod: timeImports(zodEntry, runs) };
};

/** @param {ImportTimeResult} result */
const report = (result) => {
  const { median, min, max, runs } = result.package;
  return [
    `import of the built package in ${runs} fresh node processes (one warm-up process first)`,
    `  median ${fmt(median, 1)} ms (min ${fmt(min, 1)}, max ${fmt(max, 1)})`,
    `  of which zod alone: median ${fmt(result.zod.median, 1)} ms`,
    `  vs Python ${PYTHON_IMPORT_MS} ms: ${fmt(PYTHON_IMPORT_MS / median, 1)}x faster ` +
      `(target < ${IMPORT_TARGET_MS} ms: ${median < IMPORT_TARGET_MS ? 'PASS' : 'FAIL'})`,
  ].join('\n');
};

if (isMain(import.meta.url)) {
  const result = measureImportTime({ runs: Number(option('runs', '21')) });
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
  else console.log(report(result));
}
