/**
 * What the glibc shim is made of and where it lives: the Debian release and packages it
 * takes, the names Debian gives this machine's architecture, and the default cache folder.
 * Chroma's native binding needs glibc >= 2.38; Debian 13 ("trixie") ships 2.41, with a
 * libstdc++ new enough for the binding's C++ symbols too.
 */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { GlibcShimError } from './errors.js';

/** The Debian release the shim's packages come from. */
export const GLIBC_SHIM_SUITE = 'trixie';

/** The Debian packages the shim is unpacked from: the C library, libstdc++ and libgcc. */
export const GLIBC_SHIM_PACKAGES: readonly string[] = ['libc6', 'libstdc++6', 'libgcc-s1'];

/** The Debian mirror the packages are fetched from unless `mirror` says otherwise. */
export const DEFAULT_GLIBC_SHIM_MIRROR = 'http://deb.debian.org/debian';

/** The keyring apt checks the mirror's signed index against unless `keyring` says otherwise. */
export const DEFAULT_GLIBC_SHIM_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

/**
 * The file written into a shim folder once it is complete; a folder without it is never
 * used. Putting it in a folder unpacked by hand makes the package reuse that folder.
 */
export const GLIBC_SHIM_COMPLETE_MARKER = '.complete';

/** Debian's names for one CPU architecture. */
export interface GlibcShimArch {
  /** The Debian architecture, e.g. `amd64`. */
  readonly deb: string;
  /** The multiarch triplet naming the library folder, e.g. `x86_64-linux-gnu`. */
  readonly triplet: string;
  /** The dynamic loader's file name, e.g. `ld-linux-x86-64.so.2`. */
  readonly loader: string;
}

const ARCHES: Readonly<Record<string, GlibcShimArch>> = {
  x64: { deb: 'amd64', triplet: 'x86_64-linux-gnu', loader: 'ld-linux-x86-64.so.2' },
  arm64: { deb: 'arm64', triplet: 'aarch64-linux-gnu', loader: 'ld-linux-aarch64.so.1' },
};

/**
 * Debian's names for a Node.js platform and architecture, or `undefined` where the shim
 * does not apply (not Linux, or a CPU Chroma ships no Linux binding for).
 * @internal
 */
export const glibcShimArchOf = (
  platform: NodeJS.Platform | string,
  arch: string,
): GlibcShimArch | undefined => (platform === 'linux' ? ARCHES[arch] : undefined);

/**
 * Debian's names for this machine.
 * @throws {GlibcShimError} `unsupported-platform` when the shim does not apply here
 * @internal
 */
export const glibcShimArch = (
  platform: NodeJS.Platform | string = process.platform,
  arch: string = process.arch,
): GlibcShimArch => {
  const known = glibcShimArchOf(platform, arch);
  if (known === undefined) {
    throw new GlibcShimError(
      `No glibc shim for ${platform}-${arch}: the shim is Debian's Linux C library, for Linux on x64 or arm64 only. On this system Chroma's native binding has to load as it is; otherwise use a remote Chroma server.`,
      { reason: 'unsupported-platform', context: { platform, arch } },
    );
  }
  return known;
};

/**
 * The cache folder used when `cacheDir` is not given: `$XDG_CACHE_HOME/receipt-chroma/glibc-shim`
 * when `XDG_CACHE_HOME` is an absolute path, otherwise `~/.cache/receipt-chroma/glibc-shim`.
 * @param env - the environment to read `XDG_CACHE_HOME` from
 * @returns the absolute path of the folder (it may not exist yet)
 */
export function defaultGlibcShimCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env['XDG_CACHE_HOME'];
  const base = xdg !== undefined && isAbsolute(xdg) ? xdg : join(homedir(), '.cache');
  return join(base, 'receipt-chroma', 'glibc-shim');
}

/**
 * The folder, inside a cache folder, that holds the shim for one architecture, e.g.
 * `<cacheDir>/trixie-amd64`.
 * @internal
 */
export const glibcShimFolder = (cacheDir: string, arch: GlibcShimArch): string =>
  join(cacheDir, `${GLIBC_SHIM_SUITE}-${arch.deb}`);

/**
 * The library folder (`<folder>/usr/lib/<triplet>`) and loader of a shim folder.
 * @internal
 */
export const glibcShimFiles = (
  folder: string,
  arch: GlibcShimArch,
): { readonly libDir: string; readonly loader: string } => {
  const libDir = join(folder, 'usr', 'lib', arch.triplet);
  return { libDir, loader: join(libDir, arch.loader) };
};
