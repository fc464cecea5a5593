import type { Logger } from '../ports/observability.js';
import type { CompactionPhase, CompactionTracer, SpanAttributes } from './types.js';

/** A logger that adds `fields` to every line (the correlation id, the collection). @internal */
export const withFields = (logger: Logger, fields: Record<string, unknown>): Logger => ({
  debug: (message, extra) => logger.debug(message, { ...fields, ...extra }),
  info: (message, extra) => logger.info(message, { ...fields, ...extra }),
  warn: (message, extra) => logger.warn(message, { ...fields, ...extra }),
  error: (message, extra) => logger.error(message, { ...fields, ...extra }),
});

/** Runs the phases of one cycle: a span each, its time, a log line. @internal */
export class CyclePhases {
  readonly timings: Partial<Record<CompactionPhase | 'total', number>> = {};
  readonly #logger: Logger;
  readonly #tracer: CompactionTracer | undefined;
  readonly #attributes: SpanAttributes;

  constructor(logger: Logger, tracer: CompactionTracer | undefined, attributes: SpanAttributes) {
    this.#logger = logger;
    this.#tracer = tracer;
    this.#attributes = attributes;
  }

  /** Starts `phase`; the function returned ends it (with the error when it failed), once. */
  begin(phase: CompactionPhase): (error?: unknown) => void {
    const span = this.#tracer?.startSpan(`compaction.${phase}`, this.#attributes);
    const started = performance.now();
    let ended = false;
    return (error?: unknown) => {
      if (ended) return;
      ended = true;
      span?.end(error);
      this.record(phase, performance.now() - started);
    };
  }

  /** Runs `task` as `phase`. */
  async run<T>(phase: CompactionPhase, task: () => Promise<T>): Promise<T> {
    const end = this.begin(phase);
    try {
      const value = await task();
      end();
      return value;
    } catch (error) {
      end(error);
      throw error;
    }
  }

  /** Records a phase measured elsewhere. */
  record(phase: CompactionPhase | 'total', ms: number): void {
    this.timings[phase] = Math.round(ms);
    this.#logger.debug('compaction phase', { phase, ms: Math.round(ms) });
  }
}
