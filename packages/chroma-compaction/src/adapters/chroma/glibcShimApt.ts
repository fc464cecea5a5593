/**
 * Fetches and unpacks the glibc shim's Debian packages into a staging folder with apt and
 * dpkg. apt runs with a private configuration rooted in that folder (its own sources list,
 * package lists, caches and an empty dpkg status), so nothing outside it changes: no
 * system sources, no installed packages, no root needed.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GlibcShimError } from './errors.js';
import { glibcShimManualSteps } from './glibcShimManualSteps.js';
import {
  GLIBC_SHIM_PACKAGES,
  GLIBC_SHIM_SUITE,
  type GlibcShimArch,
  glibcShimFiles,
} from './glibcShimPlatform.js';

/** What a command run by {@link GlibcShimRunner} did. */
export interface GlibcShimCommandResult {
  /** The exit code; `null` when the command was killed by a signal or could not run. */
  readonly code: number | null;
  /** Its standard output and standard error together (the runner may keep only the end). */
  readonly output: string;
  /** Set when the command could not be run at all (`code: 'ENOENT'`: it is not installed). */
  readonly error?: NodeJS.ErrnoException | undefined;
}

/** Where and how {@link GlibcShimRunner} runs a command. */
export interface GlibcShimRunOptions {
  /** The working directory. */
  readonly cwd: string;
  /** The whole environment of the command. */
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Runs one external command (`apt-get` or `dpkg`) while the shim is prepared, and resolves
 * with what it did; it never rejects. Replace it to log the commands or to run them another way.
 */
export type GlibcShimRunner = (
  file: string,
  args: readonly string[],
  options: GlibcShimRunOptions,
) => Promise<GlibcShimCommandResult>;

const OUTPUT_TAIL_CHARS = 16_384;
const ERROR_TAIL_CHARS = 1_500;

/** The default {@link GlibcShimRunner}: `child_process.spawn`, output kept to its last 16 KiB. */
export const spawnGlibcShimCommand: GlibcShimRunner = (file, args, options) =>
  new Promise((done) => {
    let output = '';
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (error) => done({ code: null, output, error }));
    child.once('close', (code) => done({ code, output }));
  });

/** What one staging build needs. @internal */
export interface GlibcShimBuild {
  /** The staging folder: apt's private state below it, the unpacked files in `<work>/root`. */
  readonly work: string;
  readonly arch: GlibcShimArch;
  readonly mirror: string;
  /** The keyring file named in the sources list; left out when the file does not exist. */
  readonly keyring: string;
  readonly cacheDir: string;
  readonly run: GlibcShimRunner;
}

/**
 * The `-o` settings that point apt at the private configuration in `work`.
 * @internal
 */
export const privateAptOptions = (work: string, arch: GlibcShimArch): string[] => [
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
  `APT::Architectures=${arch.deb}`,
  // As root, apt downloads as the `_apt` user, which cannot write to a folder root created.
  ...(process.getuid?.() === 0 ? ['APT::Sandbox::User=root'] : []),
];

/**
 * The one line of the private sources list: Debian's release, signed by `keyring` when
 * that file exists (otherwise apt checks the index against the system's trusted keys).
 * @internal
 */
export const privateSourcesList = (mirror: string, keyring: string): string =>
  `deb ${existsSync(keyring) ? `[signed-by=${keyring}] ` : ''}${mirror} ${GLIBC_SHIM_SUITE} main\n`;

const tail = (output: string): string => output.trim().slice(-ERROR_TAIL_CHARS);

const notInstalled = (build: GlibcShimBuild, tool: string, cause: unknown): GlibcShimError =>
  new GlibcShimError(
    `Cannot prepare the glibc shim for Chroma: ${tool} is not installed (the shim is fetched with apt and unpacked with dpkg, as on Debian and Ubuntu). Install apt and dpkg, or build the shim by hand:\n${glibcShimManualSteps(build.arch)}`,
    { reason: 'missing-tool', cacheDir: build.cacheDir, cause, context: { tool } },
  );

