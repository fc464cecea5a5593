import type { Logger, MetricDimensions, Metrics, ObservabilityOptions } from './types.js';

const noop = (): void => {};

/** A logger that drops everything; the default when none is given. */
export const NOOP_LOGGER: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** Resolved observability hooks: a logger that always exists and a counter that may not. */
export interface Observability {
  readonly logger: Logger;
  readonly count: (name: string, value: number, dimensions?: MetricDimensions) => void;
  /** False when no logger was given: hot paths then skip building log fields. */
  readonly logging: boolean;
  /** False when no metrics were given: hot paths then skip building dimensions. */
  readonly counting: boolean;
}

/**
 * Resolves optional hooks once per call so hot paths never test for `undefined`.
 * @internal
 */
export const resolveObservability = (options: ObservabilityOptions | undefined): Observability => {
  const metrics: Metrics | undefined = options?.metrics;
  const logger = options?.logger;
  return {
    logger: logger ?? NOOP_LOGGER,
    count: metrics ? (name, value, dimensions) => metrics.count(name, value, dimensions) : noop,
    logging: logger !== undefined,
    counting: metrics !== undefined,
  };
};
