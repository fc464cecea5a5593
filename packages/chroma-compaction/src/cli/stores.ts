/**
 * The stores a command works on, built from its options and the environment: an
 * `S3ObjectStore` (`--bucket`) or a `FileSystemObjectStore` (`--root`), and the
 * `DynamoLockStore` (`--table`). The AWS SDK is loaded only when a command needs it, so the
 * file-system store works without it installed. The CLI owns the clients it makes and
 * destroys them when the command ends.
 * @packageDocumentation
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FileSystemObjectStore } from '../adapters/fs/FileSystemObjectStore.js';
import type { LockStore } from '../ports/lockStore.js';
import type { ObjectStore } from '../ports/objectStore.js';
import type { CommandContext } from './CliSession.js';
import type { AwsOptions, LockTableOptions, StoreOptions } from './commandOptions.js';
import { CliError, CliUsageError } from './errors.js';

/** The client settings taken from `--endpoint`, `--region` and the environment. */
interface AwsClientConfig {
  endpoint?: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/**
 * Client settings for one service. The SDK reads `process.env` itself; reading `io.env` here
 * too makes the CLI honour the environment it was given (in-process runs, tests). An
 * endpoint without a region gets `us-east-1`, which local services accept.
 */
const awsClientConfig = (
  env: CommandContext['io']['env'],
  options: AwsOptions,
  service: 'S3' | 'DYNAMODB',
): AwsClientConfig => {
  const config: AwsClientConfig = {};
  const endpoint =
    options.endpoint ?? env[`AWS_ENDPOINT_URL_${service}`] ?? env['AWS_ENDPOINT_URL'];
  if (endpoint !== undefined && endpoint !== '') config.endpoint = endpoint;
  const region = options.region ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'];
  if (region !== undefined && region !== '') config.region = region;
  else if (config.endpoint !== undefined) config.region = 'us-east-1';
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  if (accessKeyId && secretAccessKey) {
    const sessionToken = env['AWS_SESSION_TOKEN'];
    config.credentials = {
      accessKeyId,
      secretAccessKey,
      ...(sessionToken ? { sessionToken } : {}),
    };
  }
  return config;
};

/**
 * Loads an optional peer (the AWS SDK), or fails saying what to install.
 * @param importing - The dynamic import.
 * @param option - The option that needs it, for the message.
 * @param peers - The packages to install.
 * @throws CliError when the module is not installed (other errors pass through)
 */
export const loadPeer = async <T>(
  importing: () => Promise<T>,
  option: string,
  peers: string,
): Promise<T> => {
  try {
    return await importing();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    throw new CliError(`${option} needs ${peers}: npm install ${peers}`, { cause: error });
  }
};

/** Whether `path` is an existing directory. */
const isDirectory = async (path: string): Promise<boolean> =>
  (await stat(path).catch(() => undefined))?.isDirectory() === true;

/**
 * The object store of `--bucket` (S3, honouring `--endpoint`, `--region` and the standard
 * AWS environment) or `--root` (a directory).
 * @param context - The command's context (the client is destroyed when the command ends).
 * @param options - The command's options.
 * @param access - `'write'` for a command that may start a new store (`snapshot push`,
 *   `delta write`): a `--root` that does not exist yet is created by the first write. A
 *   command that only reads refuses a missing `--root`, which is almost always a typo, instead
 *   of reporting an empty store.
 * @throws CliUsageError when neither `--bucket` nor `--root` is given, or a reading
 *   command's `--root` is not a directory
 * @throws CliError when the AWS SDK is not installed
 */
export const openObjectStore = async (
  context: CommandContext,
  options: StoreOptions & AwsOptions,
  access: 'read' | 'write' = 'read',
): Promise<ObjectStore> => {
  // Both at once never gets here: the options conflict in commander.
  const { bucket, root } = options;
  if (root !== undefined) {
    const dir = resolve(root);
    if (access === 'read' && !(await isDirectory(dir))) {
      throw new CliUsageError(`--root ${root} is not a directory: no store is there`);
    }
    return new FileSystemObjectStore({ root: dir });
  }
  if (bucket === undefined) {
    throw new CliUsageError(
      'give --bucket NAME (S3) or --root DIR (a directory used as the store)',
    );
  }
  const peers = '@aws-sdk/client-s3 @aws-sdk/lib-storage';
  const { S3Client } = await loadPeer(() => import('@aws-sdk/client-s3'), '--bucket', peers);
  const { S3ObjectStore } = await loadPeer(
    () => import('../adapters/s3/S3ObjectStore.js'),
    '--bucket',
    peers,
  );
  const config = awsClientConfig(context.io.env, options, 'S3');
  const client = new S3Client({
    ...config,
    // moto, MinIO and most S3 look-alikes serve buckets by path, not by host name.
    ...(config.endpoint === undefined ? {} : { forcePathStyle: true }),
  });
  context.defer(() => client.destroy());
  return new S3ObjectStore({ client, bucket });
};

/**
 * The `DynamoLockStore` on `--table` (honouring `--endpoint`, `--region` and the standard
 * AWS environment).
 * @param context - The command's context (the client is destroyed when the command ends).
 * @param options - The command's options; `table` must be set.
 * @throws CliError when the AWS SDK is not installed
 */
export const openLockStore = async (
  context: CommandContext,
  options: LockTableOptions & AwsOptions & { readonly table: string },
): Promise<LockStore> => {
  const peer = '@aws-sdk/client-dynamodb';
  const { DynamoDBClient } = await loadPeer(
    () => import('@aws-sdk/client-dynamodb'),
    '--table',
    peer,
  );
  const { DynamoLockStore } = await loadPeer(
    () => import('../adapters/dynamodb/DynamoLockStore.js'),
    '--table',
    peer,
  );
  const client = new DynamoDBClient(awsClientConfig(context.io.env, options, 'DYNAMODB'));
  context.defer(() => client.destroy());
  return new DynamoLockStore({ client, tableName: options.table });
};
