import type { Logger, MetricDimensions, Metrics } from '@receipt-chroma/chroma-compaction';

/**
 * Minimal Lambda observability without extra dependencies, as in the stream-processor
 * example: JSON log lines and CloudWatch Embedded Metric Format (EMF). Powertools' `Logger`
 * fits the package's `Logger` as is, and a three-method wrapper over Powertools `Metrics`
 * (`addMetric` with units `Count`, `None`, `Milliseconds`) fits `Metrics`, if you prefer those.
 */

const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
type Level = (typeof LEVELS)[number];

/** Where a line of output goes: standard output, which Lambda sends to CloudWatch Logs. */
export type WriteLine = (line: string) => void;

const toStdout: WriteLine = (line) => console.log(line);

/** A logger that writes one JSON object per line, at `level` and above. */
export const createLogger = (level = 'INFO', write: WriteLine = toStdout): Logger => {
  const threshold = Math.max(0, LEVELS.indexOf(level.toUpperCase() as Level));
  const at =
    (name: Level) =>
    (message: string, extra?: Record<string, unknown>): void => {
      if (LEVELS.indexOf(name) < threshold) return;
      write(JSON.stringify({ level: name, message, ...extra }));
    };
  return { debug: at('DEBUG'), info: at('INFO'), warn: at('WARN'), error: at('ERROR') };
};

/** Metrics recorded during one invocation and written out at its end. */
export interface FlushableMetrics extends Metrics {
  /** Writes what was recorded and starts over. */
  flush(): void;
}

type Unit = 'Count' | 'None' | 'Milliseconds';

/** One metric of a dimension set: counters are summed, gauges and timers keep every value. */
interface Recorded {
  readonly unit: Unit;
  readonly values: number[];
}

/**
 * Records metrics during one invocation and writes them as EMF documents on `flush()`,
 * one per distinct set of dimensions, so CloudWatch turns them into metrics. A counter is
 * written as its sum; a gauge or timer as the list of its values (EMF accepts up to 100).
 */
export class EmfMetrics implements FlushableMetrics {
  readonly #namespace: string;
  readonly #write: WriteLine;
  readonly #groups = new Map<
    string,
    { dimensions: MetricDimensions; metrics: Map<string, Recorded> }
  >();

  public constructor(namespace: string, write: WriteLine = toStdout) {
    this.#namespace = namespace;
    this.#write = write;
  }

  public count(name: string, value: number, dimensions: MetricDimensions = {}): void {
    const recorded = this.#metric(name, 'Count', dimensions);
    recorded.values[0] = (recorded.values[0] ?? 0) + value;
  }

  public gauge(name: string, value: number, dimensions: MetricDimensions = {}): void {
    this.#metric(name, 'None', dimensions).values.push(value);
  }

  public timer(name: string, milliseconds: number, dimensions: MetricDimensions = {}): void {
    this.#metric(name, 'Milliseconds', dimensions).values.push(milliseconds);
  }

  /** Writes one EMF document per dimension set and starts over. */
  public flush(): void {
    for (const { dimensions, metrics } of this.#groups.values()) {
      const definitions = [...metrics].map(([name, { unit }]) => ({ Name: name, Unit: unit }));
      const values = [...metrics].map(([name, { unit, values: list }]) => [
        name,
        unit === 'Count' || list.length === 1 ? list[0] : list.slice(-100),
      ]);
      const aws = {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          {
            Namespace: this.#namespace,
            Dimensions: [Object.keys(dimensions)],
            Metrics: definitions,
          },
        ],
      };
      this.#write(JSON.stringify({ _aws: aws, ...dimensions, ...Object.fromEntries(values) }));
    }
    this.#groups.clear();
  }

  /** The metric `name` of the group of `dimensions`, created on first use. */
  #metric(name: string, unit: Unit, dimensions: MetricDimensions): Recorded {
    const key = JSON.stringify(Object.entries(dimensions).sort());
    let group = this.#groups.get(key);
    if (group === undefined) {
      group = { dimensions, metrics: new Map() };
      this.#groups.set(key, group);
    }
    let recorded = group.metrics.get(name);
    if (recorded === undefined) {
      recorded = { unit, values: [] };
      group.metrics.set(name, recorded);
    }
    return recorded;
  }
}
