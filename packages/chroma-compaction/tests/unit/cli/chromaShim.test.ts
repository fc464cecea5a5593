import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { glibcShimArch } from '../../../src/adapters/chroma/glibcShimPlatform.js';
import { runReceiptChroma } from '../../helpers/cliRun.js';
import { useTempRoot } from '../../helpers/snapshotTrees.js';

const arch = glibcShimArch();

interface ShimResult {
  dir: string;
  libDir: string;
  loader: string;
  downloaded: boolean;
  needed: boolean;
  command: string[];
}

describe('receipt-chroma chroma shim', () => {
  const temp = useTempRoot('cli-chroma-shim-');

  /** A shim folder as the manual steps leave it: complete, so nothing is downloaded. */
  const unpackedShim = (): string => {
    const dir = join(temp.root, `trixie-${arch.deb}`);
    mkdirSync(join(dir, 'usr', 'lib', arch.triplet), { recursive: true });
    writeFileSync(join(dir, '.complete'), '');
    return dir;
  };

  it('reports the shim in --cache-dir and the command that runs Node.js through it', async () => {
    // Prepare
    const dir = unpackedShim();
    const libDir = join(dir, 'usr', 'lib', arch.triplet);

    // Act
    const run = await runReceiptChroma(['chroma', 'shim', '--cache-dir', temp.root, '--json']);

    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = run.json<ShimResult>();
    expect(result).toEqual({
      dir,
      libDir,
      loader: join(libDir, arch.loader),
      downloaded: false,
      needed: expect.any(Boolean),
      command: [join(libDir, arch.loader), '--library-path', libDir, process.execPath],
    });
  });

  it('says where the shim is and how to use it without --json', async () => {
    // Prepare
    const dir = unpackedShim();

    // Act
    const run = await runReceiptChroma(['chroma', 'shim', '--cache-dir', temp.root]);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`The glibc shim is ready in ${dir}.`);
    expect(run.stdout).toContain(
      `Node.js through it: ${join(dir, 'usr', 'lib', arch.triplet, arch.loader)} --library-path`,
    );
  });
});
