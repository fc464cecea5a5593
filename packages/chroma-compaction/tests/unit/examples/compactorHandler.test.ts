import type { SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { routeRecords } from '../../../../../examples/compactor/compactor.js';
import { createLogger, EmfMetrics } from '../../../../../examples/compactor/observability.js';
import { CompactionConfigurationError } from '../../../src/compaction/errors.js';

/** An SQS record with only what routing reads. */
const record = (messageId: string, collection?: string): SQSRecord =>
  ({
    messageId,
    body: '{}',
    messageAttributes:
      collection === undefined
        ? {}
        : { collection: { stringValue: collection, dataType: 'String' } },
  }) as unknown as SQSRecord;

describe('Function: routeRecords (example compactor)', () => {
  it('groups records by their collection attribute, in order, and sets apart the others', () => {
    // Prepare
    const records = [
      record('1', 'lines'),
      record('2', 'words'),
      record('3'),
      record('4', 'lines'),
      record('5', 'receipt_summary'),
    ];

    // Act
    const { batches, unrouted } = routeRecords(records, undefined);

    // Assess
    expect([...batches.keys()]).toEqual(['lines', 'words']);
    expect(batches.get('lines')?.map(({ messageId }) => messageId)).toEqual(['1', '4']);
    expect(batches.get('words')?.map(({ messageId }) => messageId)).toEqual(['2']);
    expect(unrouted.map(({ messageId }) => messageId)).toEqual(['3', '5']);
  });

  it('sends every record to COLLECTION when it is set', () => {
    // Act
    const { batches, unrouted } = routeRecords([record('1', 'words'), record('2')], 'lines');

    // Assess
    expect(batches.get('lines')?.map(({ messageId }) => messageId)).toEqual(['1', '2']);
    expect([...batches.keys()]).toEqual(['lines']);
    expect(unrouted).toEqual([]);
  });
});

describe('Class: EmfMetrics (example compactor)', () => {
  it('writes one EMF document per dimension set: counters summed, timers listed', () => {
    // Prepare
    const lines: string[] = [];
    const metrics = new EmfMetrics('ReceiptChroma/Compactor', (line) => lines.push(line));

    // Act
    metrics.count('CompactionRecordsReceived', 2);
    metrics.count('CompactionRecordsReceived', 3);
    metrics.timer('CompactionLambdaExecutionTime', 12);
    metrics.gauge('SnapshotBytes', 7, { collection: 'lines' });
    metrics.timer('PhaseMs', 1, { collection: 'lines' });
    metrics.timer('PhaseMs', 2, { collection: 'lines' });
    metrics.flush();
    metrics.flush();

    // Assess
    const documents = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(documents).toHaveLength(2);
    expect(documents[0]).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'ReceiptChroma/Compactor',
            Dimensions: [[]],
            Metrics: [
              { Name: 'CompactionRecordsReceived', Unit: 'Count' },
              { Name: 'CompactionLambdaExecutionTime', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      CompactionRecordsReceived: 5,
      CompactionLambdaExecutionTime: 12,
    });
    expect(documents[1]).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Dimensions: [['collection']] }] },
      collection: 'lines',
      SnapshotBytes: 7,
      PhaseMs: [1, 2],
    });
  });
});

describe('Function: createLogger (example compactor)', () => {
  it('writes JSON lines at the level asked for and above', () => {
    // Prepare
    const lines: string[] = [];
    const logger = createLogger('warn', (line) => lines.push(line));

    // Act
    logger.info('dropped');
    logger.warn('kept', { collection: 'lines' });
    logger.error('kept too');

    // Assess
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { level: 'WARN', message: 'kept', collection: 'lines' },
      { level: 'ERROR', message: 'kept too' },
    ]);
  });
});

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
    const module = await import('../../../../../examples/compactor/handler.js');

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
    const loading = import('../../../../../examples/compactor/handler.js');

    // Assess
    // The module graph was reloaded, so the error's class is not this file's import.
    await expect(loading).rejects.toMatchObject({
      name: CompactionConfigurationError.name,
      message: expect.stringContaining('DYNAMODB_TABLE_NAME is required'),
    });
  });
});
