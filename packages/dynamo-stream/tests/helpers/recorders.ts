/**
 * Test doubles of the observability hooks and the clock: they record what a function
 * reports instead of writing it to the console, so tests can assert on it.
 */

/** A fixed clock for deterministic message timestamps. */
export const FIXED_NOW = (): string => '2026-01-04T12:34:56.123456+00:00';

/** A metrics hook that records every counter, as `[name, value, dimensions]` tuples. */
export interface RecordingMetrics {
  readonly calls: [string, number, Record<string, string> | undefined][];
  count(name: string, value: number, dimensions?: Readonly<Record<string, string>>): void;
  names(): string[];
}

/** Records every counter a function emits. */
export const recordingMetrics = (): RecordingMetrics => {
  const calls: RecordingMetrics['calls'] = [];
  return {
    calls,
    count: (name, value, dimensions) => {
      calls.push([name, value, dimensions ? { ...dimensions } : undefined]);
    },
    names: () => calls.map(([name]) => name),
  };
};

/** One line a {@link RecordingLogger} recorded. */
export interface LoggedLine {
  level: string;
  message: string;
  extra: Record<string, unknown> | undefined;
}

/** A logger that records lines by level instead of writing to the console. */
export interface RecordingLogger {
  readonly lines: LoggedLine[];
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Records log lines by level instead of writing to the console. */
export const recordingLogger = (): RecordingLogger => {
  const lines: LoggedLine[] = [];
  const at =
    (level: string) =>
    (message: string, extra?: Record<string, unknown>): void => {
      lines.push({ level, message, extra });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
};
