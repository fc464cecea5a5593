/**
 * The shell steps that build the glibc shim by hand, for systems without apt and dpkg
 * (Amazon Linux 2023, Lambda images built from it): the file names are read from Debian's
 * package index, so the steps keep working when Debian updates a package. They fill the
 * same folder `prepareGlibcShim` uses by default and write its completion marker, so the
 * package then reuses the folder instead of downloading. Each line but the last ends with
 * `&&`, so the steps also work pasted as one line (as a one-line error report shows them).
 */
import {
  GLIBC_SHIM_COMPLETE_MARKER,
  GLIBC_SHIM_PACKAGES,
  GLIBC_SHIM_SUITE,
  type GlibcShimArch,
  glibcShimArchOf,
} from './glibcShimPlatform.js';

const HTTPS_MIRROR = 'https://deb.debian.org/debian';
const AMD64: GlibcShimArch = {
  deb: 'amd64',
  triplet: 'x86_64-linux-gnu',
  loader: 'ld-linux-x86-64.so.2',
};

/**
 * The manual steps as shell lines, for one architecture (this machine's where the shim
 * applies, otherwise amd64), followed by how to start Chroma with the result.
 * @internal
 */
export const glibcShimManualSteps = (
  arch: GlibcShimArch = glibcShimArchOf(process.platform, process.arch) ?? AMD64,
): string => {
  const folder = `\${XDG_CACHE_HOME:-$HOME/.cache}/receipt-chroma/glibc-shim/${GLIBC_SHIM_SUITE}-${arch.deb}`;
  const wanted = GLIBC_SHIM_PACKAGES.map((name) => `p=="${name}"`).join('||');
  const libDir = `<SHIM>/usr/lib/${arch.triplet}`;
  return [
    `  SHIM="${folder}"; mkdir -p "$SHIM" && cd "$SHIM" &&`,
    `  curl -fsSL ${HTTPS_MIRROR}/dists/${GLIBC_SHIM_SUITE}/main/binary-${arch.deb}/Packages.gz | gunzip | awk '/^Package: /{p=$2} /^Filename: /{if (${wanted}) print $2}' | while read -r f; do curl -fsSLO "${HTTPS_MIRROR}/$f"; done &&`,
    `  for deb in *.deb; do ar x "$deb" data.tar.xz && tar -xf data.tar.xz && rm data.tar.xz "$deb"; done && touch ${GLIBC_SHIM_COMPLETE_MARKER}`,
    `(needs curl, gzip, awk, ar, tar and xz; on Amazon Linux 2023: dnf install -y binutils tar xz gzip gawk), then pass glibcShim: true (it finds that folder and downloads nothing; where SHIM is elsewhere, e.g. in a Lambda layer, pass the folder above it as cacheDir), or command: ['${libDir}/${arch.loader}', '--library-path', '${libDir}', process.execPath]`,
  ].join('\n');
};
