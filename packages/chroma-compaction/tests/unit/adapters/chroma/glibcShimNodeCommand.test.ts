import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GlibcShimError } from '../../../../src/adapters/chroma/errors.js';
import { glibcShimCommand } from '../../../../src/adapters/chroma/glibcShim.js';
import { chromaNodeCommand } from '../../../../src/adapters/chroma/glibcShimNodeCommand.js';
import { fakeApt, fakeNode, fakeNodeCalls } from '../../../helpers/fakeGlibcShim.js';

let dir: string;
let cacheDir: string;

beforeEach(() => {
  // A new cache folder per test: chromaNodeCommand remembers its answer per cache folder.
  dir = mkdtempSync(join(tmpdir(), 'glibc-shim-command-'));
  cacheDir = join(dir, 'cache');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('Function: chromaNodeCommand', () => {
  it("runs Node.js directly, downloading nothing, where the binding loads ('auto')", async () => {
    // Prepare
    const node = fakeNode(dir, 'loads');
    const apt = fakeApt();

    // Act
    const answer = await chromaNodeCommand({ node, cacheDir, run: apt.run });

    // Assess
    expect(answer).toEqual({ command: [node], shim: undefined });
    expect(apt.calls).toEqual([]);
    expect(existsSync(cacheDir)).toBe(false);
  });

  it("prepares the shim and runs Node.js through it where the glibc is too old ('auto')", async () => {
    // Prepare
    const node = fakeNode(dir, 'glibc');
    const apt = fakeApt();

    // Act
    const answer = await chromaNodeCommand({ node, cacheDir, run: apt.run });

    // Assess
    expect(answer.shim?.downloaded).toBe(true);
    expect(answer.shim?.dir.startsWith(cacheDir)).toBe(true);
    expect(answer.command).toEqual(
      glibcShimCommand(answer.shim ?? { loader: '', libDir: '' }, node),
    );
    expect(apt.calls.map((call) => call.file)).toEqual([
      'apt-get',
      'apt-get',
      'dpkg',
      'dpkg',
      'dpkg',
    ]);
    // Checked directly, then checked through the shim.
    expect(fakeNodeCalls(node)).toEqual(['-e', '-e']);
  });

  it("runs Node.js directly when the binding fails for a reason the shim does not fix ('auto')", async () => {
    // Prepare
    const node = fakeNode(dir, 'missing');
    const apt = fakeApt();

    // Act
    const answer = await chromaNodeCommand({ node, cacheDir, run: apt.run });

    // Assess
    expect(answer).toEqual({ command: [node], shim: undefined });
    expect(apt.calls).toEqual([]);
  });

  it("uses the shim without checking the system's glibc ('always')", async () => {
    // Prepare
    const node = fakeNode(dir, 'loads');

    // Act
    const answer = await chromaNodeCommand({ node, cacheDir, when: 'always', run: fakeApt().run });

    // Assess
    expect(answer.shim).toBeDefined();
    expect(answer.command.slice(1)).toEqual(['--library-path', answer.shim?.libDir, node]);
    expect(fakeNodeCalls(node)).toEqual(['-e']);
  });

  it('remembers its answer for the same options, without checking again', async () => {
    // Prepare
    const node = fakeNode(dir, 'glibc');
    const first = await chromaNodeCommand({ node, cacheDir, run: fakeApt().run });
    const checks = fakeNodeCalls(node).length;

    // Act
    const second = await chromaNodeCommand({ node, cacheDir, run: fakeApt().run });

    // Assess
    expect(second.command).toEqual(first.command);
    expect(second.command).not.toBe(first.command);
    expect(second.shim?.downloaded).toBe(false);
    expect(fakeNodeCalls(node)).toHaveLength(checks);
  });

  it('prepares the shim again when its folder was deleted since', async () => {
    // Prepare
    const node = fakeNode(dir, 'glibc');
    await chromaNodeCommand({ node, cacheDir, run: fakeApt().run });
    rmSync(cacheDir, { recursive: true, force: true });
    const apt = fakeApt();

    // Act
    const answer = await chromaNodeCommand({ node, cacheDir, run: apt.run });

    // Assess
    expect(answer.shim?.downloaded).toBe(true);
    expect(existsSync(answer.shim?.loader ?? '')).toBe(true);
    expect(apt.calls).not.toEqual([]);
  });

  it('rejects with unusable when the binding still does not load through the shim', async () => {
    // Prepare
    const node = fakeNode(dir, 'glibc');
    const apt = fakeApt({ brokenLoader: true });

    // Act
    const error = await chromaNodeCommand({ node, cacheDir, run: apt.run }).catch(
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toBeInstanceOf(GlibcShimError);
    expect((error as GlibcShimError).reason).toBe('unusable');
    expect((error as GlibcShimError).message).toContain(`through the glibc shim in ${cacheDir}/`);
    expect((error as GlibcShimError).message).toContain("GLIBC_2.38' not found");
    expect((error as GlibcShimError).message).toContain('Delete that folder');
  });

  it('does not remember a failure: the next call tries again', async () => {
    // Prepare
    const node = fakeNode(dir, 'glibc');
    const enoent = Object.assign(new Error('spawn apt-get ENOENT'), { code: 'ENOENT' });
    const missing = fakeApt({ results: { update: { code: null, output: '', error: enoent } } });
    await expect(chromaNodeCommand({ node, cacheDir, run: missing.run })).rejects.toThrow(
      'apt-get is not installed',
    );

    // Act
    const answer = await chromaNodeCommand({ node, cacheDir, run: fakeApt().run });

    // Assess
    expect(answer.shim?.downloaded).toBe(true);
  });
});
