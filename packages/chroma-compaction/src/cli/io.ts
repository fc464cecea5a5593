import type { Readable } from 'node:stream';

/** Somewhere `receipt-chroma` writes text: stdout or stderr. */
export interface CliOutput {
  /** Writes text as given (no newline added). */
  write(text: string): void;
  /** Whether it is a terminal: progress is shown on a terminal stderr without `--progress`. */
  readonly isTTY: boolean;
}

/** Start options for the local Chroma servers the CLI runs (`query`, `chroma start`). */
export interface CliChromaOptions {
  /**
   * The argv prefix that runs the `chroma` CLI script, as `startLocalChroma`'s `command`
   * (e.g. Node.js through a glibc shim loader). When given, the CLI uses it as is instead of
   * looking for a glibc shim itself.
   */
  readonly command?: readonly string[] | undefined;
  /** How long to wait for a server to answer, in milliseconds. @default 30000 */
  readonly startupTimeoutMs?: number | undefined;
}

/**
 * Everything `receipt-chroma` touches outside its arguments, so it runs in-process: the
 * process's streams and environment for the bin, buffers and canned answers in tests.
 */
export interface CliIo {
  /** Results: tables, or one JSON document with `--json`. */
  readonly stdout: CliOutput;
  /** Errors (one line each), progress, prompts. */
  readonly stderr: CliOutput;
  /** Read by commands given `-` as their input file. */
  readonly stdin: Readable;
  /** Whether stdin is a terminal, so a confirmation can be asked. */
  readonly stdinIsTTY: boolean;
  /** The environment: AWS settings (`AWS_REGION`, `AWS_ENDPOINT_URL`, credentials, …). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Asks a yes/no question on the terminal; resolves `true` for yes. Called only when
   * {@link CliIo.stdinIsTTY} is `true`.
   */
  confirm(question: string): Promise<boolean>;
  /**
   * Resolves when the operator asks a foreground command (`chroma start`) to stop: SIGINT
   * (Ctrl-C) or SIGTERM for the bin.
   */
  waitForStop(): Promise<void>;
  /** How local Chroma servers are started. @default the glibc shim when the system needs one */
  readonly chroma?: CliChromaOptions | undefined;
}
