import { describe, expect, it } from 'vitest';
import { chromaCloudConfigFromEnv } from '../../../../src/adapters/chroma/chromaCloudConfig.js';
import { ChromaCloudConfigError } from '../../../../src/adapters/chroma/errors.js';
import { CompactionConfigurationError } from '../../../../src/compaction/errors.js';

const ENABLED = {
  CHROMA_CLOUD_ENABLED: 'true',
  CHROMA_CLOUD_API_KEY: ' ck-secret ',
  CHROMA_CLOUD_TENANT: 'tenant-1',
  CHROMA_CLOUD_DATABASE: '\treceipts\n',
};

/** The error `chromaCloudConfigFromEnv(env)` throws, or `undefined`. */
const thrownBy = (env: Record<string, string | undefined>): unknown => {
  try {
    chromaCloudConfigFromEnv(env);
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('Function: chromaCloudConfigFromEnv', () => {
  it('returns the settings without surrounding white space when the cloud is enabled', () => {
    // Act
    const config = chromaCloudConfigFromEnv(ENABLED);

    // Assess
    expect(config).toEqual({ apiKey: 'ck-secret', tenant: 'tenant-1', database: 'receipts' });
  });

  it.each([undefined, '', 'false', '1', 'yes', ' true'])(
    'is disabled (undefined) when CHROMA_CLOUD_ENABLED is %j, whatever else is set',
    (enabled) => {
      // Act
      const config = chromaCloudConfigFromEnv({ ...ENABLED, CHROMA_CLOUD_ENABLED: enabled });

      // Assess
      expect(config).toBeUndefined();
    },
  );

  it('takes CHROMA_CLOUD_ENABLED in any case, as the Python compactor lowercases it', () => {
    // Act
    const config = chromaCloudConfigFromEnv({ ...ENABLED, CHROMA_CLOUD_ENABLED: 'TRUE' });

    // Assess
    expect(config?.tenant).toBe('tenant-1');
  });

  it.each(['CHROMA_CLOUD_API_KEY', 'CHROMA_CLOUD_TENANT', 'CHROMA_CLOUD_DATABASE'])(
    'names %s when it is missing or blank',
    (variable) => {
      // Act
      const errors = [undefined, '', '   '].map((value) =>
        thrownBy({ ...ENABLED, [variable]: value }),
      );

      // Assess
      for (const error of errors) {
        expect(error).toBeInstanceOf(ChromaCloudConfigError);
        expect(error).toBeInstanceOf(CompactionConfigurationError);
        expect(error).toMatchObject({
          variable,
          message: `${variable} must be set (and not blank) when CHROMA_CLOUD_ENABLED is true`,
          context: { variable },
        });
      }
    },
  );

  it('names the first missing variable in the order API key, tenant, database', () => {
    // Act
    const error = thrownBy({ CHROMA_CLOUD_ENABLED: 'true', CHROMA_CLOUD_DATABASE: 'db' });

    // Assess
    expect(error).toMatchObject({ variable: 'CHROMA_CLOUD_API_KEY' });
  });

  it('reads process.env by default', () => {
    // Prepare
    const saved = process.env['CHROMA_CLOUD_ENABLED'];
    delete process.env['CHROMA_CLOUD_ENABLED'];

    // Act
    const config = chromaCloudConfigFromEnv();

    // Assess
    if (saved !== undefined) process.env['CHROMA_CLOUD_ENABLED'] = saved;
    expect(config).toBeUndefined();
  });
});
