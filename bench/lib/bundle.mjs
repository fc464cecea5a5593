// @ts-check
/**
 * Bundles parts of `@receipt-chroma/chroma-compaction` (and, under `stream`, of
 * `@receipt-chroma/dynamo-stream`) from `src` with esbuild, so a benchmark measures the
 * current source without a build: `chromadb`, the AWS SDK and `tar-stream` stay external
 * (node loads them from `node_modules`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceSourcePlugin } from '../../scripts/workspaceSources.mjs';
import { ROOT } from './stats.mjs';

const PACKAGE_SRC = 'packages/chroma-compaction/src';

/** The package's entry files by subpath. */
const ENTRIES = {
  index: 'index.ts',
  chroma: 'adapters/chroma/index.ts',
  s3: 'adapters/s3/index.ts',
  dynamodb: 'adapters/dynamodb/index.ts',
  testing: 'testing/index.ts',
  // Not a subpath of this package: `@receipt-chroma/dynamo-stream`'s source, for what a bench
  // needs of the stream side (message encoding, entity schemas and item writers).
  stream: '../../dynamo-stream/src/index.ts',
};

/**
 * @typedef {{ [K in keyof typeof ENTRIES]?: readonly string[] }} BundleExports the names to
 *   export, by subpath
 */

/**
 * Bundles the named exports into `bench/results/<name>.bundle.mjs`.
 * @param {string} name the bundle's file name, without `.bundle.mjs`
 * @param {BundleExports} exports
 * @param {{ checkout?: string }} [options] `checkout`: take the package's `src` from that other
 *   checkout of the repository (e.g. `git archive <commit> | tar -x -C <dir>`), every
 *   dependency from this one
 * @returns {Promise<string>} the bundle's path
 */
export const bundlePackage = async (name, exports, options = {}) => {
  const results = join(ROOT, 'bench/results');
  mkdirSync(results, { recursive: true });
  const outfile = join(results, `${name}.bundle.mjs`);
  const root = options.checkout === undefined ? ROOT : options.checkout;
  const src = join(root, PACKAGE_SRC);
  const lines = Object.entries(exports).map(
    ([subpath, names]) =>
      `export { ${names.join(', ')} } from ${JSON.stringify(join(src, ENTRIES[/** @type {keyof typeof ENTRIES} */ (subpath)]))};`,
  );
  // Imported here, not at the top: benchmark children import the files that import this
  // one, and their memory figures should not include esbuild.
  const { build } = await import('esbuild');
  await build({
    stdin: {
      contents: lines.join('\n'),
      resolveDir: src,
      loader: 'ts',
      sourcefile: `${name}.bench-entry.ts`,
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    // tar-stream (CommonJS) requires node built-ins, which an ESM bundle cannot; node loads it.
    external: ['chromadb', '@aws-sdk/*', 'tar-stream', 'proper-lockfile'],
    plugins: [workspaceSourcePlugin()],
    nodePaths: [join(ROOT, 'node_modules')],
    logLevel: 'warning',
  });
  return outfile;
};
