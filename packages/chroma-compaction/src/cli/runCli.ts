import { CliSession } from './CliSession.js';
import { reportCleanupErrors, reportError } from './errorReport.js';
import { EXIT_CODES } from './errors.js';
import type { CliIo } from './io.js';
import { createProgram } from './program.js';

/**
 * Runs `receipt-chroma` in-process: parses `argv` (the arguments after the program name),
 * runs the command against `io`, closes what the command opened (clients, servers,
 * temporary directories) and resolves with the exit code. It never exits the process and
 * never rejects: every failure is one line on `io.stderr` and a non-zero code.
 * @param argv - The arguments, e.g. `['snapshot', 'list', 'lines', '--root', './store']`.
 * @param io - The streams, environment and hooks the command uses.
 * @returns 0 when the command did its job, 1 when it failed, 2 when the command line or an
 *   input file is wrong.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const session = new CliSession(io);
  let code: number = EXIT_CODES.ok;
  try {
    await createProgram(session).parseAsync([...argv], { from: 'user' });
  } catch (error) {
    code = reportError(io, error, session.debug || argv.includes('--debug'));
  }
  return reportCleanupErrors(io, await session.close(), code);
}
