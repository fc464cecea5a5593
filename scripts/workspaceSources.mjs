// @ts-check
/**
 * Resolves the workspace packages' public entry points to their TypeScript source, so tests,
 * benchmarks, the demo and the reliability suite run the code under test without a build.
 * The published packages resolve to `dist/` only; this mapping never ships.
 *
 * The rule (the same as the `paths` in `tsconfig.base.json`): a package's `.` export is
 * `src/index.ts`; a subpath `./name` is `src/adapters/name/index.ts` when that file exists,
 * otherwise `src/name/index.ts`. Every subpath a package exports (except `./package.json`)
 * must map to a file, or loading this module throws.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = join(ROOT, 'packages');

/**
 * The source file of subpath `subpath` (`.` or `./name`) of the package in `dir`.
 * @param {string} dir
 * @param {string} subpath
 * @returns {string}
 */
const sourceOf = (dir, subpath) => {
  if (subpath === '.') return join(dir, 'src', 'index.ts');
  const name = subpath.slice(2);
  const adapter = join(dir, 'src', 'adapters', name, 'index.ts');
  return existsSync(adapter) ? adapter : join(dir, 'src', name, 'index.ts');
};

/**
 * Every public import specifier of the workspace packages (`@receipt-chroma/dynamo-stream`,
 * `@receipt-chroma/chroma-compaction/chroma`, …) and the absolute path of its source.
 * @type {ReadonlyMap<string, string>}
 */
export const WORKSPACE_SOURCES = (() => {
  /** @type {Map<string, string>} */
  const sources = new Map();
  for (const entry of readdirSync(PACKAGES, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(PACKAGES, entry.name);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const subpath of Object.keys(manifest.exports ?? {})) {
      if (subpath === './package.json') continue;
      const file = sourceOf(dir, subpath);
      if (!existsSync(file)) {
        throw new Error(`${manifest.name} exports ${subpath}, but its source ${file} is missing`);
      }
      sources.set(subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`, file);
    }
  }
  return sources;
})();

const escapeRegExp = (/** @type {string} */ text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Vite/vitest `resolve.alias` entries mapping each public specifier (exactly) to its source.
 * @returns {{ find: RegExp, replacement: string }[]}
 */
export const workspaceSourceAliases = () =>
  [...WORKSPACE_SOURCES].map(([specifier, file]) => ({
    find: new RegExp(`^${escapeRegExp(specifier)}$`),
    replacement: file,
  }));

/**
 * An esbuild plugin resolving each public specifier to its source; other imports resolve as
 * usual.
 * @returns {import('esbuild').Plugin}
 */
export const workspaceSourcePlugin = () => ({
  name: 'receipt-chroma-workspace-sources',
  setup(build) {
    build.onResolve({ filter: /^@receipt-chroma\// }, ({ path }) => {
      const file = WORKSPACE_SOURCES.get(path);
      return file === undefined ? undefined : { path: file };
    });
  },
});
