import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CACHE_KEEP_VERSIONS,
  DEFAULT_CHROMA_ROOT,
  readCompactorConfig,
} from '../../../../../../examples/compactor/config.js';
import { CompactionConfigurationError } from '../../../../src/compaction/errors.js';

const REQUIRED = { CHROMADB_BUCKET: 'chroma-bucket', DYNAMODB_TABLE_NAME: 'Receipts' } as const;

describe('Function: readCompactorConfig (example compactor)', () => {
  it('needs only the bucket and the table, and defaults the rest', () => {
    // Act
    const config = readCompactorConfig(REQUIRED);

    // Assess
    expect(config).toEqual({
      bucket: 'chroma-bucket',
      tableName: 'Receipts',
      collection: undefined,
      cacheRoot: DEFAULT_CHROMA_ROOT,
      leaseMs: undefined,
      heartbeatMs: undefined,
      maxHeartbeatFailures: undefined,
      keepVersions: undefined,
      cacheKeepVersions: DEFAULT_CACHE_KEEP_VERSIONS,
      correlationId: 'messageId',
      logLevel: 'INFO',
    });
    expect(DEFAULT_CHROMA_ROOT).toBe('/tmp/chroma');
  });

  it('reads every variable, durations in seconds as milliseconds', () => {
    // Act
    const config = readCompactorConfig({
      ...REQUIRED,
      COLLECTION: 'words',
      CHROMA_ROOT: '/mnt/chroma',
      LOCK_LEASE_SECONDS: '120',
      HEARTBEAT_INTERVAL_SECONDS: '30',
      MAX_HEARTBEAT_FAILURES: '2',
      KEEP_VERSIONS: '6',
      CACHE_KEEP_VERSIONS: '0',
      CORRELATION_ID: 'awsRequestId',
      LOG_LEVEL: 'DEBUG',
    });

    // Assess
    expect(config).toEqual({
      bucket: 'chroma-bucket',
      tableName: 'Receipts',
      collection: 'words',
      cacheRoot: '/mnt/chroma',
      leaseMs: 120_000,
      heartbeatMs: 30_000,
      maxHeartbeatFailures: 2,
      keepVersions: 6,
      cacheKeepVersions: 0,
      correlationId: 'awsRequestId',
      logLevel: 'DEBUG',
    });
  });

  it("takes the Python compactor's LOCK_DURATION_MINUTES when LOCK_LEASE_SECONDS is unset", () => {
    // Act
    const python = readCompactorConfig({ ...REQUIRED, LOCK_DURATION_MINUTES: '3' });
    const both = readCompactorConfig({
      ...REQUIRED,
      LOCK_DURATION_MINUTES: '3',
      LOCK_LEASE_SECONDS: '90',
    });

    // Assess
    expect(python.leaseMs).toBe(180_000);
    expect(both.leaseMs).toBe(90_000);
  });

  it.each([
    [{ CHROMADB_BUCKET: '' }, 'CHROMADB_BUCKET is required'],
    [{ DYNAMODB_TABLE_NAME: ' ' }, 'DYNAMODB_TABLE_NAME is required'],
    [{ COLLECTION: 'receipt_summary' }, 'COLLECTION must be "lines" or "words"'],
    [{ LOCK_LEASE_SECONDS: '1.5' }, 'LOCK_LEASE_SECONDS must be an integer of at least 1'],
    [{ KEEP_VERSIONS: '0' }, 'KEEP_VERSIONS must be an integer of at least 1'],
    [{ MAX_HEARTBEAT_FAILURES: 'three' }, 'MAX_HEARTBEAT_FAILURES must be an integer'],
    [{ CORRELATION_ID: 'traceId' }, 'CORRELATION_ID must be "messageId" or "awsRequestId"'],
    [{ HEARTBEAT_INTERVAL_SECONDS: '300' }, 'must be shorter than the lock lease'],
    [
      { LOCK_LEASE_SECONDS: '20', HEARTBEAT_INTERVAL_SECONDS: '20' },
      'must be shorter than the lock lease',
    ],
  ])('refuses %j, naming the variable', (overrides, message) => {
    // Act
    const read = (): unknown => readCompactorConfig({ ...REQUIRED, ...overrides });

    // Assess
    expect(read).toThrow(CompactionConfigurationError);
    expect(read).toThrow(message);
  });
});
