import {
  type CollectionName,
  CompactionConfigurationError,
  DEFAULT_LEASE_MS,
} from '@receipt-chroma/chroma-compaction';

/** The Lambda's scratch directory: the cache when no EFS is mounted (private to one container). */
export const DEFAULT_CHROMA_ROOT = '/tmp/chroma';

/**
 * Versions the local cache keeps besides the current one and those in use, when
 * `CACHE_KEEP_VERSIONS` is unset: one, so an EFS mount (or `/tmp`) holds about two snapshots.
 */
export const DEFAULT_CACHE_KEEP_VERSIONS = 1;

/** Where the correlation id of a batch comes from. */
export type CorrelationIdSource = 'messageId' | 'awsRequestId';

/** The compactor's settings, read from its environment by {@link readCompactorConfig}. */
export interface CompactorConfig {
  /** `CHROMADB_BUCKET`: the bucket of the snapshots and the deltas. */
  readonly bucket: string;
  /** `DYNAMODB_TABLE_NAME`: the receipts table, which also holds the lock items. */
  readonly tableName: string;
  /** `COLLECTION`: every record goes to this collection; unset, to its `collection` attribute. */
  readonly collection: CollectionName | undefined;
  /** `CHROMA_ROOT`: the snapshot cache's root (an EFS mount). @default `/tmp/chroma` */
  readonly cacheRoot: string;
  /** `LOCK_LEASE_SECONDS` (or Python's `LOCK_DURATION_MINUTES`), in ms. @default the package's (5 min) */
  readonly leaseMs: number | undefined;
  /** `HEARTBEAT_INTERVAL_SECONDS`, in ms. @default the package's (60 s, or a third of the lease) */
  readonly heartbeatMs: number | undefined;
  /** `MAX_HEARTBEAT_FAILURES`. @default the package's (3) */
  readonly maxHeartbeatFailures: number | undefined;
  /** `KEEP_VERSIONS`: snapshot versions kept on S3. @default the package's (4) */
  readonly keepVersions: number | undefined;
  /** `CACHE_KEEP_VERSIONS`: cached versions kept besides the current and in-use ones. @default 1 */
  readonly cacheKeepVersions: number;
  /** `CORRELATION_ID`: `messageId` (the first record's, the default) or `awsRequestId`. */
  readonly correlationId: CorrelationIdSource;
  /** `LOG_LEVEL`: `DEBUG`, `INFO` (the default), `WARN` or `ERROR`. */
  readonly logLevel: string;
}

/** The environment, as `process.env`. */
export type Environment = Readonly<Record<string, string | undefined>>;

const fail = (message: string): never => {
  throw new CompactionConfigurationError(`Compactor configuration: ${message}`);
};

const required = (env: Environment, name: string): string =>
  env[name]?.trim() || fail(`${name} is required`);

/** The variable `name` as an integer of at least `min`, or `undefined` when it is unset. */
const integer = (env: Environment, name: string, min: number): number | undefined => {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min) {
    return fail(`${name} must be an integer of at least ${min}, got ${JSON.stringify(text)}`);
  }
  return Number(text);
};

/** Seconds (or, from Python's variable, minutes) as milliseconds. */
const leaseMsOf = (env: Environment): number | undefined => {
  const seconds = integer(env, 'LOCK_LEASE_SECONDS', 1);
  if (seconds !== undefined) return seconds * 1000;
  const minutes = integer(env, 'LOCK_DURATION_MINUTES', 1);
  return minutes === undefined ? undefined : minutes * 60_000;
};

/**
 * Reads and checks the compactor's environment, so a wrong setting stops the container at
 * start-up (an init error naming the variable) instead of failing every batch.
 * @throws CompactionConfigurationError naming the variable that is missing or invalid
 */
export const readCompactorConfig = (env: Environment): CompactorConfig => {
  const collection = env['COLLECTION']?.trim() || undefined;
  if (collection !== undefined && collection !== 'lines' && collection !== 'words') {
    fail(`COLLECTION must be "lines" or "words", got ${JSON.stringify(collection)}`);
  }
  const correlationId = env['CORRELATION_ID']?.trim() || 'messageId';
  if (correlationId !== 'messageId' && correlationId !== 'awsRequestId') {
    fail(`CORRELATION_ID must be "messageId" or "awsRequestId", got ${correlationId}`);
  }
  const leaseMs = leaseMsOf(env);
  const heartbeatSeconds = integer(env, 'HEARTBEAT_INTERVAL_SECONDS', 1);
  const heartbeatMs = heartbeatSeconds === undefined ? undefined : heartbeatSeconds * 1000;
  // The lease must outlast the gap between two refreshes (LockManager's own rule).
  if (heartbeatMs !== undefined && heartbeatMs >= (leaseMs ?? DEFAULT_LEASE_MS)) {
    fail('HEARTBEAT_INTERVAL_SECONDS must be shorter than the lock lease (LOCK_LEASE_SECONDS)');
  }
  return {
    bucket: required(env, 'CHROMADB_BUCKET'),
    tableName: required(env, 'DYNAMODB_TABLE_NAME'),
    collection: collection as CollectionName | undefined,
    cacheRoot: env['CHROMA_ROOT']?.trim() || DEFAULT_CHROMA_ROOT,
    leaseMs,
    heartbeatMs,
    maxHeartbeatFailures: integer(env, 'MAX_HEARTBEAT_FAILURES', 1),
    keepVersions: integer(env, 'KEEP_VERSIONS', 1),
    cacheKeepVersions: integer(env, 'CACHE_KEEP_VERSIONS', 0) ?? DEFAULT_CACHE_KEEP_VERSIONS,
    correlationId: correlationId as CorrelationIdSource,
    logLevel: env['LOG_LEVEL']?.trim() || 'INFO',
  };
};
