import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { chromaNodeCommand } from '../../../src/adapters/chroma/glibcShimNodeCommand.js';
import { needsGlibcShim, probeChromaBinding } from '../../../src/adapters/chroma/glibcShimProbe.js';
import { startLocalChroma } from '../../../src/adapters/chroma/startLocalChroma.js';

/** The test runs' shim cache (prepared by the global setup where needed): nothing downloads twice. */
const CACHE_DIR = fileURLToPath(
  new URL('../../../../../.test-services/glibc-shim', import.meta.url),
);

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'glibc-shim-integration-'));
  dirs.push(dir);
  return dir;
};

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("Function: startLocalChroma with glibcShim: 'auto'", () => {
  it('starts a server that answers its heartbeat, through the shim exactly where the system needs it', async () => {
    // Prepare
    const needed = await needsGlibcShim();

    // Act
    const chroma = await startLocalChroma({
      path: tempDir(),
      glibcShim: { when: 'auto', cacheDir: CACHE_DIR },
      startupTimeoutMs: 60_000,
    });

    // Assess
    try {
      await expect(chroma.client.heartbeat()).resolves.toBeGreaterThan(0);
      const shimmed = chroma.command[1] === '--library-path';
      expect(shimmed).toBe(needed);
      if (shimmed) expect(chroma.command[0]?.startsWith(`${CACHE_DIR}/trixie-`)).toBe(true);
    } finally {
      await chroma.stop();
    }
  });
});

describe('Function: chromaNodeCommand', () => {
  it("returns a command that loads Chroma's native binding on this system", async () => {
    // Prepare
    const { command } = await chromaNodeCommand({ cacheDir: CACHE_DIR });

    // Act
    const probe = await probeChromaBinding({ command });

    // Assess
    expect(probe).toMatchObject({ loads: true, error: '' });
  });
});
