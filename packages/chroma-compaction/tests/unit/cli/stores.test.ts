import { describe, expect, it } from 'vitest';
import { chromaStartOptions } from '../../../src/cli/chromaStart.js';
import { CliError } from '../../../src/cli/errors.js';
import type { CliIo } from '../../../src/cli/io.js';
import { loadPeer } from '../../../src/cli/stores.js';
import { catchError } from '../../helpers/deltaArchives.js';

describe('loadPeer', () => {
  it('says which packages to install when the peer is missing', async () => {
    // Prepare
    const missing = Object.assign(new Error("Cannot find package '@aws-sdk/client-s3'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });

    // Act
    const error = await catchError(
      loadPeer(
        () => Promise.reject(missing),
        '--bucket',
        '@aws-sdk/client-s3 @aws-sdk/lib-storage',
      ),
    );

    // Assess
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe(
      '--bucket needs @aws-sdk/client-s3 @aws-sdk/lib-storage: npm install @aws-sdk/client-s3 @aws-sdk/lib-storage',
    );
    expect((error as CliError).cause).toBe(missing);
  });

  it('passes the module through, and any other failure unchanged', async () => {
    // Prepare
    const broken = new SyntaxError('Unexpected token');

    // Act
    const loaded = await loadPeer(() => Promise.resolve({ ok: true }), '--table', 'x');
    const error = await catchError(loadPeer(() => Promise.reject(broken), '--table', 'x'));

    // Assess
    expect(loaded).toEqual({ ok: true });
    expect(error).toBe(broken);
  });
});

describe('chromaStartOptions', () => {
  it('starts Chroma through the glibc shim when needed, unless the io names a command', () => {
    // Prepare
    const io = (chroma: CliIo['chroma']) => ({ chroma }) as CliIo;

    // Act
    const options = [
      chromaStartOptions(io(undefined)),
      chromaStartOptions(io({ startupTimeoutMs: 5000 })),
      chromaStartOptions(io({ command: ['/opt/node'] })),
    ];

    // Assess
    expect(options).toEqual([
      { glibcShim: 'auto' },
      { glibcShim: 'auto', startupTimeoutMs: 5000 },
      { command: ['/opt/node'] },
    ]);
  });
});
