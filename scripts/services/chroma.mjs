// @ts-check
/**
 * Makes Chroma's native binding loadable for integration tests and dev servers. The binding
 * (`chromadb-js-bindings-linux-*-gnu`) needs glibc >= 2.38; Debian 12 has 2.36. Where the
 * binding does not load directly, this builds a glibc shim: Debian 13 ("trixie") `libc6`,
 * `libstdc++6` and `libgcc-s1`, downloaded with apt through a private sources list (no
 * system-wide change) and unpacked with `dpkg -x` into `<repo>/.test-services/glibc-shim/`,
 * then runs Node.js through that folder's loader. The server itself is started by
 * `startLocalChroma` (packages/chroma-compaction) with the command prefix built here.
 *
 * Usage: `const { command } = await chromaNodeCommand();` (the argv prefix running Node.js)
 * or from a shell: `node scripts/services/chroma.mjs [--path DIR] [--port N]` runs a server
 * in the foreground (stops on Ctrl-C).
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEFAULT_CACHE_DIR = join(ROOT, '.test-services', 'glibc-shim');
const SUITE = 'trixie';
const SHIM_PACKAGES = ['libc6', 'libstdc++6', 'libgcc-s1'];
const DEFAULT_MIRROR = 'http://deb.debian.org/debian';
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const COMPLETE_MARKER = '.complete';

/** Debian's names for this machine's architecture. */
const DEBIAN_ARCH = /** @type {const} */ ({
  x64: { deb: 'amd64', triplet: 'x86_64-linux-gnu', loader: 'ld-linux-x86-64.so.2' },
  arm64: { deb: 'arm64', triplet: 'aarch64-linux-gnu', loader: 'ld-linux-aarch64.so.1' },
});

/**
 * @typedef {object} GlibcShim
 * @property {string} dir The folder the packages are unpacked into.
 * @property {string} libDir The folder with the shared libraries (`<dir>/usr/lib/<triplet>`).
 * @property {string} loader The dynamic loader to start Node.js with.
 * @property {boolean} downloaded Whether this call downloaded it (false: reused the cache).
 */

/**
 * @typedef {object} ChromaNodeCommand
 * @property {string[]} command The argv prefix that runs Node.js with the binding loadable.
 * @property {GlibcShim | undefined} shim The shim in use, or undefined when none is needed.
 */

/**
 * @typedef {object} ChromaNodeCommandOptions
 * @property {string} [cacheDir] Where the shim is kept. Default: `<repo>/.test-services/glibc-shim`.
 * @property {string} [mirror] The Debian mirror. Default: `http://deb.debian.org/debian`.
 * @property {string} [node] The Node.js executable. Default: `process.execPath`.
 */

/**
 * The installed chromadb's `chroma` CLI script and native binding file.
 * @returns {{ cli: string, binding: string }}
 */
export const resolveChromaFiles = () => {
  const fromRoot = createRequire(join(ROOT, 'package.json'));
  let entry;
  try {
    entry = fromRoot.resolve('chromadb');
  } catch {
    throw new Error(
      'The chromadb package is not installed. Run: npm ci (from the repository root).',
    );
  }
  // chromadb does not export its package.json: walk up from its entry point instead.
  let dir = dirname(entry);
  /** @type {{ name?: string, bin?: string | Record<string, string> }} */
  let manifest = {};
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      manifest = JSON.parse(readFileSync(file, 'utf8'));
      if (manifest.name === 'chromadb') break;
    }
    if (dirname(dir) === dir) throw new Error(`Cannot find chromadb's package.json above ${entry}`);
    dir = dirname(dir);
  }
  const bin =
    typeof manifest.bin === 'string' ? manifest.bin : (manifest.bin?.['chroma'] ?? 'dist/cli.mjs');
  const bindingName = `chromadb-js-bindings-${platform()}-${arch()}${platform() === 'linux' ? '-gnu' : ''}`;
  let binding;
  try {
    binding = createRequire(join(dir, 'package.json')).resolve(bindingName);
  } catch {
    throw new Error(
      `Chroma's native binding package ${bindingName} is not installed. Run: npm ci (optional dependencies included), or npm install ${bindingName}.`,
    );
  }
  return { cli: join(dir, bin), binding };
};

/**
 * Whether `command` (an argv prefix running Node.js) can load the native binding.
 * @param {readonly string[]} command
 * @param {string} binding
 * @returns {{ ok: boolean, error: string }}
 */
