import { afterEach, describe, expect, it, vi } from 'vitest';
import { CompactionConfigurationError } from '../../../../src/compaction/errors.js';

describe('Module: examples/compactor/handler (the Lambda entry)', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('builds the handler from the environment when the module loads', async () => {
    // Prepare
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('CHROMADB_BUCKET', 'chroma-bucket');
    vi.stubEnv('DYNAMODB_TABLE_NAME', 'Receipts');

    // Act
    const module = await import('../../../../../../examples/compactor/handler.js');

    // Assess
    expect(module.handler).toBeTypeOf('function');
    expect(module.createCompactorHandler).toBeTypeOf('function');
  });

  it('fails the init, naming the variable, when the configuration is incomplete', async () => {
    // Prepare
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('CHROMADB_BUCKET', 'chroma-bucket');
    vi.stubEnv('DYNAMODB_TABLE_NAME', '');

    // Act
    const loading = import('../../../../../../examples/compactor/handler.js');

    // Assess
    // The module graph was reloaded, so the error's class is not this file's import.
    await expect(loading).rejects.toMatchObject({
      name: CompactionConfigurationError.name,
      message: expect.stringContaining('DYNAMODB_TABLE_NAME is required'),
    });
  });
});
