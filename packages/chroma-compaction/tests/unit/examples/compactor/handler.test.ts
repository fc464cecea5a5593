import { ChromaClient } from 'chromadb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cloudMirrors } from '../../../../../../examples/compactor/cloudMirrors.js';
import { CompactionConfigurationError } from '../../../../src/compaction/errors.js';
import { CHROMA_CLOUD_LIMITS } from '../../../../src/vectors/limits.js';

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

  it('fails the init when Chroma Cloud is enabled without its key, naming the variable', async () => {
    // Prepare
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('CHROMADB_BUCKET', 'chroma-bucket');
    vi.stubEnv('DYNAMODB_TABLE_NAME', 'Receipts');
    vi.stubEnv('CHROMA_CLOUD_ENABLED', 'true');
    vi.stubEnv('CHROMA_CLOUD_API_KEY', ' ');

    // Act
    const loading = import('../../../../../../examples/compactor/handler.js');

    // Assess
    await expect(loading).rejects.toMatchObject({
      name: 'ChromaCloudConfigError',
      message: expect.stringContaining('CHROMA_CLOUD_API_KEY must be set'),
    });
  });

  it('mirrors to the same collection on the cloud client, opened on first use and again after a failure', async () => {
    // Prepare: a client whose server cannot be reached.
    const client = new ChromaClient({ host: '127.0.0.1', port: 9 });
    const opens = vi.spyOn(client, 'getOrCreateCollection');
    const mirrorsOf = cloudMirrors(client);

    // Act
    const [lines] = mirrorsOf('lines');
    const first = await lines?.count().catch((error: unknown) => error);
    const second = await lines?.get({ ids: ['a'] }).catch((error: unknown) => error);

    // Assess
    expect(opens).not.toHaveBeenCalledWith(expect.objectContaining({ name: 'words' }));
    expect(mirrorsOf('lines')[0]).toBe(lines);
    expect(lines).toMatchObject({ name: 'lines', limits: CHROMA_CLOUD_LIMITS });
    expect(first).toMatchObject({
      name: 'VectorStoreError',
      message: 'Chroma Cloud collection "lines" could not be opened',
    });
    expect(second).toMatchObject({ name: 'VectorStoreError' });
    expect(opens).toHaveBeenCalledTimes(2);
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
