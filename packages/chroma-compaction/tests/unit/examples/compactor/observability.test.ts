import { describe, expect, it } from 'vitest';
import { createLogger, EmfMetrics } from '../../../../../../examples/compactor/observability.js';

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
