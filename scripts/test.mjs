#!/usr/bin/env node
/**
 * The project's single test command (`npm test`): type-checks (the documentation's snippets
 * too), lints, builds the API site (`npm run docs`), builds, checks the packed tarballs as
 * users install them (`scripts/packaging/check.mjs`), then runs every vitest project: unit
 * and integration (with coverage, which fails the run below its thresholds), then the
 * reliability suite's quick profile. Integration and reliability
 * projects start their own real services (moto's server, Chroma) through
 * `scripts/vitest/globalSetup.ts`; when a service cannot start, the run fails with a message
 * naming what to install. Ends with one line `tests: N passed, N failed` for CI.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs a command in the repository root, inheriting output; returns its exit code. */
const run = (command, args) => {
  console.log(`\n> ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
};

const steps = [
  // Includes the documentation's snippets (`npm run docs:snippets`).
  ['npm', ['run', 'typecheck']],
  ['npm', ['run', 'lint']],
  // The API site and its guides; any TypeDoc warning fails it.
  ['npm', ['run', 'docs']],
  // Packaging tests load the built dist/ the way users do.
  ['npm', ['run', 'build']],
  // The packed tarballs: contents, publint, attw, a scratch install, the bundle budget.
  ['npm', ['run', 'check:packaging']],
];
for (const [command, args] of steps) {
  const code = run(command, args);
  if (code !== 0) {
    console.error(`\n${command} ${args.join(' ')} failed (exit ${code}); tests were not run.`);
    console.log('tests: 0 passed, 1 failed');
    process.exit(code);
  }
}

/**
 * Runs vitest with `args`, its JSON results written to `.test-services/<name>.json`; returns
 * its exit code and the passed and failed test counts (a run that wrote no results, or ran
 * no test, counts as failed).
 */
const vitest = (name, args) => {
  const resultsFile = join(root, '.test-services', `${name}.json`);
  mkdirSync(dirname(resultsFile), { recursive: true });
  rmSync(resultsFile, { force: true });
  const code = run('npx', [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${resultsFile}`,
    ...args,
  ]);
  let passed = 0;
  let failed = code === 0 ? 0 : 1;
  try {
    const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
    passed = results.numPassedTests;
    failed = results.numFailedTests + (results.numFailedTestSuites ?? 0);
    if (code !== 0 && failed === 0) failed = 1;
    if (results.numTotalTests === 0) {
      console.error(`No tests ran (${name}).`);
      failed = Math.max(failed, 1);
    }
  } catch {
    console.error(`vitest wrote no results (${name}); treating the run as failed.`);
  }
  return { code, passed, failed };
};

// Unit and integration tests, with coverage of both packages' src/ (the thresholds in
// vitest.config.ts fail the run); then the reliability suite's quick profile, which measures
// figures rather than coverage.
const runs = [
  vitest('vitest-results', [
    '--project=*:unit',
    '--project=*:integration',
    '--coverage.enabled',
    ...process.argv.slice(2),
  ]),
  vitest('reliability-results', ['--project=reliability']),
];
const passed = runs.reduce((sum, { passed }) => sum + passed, 0);
const failed = runs.reduce((sum, { failed }) => sum + failed, 0);
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(runs.some(({ code }) => code !== 0) || failed > 0 ? 1 : 0);
