/**
 * The glibc shim: Debian 13's `libc6`, `libstdc++6` and `libgcc-s1` unpacked into a cache
 * folder, so Node.js can be started through their loader on a system whose glibc is older
 * than Chroma's native binding needs (2.38). Prepared once per cache folder; the folder is
 * only ever used once complete, and concurrent preparations (threads of one process or
 * several processes) end with one copy in place.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { GlibcShimError } from './errors.js';
import { buildGlibcShim, type GlibcShimRunner, spawnGlibcShimCommand } from './glibcShimApt.js';
import {
  DEFAULT_GLIBC_SHIM_KEYRING,
  DEFAULT_GLIBC_SHIM_MIRROR,
  defaultGlibcShimCacheDir,
  GLIBC_SHIM_COMPLETE_MARKER,
  GLIBC_SHIM_PACKAGES,
  GLIBC_SHIM_SUITE,
  type GlibcShimArch,
  glibcShimArch,
  glibcShimFiles,
  glibcShimFolder,
} from './glibcShimPlatform.js';

/** A prepared glibc shim, to start Node.js through (see {@link glibcShimCommand}). */
export interface GlibcShim {
  /**
   * The folder the packages are unpacked into, e.g.
   * `~/.cache/receipt-chroma/glibc-shim/trixie-amd64`.
   */
  readonly dir: string;
  /** The folder with the shared libraries (`<dir>/usr/lib/<triplet>`). */
  readonly libDir: string;
  /** The dynamic loader to start Node.js with (`<libDir>/ld-linux-x86-64.so.2` on x64). */
  readonly loader: string;
  /** Whether this call downloaded the packages (`false`: the cache folder was reused). */
  readonly downloaded: boolean;
}

/** Options of {@link prepareGlibcShim}. */
export interface GlibcShimOptions {
  /**
   * The cache folder; the shim goes into a subfolder per Debian release and architecture
   * (`<cacheDir>/trixie-amd64`), reused by every later call.
   * @default `$XDG_CACHE_HOME/receipt-chroma/glibc-shim`, or `~/.cache/receipt-chroma/glibc-shim`
   */
  readonly cacheDir?: string | undefined;
  /** The Debian mirror to fetch the packages from. @default 'http://deb.debian.org/debian' */
  readonly mirror?: string | undefined;
  /**
   * The keyring apt checks the mirror's signed index against; when the file does not exist,
   * apt uses the system's trusted keys.
   * @default '/usr/share/keyrings/debian-archive-keyring.gpg'
   */
  readonly keyring?: string | undefined;
  /** Runs `apt-get` and `dpkg`. @default child processes ({@link spawnGlibcShimCommand}) */
  readonly run?: GlibcShimRunner | undefined;
}

/** Preparations under way in this process, by target folder: one download per folder. */
const preparing = new Map<string, Promise<GlibcShim>>();

const shimAt = (dir: string, arch: GlibcShimArch, downloaded: boolean): GlibcShim => ({
  dir,
  ...glibcShimFiles(dir, arch),
  downloaded,
});

const isComplete = (dir: string): boolean => existsSync(join(dir, GLIBC_SHIM_COMPLETE_MARKER));

const build = async (
  target: string,
  arch: GlibcShimArch,
  cacheDir: string,
  options: GlibcShimOptions,
): Promise<GlibcShim> => {
  const mirror = options.mirror ?? DEFAULT_GLIBC_SHIM_MIRROR;
  await mkdir(cacheDir, { recursive: true });
  // Built beside its target (same file system), then renamed into place in one step.
  const work = await mkdtemp(join(cacheDir, `.staging-${process.pid}-`));
  try {
    const root = await buildGlibcShim({
      work,
      arch,
      mirror,
      keyring: options.keyring ?? DEFAULT_GLIBC_SHIM_KEYRING,
      cacheDir,
      run: options.run ?? spawnGlibcShimCommand,
    });
    await writeFile(
      join(root, GLIBC_SHIM_COMPLETE_MARKER),
      `${GLIBC_SHIM_PACKAGES.join(' ')} from ${mirror} ${GLIBC_SHIM_SUITE}\n`,
    );
    try {
      await rename(root, target);
    } catch (error) {
      // Another process renamed its copy into place first: use that one.
      if (isComplete(target)) return shimAt(target, arch, false);
      throw new GlibcShimError(
        `Cannot move the glibc shim into ${target} (${(error as Error).message}). Delete that folder if it is left over from an interrupted run, and try again.`,
        { reason: 'unpack-failed', cacheDir, cause: error },
      );
    }
    return shimAt(target, arch, true);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
};

/**
 * Makes the glibc shim ready in the cache folder and returns where it is: Debian 13
 * ("trixie")'s `libc6`, `libstdc++6` and `libgcc-s1`, fetched with `apt-get download`
 * through a private apt configuration (its own sources list, package lists and caches under
 * the cache folder; no system change, no root needed) and unpacked with `dpkg -x`. A complete
 * shim already in the cache folder is reused without any network access. Safe to call from
 * several processes at once: each builds in its own staging folder, and the first to finish
 * moves its copy into place.
 *
 * Needs `apt-get` and `dpkg` (Debian, Ubuntu) unless the folder was filled by hand; the
 * error message of a system without them gives the manual steps.
 *
 * @param options - the cache folder, the mirror, and how to run apt
 * @returns the shim's folders and loader; `downloaded` says whether it was fetched now
 * @throws {GlibcShimError} `reason` says why: `unsupported-platform` (not Linux x64/arm64),
 *   `missing-tool` (no apt-get or dpkg), `download-failed`, `unpack-failed`
 * @example
 * ```ts
 * import {
 *   glibcShimCommand,
 *   prepareGlibcShim,
 *   startLocalChroma,
 * } from '@receipt-chroma/chroma-compaction/chroma';
 *
 * const shim = await prepareGlibcShim({ cacheDir: '/var/cache/receipt-chroma/glibc-shim' });
 * const command = glibcShimCommand(shim);
 * const chroma = await startLocalChroma({ path: './chroma-data', command });
 * ```
 */
export async function prepareGlibcShim(options: GlibcShimOptions = {}): Promise<GlibcShim> {
  const arch = glibcShimArch();
  const cacheDir = resolve(options.cacheDir ?? defaultGlibcShimCacheDir());
  const target = glibcShimFolder(cacheDir, arch);
  if (isComplete(target)) return shimAt(target, arch, false);
  const pending = preparing.get(target);
  if (pending !== undefined) {
    const shim = await pending;
    return { ...shim, downloaded: false };
  }
  const started = build(target, arch, cacheDir, options).finally(() => preparing.delete(target));
  preparing.set(target, started);
  return started;
}

/**
 * The argv prefix that runs Node.js through the shim's loader and libraries:
 * `[loader, '--library-path', libDir, node]`. Pass it as `command` to `startLocalChroma`, or
 * run any Node.js script after it.
 * @param shim - a shim from {@link prepareGlibcShim}
 * @param node - the Node.js executable (default: `process.execPath`)
 * @returns a new array, safe to extend
 */
export function glibcShimCommand(
  shim: Pick<GlibcShim, 'loader' | 'libDir'>,
  node: string = process.execPath,
): string[] {
  return [shim.loader, '--library-path', shim.libDir, node];
}
