import { describe, expect, it } from 'vitest';
import { CliSession } from '../../../src/cli/CliSession.js';
import { reportCleanupErrors, reportError } from '../../../src/cli/errorReport.js';
import { CliError, CliUsageError } from '../../../src/cli/errors.js';
import type { CliIo } from '../../../src/cli/io.js';
import { PACKAGE_VERSION } from '../../../src/packageVersion.js';
import { SnapshotIntegrityError } from '../../../src/snapshots/errors.js';
import { runReceiptChroma } from '../../helpers/cliRun.js';

/** An io that keeps what is written to stderr. */
const stderrIo = (): { io: CliIo; stderr: () => string } => {
  let written = '';
  const io = {
    stdout: { write: () => undefined, isTTY: false },
    stderr: {
      write: (text: string) => {
        written += text;
      },
      isTTY: false,
    },
  } as unknown as CliIo;
  return { io, stderr: () => written };
};

describe('runCli', () => {
  it('prints help on stdout and exits 0, with the exit codes and an example per command', async () => {
    // Act
    const top = await runReceiptChroma('--help');
    const leaf = await runReceiptChroma('lock break --help');
    const version = await runReceiptChroma('--version');

    // Assess
    expect(top).toMatchObject({ code: 0, stderr: '' });
    expect(top.stdout).toMatch(/^Usage: receipt-chroma \[options\] \[command\]/);
    expect(top.stdout).toContain('Exit codes:\n  0  done\n');
    expect(leaf.code).toBe(0);
    expect(leaf.stdout).toMatch(/^Usage: receipt-chroma lock break \[options\] <collection>/);
    expect(leaf.stdout).toContain('  -y, --yes ');
    expect(leaf.stdout).toContain(
      'Examples:\n  $ receipt-chroma lock break words --table ReceiptsTable\n',
    );
    expect(version).toMatchObject({ code: 0, stdout: `${PACKAGE_VERSION}\n` });
  });

  it.each([
    [
      'an unknown command',
      'snapshot lst lines',
      "receipt-chroma: unknown command 'lst' (Did you mean list?)",
    ],
    [
      'an unknown option',
      'snapshot list lines --rot x',
      "receipt-chroma: unknown option '--rot' (Did you mean --root?)",
    ],
    [
      'a missing argument',
      'snapshot list',
      "receipt-chroma: missing required argument 'collection'",
    ],
    [
      'a collection that does not exist',
      'snapshot list receipts --root x',
      "receipt-chroma: command-argument value 'receipts' is invalid for argument 'collection'. Allowed choices are lines, words.",
    ],
    [
      'a number out of range',
      'snapshot prune lines --root x --keep 0',
      "receipt-chroma: option '--keep <n>' argument '0' is invalid. Expected an integer of at least 1.",
    ],
    [
      'a number that is not one',
      'snapshot prune lines --root x --keep many',
      "receipt-chroma: option '--keep <n>' argument 'many' is invalid. Expected an integer.",
    ],
    [
      'a number above its maximum',
      'delta inspect lines/delta/x --root x --ids 5000',
      "receipt-chroma: option '--ids <n>' argument '5000' is invalid. Expected an integer from 0 to 1000.",
    ],
    [
      'both stores',
      'snapshot list lines --root x --bucket y',
      "receipt-chroma: option '--bucket <name>' cannot be used with option '--root <dir>'",
    ],
    [
      'no store',
      'snapshot list lines',
      'receipt-chroma: give --bucket NAME (S3) or --root DIR (a directory used as the store)',
    ],
    [
      'a lock command without --table',
      'lock show lines',
      "receipt-chroma: required option '--table <name>' not specified",
    ],
  ])('exits 2 with one line on stderr for %s', async (_, args, line) => {
    // Act
    const run = await runReceiptChroma(args);

    // Assess
    expect(run).toMatchObject({ code: 2, stdout: '', stderr: `${line}\n` });
  });

  it('exits 2 and prints the group help on stderr for a group without a command', async () => {
    // Act
    const run = await runReceiptChroma('delta');

    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^Usage: receipt-chroma delta \[options\] \[command\]/);
  });
});

describe('reportError', () => {
  it('prints a typed error as its message on one line, with its exit code', () => {
    // Prepare
    const { io, stderr } = stderrIo();
    const error = new SnapshotIntegrityError('Snapshot lines/v1: bad\n  tarball', {
      collection: 'lines',
      version: 'v1',
      check: 'sha256',
    });

    // Act
    const codes = [
      reportError(io, error, false),
      reportError(io, new CliUsageError('wrong'), false),
      reportError(io, new CliError('refused'), false),
    ];

    // Assess
    expect(codes).toEqual([1, 2, 1]);
    expect(stderr()).toBe(
      'receipt-chroma: Snapshot lines/v1: bad tarball\nreceipt-chroma: wrong\nreceipt-chroma: refused\n',
    );
  });

  it('prints a thrown value that is not an Error as what it is', () => {
    // Prepare
    const { io, stderr } = stderrIo();

    // Act
    const code = reportError(io, 'plain text', false);

    // Assess
    expect(code).toBe(1);
    expect(stderr()).toBe('receipt-chroma: string: plain text (--debug shows the stack)\n');
  });

  it('prints failed clean-ups one line each, turning a success into exit code 1', () => {
    // Prepare
    const { io, stderr } = stderrIo();

    // Act
    const codes = [
      reportCleanupErrors(io, [new Error('server\n  did not stop'), 'lost'], 0),
      reportCleanupErrors(io, [new Error('again')], 2),
      reportCleanupErrors(io, [], 0),
    ];

    // Assess
    expect(codes).toEqual([1, 2, 0]);
    expect(stderr()).toBe(
      'receipt-chroma: server did not stop\nreceipt-chroma: lost\nreceipt-chroma: again\n',
    );
  });

  it('names an unexpected error with a hint, and prints its stack only with --debug', () => {
    // Prepare
    const quiet = stderrIo();
    const debug = stderrIo();
    const error = new TypeError('x is not a function');

    // Act
    const code = reportError(quiet.io, error, false);
    reportError(debug.io, error, true);

    // Assess
    expect(code).toBe(1);
    expect(quiet.stderr()).toBe(
      'receipt-chroma: TypeError: x is not a function (--debug shows the stack)\n',
    );
    expect(debug.stderr()).toBe(`receipt-chroma: TypeError: x is not a function\n${error.stack}\n`);
  });
});

describe('CliSession', () => {
  it('runs every clean-up, newest first, and returns the errors of those that failed', async () => {
    // Prepare
    const session = new CliSession(stderrIo().io);
    const context = session.begin({});
    const ran: string[] = [];
    const failure = new Error('stop failed');
    context.defer(() => ran.push('first'));
    context.defer(() => {
      ran.push('second');
      throw failure;
    });
    context.defer(async () => ran.push('third'));

    // Act
    const errors = await session.close();
    const again = await session.close();

    // Assess
    expect(ran).toEqual(['third', 'second', 'first']);
    expect(errors).toEqual([failure]);
    expect(again).toEqual([]);
  });
});
