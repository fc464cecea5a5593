import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runDemo } from './runDemo.js';
import { formatSummary } from './summary.js';

/** Options of {@link runDemoCli}. */
export interface DemoCliOptions {
  /** The argv prefix that runs Node.js able to load Chroma's native binding. */
  readonly command: readonly string[];
  /** The command-line arguments (`process.argv.slice(2)`). */
  readonly args: readonly string[];
  /** `performance.now()` when the command started, so progress shows the whole run. */
  readonly startedAt: number;
}

const USAGE =
  'Usage: npm run demo -- [--receipts N (default 40)] [--seed N (default 11)] [--batch-size N (default 200)]';

/** A wrong command-line argument: reported with the usage, without a stack. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

const integer = (name: string, value: string | undefined, min: number): number | undefined => {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < min) {
    throw new UsageError(`--${name} must be an integer >= ${min}, got ${value}`);
  }
  return parsed;
};

/** The demo's options from the command line. */
const parseDemoArgs = (args: readonly string[]) => {
  let values: { receipts?: string; seed?: string; 'batch-size'?: string };
  try {
    values = parseArgs({
      args: [...args],
      options: {
        receipts: { type: 'string' },
        seed: { type: 'string' },
        'batch-size': { type: 'string' },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    receipts: integer('receipts', values.receipts, 3),
    seed: integer('seed', values.seed, 0),
    batchSize: integer('batch-size', values['batch-size'], 1),
  };
};

/**
 * `npm run demo`: runs {@link runDemo}, writes progress to stderr and the summary to stdout,
 * and sets the exit code: 0 when every check passed, 1 on a failed check or an error, 2 on
 * a wrong argument, 130 when interrupted. The first SIGINT (or SIGTERM) stops the demo at the next step or
 * invocation and cleans up; a second one exits at once (running Chroma servers are
 * interrupted on exit, the temporary directory is removed).
 */
export async function runDemoCli(options: DemoCliOptions): Promise<void> {
  const progress = (line: string): void => {
    const seconds = ((performance.now() - options.startedAt) / 1000).toFixed(1).padStart(5);
    process.stderr.write(`[${seconds}s] ${line}\n`);
  };
  let parsed: ReturnType<typeof parseDemoArgs>;
  try {
    parsed = parseDemoArgs(options.args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const controller = new AbortController();
  // Every temporary file of the run, the package's working copies included (they go to
  // `os.tmpdir()`), lands in one directory, removed even when a second signal quits at once.
  const scratch = mkdtempSync(join(tmpdir(), 'receipt-chroma-demo-'));
  process.env['TMPDIR'] = scratch;
  const interrupt = (signal: NodeJS.Signals): void => {
    if (!controller.signal.aborted) {
      progress(`${signal}: stopping after the current step and cleaning up (again to quit now)`);
      controller.abort(new Error(`Interrupted by ${signal}`));
      return;
    }
    rmSync(scratch, { recursive: true, force: true });
    process.exit(130);
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  try {
    const summary = await runDemo({
      ...parsed,
      command: options.command,
      progress,
      signal: controller.signal,
      onWorkspace: (dir) => progress(`workspace ${dir} (removed at the end)`),
    });
    process.stdout.write(formatSummary(summary));
    const failed = summary.checks.filter((check) => !check.ok);
    progress(failed.length === 0 ? 'done' : `${failed.length} check(s) failed`);
    process.exitCode = failed.length === 0 ? 0 : 1;
  } catch (error) {
    if (controller.signal.aborted) {
      progress('interrupted; cleaned up');
      process.exitCode = 130;
      return;
    }
    process.stderr.write(
      `demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}
