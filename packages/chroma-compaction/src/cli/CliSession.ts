import type { Command } from 'commander';
import type { CliIo } from './io.js';
import { TransferProgress } from './TransferProgress.js';

/** The options every command takes. */
export interface CommonOptions {
  /** Print one JSON document on stdout instead of tables. */
  readonly json?: boolean | undefined;
  /** Print the stack of an unexpected error. */
  readonly debug?: boolean | undefined;
  /** Show transfer progress on stderr even when it is not a terminal. */
  readonly progress?: boolean | undefined;
}

/** What a command's action works with: the io, its output mode, progress and clean-ups. */
export interface CommandContext {
  readonly io: CliIo;
  /** `--json` was given. */
  readonly json: boolean;
  /** Progress for this command's transfers (prints nothing unless enabled). */
  readonly progress: TransferProgress;
  /**
   * Prints the command's result: `value` as one JSON document with `--json`, else `human()`.
   * @param value - The JSON result.
   * @param human - The text for people (ending in a newline).
   */
  result(value: unknown, human: () => string): void;
  /** Prints a line for people on stderr (never with `--json`). */
  note(text: string): void;
  /** Runs `cleanup` when the command ends, whatever happened (last registered, first run). */
  defer(cleanup: () => Promise<unknown> | unknown): void;
}

/**
 * One run of `receipt-chroma`: the io, the clean-ups its command registered (clients to
 * destroy, servers to stop) and whether `--debug` was given.
 */
export class CliSession {
  readonly io: CliIo;
  #debug = false;
  readonly #cleanups: (() => Promise<unknown> | unknown)[] = [];

  constructor(io: CliIo) {
    this.io = io;
  }

  /** Whether `--debug` was given. */
  get debug(): boolean {
    return this.#debug;
  }

  /**
   * The context of a command's action, from its parsed options.
   * @param options - The options commander parsed for the command.
   */
  begin(options: CommonOptions): CommandContext {
    const { io } = this;
    const json = options.json === true;
    this.#debug = options.debug === true;
    const progress = new TransferProgress({
      output: io.stderr,
      enabled: options.progress === true || (io.stderr.isTTY && !json),
    });
    return {
      io,
      json,
      progress,
      result: (value, human) => {
        progress.done();
        io.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : human());
      },
      note: (text) => {
        if (!json) io.stderr.write(`${text}\n`);
      },
      defer: (cleanup) => {
        this.#cleanups.push(cleanup);
      },
    };
  }

  /**
   * A commander action running `handler` with the command's context, its arguments (as
   * commander processed them) and its options.
   * @param handler - The command's work.
   */
  action<Options extends CommonOptions>(
    handler: (context: CommandContext, args: readonly unknown[], options: Options) => Promise<void>,
  ): (...params: unknown[]) => Promise<void> {
    return async (...params) => {
      const command = params[params.length - 1] as Command;
      const options = command.opts<Options>();
      await handler(this.begin(options), command.processedArgs, options);
    };
  }

  /**
   * Runs the clean-ups, newest first; each runs even when an earlier one fails.
   * @returns The errors of the clean-ups that failed.
   */
  async close(): Promise<unknown[]> {
    const errors: unknown[] = [];
    for (const cleanup of this.#cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        errors.push(error);
      }
    }
    return errors;
  }
}
