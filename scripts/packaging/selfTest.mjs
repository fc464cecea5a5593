// @ts-check
/**
 * The checker's own test: packs a deliberately bad package and a good one with `npm pack`,
 * and checks that the tarball rules report each planted problem (naming the file) and
 * nothing on the good package; then that dropping a source from a source map keeps the
 * other sources' mappings. Runs first in every packaging check (about a second), and alone
 * with `node scripts/packaging/check.mjs --self-test`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { decode, encode } from '@jridgewell/sourcemap-codec';
import { dropSources, isDependencySource } from './sourceMaps.mjs';
import { checkUnpacked, packPackage, unpackTarball } from './tarballs.mjs';

/**
 * @typedef {import('./rules.mjs').Problem} Problem
 */

const PKG = 'self-test';
const WORKSPACE = { '@receipt-chroma/dynamo-stream': '0.1.0' };

/** A map whose segments go into each of its three sources, the second of them zod's. */
const MAP_SEGMENTS = [
  [
    [0, 0, 0, 0],
    [6, 1, 10, 2, 0],
    [12, 2, 3, 4, 1],
  ],
  [[0, 1, 11, 0]],
  [
    [2, 0, 1, 0],
    [8, 2, 4, 0],
  ],
];
const GOOD_MAP = {
  version: 3,
  sources: ['../src/index.ts', '../src/errors.ts'],
  sourcesContent: ['export const a = 1;', 'export class E extends Error {}'],
  names: [],
  mappings: 'AAAA;AACA',
};

/** The bad package's files: each planted problem, and the problem it must produce. */
const BAD_FILES = {
  'package.json': JSON.stringify({
    name: '@receipt-chroma/bad-fixture',
    version: '1.0.0',
    files: ['dist', 'src', 'tests', 'bench', 'tsconfig.tsbuildinfo'],
    exports: { '.': { '@receipt-chroma/source': './src/index.ts', default: './dist/index.js' } },
    dependencies: { '@receipt-chroma/dynamo-stream': '0.1.0' },
  }),
  'src/index.ts': 'export const a = 1;\n',
  'tests/index.test.ts': '',
  'bench/run.mjs': '',
  'tsconfig.tsbuildinfo': '{}',
  'dist/index.test.js': '',
  'dist/index.js': 'export const a = 1;\n//# sourceMappingURL=index.js.map\n',
  'dist/lost.js': 'export const b = 2;\n//# sourceMappingURL=lost.js.map\n',
  'dist/index.js.map': JSON.stringify({
    version: 3,
    sources: ['../src/index.ts', '../../../node_modules/zod/index.js', '../../other/index.ts'],
    sourcesContent: ['export const a = 1;'],
    names: [],
    // The second segment names source 0 + 3: there are three.
    mappings: 'AAAA,CGAA',
  }),
};

/** @type {[string, RegExp][]} the file and message of each problem the bad package must report */
const EXPECTED = [
  ['README.md', /missing/],
  ['LICENSE', /missing/],
  ['src/index.ts', /copy of src/],
  ['tests/index.test.ts', /a test/],
  ['dist/index.test.js', /a test/],
  ['bench/run.mjs', /a benchmark/],
  ['tsconfig.tsbuildinfo', /build cache/],
  ['package.json', /@receipt-chroma\/source condition/],
  ['package.json', /no "repository"/],
  ['package.json', /no "keywords"/],
  ['package.json', /no "engines"/],
  ['package.json', /no "sideEffects"/],
  ['package.json', /"@receipt-chroma\/dynamo-stream": "0\.1\.0" should be a caret range/],
  ['dist/index.js.map', /no sourcesContent for 2 source/],
  ['dist/index.js.map', /node_modules/],
  ['dist/index.js.map', /outside the package/],
  ['dist/index.js.map', /invalid mappings/],
  ['dist/lost.js', /lost\.js\.map, which the tarball does not ship/],
];

