import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  chromaBindingPackage,
  needsGlibcShim,
  probeChromaBinding,
} from '../../../../src/adapters/chroma/glibcShimProbe.js';
import { fakeNode, fakeNodeCalls, GLIBC_LOAD_ERROR } from '../../../helpers/fakeGlibcShim.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'glibc-shim-probe-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const BINDING = new RegExp(`${chromaBindingPackage(process.platform, process.arch)}[/\\\\]`);

describe('Function: probeChromaBinding', () => {
  it("asks the command to require the installed chromadb's binding, and reports it loads", async () => {
    // Prepare
    const node = fakeNode(dir, 'loads');

    // Act
    const probe = await probeChromaBinding({ command: [node] });

    // Assess
    expect(probe.loads).toBe(true);
    expect(probe.binding).toMatch(BINDING);
    expect(probe.missingSymbol).toBeUndefined();
    expect(probe.error).toBe('');
    expect(fakeNodeCalls(node)).toEqual(['-e']);
  });

  it('reports the missing symbol version when the glibc is too old', async () => {
    // Prepare
    const node = fakeNode(dir, 'glibc');

    // Act
    const probe = await probeChromaBinding({ command: [node] });

    // Assess
    expect(probe.loads).toBe(false);
    expect(probe.missingSymbol).toBe('GLIBC_2.38');
    expect(probe.error).toBe(GLIBC_LOAD_ERROR);
  });

  it('reports another load error without a missing symbol', async () => {
    // Prepare
    const node = fakeNode(dir, 'missing');

    // Act
    const probe = await probeChromaBinding({ command: [node] });

    // Assess
    expect(probe.loads).toBe(false);
    expect(probe.missingSymbol).toBeUndefined();
    expect(probe.error).toBe("Error: Cannot find module 'chromadb-js-bindings-linux-x64-gnu'");
  });

  it('reports a command that cannot run', async () => {
    // Act
    const probe = await probeChromaBinding({ command: [join(dir, 'no-such-node')] });

    // Assess
    expect(probe.loads).toBe(false);
    expect(probe.error).toContain(`cannot run ${join(dir, 'no-such-node')}`);
  });

  it('gives up on a command that takes longer than timeoutMs', async () => {
    // Prepare
    const slow = join(dir, 'slow-node');
    writeFileSync(slow, '#!/bin/sh\nexec sleep 30\n');
    chmodSync(slow, 0o755);

    // Act
    const probe = await probeChromaBinding({ command: [slow], timeoutMs: 200 });

    // Assess
    expect(probe.loads).toBe(false);
    expect(probe.error).toBe('Error: loading the binding took longer than 200 ms');
  });
});

describe('Function: needsGlibcShim', () => {
  it.each([
    { when: 'fails for an old glibc', binding: 'glibc', expected: true },
    { when: 'loads', binding: 'loads', expected: false },
    { when: 'is not installed', binding: 'missing', expected: false },
  ] as const)('returns $expected where the binding $when', async ({ binding, expected }) => {
    // Prepare
    const node = fakeNode(dir, binding);

    // Act
    const needed = await needsGlibcShim({ command: [node] });

    // Assess
    expect(needed).toBe(expected);
  });
});

describe('Function: chromaBindingPackage', () => {
  it.each([
    ['linux', 'x64', 'chromadb-js-bindings-linux-x64-gnu'],
    ['linux', 'arm64', 'chromadb-js-bindings-linux-arm64-gnu'],
    ['darwin', 'arm64', 'chromadb-js-bindings-darwin-arm64'],
    ['win32', 'x64', 'chromadb-js-bindings-win32-x64-msvc'],
  ])('names the binding package of %s-%s as chromadb does', (platform, arch, name) => {
    // Act
    const found = chromaBindingPackage(platform, arch);

    // Assess
    expect(found).toBe(name);
  });
});
