// @ts-check
/**
 * A user's project, outside the repository (so nothing resolves through the workspace's
 * `node_modules`): it installs the packed tarballs with npm, then uses them the ways users
 * do. From `import` and from `require` (`consumer/esm.mjs`, `consumer/cjs.cjs`, both running
 * `consumer/smoke.cjs`); from TypeScript under `node16` as ESM (`.mts`) and as CommonJS
 * (`.cts`) and under `bundler` (`consumer/types.ts`, type-checked with the repository's
 * `tsc`); and through the `receipt-chroma` command the compaction package installs.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanNpmEnv, run, tail } from './exec.mjs';

/**
 * @typedef {import('./rules.mjs').Problem} Problem
 * @typedef {import('./tarballs.mjs').Tarball} Tarball
 */

const CONSUMER = join(import.meta.dirname, 'consumer');

/** The compiler options of every type check: a strict user's. */
const STRICT = {
  target: 'es2022',
  strict: true,
  exactOptionalPropertyTypes: true,
  // chromadb's own declarations import a module it does not ship.
  skipLibCheck: true,
  noEmit: true,
  types: ['node'],
};

/** Each type check: its config file, its resolution mode and the files it checks. */
const TYPE_CHECKS = [
  {
    config: 'tsconfig.node16.json',
    options: { module: 'node16', moduleResolution: 'node16' },
    files: ['esm.mts', 'cjs.cts'],
  },
  {
    config: 'tsconfig.bundler.json',
    options: { module: 'esnext', moduleResolution: 'bundler' },
    files: ['bundler.ts'],
  },
];

/**
 * The version of `name` in the repository's lockfile.
 * @param {string} root
 * @param {string} name
 * @returns {string | undefined}
 */
const lockedVersion = (root, name) => {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  return lock.packages?.[`node_modules/${name}`]?.version;
};

/**
 * Writes the scratch project into `dir` and installs it: the tarballs, each peer dependency
 * they declare and `@types/node`, the last two pinned to the repository's lockfile so npm
 * finds them in its cache.
 * @param {object} options
 * @param {string} options.root the repository root
 * @param {string} options.dir the project's folder (empty, in the OS temp dir)
 * @param {readonly Tarball[]} options.tarballs
 * @param {readonly Record<string, unknown>[]} options.manifests the tarballs' `package.json`s
 * @returns {Promise<Problem[]>} the install's failure, if any
 */
export const installScratchProject = async ({ root, dir, tarballs, manifests }) => {
  mkdirSync(dir, { recursive: true });
  /** @type {Record<string, string>} */
  const dependencies = {};
  const names = new Set(tarballs.map((tarball) => tarball.name));
  const peers = manifests.flatMap((manifest) =>
    Object.keys(/** @type {Record<string, string>} */ (manifest['peerDependencies'] ?? {})),
  );
  for (const name of [...peers, '@types/node']) {
    if (names.has(name)) continue;
    const version = lockedVersion(root, name);
    if (version === undefined) {
      return [
        { pkg: name, file: 'package-lock.json', message: 'not in the lockfile; cannot pin it' },
      ];
    }
    dependencies[name] = version;
  }
  for (const tarball of tarballs) dependencies[tarball.name] = `file:${tarball.path}`;
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'packaging-scratch', private: true, dependencies }, null, 2)}\n`,
  );
  const result = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: dir,
    env: cleanNpmEnv(),
    timeoutMs: 180_000,
  });
  return result.code === 0
    ? []
    : [{ pkg: 'scratch project', file: 'npm install', message: `failed:\n${tail(result)}` }];
};

/**
 * `npx <name> --help` in the project: it must exit 0 and print a usage line.
 * @param {string} dir
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @returns {Promise<import('./exec.mjs').RunResult>}
 */
const runHelp = async (dir, env, name) => {
  // Without the link, npx would look the name up in the registry.
  if (!existsSync(join(dir, 'node_modules/.bin', name))) {
    const stderr = `npm linked no ${name} command (is its bin file in the tarball?)`;
    return { code: 1, stdout: '', stderr, ms: 0 };
  }
  const result = await run('npx', ['--no', '--', name, '--help'], { cwd: dir, env });
  return result.code !== 0 || /usage/i.test(result.stdout)
    ? result
    : {
        ...result,
        code: 1,
        stderr: `${result.stderr}
printed no usage line`,
      };
};

/**
 * Runs the consumers in the installed scratch project, side by side.
 * @param {object} options
 * @param {string} options.root the repository root
 * @param {string} options.dir the installed project
 * @param {{ pkg: string, name: string }} options.command a command a package installs, run
 *   with `--help`
 * @returns {Promise<Problem[]>}
 */
export const runConsumers = async ({ root, dir, command }) => {
  for (const file of ['smoke.cjs', 'esm.mjs', 'cjs.cjs']) {
    copyFileSync(join(CONSUMER, file), join(dir, file));
  }
  for (const { config, options, files } of TYPE_CHECKS) {
    for (const file of files) copyFileSync(join(CONSUMER, 'types.ts'), join(dir, file));
    const tsconfig = { compilerOptions: { ...STRICT, ...options }, files };
    writeFileSync(join(dir, config), `${JSON.stringify(tsconfig, null, 2)}\n`);
  }
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  // The AWS SDK warns about Node.js 20 once a year; it is not what this checks.
  const env = { ...cleanNpmEnv(), NODE_NO_WARNINGS: '1' };
  const checks = [
    {
      pkg: 'scratch project',
      file: 'import (esm.mjs)',
      run: () => run('node', ['esm.mjs'], { cwd: dir, env }),
    },
    {
      pkg: 'scratch project',
      file: 'require (cjs.cjs)',
      run: () => run('node', ['cjs.cjs'], { cwd: dir, env }),
    },
    ...TYPE_CHECKS.map(({ config, files }) => ({
      pkg: 'scratch project',
      file: `tsc -p ${config} (${files.join(', ')})`,
      run: () => run('node', [tsc, '-p', config], { cwd: dir, env }),
    })),
    {
      pkg: command.pkg,
      file: `npx ${command.name} --help`,
      run: () => runHelp(dir, env, command.name),
    },
  ];
  const results = await Promise.all(checks.map((check) => check.run()));
  return checks.flatMap(({ pkg, file }, index) => {
    const result = results[index];
    return result === undefined || result.code === 0
      ? []
      : [{ pkg, file, message: `exit ${result.code}:\n${tail(result)}` }];
  });
};
