import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { workspaceSourcePlugin } from '../../../../scripts/workspaceSources.mjs';
import type { ChildConfig, ChildEvent } from './snapshotCacheChild.js';

const CHILD_SOURCE = fileURLToPath(new URL('./snapshotCacheChild.ts', import.meta.url));

/**
 * Bundles `snapshotCacheChild.ts` (and the package's source it imports) into one CommonJS
 * file under `outDir`, so children run the code under test without a build of the package.
 * @returns the bundle's path
 */
export async function buildCacheChild(outDir: string): Promise<string> {
  const outfile = join(outDir, 'snapshotCacheChild.cjs');
  await build({
    entryPoints: [CHILD_SOURCE],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [workspaceSourcePlugin()],
    logLevel: 'silent',
  });
  return outfile;
}

/** A running child: its events in order, and ways to talk to it and end it. */
export class CacheChild {
  readonly process: ChildProcess;
  readonly #events: ChildEvent[] = [];
  readonly #waiting: (() => void)[] = [];
  #stderr = '';
  #exited = false;

  private constructor(child: ChildProcess) {
    this.process = child;
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      this.#events.push(JSON.parse(line) as ChildEvent);
      this.#wake();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr += chunk.toString();
    });
    child.on('exit', () => {
      this.#exited = true;
      this.#wake();
    });
  }

  /** Starts `bundle` with `config`. */
  static start(bundle: string, config: ChildConfig): CacheChild {
    return new CacheChild(
      spawn(process.execPath, [bundle, JSON.stringify(config)], {
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    );
  }

  /**
   * The first event named `name`.
   * @throws Error with the child's stderr when it exits or fails first
   */
  async next<T extends ChildEvent['event']>(name: T): Promise<Extract<ChildEvent, { event: T }>> {
    for (;;) {
      const found = this.#events.find((event) => event.event === name);
      if (found !== undefined) return found as Extract<ChildEvent, { event: T }>;
      const failed = this.#events.find((event) => event.event === 'failed');
      if (failed !== undefined || this.#exited) {
        throw new Error(
          `Child ${this.process.pid} ended before '${name}': ${JSON.stringify(this.#events)} ${this.#stderr}`,
        );
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
  }

  /** Writes a line to the child's stdin. */
  send(line: string): void {
    this.process.stdin?.write(`${line}\n`);
  }

  /** Kills the child with SIGKILL (no exit handlers run) and waits until it is gone. */
  async kill(): Promise<void> {
    if (this.#exited) return;
    const exited = once(this.process, 'exit');
    this.process.kill('SIGKILL');
    await exited;
  }

  #wake(): void {
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
}

/**
 * Calls `attempt` until it returns `true`, pausing `pauseMs` between attempts.
 * @throws Error naming `what` when it is still `false` after `timeoutMs`
 */
export async function pollUntil(
  what: string,
  attempt: () => Promise<boolean>,
  { timeoutMs = 20_000, pauseMs = 200 }: { timeoutMs?: number; pauseMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await attempt())) {
    if (Date.now() > deadline) throw new Error(`Still waiting after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}
