// @ts-check
/**
 * Packs a package with `npm pack` and checks what the tarball holds: its file list, its
 * `package.json`, its source maps and the `sourceMappingURL` comments that point at them
 * (the rules are in `rules.mjs`). The tarball is unpacked to read the files as npm packed
 * them, not as they sit in the repository.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanNpmEnv, run, tail } from './exec.mjs';
import { checkFileList, checkManifest, checkMapReference, checkSourceMap } from './rules.mjs';

/**
 * @typedef {import('./rules.mjs').Problem} Problem
 */

/**
 * A packed package.
 * @typedef {object} Tarball
 * @property {string} name
 * @property {string} version
 * @property {string} path the `.tgz` file
 * @property {string[]} files paths inside the tarball, relative to `package/`
 * @property {number} size the tarball's bytes
 * @property {number} unpackedSize
 */

/**
 * Packs the package in `dir` into `destination`.
 * @param {string} dir the package's folder
 * @param {string} destination where the `.tgz` goes
 * @returns {Promise<Tarball>}
 * @throws {Error} when `npm pack` fails or prints no JSON
 */
export const packPackage = async (dir, destination) => {
  mkdirSync(destination, { recursive: true });
  const result = await run('npm', ['pack', '--json', '--pack-destination', destination], {
    cwd: dir,
    env: cleanNpmEnv(),
  });
  if (result.code !== 0) throw new Error(`npm pack failed in ${dir}:\n${tail(result)}`);
  const [packed] = JSON.parse(result.stdout.slice(result.stdout.indexOf('[')));
  return {
    name: packed.name,
    version: packed.version,
    path: join(destination, packed.filename),
    files: packed.files.map((/** @type {{ path: string }} */ file) => file.path).sort(),
    size: packed.size,
    unpackedSize: packed.unpackedSize,
  };
};

/**
 * Unpacks a tarball into `dir` (npm tarballs hold one `package/` folder).
 * @param {string} tarball
 * @param {string} dir
 * @returns {Promise<string>} the unpacked `package/` folder
 * @throws {Error} when `tar` fails
 */
export const unpackTarball = async (tarball, dir) => {
  mkdirSync(dir, { recursive: true });
  const result = await run('tar', ['-xzf', tarball, '-C', dir], { cwd: dir });
  if (result.code !== 0) throw new Error(`tar could not unpack ${tarball}:\n${tail(result)}`);
  return join(dir, 'package');
};

/**
 * Every problem of an unpacked tarball.
 * @param {string} pkg the package's name, for the messages
 * @param {string} root the unpacked `package/` folder
 * @param {readonly string[]} files paths inside it
 * @param {Readonly<Record<string, string>>} workspaceVersions version by name of every
 *   workspace package
 * @returns {Problem[]}
 */
export const checkUnpacked = (pkg, root, files, workspaceVersions) => {
  const read = (/** @type {string} */ file) => readFileSync(join(root, file), 'utf8');
  /** @type {Problem[]} */
  const problems = [...checkFileList(pkg, files)];
  if (files.includes('package.json')) {
    problems.push(...checkManifest(pkg, JSON.parse(read('package.json')), workspaceVersions));
  }
  for (const file of files) {
    if (file.endsWith('.map')) problems.push(...checkSourceMap(pkg, file, read(file)));
    else if (/\.[cm]?js$/.test(file))
      problems.push(...checkMapReference(pkg, file, read(file), files));
  }
  return problems;
};