const downloadFailed = (build: GlibcShimBuild, step: string, output: string): GlibcShimError => {
  const unsigned = /NO_PUBKEY|is not signed|not signed by|public key is not available/.test(output);
  const fix = unsigned
    ? `apt does not trust the signature of Debian's index: install a debian-archive-keyring that includes Debian 13's keys (Debian 12's does), or pass keyring: a keyring file that does`
    : `allow HTTP access to ${build.mirror}, or pass a reachable Debian mirror as mirror`;
  return new GlibcShimError(
    `${step} failed while fetching Debian ${GLIBC_SHIM_SUITE}'s ${GLIBC_SHIM_PACKAGES.join(', ')} for the glibc shim for Chroma:\n${tail(output)}\nTo fix it, ${fix}; or build the shim by hand:\n${glibcShimManualSteps(build.arch)}`,
    { reason: 'download-failed', cacheDir: build.cacheDir, output: tail(output) },
  );
};

const aptGet = async (
  build: GlibcShimBuild,
  args: readonly string[],
  cwd: string,
): Promise<string> => {
  const options = privateAptOptions(build.work, build.arch).flatMap((option) => ['-o', option]);
  const result = await build.run('apt-get', [...options, '-q', ...args], {
    cwd,
    env: { ...process.env, LC_ALL: 'C' },
  });
  if (result.error?.code === 'ENOENT') throw notInstalled(build, 'apt-get', result.error);
  if (result.error !== undefined || result.code !== 0) {
    throw downloadFailed(build, `apt-get ${args[0]}`, result.error?.message ?? result.output);
  }
  return result.output;
};

/**
 * Downloads the packages with apt and unpacks them with `dpkg -x` into `<work>/root`;
 * returns that folder.
 * @throws {GlibcShimError} `missing-tool`, `download-failed` or `unpack-failed`
 * @internal
 */
export const buildGlibcShim = async (build: GlibcShimBuild): Promise<string> => {
  const { work } = build;
  for (const sub of ['sources.list.d', 'preferences.d', 'state', 'lists/partial', 'debs', 'root']) {
    await mkdir(join(work, sub), { recursive: true });
  }
  await mkdir(join(work, 'cache', 'archives', 'partial'), { recursive: true });
  await writeFile(join(work, 'status'), '');
  await writeFile(join(work, 'sources.list'), privateSourcesList(build.mirror, build.keyring));

  const updated = await aptGet(build, ['update'], work);
  // apt-get update exits 0 when a fetch or its signature check fails: check for the index
  // (kept as `…_Packages`, or compressed as `…_Packages.lz4` where apt is set up so).
  if (!(await readdir(join(work, 'lists'))).some((name) => name.includes('_Packages'))) {
    throw downloadFailed(build, 'apt-get update', updated);
  }
  const debs = join(work, 'debs');
  await aptGet(build, ['download', ...GLIBC_SHIM_PACKAGES], debs);

  const root = join(work, 'root');
  const files = (await readdir(debs)).filter((name) => name.endsWith('.deb')).sort();
  for (const file of files) {
    const result = await build.run('dpkg', ['-x', join(debs, file), root], {
      cwd: work,
      env: process.env,
    });
    if (result.error?.code === 'ENOENT') throw notInstalled(build, 'dpkg', result.error);
    if (result.error !== undefined || result.code !== 0) {
      throw new GlibcShimError(
        `dpkg -x ${file} failed while unpacking the glibc shim for Chroma:\n${tail(result.error?.message ?? result.output)}\nCheck the free space in ${build.cacheDir}, or build the shim by hand:\n${glibcShimManualSteps(build.arch)}`,
        { reason: 'unpack-failed', cacheDir: build.cacheDir, output: tail(result.output) },
      );
    }
  }
  const { loader } = glibcShimFiles(root, build.arch);
  if (!existsSync(loader)) {
    throw new GlibcShimError(
      `The unpacked Debian ${GLIBC_SHIM_SUITE} packages (${files.join(', ') || 'none downloaded'}) have no loader at ${loader.slice(root.length + 1)}: the mirror ${build.mirror} may serve another layout. Pass another Debian mirror as mirror, or build the shim by hand:\n${glibcShimManualSteps(build.arch)}`,
      { reason: 'unpack-failed', cacheDir: build.cacheDir },
    );
  }
  return root;
};
