// @ts-check
/**
 * Source maps as the published packages ship them: the build step that removes bundled
 * dependencies from a package's maps (the `mappings` field is decoded and encoded with
 * `@jridgewell/sourcemap-codec`).
 *
 * Why the step exists: `@receipt-chroma/dynamo-stream` bundles the parts of `zod/mini` it
 * uses into `dist`, so esbuild's maps list zod's files as sources, by paths that go through
 * the repository's `node_modules` (`../../../node_modules/zod/v4/core/util.js`). Once
 * installed, those paths point nowhere (or at whatever zod the user has, possibly another
 * version), and the tarball would carry a copy of zod's code in `sourcesContent`.
 * {@link stripBundledSources} drops those sources: the bundled code stays unmapped (a debugger
 * or `--enable-source-maps` shows `dist/index.js` for it), and the package's own code keeps
 * its mapping to the TypeScript embedded in `sourcesContent`. Plain ESM with JSDoc types, so
 * tsup configs and the packaging checks load it without a build step.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode, encode } from '@jridgewell/sourcemap-codec';

/**
 * One decoded segment with absolute values: `[generatedColumn]` for generated code mapped to
 * nothing, or `[generatedColumn, sourceIndex, originalLine, originalColumn, nameIndex?]`.
 * @typedef {number[]} Segment
 */

/**
 * @typedef {object} SourceMap
 * @property {number} version
 * @property {string[]} sources
 * @property {(string | null)[]} [sourcesContent]
 * @property {string[]} names
 * @property {string} mappings
 * @property {string} [sourceRoot]
 * @property {string} [file]
 */

/**
 * The map without the sources `drop` selects: segments that pointed into them become
 * unmapped, the remaining sources, their contents and the names still in use are renumbered.
 * @param {SourceMap} map
 * @param {(source: string) => boolean} drop
 * @returns {SourceMap}
 */
export const dropSources = (map, drop) => {
  /** @type {number[]} */
  const sourceIndex = [];
  let kept = 0;
  for (const source of map.sources) sourceIndex.push(drop(source) ? -1 : kept++);
  /** @type {Map<number, number>} */
  const nameIndex = new Map();
  const lines = decode(map.mappings).map((line) => {
    /** @type {Segment[]} */
    const out = [];
    for (const segment of line) {
      const [column = 0, source, originalLine = 0, originalColumn = 0, name] = segment;
      const index = source === undefined ? -1 : (sourceIndex[source] ?? -1);
      if (index === -1) {
        // An unmapped segment only matters after a mapped one: it ends that mapping.
        const previous = out.at(-1);
        if (previous !== undefined && previous.length > 1) out.push([column]);
        continue;
      }
      /** @type {Segment} */
      const mapped = [column, index, originalLine, originalColumn];
      if (name !== undefined) {
        if (!nameIndex.has(name)) nameIndex.set(name, nameIndex.size);
        mapped.push(nameIndex.get(name) ?? 0);
      }
      out.push(mapped);
    }
    return out;
  });
  const keep = (/** @type {unknown} */ _, /** @type {number} */ index) =>
    (sourceIndex[index] ?? -1) !== -1;
  return {
    ...map,
    sources: map.sources.filter(keep),
    ...(map.sourcesContent === undefined
      ? {}
      : { sourcesContent: map.sourcesContent.filter(keep) }),
    names: [...nameIndex.keys()].map((index) => map.names[index] ?? ''),
    mappings: encode(/** @type {any} */ (lines)),
  };
};

/** True for a source path that goes through a `node_modules` folder. */
export const isDependencySource = (/** @type {string} */ source) =>
  /(^|[\\/])node_modules[\\/]/.test(source);

/**
 * Removes the sources of bundled dependencies (any path through `node_modules`) from every
 * `.map` file directly in `dir`, rewriting only the maps that had some.
 * @param {string} dir the build's output folder, e.g. `dist`
 * @returns {string[]} the maps rewritten
 */
export const stripBundledSources = (dir) => {
  /** @type {string[]} */
  const rewritten = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.map')) continue;
    const path = join(dir, name);
    /** @type {SourceMap} */
    const map = JSON.parse(readFileSync(path, 'utf8'));
    if (!map.sources.some(isDependencySource)) continue;
    writeFileSync(path, JSON.stringify(dropSources(map, isDependencySource)));
    rewritten.push(path);
  }
  return rewritten;
};
