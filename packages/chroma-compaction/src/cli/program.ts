import { Command, type OutputConfiguration } from 'commander';
import { PACKAGE_VERSION } from '../packageVersion.js';
import type { CliSession } from './CliSession.js';
import { chromaCommand } from './chroma.js';
import { deltaCommand } from './delta.js';
import { oneLine } from './errorReport.js';
import { lockCommand } from './lock.js';
import { messagesCommand } from './messages.js';
import { queryCommand } from './query.js';
import { snapshotCommand } from './snapshot.js';

/** The width help text is wrapped to, whatever the terminal (stable output for docs and tests). */
const HELP_WIDTH = 100;

const PROGRAM_HELP = `
Stores:
  --bucket NAME   an S3 bucket, reached through the standard AWS environment (AWS_REGION,
                  AWS_PROFILE, AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL, ...)
  --root DIR      a directory used as the store (FileSystemObjectStore)
  --endpoint URL  an S3/DynamoDB-compatible endpoint (moto, MinIO, LocalStack)
  --table NAME    the DynamoDB table holding the compaction lock

Output:
  Tables for people; --json prints one JSON document on stdout. Errors are one line on
  stderr, "receipt-chroma: <reason>"; --debug adds the stack of an unexpected error.

Exit codes:
  0  done
  1  the command failed (store, check, lock, refused confirmation, --strict failures)
  2  the command line or an input file is wrong
`;

/** Gives `command` and every command below it the program's error handling and output. */
const inherit = (command: Command): void => {
  for (const child of command.commands) {
    child.copyInheritedSettings(command);
    inherit(child);
  }
};

/**
 * Builds the `receipt-chroma` program: every command group, with commander's exits turned
 * into thrown `CommanderError`s and its output sent to the session's io.
 * @param session - The run the program serves.
 */
export const createProgram = (session: CliSession): Command => {
  const { io } = session;
  const output: OutputConfiguration = {
    writeOut: (text) => io.stdout.write(text),
    writeErr: (text) => io.stderr.write(text),
    getOutHelpWidth: () => HELP_WIDTH,
    getErrHelpWidth: () => HELP_WIDTH,
    outputError: (text, write) =>
      write(`receipt-chroma: ${oneLine(text.replace(/^error: /, ''))}\n`),
  };
  const program = new Command('receipt-chroma')
    .description(
      'Operate the snapshots, deltas, compaction locks and stream messages of receipt-chroma.',
    )
    .version(PACKAGE_VERSION, '-V, --version', 'print the version')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput(output)
    .showSuggestionAfterError()
    .addHelpText('after', PROGRAM_HELP)
    .addCommand(snapshotCommand(session))
    .addCommand(deltaCommand(session))
    .addCommand(lockCommand(session))
    .addCommand(messagesCommand(session))
    .addCommand(queryCommand(session))
    .addCommand(chromaCommand(session));
  inherit(program);
  return program;
};
