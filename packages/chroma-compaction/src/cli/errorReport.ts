import { DynamoStreamError } from '@receipt-chroma/dynamo-stream';
import { CommanderError } from 'commander';
import { ChromaCompactionError, errorMessage } from '../errors.js';
import { CliError, EXIT_CODES } from './errors.js';
import type { CliIo } from './io.js';

/**
 * A message on one line: line breaks and the indentation after them become one space.
 * @param text - The message.
 */
export const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();

/** Commander's exits that are not failures: `--help` and `--version` did their job. */
const COMMANDER_SUCCESS: readonly string[] = ['commander.helpDisplayed', 'commander.version'];

/**
 * Prints what went wrong as one line on stderr, `receipt-chroma: <reason>` (commander's own
 * errors were printed by commander already), plus the stack with `debug`, and returns the
 * exit code: a `CliError`'s own, 2 for a wrong command line, 1 for anything else.
 * @param io - Where to print.
 * @param error - What the command threw.
 * @param debug - Whether `--debug` was given.
 */
export const reportError = (io: CliIo, error: unknown, debug: boolean): number => {
  if (error instanceof CommanderError) {
    return COMMANDER_SUCCESS.includes(error.code) ? EXIT_CODES.ok : EXIT_CODES.usage;
  }
  const expected = error instanceof ChromaCompactionError || error instanceof DynamoStreamError;
  const message = errorMessage(error);
  const name = error instanceof Error ? error.name : typeof error;
  const hint = expected || debug ? '' : ' (--debug shows the stack)';
  io.stderr.write(
    `receipt-chroma: ${oneLine(expected ? message : `${name}: ${message}`)}${hint}\n`,
  );
  if (debug && error instanceof Error && error.stack !== undefined) {
    io.stderr.write(`${error.stack}\n`);
  }
  return error instanceof CliError ? error.exitCode : EXIT_CODES.failure;
};

/**
 * Prints the errors of the clean-ups that failed after a command (a server that did not stop,
 * a client that did not close), one line each, and returns the exit code: a success becomes 1.
 * @param io - Where to print.
 * @param errors - What the clean-ups threw.
 * @param code - The command's exit code.
 */
export const reportCleanupErrors = (
  io: CliIo,
  errors: readonly unknown[],
  code: number,
): number => {
  for (const error of errors) {
    io.stderr.write(`receipt-chroma: ${oneLine(errorMessage(error))}\n`);
  }
  return errors.length > 0 && code === EXIT_CODES.ok ? EXIT_CODES.failure : code;
};
