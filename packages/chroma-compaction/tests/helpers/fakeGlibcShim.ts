import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type {
  GlibcShimCommandResult,
  GlibcShimRunner,
} from '../../src/adapters/chroma/glibcShimApt.js';
import { glibcShimArch } from '../../src/adapters/chroma/glibcShimPlatform.js';

/** One command the fake ran. */
export interface FakeAptCall {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** For `apt-get update`: the private sources list as it was when apt read it. */
  readonly sourcesList?: string;
}

/** How the fake apt and dpkg behave; each override replaces one step's result. */
export interface FakeAptOptions {
  /** Replaces the result of `apt-get <args[0]>` (`update`, `download`) or `dpkg`. */
  readonly results?: Partial<Record<'update' | 'download' | 'dpkg', GlibcShimCommandResult>>;
  /** `apt-get update` succeeds but writes no package index (as when a fetch fails). */
  readonly noIndex?: boolean;
  /** `dpkg -x` leaves out the loader. */
  readonly noLoader?: boolean;
  /** The loader does not make the binding load (it runs the command without the shim's mark). */
  readonly brokenLoader?: boolean;
  /** Runs before each `dpkg -x`, e.g. to play another process finishing first. */
  readonly beforeDpkg?: () => void;
}

/** A fake apt-get and dpkg, and the commands it ran. */
export interface FakeApt {
  readonly run: GlibcShimRunner;
  readonly calls: FakeAptCall[];
}

const OK: GlibcShimCommandResult = { code: 0, output: '' };

/** The value of `-o Name=value` in an apt-get argv. */
export const aptOption = (args: readonly string[], name: string): string | undefined =>
  args.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);

/**
 * A loader standing in for the shim's `ld-linux`: drops `--library-path DIR`, then runs the
 * rest with `FAKE_SHIMMED=1` set (what a {@link fakeNode} checks to tell it is shimmed).
 */
const fakeLoader = (marked: boolean): string =>
  `#!/bin/sh\nshift 2\n${marked ? 'FAKE_SHIMMED=1 ' : ''}exec "$@"\n`;

/** The `GLIBC_2.38' not found` error Node.js prints when the binding needs a newer glibc. */
export const GLIBC_LOAD_ERROR =
  "Error: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found (required by /app/node_modules/chromadb-js-bindings-linux-x64-gnu/chromadb-js-bindings.linux-x64-gnu.node)";

/**
 * Writes an executable standing in for Node.js into `dir` and returns its path. Every run
 * appends its first argument (`-e` for a load check, else the script) to `<path>.calls`. Asked to load the binding
 * (`-e require(...)`), it behaves as `binding` says: `loads`, `glibc` (too old unless run
 * through a fake shim loader), or `missing` (the binding package is not installed). Any
 * other run is handed to the real Node.js.
 */
export const fakeNode = (dir: string, binding: 'loads' | 'glibc' | 'missing'): string => {
  const path = join(dir, `fake-node-${binding}`);
  const failure =
    binding === 'loads'
      ? 'exit 0'
      : binding === 'glibc'
        ? `[ -n "$FAKE_SHIMMED" ] && exit 0\necho ${JSON.stringify(GLIBC_LOAD_ERROR).replaceAll('`', '\\`')} >&2\nexit 1`
        : `echo "Error: Cannot find module 'chromadb-js-bindings-linux-x64-gnu'" >&2\nexit 1`;
  writeFileSync(
    path,
    [
      '#!/bin/sh',
      `echo "$1" >> "${path}.calls"`,
      'if [ "$1" = "-e" ]; then',
      failure,
      'fi',
      `exec ${JSON.stringify(process.execPath)} "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(path, 0o755);
  return path;
};

/** The first argument of each run of a {@link fakeNode}, in order. */
export const fakeNodeCalls = (node: string): string[] =>
  existsSync(`${node}.calls`)
    ? readFileSync(`${node}.calls`, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
    : [];

/**
 * A fake apt-get and dpkg: `update` writes a package index where the private configuration
 * says, `download` writes one `.deb` per package into its working directory, `dpkg -x`
 * unpacks a `.deb` into a few files (for `libc6`: an executable fake loader).
 */
export const fakeApt = (options: FakeAptOptions = {}): FakeApt => {
  const calls: FakeAptCall[] = [];
  const arch = glibcShimArch();
  const run: GlibcShimRunner = async (file, args, { cwd }) => {
    if (file === 'dpkg') {
      calls.push({ file, args, cwd });
      options.beforeDpkg?.();
      if (options.results?.dpkg !== undefined) return options.results.dpkg;
      const [, deb = '', root = ''] = args;
      const libDir = join(root, 'usr', 'lib', arch.triplet);
      mkdirSync(libDir, { recursive: true });
      const pkg = basename(deb).split('_')[0] ?? '';
      writeFileSync(join(libDir, `${pkg}.so`), pkg);
      if (pkg === 'libc6' && !options.noLoader) {
        writeFileSync(join(libDir, arch.loader), fakeLoader(!options.brokenLoader));
        chmodSync(join(libDir, arch.loader), 0o755);
      }
      return OK;
    }
    const command = args.find((arg) => arg === 'update' || arg === 'download') ?? '';
    const sourcesPath = aptOption(args, 'Dir::Etc::SourceList');
    const sourcesList = sourcesPath === undefined ? '' : readFileSync(sourcesPath, 'utf8');
    calls.push({ file, args, cwd, ...(command === 'update' ? { sourcesList } : {}) });
    const result = options.results?.[command as 'update' | 'download'];
    if (result !== undefined) return result;
    if (command === 'update' && !options.noIndex) {
      const lists = aptOption(args, 'Dir::State::Lists') ?? '';
      writeFileSync(
        join(lists, `deb.debian.org_debian_dists_trixie_main_binary-${arch.deb}_Packages`),
        '',
      );
    }
    if (command === 'download') {
      for (const pkg of args.slice(args.indexOf('download') + 1)) {
        writeFileSync(join(cwd, `${pkg}_1.0_${arch.deb}.deb`), pkg);
      }
    }
    return { code: 0, output: `Get:1 fake ${command}` };
  };
  return { run, calls };
};
