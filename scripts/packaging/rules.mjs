// @ts-check
/**
 * What a published tarball may hold, as pure functions over its file list, its
 * `package.json` and its source maps. Each returns the problems it found (none when the
 * tarball is fine), each naming the package and the file, so `check.mjs` can list every
 * problem of a run at once and the self-test can feed them a deliberately bad package.
 */
import { posix } from 'node:path';
import { decode } from '@jridgewell/sourcemap-codec';
import { isDependencySource } from './sourceMaps.mjs';

/**
 * One thing wrong with a tarball.
 * @typedef {object} Problem
 * @property {string} pkg the package's name
 * @property {string} file the file in the tarball (or the step) the problem is about
 * @property {string} message what is wrong, and what to change
 */

/** The condition the workspace resolves to `src/` with; it must not reach users. */
export const SOURCE_CONDITION = '@receipt-chroma/source';

/** Files allowed at the tarball's root besides `dist/**`; the first three are required. */
const REQUIRED_ROOT_FILES = ['package.json', 'README.md', 'LICENSE'];
const OPTIONAL_ROOT_FILES = ['CHANGELOG.md'];

/** Why a file may not ship wherever it sits, or `undefined`. */
const forbiddenReason = (/** @type {string} */ file) => {
  if (/^src\//.test(file)) return 'a copy of src/ (the maps embed the sources)';
  if (/(^|\/)(tests?|__tests__)\/|\.(test|spec|test-d)\.[cm]?[jt]sx?$/.test(file)) return 'a test';
  if (/(^|\/)bench\//.test(file)) return 'a benchmark';
  if (file.endsWith('.tsbuildinfo')) return 'a TypeScript build cache';
  return undefined;
};

/**
 * The tarball's file list: `package.json`, `README.md`, `LICENSE`, `CHANGELOG.md` when
 * present and `dist/**` only, with no tests, benches or build caches even inside `dist/`.
 * @param {string} pkg
 * @param {readonly string[]} files paths inside the tarball, relative to `package/`
 * @returns {Problem[]}
 */
export const checkFileList = (pkg, files) => {
  /** @type {Problem[]} */
  const problems = [];
  for (const file of REQUIRED_ROOT_FILES) {
    if (!files.includes(file)) problems.push({ pkg, file, message: 'missing from the tarball' });
  }
  const rootFiles = [...REQUIRED_ROOT_FILES, ...OPTIONAL_ROOT_FILES];
  for (const file of files) {
    const reason =
      forbiddenReason(file) ??
      (rootFiles.includes(file) || file.startsWith('dist/')
        ? undefined
        : `not one of ${rootFiles.join(', ')} or dist/`);
    if (reason !== undefined) problems.push({ pkg, file, message: `shipped, but ${reason}` });
  }
  return problems;
};

/**
 * The paths in an `exports` (or `imports`) value that use `condition`, e.g. `.` → `./chroma`.
 * @param {unknown} value
 * @param {string} condition
 * @param {string} [path]
 * @returns {string[]}
 */
const conditionPaths = (value, condition, path = 'exports') => {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => [
    ...(key === condition ? [`${path}["${key}"]`] : []),
    ...conditionPaths(inner, condition, `${path}["${key}"]`),
  ]);
};

/**
 * Whether `range` is a caret range (`^x.y.z`) that `version` satisfies.
 * @param {string} range
 * @param {string} version
 */
export const caretAdmits = (range, version) => {
  const wanted = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range)?.slice(1).map(Number);
  const actual = /^(\d+)\.(\d+)\.(\d+)$/.exec(version)?.slice(1).map(Number);
  if (wanted === undefined || actual === undefined) return false;
  const [major = 0, minor = 0, patch = 0] = wanted;
  const [aMajor = 0, aMinor = 0, aPatch = 0] = actual;
  const atLeast =
    aMajor !== major ? aMajor > major : aMinor !== minor ? aMinor > minor : aPatch >= patch;
  if (major > 0) return atLeast && aMajor === major;
  if (minor > 0) return atLeast && aMajor === 0 && aMinor === minor;
  return aMajor === 0 && aMinor === 0 && aPatch === patch;
};

/**
 * The packed `package.json`: no workspace-only export condition, the fields a registry page
 * and a user's tools read, and caret ranges on the other workspace packages.
 * @param {string} pkg
 * @param {Record<string, unknown>} manifest the packed `package.json`
 * @param {Readonly<Record<string, string>>} workspaceVersions version by name of every
 *   workspace package
 * @returns {Problem[]}
 */
