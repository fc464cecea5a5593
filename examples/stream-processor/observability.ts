import type { Logger, MetricDimensions, Metrics } from '@receipt-chroma/dynamo-stream';

/**
 * Minimal Lambda observability without extra dependencies: JSON log lines and CloudWatch
 * Embedded Metric Format (EMF). Powertools' `Logger` fits the package's `Logger` as is,
 * and a two-line wrapper over Powertools `Metrics` fits `Metrics`, if you prefer those.
 */

const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
type Level = (typeof LEVELS)[number];

/** A logger that writes one JSON object per line, at `level` and above. */
export const createLogger = (level = 'INFO'): Logger => {
  const threshold = Math.max(0, LEVELS.indexOf(level.toUpperCase() as Level));
  const at =
    (name: Level) =>
    (message: string, extra?: Record<string, unknown>): void => {
      if (LEVELS.indexOf(name) < threshold) return;
      console.log(JSON.stringify({ level: name, message, ...extra }));
    };
  return { debug: at('DEBUG'), info: at('INFO'), warn: at('WARN'), error: at('ERROR') };
};

/**
 * Sums counters during one invocation and writes them as EMF documents on `flush()`,
 * one per distinct set of dimensions, so CloudWatch turns them into metrics.
 */
export class EmfMetrics implements Metrics {
  readonly #namespace: string;
  readonly #groups = new Map<
    string,
    { dimensions: MetricDimensions; values: Map<string, number> }
  >();

  public constructor(namespace: string) {
    this.#namespace = namespace;
  }

  public count(name: string, value: number, dimensions: MetricDimensions = {}): void {
    const key = JSON.stringify(Object.entries(dimensions).sort());
    let group = this.#groups.get(key);
    if (group === undefined) {
      group = { dimensions, values: new Map() };
      this.#groups.set(key, group);
    }
    group.values.set(name, (group.values.get(name) ?? 0) + value);
  }

  /** Writes the counters and starts over. */
  public flush(): void {
    for (const { dimensions, values } of this.#groups.values()) {
      const metrics = [...values.keys()].map((name) => ({ Name: name, Unit: 'Count' }));
      const aws = {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          { Namespace: this.#namespace, Dimensions: [Object.keys(dimensions)], Metrics: metrics },
        ],
      };
      console.log(JSON.stringify({ _aws: aws, ...dimensions, ...Object.fromEntries(values) }));
    }
    this.#groups.clear();
  }
}
