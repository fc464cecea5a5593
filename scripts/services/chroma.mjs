// @ts-check
/**
 * Chroma for the repository's own scripts (benchmarks, the demo): a thin wrapper over the
 * package's `chromaNodeCommand` and `startLocalChroma` (`@receipt-chroma/chroma-compaction/chroma`,
 * bundled from `src` with esbuild, so no build is needed) that keeps the glibc shim where the
 * test runs keep it, `<repo>/.test-services/glibc-shim/` (CI caches that folder).
 *
 * Usage: `const { command } = await chromaNodeCommand();` (the argv prefix running Node.js,
 * through the glibc shim where the system's glibc is too old for Chroma's native binding)
 * or from a shell: `node scripts/services/chroma.mjs [--path DIR] [--port N]` runs a server
 * in the foreground (stops on Ctrl-C).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHROMA_SRC = join(ROOT, 'packages', 'chroma-compaction', 'src', 'adapters', 'chroma');

/** Where the test runs, benchmarks and the demo keep the glibc shim. */
export const TEST_GLIBC_SHIM_DIR = join(ROOT, '.test-services', 'glibc-shim');

/** @typedef {import('./chroma.d.mts').ChromaModule} ChromaModule */

/** @type {Promise<ChromaModule> | undefined} */
let loading;

/**
 * The package's `chromaNodeCommand`, `startLocalChroma` and `resolveChromaCli`, bundled from source into
 * `node_modules/.cache` (under `node_modules`, so `chromadb` resolves from the bundle). The
 * file is replaced with a rename, so a script starting at the same time never reads half of it.
 * @returns {Promise<ChromaModule>}
 */
const loadChroma = () => {
  loading ??= (async () => {
    const { build } = await import('esbuild');
    const result = await build({
      stdin: {
        contents: [
          `export { chromaNodeCommand } from ${JSON.stringify(join(CHROMA_SRC, 'glibcShimNodeCommand.ts'))};`,
          `export { startLocalChroma } from ${JSON.stringify(join(CHROMA_SRC, 'startLocalChroma.ts'))};`,
          `export { resolveChromaCli } from ${JSON.stringify(join(CHROMA_SRC, 'resolveChromaCli.ts'))};`,
        ].join('\n'),
        resolveDir: CHROMA_SRC,
        loader: 'ts',
        sourcefile: 'scripts-chroma-entry.ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['chromadb'],
      write: false,
      logLevel: 'warning',
    });
    const dir = join(ROOT, 'node_modules', '.cache', 'receipt-chroma-scripts');
    const file = join(dir, 'chroma.bundle.mjs');
    mkdirSync(dir, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, result.outputFiles[0]?.contents ?? new Uint8Array());
    renameSync(partial, file);
    return /** @type {ChromaModule} */ (await import(pathToFileURL(file).href));
  })();
  return loading;
};

/**
 * The argv prefix that runs Node.js able to load Chroma's native binding (`[node]`, or Node.js
 * through the glibc shim in `.test-services/glibc-shim/`, prepared on first use).
 * @param {import('./chroma.d.mts').ChromaNodeCommandOptions} [options]
 * @returns {Promise<import('./chroma.d.mts').ChromaNodeCommand>}
 */
export const chromaNodeCommand = async (options = {}) =>
  (await loadChroma()).chromaNodeCommand({ cacheDir: TEST_GLIBC_SHIM_DIR, ...options });

/**
 * The `chroma` CLI script of the installed chromadb package.
 * @returns {Promise<string>}
 */
export const resolveChromaCli = async () => (await loadChroma()).resolveChromaCli();

/**
 * @param {string[]} argv
 * @param {string} flag
 * @returns {string | undefined}
 */
const flagValue = (argv, flag) => {
  const index = argv.indexOf(flag);
  return index === -1 ? undefined : argv[index + 1];
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const path = resolve(flagValue(argv, '--path') ?? join(ROOT, '.test-services', 'chroma-dev'));
  const port = Number(flagValue(argv, '--port') ?? '8000');
  const { command, shim } = await chromaNodeCommand();
  const chroma = await (await loadChroma()).startLocalChroma({ path, port, command });
  console.log(
    `chroma: ${chroma.url} (${shim ? `glibc shim ${shim.dir}` : 'no shim needed'}); data in ${path}. Ctrl-C stops it.`,
  );
  const stop = () => void chroma.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // startLocalChroma does not keep the process alive; wait until told to stop.
  setInterval(() => undefined, 1 << 30);
}
