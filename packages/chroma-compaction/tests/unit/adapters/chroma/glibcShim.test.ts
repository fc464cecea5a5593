import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GlibcShimError } from '../../../../src/adapters/chroma/errors.js';
import { glibcShimCommand, prepareGlibcShim } from '../../../../src/adapters/chroma/glibcShim.js';
import { spawnGlibcShimCommand } from '../../../../src/adapters/chroma/glibcShimApt.js';
import {
  defaultGlibcShimCacheDir,
  glibcShimArch,
} from '../../../../src/adapters/chroma/glibcShimPlatform.js';
import { ChromaCompactionError } from '../../../../src/errors.js';
import { aptOption, fakeApt } from '../../../helpers/fakeGlibcShim.js';

const arch = glibcShimArch();

let dir: string;
let cacheDir: string;
let keyring: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'glibc-shim-unit-'));
  cacheDir = join(dir, 'cache');
  keyring = join(dir, 'debian-archive-keyring.gpg');
  writeFileSync(keyring, 'keys');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The error `promise` rejects with; fails the test when it resolves. */
const rejection = async (promise: Promise<unknown>): Promise<GlibcShimError> => {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(GlibcShimError);
  return error as GlibcShimError;
};

describe('Function: prepareGlibcShim', () => {
  it('downloads the three packages with a private apt configuration and unpacks them with dpkg -x', async () => {
    // Prepare
    const apt = fakeApt();

    // Act
    const shim = await prepareGlibcShim({ cacheDir, keyring, run: apt.run });

    // Assess
    const target = join(cacheDir, `trixie-${arch.deb}`);
    expect(shim).toEqual({
      dir: target,
      libDir: join(target, 'usr', 'lib', arch.triplet),
      loader: join(target, 'usr', 'lib', arch.triplet, arch.loader),
      downloaded: true,
    });
    expect(existsSync(shim.loader)).toBe(true);
    expect(readFileSync(join(target, '.complete'), 'utf8')).toBe(
      'libc6 libstdc++6 libgcc-s1 from http://deb.debian.org/debian trixie\n',
    );
    expect(readdirSync(cacheDir)).toEqual([`trixie-${arch.deb}`]);

    const [update, download, ...dpkg] = apt.calls;
    expect(update?.file).toBe('apt-get');
    expect(update?.args.slice(-2)).toEqual(['-q', 'update']);
    expect(update?.sourcesList).toBe(
      `deb [signed-by=${keyring}] http://deb.debian.org/debian trixie main\n`,
    );
    const staging = update?.cwd ?? '';
    expect(staging.startsWith(join(cacheDir, '.staging-'))).toBe(true);
    for (const name of [
      'Dir::Etc::SourceList',
      'Dir::Etc::SourceParts',
      'Dir::Etc::Preferences',
      'Dir::Etc::PreferencesParts',
      'Dir::State',
      'Dir::State::Lists',
      'Dir::State::status',
      'Dir::Cache',
    ]) {
      expect(aptOption(update?.args ?? [], name)?.startsWith(`${staging}/`)).toBe(true);
    }
    expect(update?.args).toEqual(
      expect.arrayContaining(['Debug::NoLocking=1', `APT::Architectures=${arch.deb}`]),
    );
    expect(download?.args.slice(-4)).toEqual(['download', 'libc6', 'libstdc++6', 'libgcc-s1']);
    expect(download?.cwd).toBe(join(staging, 'debs'));
    expect(dpkg.map((call) => [call.file, ...call.args])).toEqual(
      ['libc6', 'libgcc-s1', 'libstdc++6'].map((pkg) => [
        'dpkg',
        '-x',
        join(staging, 'debs', `${pkg}_1.0_${arch.deb}.deb`),
        join(staging, 'root'),
      ]),
    );
  });

  it('names no keyring in the sources list when the keyring file does not exist', async () => {
    // Prepare
    const apt = fakeApt();

    // Act
    await prepareGlibcShim({
      cacheDir,
      keyring: join(dir, 'missing.gpg'),
      mirror: 'http://mirror.example/debian',
      run: apt.run,
    });

    // Assess
    expect(apt.calls[0]?.sourcesList).toBe('deb http://mirror.example/debian trixie main\n');
  });

  it('reuses a complete shim without running anything', async () => {
    // Prepare
    const first = await prepareGlibcShim({ cacheDir, keyring, run: fakeApt().run });
    const apt = fakeApt();

    // Act
    const second = await prepareGlibcShim({ cacheDir, keyring, run: apt.run });

    // Assess
    expect(second).toEqual({ ...first, downloaded: false });
    expect(apt.calls).toEqual([]);
  });

  it('reuses a folder unpacked by hand once it has the completion marker', async () => {
    // Prepare
    const target = join(cacheDir, `trixie-${arch.deb}`);
    mkdirSync(join(target, 'usr', 'lib', arch.triplet), { recursive: true });
    writeFileSync(join(target, '.complete'), '');
    const apt = fakeApt();

    // Act
    const shim = await prepareGlibcShim({ cacheDir, run: apt.run });

    // Assess
    expect(shim.dir).toBe(target);
    expect(shim.downloaded).toBe(false);
    expect(apt.calls).toEqual([]);
  });

  it('downloads once when called twice at the same time in one process', async () => {
    // Prepare
    const apt = fakeApt();

    // Act
    const shims = await Promise.all([
      prepareGlibcShim({ cacheDir, keyring, run: apt.run }),
      prepareGlibcShim({ cacheDir, keyring, run: apt.run }),
    ]);

    // Assess
    expect(apt.calls.filter((call) => call.args.includes('update'))).toHaveLength(1);
    expect(shims.map((shim) => shim.downloaded).sort()).toEqual([false, true]);
    expect(shims[0]?.dir).toBe(shims[1]?.dir);
  });

  it("uses another process's copy when that one was moved into place first", async () => {
    // Prepare
    const target = join(cacheDir, `trixie-${arch.deb}`);
    const apt = fakeApt({
      beforeDpkg: () => {
        mkdirSync(join(target, 'usr', 'lib', arch.triplet), { recursive: true });
        writeFileSync(join(target, '.complete'), 'the other process\n');
      },
    });

    // Act
    const shim = await prepareGlibcShim({ cacheDir, keyring, run: apt.run });

    // Assess
    expect(shim.dir).toBe(target);
    expect(shim.downloaded).toBe(false);
    expect(readFileSync(join(target, '.complete'), 'utf8')).toBe('the other process\n');
    expect(readdirSync(cacheDir)).toEqual([`trixie-${arch.deb}`]);
  });

  it('refuses a left-over folder without the completion marker, naming it', async () => {
    // Prepare
    const target = join(cacheDir, `trixie-${arch.deb}`);
    mkdirSync(join(target, 'usr'), { recursive: true });

    // Act
    const error = await rejection(prepareGlibcShim({ cacheDir, keyring, run: fakeApt().run }));

    // Assess
    expect(error.reason).toBe('unpack-failed');
    expect(error.message).toContain(`Cannot move the glibc shim into ${target}`);
    expect(error.message).toContain('Delete that folder');
    expect(readdirSync(cacheDir)).toEqual([`trixie-${arch.deb}`]);
  });

  it('rejects with missing-tool and the manual steps when apt-get is not installed', async () => {
    // Prepare
    const enoent = Object.assign(new Error('spawn apt-get ENOENT'), { code: 'ENOENT' });
    const apt = fakeApt({ results: { update: { code: null, output: '', error: enoent } } });

    // Act
    const error = await rejection(prepareGlibcShim({ cacheDir, keyring, run: apt.run }));

    // Assess
    expect(error).toBeInstanceOf(ChromaCompactionError);
    expect(error.name).toBe('GlibcShimError');
    expect(error.reason).toBe('missing-tool');
    expect(error.cacheDir).toBe(cacheDir);
    expect(error.cause).toBe(enoent);
    expect(error.message).toContain('apt-get is not installed');
    expect(error.message).toContain('Install apt and dpkg');
    expect(error.message).toContain(
      `https://deb.debian.org/debian/dists/trixie/main/binary-${arch.deb}/Packages.gz`,
    );
    expect(error.message).toContain('ar x "$deb" data.tar.xz && tar -xf data.tar.xz');
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('rejects with missing-tool naming dpkg when dpkg is not installed', async () => {
    // Prepare
    const enoent = Object.assign(new Error('spawn dpkg ENOENT'), { code: 'ENOENT' });
    const apt = fakeApt({ results: { dpkg: { code: null, output: '', error: enoent } } });

    // Act
    const error = await rejection(prepareGlibcShim({ cacheDir, keyring, run: apt.run }));

    // Assess
    expect(error.reason).toBe('missing-tool');
    expect(error.message).toContain('dpkg is not installed');
  });

  it('rejects with download-failed when apt-get update writes no package index', async () => {
    // Prepare
    const apt = fakeApt({
      noIndex: true,
      results: {
        update: {
          code: 0,
          output: 'Err:1 http://deb.debian.org/debian trixie InRelease\n  Could not resolve host',
        },
      },
    });

    // Act
    const error = await rejection(
      prepareGlibcShim({ cacheDir, keyring, mirror: 'http://deb.debian.org/debian', run: apt.run }),
    );

    // Assess
    expect(error.reason).toBe('download-failed');
    expect(error.output).toContain('Could not resolve host');
    expect(error.message).toContain('apt-get update failed');
    expect(error.message).toContain('Could not resolve host');
    expect(error.message).toContain('allow HTTP access to http://deb.debian.org/debian');
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('names the keyring when apt does not trust the index signature', async () => {
    // Prepare
    const output =
      'W: GPG error: http://deb.debian.org/debian trixie InRelease: NO_PUBKEY 762F67A0B2C39DE4';
    const apt = fakeApt({ noIndex: true, results: { update: { code: 0, output } } });

    // Act
    const error = await rejection(prepareGlibcShim({ cacheDir, keyring, run: apt.run }));

    // Assess
    expect(error.reason).toBe('download-failed');
    expect(error.message).toContain('debian-archive-keyring');
    expect(error.message).toContain('pass keyring');
  });

  it('rejects with download-failed when apt-get download fails', async () => {
    // Prepare
    const output =
      'E: Failed to fetch http://deb.debian.org/debian/pool/main/g/glibc/libc6.deb 404';
    const apt = fakeApt({ results: { download: { code: 100, output } } });

    // Act
    const error = await rejection(prepareGlibcShim({ cacheDir, keyring, run: apt.run }));

    // Assess
    expect(error.reason).toBe('download-failed');
    expect(error.message).toContain('apt-get download failed');
    expect(error.message).toContain('404');
  });

  it('rejects with unpack-failed when the packages hold no loader', async () => {
    // Prepare
    const apt = fakeApt({ noLoader: true });

    // Act
    const error = await rejection(prepareGlibcShim({ cacheDir, keyring, run: apt.run }));

    // Assess
    expect(error.reason).toBe('unpack-failed');
    expect(error.message).toContain(`usr/lib/${arch.triplet}/${arch.loader}`);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('rejects with unpack-failed when dpkg -x fails', async () => {
    // Prepare
    const apt = fakeApt({
      results: { dpkg: { code: 2, output: 'dpkg-deb: error: No space left on device' } },
    });

    // Act
    const error = await rejection(prepareGlibcShim({ cacheDir, keyring, run: apt.run }));

    // Assess
    expect(error.reason).toBe('unpack-failed');
    expect(error.message).toContain('No space left on device');
  });
});

describe('Function: glibcShimArch', () => {
  it.each([
    ['linux', 'x64', 'amd64', 'x86_64-linux-gnu', 'ld-linux-x86-64.so.2'],
    ['linux', 'arm64', 'arm64', 'aarch64-linux-gnu', 'ld-linux-aarch64.so.1'],
  ])('names %s-%s as Debian does', (platform, cpu, deb, triplet, loader) => {
    // Act
    const names = glibcShimArch(platform, cpu);

    // Assess
    expect(names).toEqual({ deb, triplet, loader });
  });

  it.each([
    ['darwin', 'arm64'],
    ['linux', 'ia32'],
    ['win32', 'x64'],
  ])('throws unsupported-platform on %s-%s', (platform, cpu) => {
    // Act
    const act = (): unknown => glibcShimArch(platform, cpu);

    // Assess
    expect(act).toThrow(GlibcShimError);
    expect(act).toThrow(`No glibc shim for ${platform}-${cpu}`);
  });
});

describe('Function: defaultGlibcShimCacheDir', () => {
  it('uses XDG_CACHE_HOME when it is an absolute path', () => {
    // Act
    const cache = defaultGlibcShimCacheDir({ XDG_CACHE_HOME: '/var/cache/me' });

    // Assess
    expect(cache).toBe('/var/cache/me/receipt-chroma/glibc-shim');
  });

  it.each([undefined, '', 'relative/cache'])('uses ~/.cache when XDG_CACHE_HOME is %j', (xdg) => {
    // Act
    const cache = defaultGlibcShimCacheDir({ XDG_CACHE_HOME: xdg });

    // Assess
    expect(cache).toBe(join(homedir(), '.cache', 'receipt-chroma', 'glibc-shim'));
  });
});

describe('Function: glibcShimCommand', () => {
  it('runs Node.js through the loader with the shim libraries first', () => {
    // Prepare
    const shim = { loader: '/shim/lib/ld.so', libDir: '/shim/lib' };

    // Act
    const withDefault = glibcShimCommand(shim);
    const withNode = glibcShimCommand(shim, '/opt/node/bin/node');

    // Assess
    expect(withDefault).toEqual([
      '/shim/lib/ld.so',
      '--library-path',
      '/shim/lib',
      process.execPath,
    ]);
    expect(withNode).toEqual([
      '/shim/lib/ld.so',
      '--library-path',
      '/shim/lib',
      '/opt/node/bin/node',
    ]);
  });
});

describe('Function: spawnGlibcShimCommand', () => {
  it('resolves with the exit code and both output streams', async () => {
    // Act
    const result = await spawnGlibcShimCommand(
      'sh',
      ['-c', 'echo out; echo err >&2; pwd; exit 3'],
      {
        cwd: dir,
        env: process.env,
      },
    );

    // Assess
    expect(result.code).toBe(3);
    expect(result.error).toBeUndefined();
    expect(result.output).toContain('out\n');
    expect(result.output).toContain('err\n');
    expect(result.output).toContain(dir);
  });

  it('resolves with an ENOENT error when the command is not installed', async () => {
    // Act
    const result = await spawnGlibcShimCommand(join(dir, 'no-such-apt-get'), [], {
      cwd: dir,
      env: process.env,
    });

    // Assess
    expect(result.code).toBeNull();
    expect(result.error?.code).toBe('ENOENT');
  });
});