export const probeBinding = (command, binding) => {
  const [file = process.execPath, ...args] = command;
  const result = spawnSync(file, [...args, '-e', `require(${JSON.stringify(binding)})`], {
    encoding: 'utf8',
  });
  if (result.error) return { ok: false, error: result.error.message };
  const error = (result.stderr || '').split('\n').find((line) => /^\w*Error:/.test(line)) ?? '';
  return { ok: result.status === 0, error: error || (result.stderr || '').trim().slice(-500) };
};

/**
 * The error for a failed apt step, naming what to install or change.
 * @param {string} step
 * @param {string} detail
 * @param {string} mirror
 * @returns {Error}
 */
const aptError = (step, detail, mirror) =>
  new Error(
    `${step} failed while fetching Debian ${SUITE}'s ${SHIM_PACKAGES.join(', ')} for the Chroma glibc shim:\n${detail}\n` +
      `Fix one of: install apt and dpkg (Debian/Ubuntu) and ${KEYRING} (package debian-archive-keyring); ` +
      `allow HTTP access to ${mirror} (or pass a reachable Debian mirror as the mirror option of ensureGlibcShim); ` +
      'or run the tests on a system with glibc >= 2.38 (e.g. Debian 13, Ubuntu 24.04), where no shim is needed.',
  );

/**
 * Runs apt-get with a private configuration rooted in `work` (sources, lists, caches), so
 * nothing outside `work` changes. Returns its output; throws when it fails.
 * @param {string} work
 * @param {string} mirror
 * @param {string[]} args
 * @param {string} [cwd]
 * @returns {string}
 */
