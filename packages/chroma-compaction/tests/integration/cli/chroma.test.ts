import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliRun, startCli } from '../../helpers/cliRun.js';
import { exists, useTempRoot } from '../../helpers/snapshotTrees.js';
import { chromaCommand } from '../helpers/localChroma.js';

/** Resolves with the JSON `chroma start --json` prints once the server is up. */
const started = async (output: Omit<CliRun, 'code'>, done: Promise<CliRun>) => {
  while (output.stdout === '') {
    const finished = await Promise.race([
      done.then((run) => run),
      new Promise<undefined>((wake) => setTimeout(() => wake(undefined), 50)),
    ]);
    if (finished !== undefined) throw new Error(`chroma start ended: ${finished.stderr}`);
  }
  return output.json<{ url: string; pid: number; path: string }>();
};

const heartbeat = async (url: string): Promise<boolean> =>
  fetch(`${url}/api/v2/heartbeat`).then(
    (response) => response.ok,
    () => false,
  );

describe('receipt-chroma chroma start (a real local Chroma)', () => {
  const temp = useTempRoot('cli-chroma-');
  const chroma = { command: chromaCommand(), startupTimeoutMs: 60_000 };

  it('serves the directory until asked to stop, then stops the server cleanly', async () => {
    // Prepare
    const path = join(temp.root, 'persist');
    let stop = (): void => undefined;
    const stopRequested = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const { output, done } = startCli(`chroma start --path ${path} --json`, {
      chroma,
      stop: stopRequested,
    });
    const server = await started(output, done);
    const answered = await heartbeat(server.url);

    // Act
    stop();
    const run = await done;

    // Assess
    expect(answered).toBe(true);
    expect(server.path).toBe(path);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(await heartbeat(server.url)).toBe(false);
    expect(await exists(join(path, 'chroma.sqlite3'))).toBe(true);
  });

  it('prints its URL for people, and exits 1 when the server dies under it', async () => {
    // Prepare
    const path = join(temp.root, 'persist');
    const { output, done } = startCli(`chroma start --path ${path}`, { chroma });
    while (output.stdout === '') await new Promise((wake) => setTimeout(wake, 50));
    const [, pid] = /\(pid (\d+)\)/.exec(output.stdout) ?? [];

    // Act
    process.kill(Number(pid), 'SIGKILL');
    const run = await done;

    // Assess
    expect(output.stdout).toMatch(
      new RegExp(
        `^Chroma is serving ${path} at http://127\\.0\\.0\\.1:\\d+ \\(pid \\d+\\)\\. Ctrl-C stops it\\.\\n$`,
      ),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `receipt-chroma: the Chroma server on ${path} exited on its own (SIGKILL)\n`,
    );
  });
});
