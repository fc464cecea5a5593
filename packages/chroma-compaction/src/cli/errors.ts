import { ChromaCompactionError, type ChromaCompactionErrorOptions } from '../errors.js';

/** Exit codes of `receipt-chroma`. */
export const EXIT_CODES: {
  /** The command did what it was asked. */
  readonly ok: 0;
  /** The command failed: a store, a check, a lock, a refusal (the reason is on stderr). */
  readonly failure: 1;
  /** The command line or an input file is wrong: unknown option, missing argument, bad JSON. */
  readonly usage: 2;
} = { ok: 0, failure: 1, usage: 2 };

/** Options of {@link CliError}. */
export interface CliErrorOptions extends ChromaCompactionErrorOptions {
  /**
   * The process exit code.
   * @default 1
   */
  readonly exitCode?: number | undefined;
}

/**
 * A command of `receipt-chroma` failed for a reason it can state in one line (a refused lock
 * break, a record that is not in the snapshot, a failed `--strict` check). The CLI prints
 * `receipt-chroma: <message>` and exits with `exitCode`.
 */
export class CliError extends ChromaCompactionError {
  /** The process exit code. */
  readonly exitCode: number;

  constructor(message: string, options: CliErrorOptions = {}) {
    super(message, options);
    this.exitCode = options.exitCode ?? EXIT_CODES.failure;
  }
}

/**
 * The command line or an input file is wrong (exit code 2): both `--bucket` and `--root`,
 * neither, a line of an NDJSON file that is not JSON, a file that cannot be read.
 */
export class CliUsageError extends CliError {
  constructor(message: string, options: ChromaCompactionErrorOptions = {}) {
    super(message, { ...options, exitCode: EXIT_CODES.usage });
  }
}
