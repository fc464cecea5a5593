import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ChromaClient } from 'chromadb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GlibcShimError, LocalChromaStartError } from '../../../../src/adapters/chroma/errors.js';
import { glibcShimArch } from '../../../../src/adapters/chroma/glibcShimPlatform.js';
import { openSnapshot } from '../../../../src/adapters/chroma/openSnapshot.js';
import { resolveChromaCli } from '../../../../src/adapters/chroma/resolveChromaCli.js';
import {
  type StartLocalChromaOptions,
  startLocalChroma,
} from '../../../../src/adapters/chroma/startLocalChroma.js';
import { ChromaCompactionError } from '../../../../src/errors.js';
import { SnapshotError } from '../../../../src/snapshots/errors.js';
import { fakeApt, fakeNode, fakeNodeCalls } from '../../../helpers/fakeGlibcShim.js';

/**
 * A stand-in for `chroma run`: answers `GET /api/v2/heartbeat` on the `--host`/`--port` it is
 * given, records its pid, arguments and the signals it gets, and exits on SIGINT unless
 * told to ignore it. Run as `node -e FAKE_SERVER <args>`.
 */
const FAKE_SERVER = `
const fs = require('node:fs');
const http = require('node:http');
const args = process.argv.slice(1);
const record = process.env.FAKE_RECORD;
fs.writeFileSync(record, JSON.stringify({ pid: process.pid, args }));
const port = Number(args[args.indexOf('--port') + 1]);
const host = args[args.indexOf('--host') + 1];
const server = http.createServer((request, response) => {
  response.writeHead(request.url === '/api/v2/heartbeat' ? 200 : 404, { 'content-type': 'application/json' });
  response.end('{"nanosecond heartbeat":1}');
});
server.listen(port, host, () => {
  process.stdout.write('fake server stdout\\n');
  process.stderr.write('fake server stderr\\n');
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    fs.appendFileSync(record + '.signals', signal + '\\n');
    if (signal === 'SIGINT' && !process.env.FAKE_IGNORE_SIGINT) process.exit(0);
  });
}
`;

/** A process that records its pid, then runs until killed without ever listening. */
const SILENT_SERVER = `
require('node:fs').writeFileSync(process.env.FAKE_RECORD, JSON.stringify({ pid: process.pid, args: [] }));
setInterval(() => {}, 1000);
`;

/** The load error Node.js prints when the binding needs a newer glibc than the system's. */
const GLIBC_ERROR =
  "Error: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found (required by /app/node_modules/chromadb-js-bindings-linux-x64-gnu/chromadb-js-bindings.linux-x64-gnu.node)";

let dir: string;
let record: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'start-local-chroma-unit-'));
  record = join(dir, 'record.json');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const recorded = (): { pid: number; args: string[] } =>
  JSON.parse(readFileSync(record, 'utf8')) as { pid: number; args: string[] };

const signals = (): string =>
  existsSync(`${record}.signals`) ? readFileSync(`${record}.signals`, 'utf8') : '';

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Options running `script` with `node -e`, the CLI script left out. */
const fake = (
  script: string,
  overrides: Partial<StartLocalChromaOptions> = {},
  env: Record<string, string> = {},
): StartLocalChromaOptions => ({
  path: join(dir, 'data'),
  command: [process.execPath, '-e', script],
  cliPath: false,
  env: { ...process.env, FAKE_RECORD: record, ...env },
  ...overrides,
});

/**
 * Options running FAKE_SERVER as the CLI script (`cliPath`), with no `command`: for the
 * `glibcShim` option, which builds the command itself.
 */
const fakeCli = (overrides: Partial<StartLocalChromaOptions> = {}): StartLocalChromaOptions => {
  const cliPath = join(dir, 'fake-server.cjs');
  writeFileSync(cliPath, FAKE_SERVER);
  return {
    path: join(dir, 'data'),
    cliPath,
    env: { ...process.env, FAKE_RECORD: record },
    ...overrides,
  };
};

/** Runs `script` as a process that prints `stderr` and exits with `code`. */
const failing = (stderr: string, code: number): string =>
  `process.stderr.write(${JSON.stringify(`${stderr}\n`)}); process.exit(${code});`;

const startFailure = async (options: StartLocalChromaOptions): Promise<LocalChromaStartError> => {
  const error = await startLocalChroma(options).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(LocalChromaStartError);
  return error as LocalChromaStartError;
};