export const checkManifest = (pkg, manifest, workspaceVersions) => {
  const file = 'package.json';
  /** @type {Problem[]} */
  const problems = [];
  const conditions = [
    ...conditionPaths(manifest['exports'], SOURCE_CONDITION),
    ...conditionPaths(manifest['imports'], SOURCE_CONDITION, 'imports'),
  ];
  for (const path of conditions) {
    problems.push({ pkg, file, message: `${path}: the ${SOURCE_CONDITION} condition is dev-only` });
  }
  for (const field of ['repository', 'keywords', 'engines', 'sideEffects', 'files']) {
    const value = manifest[field];
    const empty = value === undefined || (Array.isArray(value) && value.length === 0);
    if (empty) problems.push({ pkg, file, message: `no "${field}" field` });
  }
  const dependencies = /** @type {Record<string, string>} */ (manifest['dependencies'] ?? {});
  for (const [name, range] of Object.entries(dependencies)) {
    const version = workspaceVersions[name];
    if (version === undefined) continue;
    if (!caretAdmits(range, version)) {
      problems.push({
        pkg,
        file,
        message: `dependency "${name}": "${range}" should be a caret range admitting ${version} (e.g. "^${version}")`,
      });
    }
  }
  return problems;
};

/**
 * One source map: valid mappings, every source's content embedded (the tarball has no
 * `src/`), and no source going into a `node_modules` folder or outside the package.
 * @param {string} pkg
 * @param {string} file the map's path inside the tarball
 * @param {string} text the map's contents
 * @returns {Problem[]}
 */
export const checkSourceMap = (pkg, file, text) => {
  /** @type {Problem[]} */
  const problems = [];
  const add = (/** @type {string} */ message) => problems.push({ pkg, file, message });
  /** @type {import('./sourceMaps.mjs').SourceMap} */
  let map;
  try {
    map = JSON.parse(text);
  } catch (error) {
    add(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
    return problems;
  }
  if (map.version !== 3 || !Array.isArray(map.sources) || typeof map.mappings !== 'string') {
    add('not a revision 3 source map (version, sources and mappings expected)');
    return problems;
  }
  const missing = map.sources.filter((_, index) => typeof map.sourcesContent?.[index] !== 'string');
  if (missing.length > 0) {
    add(`no sourcesContent for ${missing.length} source(s), e.g. ${missing[0]}`);
  }
  const dir = posix.dirname(file);
  for (const source of map.sources) {
    const resolved = posix.normalize(posix.join(dir, map.sourceRoot ?? '', source));
    if (isDependencySource(source) || isDependencySource(resolved)) {
      add(`source "${source}" goes into a node_modules folder`);
    } else if (/^[a-z][a-z0-9+.-]*:/i.test(source) || posix.isAbsolute(source)) {
      add(`source "${source}" is not a path relative to the map`);
    } else if (resolved === '..' || resolved.startsWith('../')) {
      add(`source "${source}" is outside the package`);
    }
  }
  try {
    for (const line of decode(map.mappings)) {
      for (const [, source, , , name] of line) {
        if (source !== undefined && source >= map.sources.length) {
          throw new Error(`a segment names source ${source} of ${map.sources.length}`);
        }
        if (name !== undefined && name >= (map.names?.length ?? 0)) {
          throw new Error(`a segment names name ${name} of ${map.names?.length ?? 0}`);
        }
      }
    }
  } catch (error) {
    add(`invalid mappings: ${error instanceof Error ? error.message : String(error)}`);
  }
  return problems;
};

/**
 * A JavaScript file's `sourceMappingURL` comment must name a map the tarball ships.
 * @param {string} pkg
 * @param {string} file the script's path inside the tarball
 * @param {string} text the script's contents
 * @param {readonly string[]} files every path in the tarball
 * @returns {Problem[]}
 */
export const checkMapReference = (pkg, file, text, files) => {
  const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(text)?.[1];
  if (url === undefined || url.startsWith('data:')) return [];
  const target = posix.normalize(posix.join(posix.dirname(file), url));
  return files.includes(target)
    ? []
    : [{ pkg, file, message: `sourceMappingURL names ${url}, which the tarball does not ship` }];
};
