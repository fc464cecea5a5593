#!/usr/bin/env node
/**
 * The project's single test command (`npm test`): type-checks, lints, builds, then runs every
 * vitest project, unit and integration. Integration projects start their own real
 * services (moto's server, Chroma) through `scripts/vitest/globalSetup.ts`; when a service
 * cannot start, the run fails with a message naming what to install. Ends with one line
 * `tests: N passed, N failed` for CI.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsFile = join(root, '.test-services', 'vitest-results.json');

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
  ['npm', ['run', 'typecheck']],
  ['npm', ['run', 'lint']],
  // Packaging tests load the built dist/ the way users do.
  ['npm', ['run', 'build']],
];
for (const [command, args] of steps) {
  const code = run(command, args);
  if (code !== 0) {
    console.error(`\n${command} ${args.join(' ')} failed (exit ${code}); tests were not run.`);
    console.log('tests: 0 passed, 1 failed');
    process.exit(code);
  }
}

mkdirSync(dirname(resultsFile), { recursive: true });
rmSync(resultsFile, { force: true });
const vitestCode = run('npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${resultsFile}`,
  ...process.argv.slice(2),
]);

let passed = 0;
let failed = vitestCode === 0 ? 0 : 1;
try {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests + (results.numFailedTestSuites ?? 0);
  if (vitestCode !== 0 && failed === 0) failed = 1;
  if (results.numTotalTests === 0) {
    console.error('No tests ran.');
    failed = Math.max(failed, 1);
  }
} catch {
  console.error('vitest wrote no results; treating the run as failed.');
}
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(vitestCode !== 0 || failed > 0 ? 1 : 0);
