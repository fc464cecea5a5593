/** Dimensions of a metric, e.g. `{ collection: 'words' }`. */
export type MetricDimensions = Readonly<Record<string, string>>;

/**
 * Structured logger; compatible with Powertools `Logger` (`logger.info(message, extra)`)
 * and with `console`.
 */
export interface Logger {
  /**
   * Logs detail useful when tracing a run (each batch, each phase).
   * @param message - what happened
   * @param extra - structured fields to log with it
   */
  debug(message: string, extra?: Record<string, unknown>): void;
  /**
   * Logs a normal event worth keeping (a run's summary, a published snapshot).
   * @param message - what happened
   * @param extra - structured fields to log with it
   */
  info(message: string, extra?: Record<string, unknown>): void;
  /**
   * Logs something that went wrong but was handled (a failed message, a retried request).
   * @param message - what happened
   * @param extra - structured fields to log with it
   */
  warn(message: string, extra?: Record<string, unknown>): void;
  /**
   * Logs a failure an operator should look at.
   * @param message - what happened
   * @param extra - structured fields to log with it, often the error
   */
  error(message: string, extra?: Record<string, unknown>): void;
}

/**
 * Where metrics go. A thin wrapper over Powertools `Metrics` (`addMetric` with units
 * `Count`, `None`, `Milliseconds`) or any EMF recorder fits.
 */
export interface Metrics {
  /** Adds `value` to the counter `name`. */
  count(name: string, value: number, dimensions?: MetricDimensions): void;
  /** Records the current value of `name` (a size, a version, a queue depth). */
  gauge(name: string, value: number, dimensions?: MetricDimensions): void;
  /** Records a duration in milliseconds. */
  timer(name: string, milliseconds: number, dimensions?: MetricDimensions): void;
}

const ignore = (): void => {};

/** A logger that drops everything: the default. */
export const NOOP_LOGGER: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };

/** Metrics that record nothing: the default. */
export const NOOP_METRICS: Metrics = { count: ignore, gauge: ignore, timer: ignore };

/** Options shared by every function and adapter that can log or record metrics. */
export interface ObservabilityOptions {
  /** Where log lines go; without one, {@link NOOP_LOGGER} drops them. @default NOOP_LOGGER */
  readonly logger?: Logger | undefined;
  /** Where metrics go; without one, {@link NOOP_METRICS} drops them. @default NOOP_METRICS */
  readonly metrics?: Metrics | undefined;
}
