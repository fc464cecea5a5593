#!/usr/bin/env node
// @ts-check
/**
 * The packaging checks (`npm run check:packaging`, and a step of `npm test` after the
 * build): what users install must be what we mean to publish.
 *
 * 1. The checker's self-test (`selfTest.mjs`).
 * 2. `npm pack` of each workspace package: its files, `package.json` and source maps
 *    (`tarballs.mjs`, rules in `rules.mjs`).
 * 3. `publint --strict` and `attw` on each tarball (`linters.mjs`).
 * 4. A scratch project in the OS temp dir installs the tarballs and uses them from `import`,
 *    `require`, TypeScript (`node16` ESM and CommonJS, `bundler`) and the `receipt-chroma`
 *    command (`scratchProject.mjs`).
 * 5. The zip-Lambda bundle budget of `@receipt-chroma/dynamo-stream` (`bundleBudget.mjs`).
 *
 * Every check runs even when an earlier one failed (except those that need the install), and
 * the run ends with the list of problems, each naming the package and the file, and exits 1
 * if there is any. Run after `npm run build`: the checks pack `dist/` as it is.
 *
 *   node scripts/packaging/check.mjs [--self-test] [--keep]
 *
 * `--self-test` runs step 1 alone; `--keep` keeps the scratch folder (it is kept anyway when a
 * check fails, and its path printed).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE_BUDGET_BYTES, checkBundleBudget } from './bundleBudget.mjs';
import { runAttw, runPublint } from './linters.mjs';
import { installScratchProject, runConsumers } from './scratchProject.mjs';
import { selfTest } from './selfTest.mjs';
import { checkUnpacked, packPackage, unpackTarball } from './tarballs.mjs';

/**
 * @typedef {import('./rules.mjs').Problem} Problem
 * @typedef {import('./tarballs.mjs').Tarball} Tarball
 */

const ROOT = join(import.meta.dirname, '..', '..');
/** The operator command, and the package that installs it. */
const COMMAND = { pkg: '@receipt-chroma/chroma-compaction', name: 'receipt-chroma' };

/** @type {Problem[]} */
const problems = [];
const started = performance.now();

/**
 * Runs one step, prints its outcome and time, and collects its problems.
 * @template T
 * @param {string} name
 * @param {() => Promise<{ problems: Problem[], value?: T, note?: string }>} body
 * @returns {Promise<T | undefined>}
 */
const step = async (name, body) => {
  const stepStarted = performance.now();
  let outcome;
  try {
    outcome = await body();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    outcome = { problems: [{ pkg: 'packaging checks', file: name, message }] };
  }
  const seconds = ((performance.now() - stepStarted) / 1000).toFixed(1);
  const mark = outcome.problems.length === 0 ? 'ok' : `FAILED (${outcome.problems.length})`;
  console.log(`  ${name}: ${mark} in ${seconds} s${outcome.note ? `; ${outcome.note}` : ''}`);
  problems.push(...outcome.problems);
  return outcome.value;
};

/** The workspace packages to publish: folder, name and version. */
const workspacePackages = () =>
  readdirSync(join(ROOT, 'packages'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const dir = join(ROOT, 'packages', entry.name);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { dir, name: String(manifest.name), version: String(manifest.version) };
    })
    .filter((pkg) => pkg.name.startsWith('@receipt-chroma/'));

const work = mkdtempSync(join(tmpdir(), 'receipt-chroma-packaging-'));
console.log(`packaging checks (scratch folder ${work})`);

const selfTested = step('self-test of the checker', async () => ({
  problems: await selfTest(join(work, 'self-test')),
}));

if (!process.argv.includes('--self-test')) {
  const packages = workspacePackages();
  const versions = Object.fromEntries(packages.map((pkg) => [pkg.name, pkg.version]));

  /** @type {{ tarball: Tarball, manifest: Record<string, unknown> }[]} */
  const packed = [];
  await Promise.all(
    packages.map((pkg) =>
      step(`npm pack ${pkg.name}`, async () => {
        const tarball = await packPackage(pkg.dir, join(work, 'tarballs'));
        const root = await unpackTarball(tarball.path, join(work, 'unpacked', pkg.name));
        const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
        packed.push({ tarball, manifest });
        const kB = (/** @type {number} */ bytes) => `${(bytes / 1024).toFixed(0)} kB`;
        return {
          problems: checkUnpacked(pkg.name, root, tarball.files, versions),
          note: `${tarball.files.length} files, ${kB(tarball.size)} packed, ${kB(tarball.unpackedSize)} unpacked`,
        };
      }),
    ),
  );
  const tarballs = packed.map(({ tarball }) => tarball);
  const project = join(work, 'project');

  // The linters and the install do not depend on each other: run them side by side.
  const linters = tarballs.map((tarball) =>
    step(`publint and attw ${tarball.name}`, async () => ({
      problems: (
        await Promise.all([
          runPublint(ROOT, tarball.name, tarball.path),
          runAttw(ROOT, tarball.name, tarball.path),
        ])
      ).flat(),
    })),
  );
  const installed = step('scratch project: npm install of the tarballs', async () => {
    const failed = await installScratchProject({
      root: ROOT,
      dir: project,
      tarballs,
      manifests: packed.map(({ manifest }) => manifest),
    });
    return { problems: failed, value: failed.length === 0 };
  });
  await Promise.all(linters);
  if ((await installed) === true) {
    await step(
      'scratch project: import, require, tsc (node16 ESM/CJS, bundler), CLI',
      async () => ({
        problems: await runConsumers({ root: ROOT, dir: project, command: COMMAND }),
      }),
    );
    await step('zip-Lambda bundle budget of the stream handler', async () => {
      const { figures, problems: over } = await checkBundleBudget({ root: ROOT, dir: project });
      const note =
        figures === undefined
          ? undefined
          : `${figures.gzipBytes} bytes gzipped (${figures.minifiedBytes} minified), budget < ${BUNDLE_BUDGET_BYTES}`;
      return { problems: over, ...(note === undefined ? {} : { note }) };
    });
  }
}

await selfTested;

const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (problems.length === 0) {
  if (!process.argv.includes('--keep')) rmSync(work, { recursive: true, force: true });
  console.log(`packaging checks passed in ${seconds} s`);
} else {
  console.error(`\npackaging checks failed in ${seconds} s: ${problems.length} problem(s)`);
  for (const { pkg, file, message } of problems) console.error(`  ${pkg}: ${file}: ${message}`);
  console.error(`(scratch folder kept: ${work})`);
  process.exitCode = 1;
}
