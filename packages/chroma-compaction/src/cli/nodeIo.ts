import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import type { CliIo } from './io.js';

/** What {@link nodeIo} uses of a Node.js process (the global `process` by default). */
export interface NodeProcessLike {
  readonly stdout: Writable & { readonly isTTY?: boolean | undefined };
  readonly stderr: Writable & { readonly isTTY?: boolean | undefined };
  readonly stdin: Readable & { readonly isTTY?: boolean | undefined };
  readonly env: Readonly<Record<string, string | undefined>>;
  once(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  removeListener(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

/**
 * The io of the `receipt-chroma` bin: the process's streams and environment, a `[y/N]`
 * question on the terminal (asked on stderr, so stdout stays the result), and SIGINT or
 * SIGTERM as the stop request of foreground commands.
 * @param proc - The process.
 */
export const nodeIo = (proc: NodeProcessLike = process): CliIo => ({
  stdout: {
    write: (text) => proc.stdout.write(text),
    get isTTY() {
      return proc.stdout.isTTY === true;
    },
  },
  stderr: {
    write: (text) => proc.stderr.write(text),
    get isTTY() {
      return proc.stderr.isTTY === true;
    },
  },
  stdin: proc.stdin,
  get stdinIsTTY() {
    return proc.stdin.isTTY === true;
  },
  env: proc.env,
  async confirm(question) {
    const terminal = createInterface({ input: proc.stdin, output: proc.stderr });
    try {
      return /^y(es)?$/i.test((await terminal.question(question)).trim());
    } finally {
      terminal.close();
    }
  },
  waitForStop: () =>
    new Promise<void>((done) => {
      const stop = (): void => {
        proc.removeListener('SIGINT', stop);
        proc.removeListener('SIGTERM', stop);
        done();
      };
      proc.once('SIGINT', stop);
      proc.once('SIGTERM', stop);
    }),
});