describe('Function: startLocalChroma', { timeout: 30_000 }, () => {
  it('runs the command with the run arguments and resolves once the heartbeat answers', async () => {
    // Prepare
    const options = fake(FAKE_SERVER);

    // Act
    const chroma = await startLocalChroma(options);

    // Assess
    try {
      const { pid, args } = recorded();
      expect(args).toEqual([
        'run',
        '--path',
        resolve(dir, 'data'),
        '--port',
        String(chroma.port),
        '--host',
        '127.0.0.1',
      ]);
      expect(chroma.pid).toBe(pid);
      expect(chroma.url).toBe(`http://127.0.0.1:${chroma.port}`);
      expect(chroma.command).toEqual([process.execPath, '-e', FAKE_SERVER, ...args]);
      expect(chroma.client).toBeInstanceOf(ChromaClient);
    } finally {
      await chroma.stop();
    }
  });

  it('puts the chromadb CLI script after the command by default', async () => {
    // Prepare
    const options = fake(FAKE_SERVER, { cliPath: undefined });

    // Act
    const chroma = await startLocalChroma(options);
    await chroma.stop();

    // Assess
    const cli = resolveChromaCli();
    expect(cli).toMatch(/chromadb[/\\]dist[/\\]cli\.mjs$/);
    expect(recorded().args.slice(0, 2)).toEqual([cli, 'run']);
  });

  it('listens on the given port and host', async () => {
    // Prepare
    const probe = await startLocalChroma(fake(FAKE_SERVER));
    const port = probe.port;
    await probe.stop();

    // Act
    const chroma = await startLocalChroma(fake(FAKE_SERVER, { port, host: 'localhost' }));
    await chroma.stop();

    // Assess
    expect(chroma.url).toBe(`http://localhost:${port}`);
    expect(recorded().args.slice(-4)).toEqual(['--port', String(port), '--host', 'localhost']);
  });

  it('stops with SIGINT, never SIGTERM, and returns the same promise when called again', async () => {
    // Prepare
    const chroma = await startLocalChroma(fake(FAKE_SERVER));

    // Act
    const first = chroma.stop();
    const second = chroma.stop();
    await first;

    // Assess
    expect(second).toBe(first);
    expect(signals()).toBe('SIGINT\n');
    expect(isAlive(chroma.pid)).toBe(false);
    await expect(chroma.stop()).resolves.toEqual({ code: 0, signal: null });
  });

  it('kills a server that ignores SIGINT once stopTimeoutMs has passed', async () => {
    // Prepare
    const options = fake(FAKE_SERVER, { stopTimeoutMs: 200 }, { FAKE_IGNORE_SIGINT: '1' });
    const chroma = await startLocalChroma(options);

    // Act
    const exit = await chroma.stop();

    // Assess
    expect(signals()).toBe('SIGINT\n');
    expect(isAlive(chroma.pid)).toBe(false);
    expect(exit.signal).toBe('SIGKILL');
  });

  it('has openSnapshot refuse a directory whose server had to be killed', async () => {
    // Prepare
    const { path, ...server } = fake(
      FAKE_SERVER,
      { stopTimeoutMs: 200 },
      { FAKE_IGNORE_SIGINT: '1' },
    );
    const snapshot = await openSnapshot(path, server);

    // Act
    const error = await snapshot.close().catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(SnapshotError);
    expect((error as Error).message).toContain('do not publish');
  });

  it('sends SIGINT to a running server when the process exits', async () => {
    // Prepare
    const before = new Set(process.listeners('exit'));
    const chroma = await startLocalChroma(fake(FAKE_SERVER));
    const added = process.listeners('exit').filter((listener) => !before.has(listener));

    // Act
    for (const listener of added) listener.call(process, 0);
    await chroma.stop();

    // Assess
    expect(added).toHaveLength(1);
    expect(signals()).toBe('SIGINT\n');
    expect(process.listeners('exit')).toEqual([...before]);
  });

  it("appends the server's output to logFile", async () => {
    // Prepare
    const logFile = join(dir, 'logs', 'chroma.log');
    const chroma = await startLocalChroma(fake(FAKE_SERVER, { logFile }));

    // Act
    await chroma.stop();

    // Assess
    const log = readFileSync(logFile, 'utf8');
    const header = `$ ${chroma.command.join(' ')}\n`;
    expect(log.slice(0, header.length)).toBe(header);
    expect(log).toContain('fake server stdout\n');
    expect(log).toContain('fake server stderr\n');
  });

  it('rejects with reason native-binding when the binding needs a newer glibc', async () => {
    // Prepare
    const options = fake(failing(GLIBC_ERROR, 1), { startupTimeoutMs: 120_000 });

    // Act
    const error = await startFailure(options);

    // Assess
    expect(error).toBeInstanceOf(ChromaCompactionError);
    expect(error.name).toBe('LocalChromaStartError');
    expect(error.reason).toBe('native-binding');
    expect(error.exitCode).toBe(1);
    expect(error.stderrTail).toBe(GLIBC_ERROR);
    expect(error.command).toEqual(expect.arrayContaining(['run', '--path']));
    expect(error.message).toContain('GLIBC_2.38 not found');
    expect(error.message).toContain('glibc >= 2.38');
    expect(error.message).toContain('remote Chroma server');
    expect(error.message).toContain(GLIBC_ERROR);
  });

  it('gives the glibcShim option and the exact manual steps when the glibc is too old', async () => {
    // Prepare
    const options = fake(failing(GLIBC_ERROR, 1));
    const { deb, triplet, loader } = glibcShimArch();

    // Act
    const error = await startFailure(options);

    // Assess
    expect(error.message).toContain("on Debian or Ubuntu, pass glibcShim: 'auto'");
    expect(error.message).toContain('without apt (e.g. Amazon Linux 2023)');
    expect(error.message).toContain(
      `SHIM="\${XDG_CACHE_HOME:-$HOME/.cache}/receipt-chroma/glibc-shim/trixie-${deb}"`,
    );
    expect(error.message).toContain(
      `curl -fsSL https://deb.debian.org/debian/dists/trixie/main/binary-${deb}/Packages.gz | gunzip | awk`,
    );
    expect(error.message).toContain('p=="libc6"||p=="libstdc++6"||p=="libgcc-s1"');
    expect(error.message).toContain('curl -fsSLO "https://deb.debian.org/debian/$f"');
    expect(error.message).toContain(
      'for deb in *.deb; do ar x "$deb" data.tar.xz && tar -xf data.tar.xz && rm data.tar.xz "$deb"; done && touch .complete',
    );
    expect(error.message).toContain('dnf install -y binutils tar xz gzip gawk');
    expect(error.message).toContain(
      `command: ['<SHIM>/usr/lib/${triplet}/${loader}', '--library-path', '<SHIM>/usr/lib/${triplet}', process.execPath]`,
    );
  });

  it('rejects with reason native-binding without waiting for a process that stays up', async () => {
    // Prepare
    const script = `${SILENT_SERVER}process.stderr.write(${JSON.stringify(`${GLIBC_ERROR}\n`)});`;
    const options = fake(script, { startupTimeoutMs: 120_000 });

    // Act
    const error = await startFailure(options);

    // Assess
    expect(error.reason).toBe('native-binding');
    expect(isAlive(recorded().pid)).toBe(false);
  });

  it('rejects with reason native-binding when the binding package is missing', async () => {
    // Prepare
    const stderr = "Error: Cannot find module 'chromadb-js-bindings-linux-x64-gnu'";

    // Act
    const error = await startFailure(fake(failing(stderr, 1)));

    // Assess
    expect(error.reason).toBe('native-binding');
    expect(error.message).toContain('npm install chromadb-js-bindings-linux-x64-gnu');
  });

  it('rejects with reason exited and keeps the standard error without colours', async () => {
    // Prepare
    const stderr = '\u001b[31mError: address already in use\u001b[0m';

    // Act
    const error = await startFailure(fake(failing(stderr, 3), { logFile: join(dir, 'x.log') }));

    // Assess
    expect(error.reason).toBe('exited');
    expect(error.exitCode).toBe(3);
    expect(error.signal).toBeNull();
    expect(error.stderrTail).toBe('Error: address already in use');
    expect(error.message).toContain('exit code 3');
    expect(error.message).toContain(`Full output: ${join(dir, 'x.log')}`);
  });

  it('rejects with reason address-unavailable, before spawning, when the port is taken', async () => {
    // Prepare
    const taken = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    const { port } = taken.address() as AddressInfo;

    // Act
    const error = await startFailure(fake(FAKE_SERVER, { port })).finally(
      () => new Promise((done) => taken.close(done)),
    );

    // Assess
    expect(error.reason).toBe('address-unavailable');
    expect(error.message).toContain(`127.0.0.1:${port} (in use)`);
    expect(existsSync(record)).toBe(false);
  });

  it('rejects with reason address-unavailable when Chroma reports the address as taken', async () => {
    // Prepare
    const stderr = 'Address 127.0.0.1:8000 is not available';

    // Act
    const error = await startFailure(fake(failing(stderr, 0)));

    // Assess
    expect(error.reason).toBe('address-unavailable');
    expect(error.exitCode).toBe(0);
    expect(error.message).toContain('127.0.0.1:8000 (in use)');
  });

  it('rejects with reason spawn-failed when the executable does not exist', async () => {
    // Prepare
    const options = fake('', { command: [join(dir, 'no-such-node')] });

    // Act
    const error = await startFailure(options);

    // Assess
    expect(error.reason).toBe('spawn-failed');
    expect(error.message).toContain(join(dir, 'no-such-node'));
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('rejects with reason spawn-failed when the command is empty', async () => {
    // Act
    const error = await startFailure(fake('', { command: [] }));

    // Assess
    expect(error.reason).toBe('spawn-failed');
  });

  it('rejects with reason timeout and stops a server whose heartbeat never answers', async () => {
    // Prepare
    const options = fake(SILENT_SERVER, { startupTimeoutMs: 2_000, stopTimeoutMs: 5_000 });

    // Act
    const error = await startFailure(options);

    // Assess
    expect(error.reason).toBe('timeout');
    expect(error.message).toContain('within 2000 ms');
    expect(isAlive(recorded().pid)).toBe(false);
  });
  it("starts Node.js through the glibc shim with glibcShim where the glibc is too old ('auto')", async () => {
    // Prepare
    const node = fakeNode(dir, 'glibc');
    const apt = fakeApt();
    const options = fakeCli({ glibcShim: { node, cacheDir: join(dir, 'shim'), run: apt.run } });

    // Act
    const chroma = await startLocalChroma(options);
    await chroma.stop();

    // Assess
    const { triplet, loader } = glibcShimArch();
    const libDir = join(dir, 'shim', `trixie-${glibcShimArch().deb}`, 'usr', 'lib', triplet);
    expect(chroma.command.slice(0, 5)).toEqual([
      join(libDir, loader),
      '--library-path',
      libDir,
      node,
      join(dir, 'fake-server.cjs'),
    ]);
    // A script run by file sees itself first, then its arguments.
    expect(recorded().args.slice(0, 2)).toEqual([join(dir, 'fake-server.cjs'), 'run']);
    expect(apt.calls).not.toEqual([]);
  });

  it("starts Node.js directly with glibcShim where the binding loads ('auto')", async () => {
    // Prepare
    const node = fakeNode(dir, 'loads');
    const apt = fakeApt();

    // Act
    const chroma = await startLocalChroma(
      fakeCli({ glibcShim: { node, cacheDir: join(dir, 'shim'), run: apt.run } }),
    );
    await chroma.stop();

    // Assess
    expect(chroma.command.slice(0, 3)).toEqual([node, join(dir, 'fake-server.cjs'), 'run']);
    expect(apt.calls).toEqual([]);
  });

  it('has openSnapshot pass glibcShim on', async () => {
    // Prepare
    const node = fakeNode(dir, 'glibc');
    const { path, ...server } = fakeCli({
      glibcShim: { node, cacheDir: join(dir, 'shim'), run: fakeApt().run },
    });

    // Act
    const snapshot = await openSnapshot(path, server);
    await snapshot.close();

    // Assess
    expect(fakeNodeCalls(node)).toEqual(['-e', '-e', join(dir, 'fake-server.cjs')]);
  });

  it('rejects with reason invalid-options, starting nothing, when given command and glibcShim', async () => {
    // Prepare
    const options = fake(FAKE_SERVER, { glibcShim: 'auto' });

    // Act
    const error = await startFailure(options);

    // Assess
    expect(error.reason).toBe('invalid-options');
    expect(error.message).toContain('Pass either `command` or `glibcShim`, not both');
    expect(error.command).toEqual(options.command);
    expect(existsSync(record)).toBe(false);
  });

  it('rejects with the GlibcShimError when the shim is needed and cannot be prepared', async () => {
    // Prepare
    const node = fakeNode(dir, 'glibc');
    const enoent = Object.assign(new Error('spawn apt-get ENOENT'), { code: 'ENOENT' });
    const apt = fakeApt({ results: { update: { code: null, output: '', error: enoent } } });

    // Act
    const error = await startLocalChroma(
      fakeCli({ glibcShim: { node, cacheDir: join(dir, 'shim'), run: apt.run } }),
    ).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(GlibcShimError);
    expect((error as GlibcShimError).reason).toBe('missing-tool');
    expect(existsSync(record)).toBe(false);
  });
});
