/**
 * Small helpers shared by the benchmarks: summary statistics, timing a module import in a
 * fresh `node` process, and paths.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The built package's ESM entry, as the benchmarks import it. */
export const BUILT_PACKAGE = fileURLToPath(
  new URL('../../packages/dynamo-stream/dist/index.js', import.meta.url),
);

/**
 * Median, minimum and maximum of a list of numbers.
 * @param {readonly number[]} values
 * @returns {{median: number, min: number, max: number, runs: number}}
 */
export const summarize = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (/** @type {number} */ index) => sorted[index] ?? Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
  return { median, min: at(0), max: at(sorted.length - 1), runs: sorted.length };
};

const CHILD = fileURLToPath(new URL('./importOnce.mjs', import.meta.url));

/**
 * Times `await import(file)` in `runs` fresh `node` processes, one after another, after one
 * untimed process that warms the file-system cache. The clock runs inside the child, around
 * the import only, so node's own start-up is not counted.
 * @param {string} file absolute path of the module
 * @param {number} runs
 * @param {readonly string[]} [preload] absolute paths imported before the clock starts
 * @returns {{median: number, min: number, max: number, runs: number, samples: number[]}}
 */
export const timeImports = (file, runs, preload = []) => {
  const urls = [file, ...preload].map((path) => pathToFileURL(path).href);
  /** @type {number[]} */
  const samples = [];
  for (let i = 0; i <= runs; i += 1) {
    const child = spawnSync(process.execPath, [CHILD, ...urls], { encoding: 'utf8' });
    if (child.status !== 0) {
      throw new Error(`Importing ${file} failed (exit ${child.status}):\n${child.stderr}`);
    }
    const { ms } = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '');
    if (i > 0) samples.push(ms);
  }
  return { ...summarize(samples), samples };
};

/**
 * Whether the module at `url` is the script node was started with.
 * @param {string} url `import.meta.url` of the caller
 */
export const isMain = (url) =>
  process.argv[1] !== undefined && url === pathToFileURL(process.argv[1]).href;

/**
 * The value of a `--name=value` or `--name value` command-line option.
 * @param {string} name
 * @param {string} fallback
 */
export const option = (name, fallback) => {
  const args = process.argv.slice(2);
  const index = args.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (index === -1) return fallback;
  const arg = /** @type {string} */ (args[index]);
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : (args[index + 1] ?? fallback);
};

/** Formats a number with thousands separators. @param {number} value @param {number} [digits] */
export const fmt = (value, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
