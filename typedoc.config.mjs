// @ts-check
/**
 * The API site (`npm run docs`, written to `docs-site/`): one module per public import
 * specifier of the two packages, read from their `src/` entry files; the root README as its
 * front page; the package READMEs, the guides of `docs/` and the examples' READMEs as pages. Any warning, including
 * an export without a doc comment, a link that does not resolve or a type the site does not
 * document, fails the build.
 */
import { existsSync, readdirSync } from 'node:fs';
import { WORKSPACE_SOURCES } from './scripts/workspaceSources.mjs';

/** The guides in reading order; any other page under `docs/` follows them. */
const GUIDES = [
  'docs/guides/stream-processing.md',
  'docs/guides/compaction.md',
  'docs/guides/deltas.md',
  'docs/guides/snapshots-and-cache.md',
  'docs/guides/locking.md',
  'docs/scaling-past-one-snapshot.md',
  'docs/guides/running-on-lambda.md',
  'docs/local-chroma.md',
  'docs/operator-cli.md',
  'docs/guides/migrating-from-python.md',
];
const markdownIn = (/** @type {string} */ dir) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => name.endsWith('.md'))
        .map((name) => `${dir}/${name}`)
        .sort()
    : [];
const otherPages = [...markdownIn('docs/guides'), ...markdownIn('docs')].filter(
  (page) => !GUIDES.includes(page),
);
/** Entry files of dynamo-stream first: chroma-compaction builds on it. */
const entryPoints = [...WORKSPACE_SOURCES.values()].sort(
  (a, b) => Number(b.includes('/dynamo-stream/')) - Number(a.includes('/dynamo-stream/')),
);
const packageReadmes = entryPoints
  .map((file) => file.replace(/\/src\/.*$/, '/README.md'))
  .filter((readme, index, all) => all.indexOf(readme) === index && existsSync(readme));

/** The READMEs of the handlers in `examples/`, in the order a deployment needs them. */
const exampleReadmes = ['stream-processor', 'compactor', 'demo']
  .map((name) => `examples/${name}/README.md`)
  .filter((readme) => existsSync(readme));

/** @type {Partial<import('typedoc').TypeDocOptions>} */
const config = {
  name: 'receipt-chroma',
  entryPoints,
  sortEntryPoints: false,
  tsconfig: './scripts/docs/tsconfig.typedoc.json',
  plugin: ['./scripts/docs/typedocNavigation.mjs'],
  out: './docs-site',
  readme: './README.md',
  projectDocuments: [
    ...packageReadmes,
    ...GUIDES.filter((page) => existsSync(page)),
    ...otherPages,
    ...exampleReadmes,
  ],
  groupOrder: ['Packages', 'Guides', 'Examples', '*'],
  // TypeDoc's defaults, plus what the guides show besides TypeScript and shell.
  highlightLanguages: [
    ...['bash', 'console', 'css', 'html', 'javascript', 'json', 'jsonc', 'json5', 'yaml'],
    ...['tsx', 'typescript', 'dockerfile', 'diff', 'ini'],
  ],
  // `@throws {RangeError} when …` keeps its type in the page (TypeDoc drops it otherwise).
  preservedTypeAnnotationTags: ['@throws'],
  excludePrivate: true,
  excludeInternal: true,
  excludeExternals: true,
  treatWarningsAsErrors: true,
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  disableGit: true,
  gitRevision: 'main',
  sourceLinkTemplate:
    'https://github.com/receipt-chroma/receipt-chroma/blob/{gitRevision}/{path}#L{line}',
  navigation: { includeCategories: false, includeGroups: true, includeFolders: false },
};

export default config;
