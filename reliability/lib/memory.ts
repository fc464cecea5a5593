/**
 * Peak resident memory while a piece of work runs: `process.memoryUsage.rss()` sampled on a
 * timer (zlib inflates on the thread pool, so the event loop keeps turning while a bomb is
 * read) and once more at the end.
 */

/** What {@link measurePeakRss} saw. */
export interface PeakRss<T> {
  /** The work's outcome: its value, or what it threw. */
  readonly outcome:
    | { readonly ok: true; readonly value: T }
    | { readonly ok: false; readonly error: unknown };
  /** Highest RSS seen minus RSS before the work started, in bytes (0 when it never grew). */
  readonly growthBytes: number;
  /** Samples taken. */
  readonly samples: number;
}

/** Runs `work`, sampling RSS every `intervalMs`. */
export const measurePeakRss = async <T>(
  work: () => Promise<T>,
  intervalMs = 2,
): Promise<PeakRss<T>> => {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  let samples = 0;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage.rss());
    samples += 1;
  };
  const timer = setInterval(sample, intervalMs);
  let outcome: PeakRss<T>['outcome'];
  try {
    outcome = { ok: true, value: await work() };
  } catch (error) {
    outcome = { ok: false, error };
  } finally {
    clearInterval(timer);
    sample();
  }
  return { outcome, growthBytes: peak - baseline, samples };
};