const aptGet = (work, mirror, args, cwd) => {
  const options = [
    `Dir::Etc::SourceList=${join(work, 'sources.list')}`,
    `Dir::Etc::SourceParts=${join(work, 'sources.list.d')}`,
    `Dir::Etc::Preferences=${join(work, 'preferences')}`,
    `Dir::Etc::PreferencesParts=${join(work, 'preferences.d')}`,
    `Dir::State=${join(work, 'state')}`,
    `Dir::State::Lists=${join(work, 'lists')}`,
    `Dir::State::status=${join(work, 'status')}`,
    `Dir::Cache=${join(work, 'cache')}`,
    'Debug::NoLocking=1',
    'Acquire::Languages=none',
    `APT::Architectures=${debianArch().deb}`,
    ...(process.getuid?.() === 0 ? ['APT::Sandbox::User=root'] : []),
  ];
  const result = spawnSync('apt-get', [...options.flatMap((o) => ['-o', o]), '-q', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C' },
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.error || result.status !== 0) {
    throw aptError(`apt-get ${args[0]}`, result.error?.message ?? output.slice(-1500), mirror);
  }
  return output;
};

/** @returns {{ deb: string, triplet: string, loader: string }} */
const debianArch = () => {
  const known = DEBIAN_ARCH[/** @type {keyof typeof DEBIAN_ARCH} */ (arch())];
  if (platform() !== 'linux' || known === undefined) {
    throw new Error(
      `No glibc shim for ${platform()}-${arch()}: run the tests on linux x64/arm64, or on a system where Chroma's native binding loads directly.`,
    );
  }
  return known;
};

/**
 * @param {string} dir
 * @returns {GlibcShim}
 */
const shimAt = (dir) => {
  const { triplet, loader } = debianArch();
  const libDir = join(dir, 'usr', 'lib', triplet);
  return { dir, libDir, loader: join(libDir, loader), downloaded: false };
};

/**
 * Returns the glibc shim in `cacheDir`, downloading and unpacking it first when missing.
 * Safe to run from several processes at once: each builds in its own staging folder and the
 * first to finish renames it into place.
 * @param {ChromaNodeCommandOptions} [options]
 * @returns {GlibcShim}
 */
export const ensureGlibcShim = (options = {}) => {
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const mirror = options.mirror ?? DEFAULT_MIRROR;
  const { deb } = debianArch();
  const target = join(cacheDir, `${SUITE}-${deb}`);
  if (existsSync(join(target, COMPLETE_MARKER))) return shimAt(target);

  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(cacheDir, `.staging-${process.pid}-`));
  try {
    for (const sub of [
      'sources.list.d',
      'preferences.d',
      'state',
      'lists/partial',
      'cache/archives/partial',
      'debs',
      'root',
    ]) {
      mkdirSync(join(work, sub), { recursive: true });
    }
    writeFileSync(join(work, 'status'), '');
    const signedBy = existsSync(KEYRING) ? `[signed-by=${KEYRING}] ` : '';
    writeFileSync(join(work, 'sources.list'), `deb ${signedBy}${mirror} ${SUITE} main\n`);
    const updated = aptGet(work, mirror, ['update']);
    // apt-get update exits 0 when a fetch fails; without a package index, say why.
    if (!readdirSync(join(work, 'lists')).some((name) => name.includes('_Packages'))) {
      throw aptError('apt-get update', updated.slice(-1500), mirror);
    }
    aptGet(work, mirror, ['download', ...SHIM_PACKAGES], join(work, 'debs'));
    const root = join(work, 'root');
    for (const file of readdirSync(join(work, 'debs')).filter((name) => name.endsWith('.deb'))) {
      const result = spawnSync('dpkg', ['-x', join(work, 'debs', file), root], {
        encoding: 'utf8',
      });
      if (result.error || result.status !== 0) {
        throw new Error(
          `dpkg -x ${file} failed while building the Chroma glibc shim: ${result.error?.message ?? result.stderr}. Install dpkg, or run the tests on a system with glibc >= 2.38.`,
        );
      }
    }
    if (!existsSync(shimAt(root).loader)) {
      throw new Error(`The unpacked ${SUITE} packages have no loader at ${shimAt(root).loader}.`);
    }
    writeFileSync(
      join(root, COMPLETE_MARKER),
      `${SHIM_PACKAGES.join(' ')} from ${mirror} ${SUITE}\n`,
    );
    try {
      renameSync(root, target);
    } catch (error) {
      // Another process finished first: use its copy.
      if (!existsSync(join(target, COMPLETE_MARKER))) throw error;
      return shimAt(target);
    }
    return { ...shimAt(target), downloaded: true };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};

/**
 * The argv prefix that runs Node.js able to load Chroma's native binding: `[node]` where the
 * binding loads directly, otherwise `[<shim loader>, '--library-path', <shim libs>, node]`.
 * Throws, naming what to install or do, when neither works.
 * @param {ChromaNodeCommandOptions} [options]
 * @returns {ChromaNodeCommand}
 */
export const chromaNodeCommand = (options = {}) => {
  const node = options.node ?? process.execPath;
  const { binding } = resolveChromaFiles();
  const direct = probeBinding([node], binding);
  if (direct.ok) return { command: [node], shim: undefined };
  if (!/(GLIBC|GLIBCXX|CXXABI)_[\d.]+'? not found/.test(direct.error)) {
    throw new Error(
      `Chroma's native binding does not load (${direct.error}). Reinstall dependencies with npm ci.`,
    );
  }
  const shim = ensureGlibcShim(options);
  const command = [shim.loader, '--library-path', shim.libDir, node];
  const shimmed = probeBinding(command, binding);
  if (!shimmed.ok) {
    throw new Error(
      `Chroma's native binding does not load even through the glibc shim in ${shim.dir} (${shimmed.error}). Delete that folder to rebuild it, or run the tests on a system with glibc >= 2.38 (e.g. Debian 13, Ubuntu 24.04).`,
    );
  }
  return { command, shim };
};

/**
 * @param {string[]} argv
 * @param {string} flag
 * @returns {string | undefined}
 */
const flagValue = (argv, flag) => {
  const index = argv.indexOf(flag);
  return index === -1 ? undefined : argv[index + 1];
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const path = resolve(flagValue(argv, '--path') ?? join(ROOT, '.test-services', 'chroma-dev'));
  const port = flagValue(argv, '--port') ?? '8000';
  const { command, shim } = chromaNodeCommand();
  const { cli } = resolveChromaFiles();
  const [file = process.execPath, ...prefix] = command;
  console.log(`chroma: ${shim ? `glibc shim ${shim.dir}` : 'no shim needed'}; data in ${path}`);
  const child = spawn(
    file,
    [...prefix, cli, 'run', '--path', path, '--port', port, '--host', '127.0.0.1'],
    {
      stdio: 'inherit',
    },
  );
  // Chroma stops cleanly on SIGINT only (it does not exit on SIGTERM).
  const interrupt = () => child.kill('SIGINT');
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  child.on('exit', (code) => process.exit(code ?? 0));
}
