import { Readable } from 'node:stream';
import type { CliChromaOptions, CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/runCli.js';

/** How a test runs `receipt-chroma` in-process. */
export interface CliRunOptions {
  /** The environment. @default `{}` (no AWS settings at all) */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** What stdin holds. @default empty */
  readonly stdin?: string;
  /** Whether stdin is a terminal (a confirmation can be asked). @default false */
  readonly stdinIsTTY?: boolean;
  /** Whether stderr is a terminal (progress shows without `--progress`). @default false */
  readonly stderrIsTTY?: boolean;
  /** The answer to every confirmation question. @default false */
  readonly confirm?: boolean;
  /** Resolves when the foreground command should stop. @default never */
  readonly stop?: Promise<void>;
  /** How local Chroma servers start (the test services' command). */
  readonly chroma?: CliChromaOptions;
}

/** What a run printed and returned. */
export interface CliRun {
  readonly code: number;
  /** Everything written to stdout so far (grows while the run is under way). */
  readonly stdout: string;
  readonly stderr: string;
  /** The confirmation questions asked, in order. */
  readonly questions: readonly string[];
  /** stdout parsed as the one JSON document `--json` prints. */
  json<T = Record<string, unknown>>(): T;
}

/** A run under way, for foreground commands: its output so far, and its end. */
export interface StartedCliRun {
  readonly output: Omit<CliRun, 'code'>;
  readonly done: Promise<CliRun>;
}

/** A command line: the arguments, or one string split on spaces (no quoting). */
export type CliArgs = readonly string[] | string;

const argsOf = (args: CliArgs): readonly string[] =>
  typeof args === 'string' ? args.split(/\s+/).filter((arg) => arg !== '') : args;

/**
 * Starts `receipt-chroma args…` in-process with buffered output; `done` resolves with the
 * exit code once the command ends.
 */
export const startCli = (args: CliArgs, options: CliRunOptions = {}): StartedCliRun => {
  const argv = argsOf(args);
  let stdout = '';
  let stderr = '';
  const questions: string[] = [];
  const io: CliIo = {
    stdout: {
      write: (text) => {
        stdout += text;
      },
      isTTY: false,
    },
    stderr: {
      write: (text) => {
        stderr += text;
      },
      isTTY: options.stderrIsTTY ?? false,
    },
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    stdinIsTTY: options.stdinIsTTY ?? false,
    env: options.env ?? {},
    confirm: async (question) => {
      questions.push(question);
      return options.confirm ?? false;
    },
    waitForStop: () => options.stop ?? new Promise<void>(() => undefined),
    chroma: options.chroma,
  };
  const output = {
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    questions,
    json: <T>() => JSON.parse(stdout) as T,
  };
  const done = runCli(argv, io).then((code) => ({ ...output, code, stdout, stderr }));
  return { output, done };
};

/** Runs `receipt-chroma args…` in-process to its end. */
export const runReceiptChroma = (args: CliArgs, options: CliRunOptions = {}): Promise<CliRun> =>
  startCli(args, options).done;