/** The good package: the layout both real packages must have. */
const GOOD_FILES = {
  'package.json': JSON.stringify({
    name: '@receipt-chroma/good-fixture',
    version: '1.0.0',
    repository: { type: 'git', url: 'git+https://example.com/repo.git' },
    keywords: ['fixture'],
    engines: { node: '>=20' },
    sideEffects: false,
    files: ['dist'],
    exports: { '.': { import: './dist/index.js' } },
    dependencies: { '@receipt-chroma/dynamo-stream': '^0.1.0' },
  }),
  'README.md': '# fixture\n',
  LICENSE: 'MIT\n',
  'CHANGELOG.md': '# changes\n',
  'src/index.ts': 'export const a = 1;\n',
  'dist/index.js': 'export const a = 1;\n//# sourceMappingURL=index.js.map\n',
  'dist/index.js.map': JSON.stringify(GOOD_MAP),
};

/**
 * Writes `files` under `dir`.
 * @param {string} dir
 * @param {Record<string, string>} files
 */
const writeFiles = (dir, files) => {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
};

/**
 * Packs, unpacks and checks a fixture package.
 * @param {string} work
 * @param {string} name
 * @param {Record<string, string>} files
 * @returns {Promise<Problem[]>}
 */
const checkFixture = async (work, name, files) => {
  const dir = join(work, name);
  writeFiles(dir, files);
  const tarball = await packPackage(dir, join(work, 'tarballs'));
  const root = await unpackTarball(tarball.path, join(work, 'unpacked', name));
  return checkUnpacked(PKG, root, tarball.files, WORKSPACE);
};

/** Problems of `dropSources`, or none. */
const checkDropSources = () => {
  /** @type {string[]} */
  const failures = [];
  const mappings = encode(/** @type {any} */ (MAP_SEGMENTS));
  const map = {
    version: 3,
    sources: ['../src/a.ts', '../../../node_modules/zod/index.js', '../src/b.ts'],
    sourcesContent: ['a', 'zod', 'b'],
    names: ['zodName', 'ownName'],
    mappings,
  };
  const stripped = dropSources(map, isDependencySource);
  const expected = {
    sources: ['../src/a.ts', '../src/b.ts'],
    sourcesContent: ['a', 'b'],
    names: ['ownName'],
    // zod's segments become unmapped where they end a mapping, and vanish elsewhere.
    lines: [
      [[0, 0, 0, 0], [6], [12, 1, 3, 4, 0]],
      [],
      [
        [2, 0, 1, 0],
        [8, 1, 4, 0],
      ],
    ],
  };
  const actual = {
    sources: stripped.sources,
    sourcesContent: stripped.sourcesContent,
    names: stripped.names,
    lines: decode(stripped.mappings),
  };
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    failures.push(
      `dropSources gave ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`,
    );
  }
  return failures;
};

/**
 * Runs the self-test in `work` (a scratch folder).
 * @param {string} work
 * @returns {Promise<Problem[]>} what the checker got wrong; none when it works
 */
export const selfTest = async (work) => {
  /** @type {string[]} */
  const failures = [];
  const bad = await checkFixture(work, 'bad', BAD_FILES);
  for (const [file, message] of EXPECTED) {
    if (!bad.some((problem) => problem.file === file && message.test(problem.message))) {
      failures.push(`the bad package did not report ${file}: ${message}`);
    }
  }
  for (const problem of bad) {
    if (
      !EXPECTED.some(([file, message]) => problem.file === file && message.test(problem.message))
    ) {
      failures.push(
        `the bad package reported an unplanted problem: ${problem.file}: ${problem.message}`,
      );
    }
  }
  for (const problem of await checkFixture(work, 'good', GOOD_FILES)) {
    failures.push(`the good package reported ${problem.file}: ${problem.message}`);
  }
  failures.push(...checkDropSources());
  return failures.map((message) => ({ pkg: PKG, file: 'scripts/packaging', message }));
};
