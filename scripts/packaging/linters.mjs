// @ts-check
/**
 * The two package linters, run on the packed tarball (what users install), with no rule
 * ignored: `publint --strict` (the `package.json` fields and the files they name) and
 * `@arethetypeswrong/cli` (every subpath's types resolve, and match the JavaScript, under
 * `node16` from CommonJS, `node16` from ESM, and `bundler`).
 */
import { join } from 'node:path';
import { run, tail } from './exec.mjs';

/**
 * @typedef {import('./rules.mjs').Problem} Problem
 */

/**
 * attw's `node16` profile: the resolution modes it checks. The `node10` mode, which
 * predates `exports` subpaths, is not one of them (the CLI reports it as ignored).
 */
const ATTW_PROFILE = 'node16';
const ATTW_RESOLUTIONS = ['node16-cjs', 'node16-esm', 'bundler'];

/**
 * `publint --strict` on the tarball: warnings fail too.
 * @param {string} root the repository root (for the linter's binary)
 * @param {string} pkg the package's name
 * @param {string} tarball
 * @returns {Promise<Problem[]>}
 */
export const runPublint = async (root, pkg, tarball) => {
  const result = await run(join(root, 'node_modules/.bin/publint'), ['run', tarball, '--strict'], {
    cwd: root,
  });
  return result.code === 0
    ? []
    : [
        {
          pkg,
          file: 'publint --strict',
          message: `failed (exit ${result.code}):\n${tail(result)}`,
        },
      ];
};

/**
 * `attw` on the tarball with the `node16` profile, read from its JSON report.
 * @param {string} root the repository root (for the linter's binary)
 * @param {string} pkg the package's name
 * @param {string} tarball
 * @returns {Promise<Problem[]>}
 */
export const runAttw = async (root, pkg, tarball) => {
  const result = await run(
    join(root, 'node_modules/.bin/attw'),
    [tarball, '--profile', ATTW_PROFILE, '--format', 'json', '--no-color'],
    { cwd: root },
  );
  /** @type {{ analysis?: { problems?: { kind: string, entrypoint?: string, resolutionKind?: string }[] } }} */
  let report = {};
  try {
    report = JSON.parse(result.stdout);
  } catch {
    // No report: the exit code decides, and the output goes in the message.
  }
  const problems = (report.analysis?.problems ?? []).filter(
    (problem) =>
      problem.resolutionKind === undefined || ATTW_RESOLUTIONS.includes(problem.resolutionKind),
  );
  if (result.code === 0 && problems.length === 0) return [];
  if (problems.length === 0) {
    return [{ pkg, file: 'attw', message: `failed (exit ${result.code}):\n${tail(result)}` }];
  }
  return problems.map(({ kind, entrypoint, ...details }) => ({
    pkg,
    file: `attw ${entrypoint ?? ''}`.trim(),
    message: `${kind} ${JSON.stringify(details)} (the table: npx attw ${tarball} --profile ${ATTW_PROFILE})`,
  }));
};
