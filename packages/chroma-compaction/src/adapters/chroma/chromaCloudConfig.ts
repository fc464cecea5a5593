import { ChromaCloudConfigError } from './errors.js';

/**
 * What a `CloudClient` of `chromadb` needs to reach a Chroma Cloud database:
 * `new CloudClient(config)`.
 */
export interface ChromaCloudConfig {
  /** The API key (`CHROMA_CLOUD_API_KEY`). */
  readonly apiKey: string;
  /** The tenant id (`CHROMA_CLOUD_TENANT`). */
  readonly tenant: string;
  /** The database name (`CHROMA_CLOUD_DATABASE`). */
  readonly database: string;
}

/** The variables read, in the order they are checked. */
const REQUIRED = {
  apiKey: 'CHROMA_CLOUD_API_KEY',
  tenant: 'CHROMA_CLOUD_TENANT',
  database: 'CHROMA_CLOUD_DATABASE',
} as const;

/**
 * Reads the Chroma Cloud settings from the environment, as the Python compactor does: the
 * cloud is used only when `CHROMA_CLOUD_ENABLED` is `true` (in any case); then
 * `CHROMA_CLOUD_API_KEY`, `CHROMA_CLOUD_TENANT` and `CHROMA_CLOUD_DATABASE` are all required,
 * and are returned without surrounding white space.
 *
 * @param env - the variables to read (by default `process.env`)
 * @returns the settings, or `undefined` when the cloud is not enabled
 * @throws {@link ChromaCloudConfigError} naming the first variable that is missing or blank
 * @example
 * ```ts
 * import { ChromaClient, CloudClient } from 'chromadb';
 * import { chromaCloudConfigFromEnv } from '@receipt-chroma/chroma-compaction/chroma';
 *
 * const cloud = chromaCloudConfigFromEnv();
 * const client =
 *   cloud === undefined
 *     ? new ChromaClient({ host: 'localhost', port: 8000 })
 *     : new CloudClient(cloud);
 * console.log(await client.heartbeat());
 * ```
 */
export const chromaCloudConfigFromEnv = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): ChromaCloudConfig | undefined => {
  if (env['CHROMA_CLOUD_ENABLED']?.toLowerCase() !== 'true') return undefined;
  const read = (variable: string): string => {
    const value = env[variable]?.trim() ?? '';
    if (value === '') {
      throw new ChromaCloudConfigError(
        `${variable} must be set (and not blank) when CHROMA_CLOUD_ENABLED is true`,
        { variable },
      );
    }
    return value;
  };
  return {
    apiKey: read(REQUIRED.apiKey),
    tenant: read(REQUIRED.tenant),
    database: read(REQUIRED.database),
  };
};
