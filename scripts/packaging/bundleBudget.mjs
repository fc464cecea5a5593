// @ts-check
/**
 * The zip-Lambda bundle budget of `@receipt-chroma/dynamo-stream`: the example stream
 * handler (`examples/stream-processor`), copied into the scratch project so the package
 * comes from the installed tarball, bundled as a user's zip Lambda would be, must stay under
 * 40 kB gzipped. The esbuild options and the gzip level are those of `bench/bundle.mjs`, so
 * the two report the same figure: minified, platform node, target node20, ESM, ES builds of
 * packages preferred, and `@aws-sdk/client-sqs` external (the Lambda Node.js runtime ships
 * it; the rest of what the handler imports is bundled).
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * @typedef {import('./rules.mjs').Problem} Problem
 */

/** The budget: the gzipped bundle must be smaller than 40 kB (40,000 bytes). */
export const BUNDLE_BUDGET_BYTES = 40_000;

/**
 * How a user's zip Lambda bundles the stream handler (also `bench/bundle.mjs`'s build):
 * minified ESM for node20, ES builds of packages preferred, `@aws-sdk/client-sqs` external
 * (the Lambda Node.js runtime ships it). `tsconfigRaw` keeps esbuild from reading the
 * repository's tsconfig `paths`, so the package resolves as installed (its `dist`), not to
 * its source.
 */
export const ZIP_LAMBDA_BUILD = /** @type {const} */ ({
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  mainFields: ['module', 'main'],
  external: ['@aws-sdk/client-sqs'],
  tsconfigRaw: '{}',
});

const HANDLER_FILES = ['handler.ts', 'observability.ts'];

/**
 * @typedef {object} BundleFigures
 * @property {number} minifiedBytes
 * @property {number} gzipBytes gzip -9
 */

/**
 * Bundles the example handler inside the installed scratch project and weighs it.
 * @param {object} options
 * @param {string} options.root the repository root
 * @param {string} options.dir the installed scratch project
 * @param {number} [options.budgetBytes] the gzipped size to stay under. Default:
 *   {@link BUNDLE_BUDGET_BYTES}.
 * @returns {Promise<{ figures?: BundleFigures, problems: Problem[] }>}
 */
export const checkBundleBudget = async ({ root, dir, budgetBytes = BUNDLE_BUDGET_BYTES }) => {
  const pkg = '@receipt-chroma/dynamo-stream';
  const handlerDir = join(dir, 'stream-processor');
  mkdirSync(handlerDir, { recursive: true });
  for (const file of HANDLER_FILES) {
    copyFileSync(join(root, 'examples/stream-processor', file), join(handlerDir, file));
  }
  const outfile = join(handlerDir, 'handler.bundle.mjs');
  const { build } = await import('esbuild');
  try {
    await build({
      entryPoints: [join(handlerDir, 'handler.ts')],
      outfile,
      ...ZIP_LAMBDA_BUILD,
      external: [...ZIP_LAMBDA_BUILD.external],
      mainFields: [...ZIP_LAMBDA_BUILD.mainFields],
      logLevel: 'silent',
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { problems: [{ pkg, file: 'bundle budget', message: `esbuild failed: ${message}` }] };
  }
  const code = readFileSync(outfile);
  const figures = { minifiedBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
  /** @type {Problem[]} */
  const problems =
    figures.gzipBytes < budgetBytes
      ? []
      : [
          {
            pkg,
            file: 'bundle budget',
            message: `the stream handler's bundle is ${figures.gzipBytes} bytes gzipped, over the budget of ${budgetBytes} bytes; see what grew with node bench/bundle.mjs`,
          },
        ];
  return { figures, problems };
};
