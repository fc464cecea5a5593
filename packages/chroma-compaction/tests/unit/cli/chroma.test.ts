import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { prepareGlibcShim } from '../../../src/adapters/chroma/glibcShim.js';
import { glibcShimArch } from '../../../src/adapters/chroma/glibcShimPlatform.js';
import { runReceiptChroma, startCli } from '../../helpers/cliRun.js';
import { useTempRoot } from '../../helpers/snapshotTrees.js';

/**
 * `chroma start` against a stand-in for `chroma run` (tests/helpers/fakeChromaServer.mjs) that
 * ends as told, and `chroma shim` where the system does or does not need it. The real server:
 * tests/integration/cli/chroma.test.ts.
 */

const FAKE_CHROMA = fileURLToPath(new URL('../../helpers/fakeChromaServer.mjs', import.meta.url));
const chroma = { command: [process.execPath, FAKE_CHROMA], startupTimeoutMs: 20_000 };

const needsShim = vi.hoisted(() => ({ value: false }));
vi.mock('../../../src/adapters/chroma/glibcShimProbe.js', () => ({
  needsGlibcShim: async () => needsShim.value,
}));
// Fetching the shim runs apt-get (tests/unit/adapters/chroma/glibcShim*.test.ts); here only
// what the command prints after a fetch is checked.
vi.mock(import('../../../src/adapters/chroma/glibcShim.js'), async (importOriginal) => {
  const actual = await importOriginal();
  return { ...actual, prepareGlibcShim: vi.fn(actual.prepareGlibcShim) };
});

describe('receipt-chroma chroma start (a stand-in Chroma)', () => {
  const temp = useTempRoot('cli-chroma-start-');
  /** A persist directory whose server behaves as `config` says. */
  const persistDir = (config: Record<string, unknown>): string => {
    const path = join(temp.root, 'persist');
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, 'fake-chroma.json'), JSON.stringify(config));
    return path;
  };

  it('exits 1 with the exit code of a server that ends on its own', async () => {
    // Prepare
    const path = persistDir({ exit: { afterMs: 300, code: 3 } });

    // Act
    const run = await runReceiptChroma(['chroma', 'start', '--path', path], { chroma });

    // Assess
    expect(run.stdout).toMatch(/^Chroma is serving .* Ctrl-C stops it\.\n$/);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `receipt-chroma: the Chroma server on ${path} exited on its own (code 3)\n`,
    );
  });

  it('exits 1 when the server had to be killed to stop', async () => {
    // Prepare
    const path = persistDir({ onSigint: 'kill' });
    let stop = (): void => undefined;
    const stopRequested = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const { output, done } = startCli(['chroma', 'start', '--path', path, '--json'], {
      chroma,
      stop: stopRequested,
    });
    while (output.stdout === '') await new Promise((wake) => setTimeout(wake, 50));

    // Act
    stop();
    const run = await done;

    // Assess
    expect(output.json()).toMatchObject({ path });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `receipt-chroma: the Chroma server on ${path} did not shut down cleanly and was killed\n`,
    );
    expect(readFileSync(join(path, 'fake-chroma.log'), 'utf8')).toContain('"event":"SIGINT"');
  });
});

describe('receipt-chroma chroma shim (where the system needs it)', () => {
  const temp = useTempRoot('cli-chroma-shim-default-');
  const arch = glibcShimArch();

  afterEach(() => {
    needsShim.value = false;
    vi.unstubAllEnvs();
  });

  /** An unpacked shim where `$XDG_CACHE_HOME` puts it. */
  const cachedShim = (): string => {
    vi.stubEnv('XDG_CACHE_HOME', temp.root);
    const dir = join(temp.root, 'receipt-chroma', 'glibc-shim', `trixie-${arch.deb}`);
    mkdirSync(join(dir, 'usr', 'lib', arch.triplet), { recursive: true });
    writeFileSync(join(dir, '.complete'), '');
    return dir;
  };

  it('uses the shim in the user cache by default and says chroma start needs it', async () => {
    // Prepare: a system that needs the shim
    const dir = cachedShim();
    needsShim.value = true;

    // Act
    const table = await runReceiptChroma(['chroma', 'shim']);
    const json = await runReceiptChroma(['chroma', 'shim', '--json']);

    // Assess
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n').slice(0, 2)).toEqual([
      `The glibc shim is ready in ${dir}.`,
      "Chroma's native binding needs it on this system; `chroma start` uses it.",
    ]);
    expect(json.json()).toMatchObject({ dir, needed: true, downloaded: false });
  });

  it('says when it fetched the shim, and when this system does without it', async () => {
    // Prepare: a shim just fetched, on a system whose glibc is new enough
    const dir = cachedShim();
    const actual = await vi.importActual<
      typeof import('../../../src/adapters/chroma/glibcShim.js')
    >('../../../src/adapters/chroma/glibcShim.js');
    vi.mocked(prepareGlibcShim).mockImplementationOnce(async (options) => ({
      ...(await actual.prepareGlibcShim(options)),
      downloaded: true,
    }));

    // Act
    const run = await runReceiptChroma(['chroma', 'shim']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').slice(0, 2)).toEqual([
      `The glibc shim is downloaded into ${dir}.`,
      "Chroma's native binding loads without it on this system.",
    ]);
  });
});
