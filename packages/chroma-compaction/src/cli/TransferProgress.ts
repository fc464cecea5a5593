import type { CliOutput } from './io.js';
import { formatBytes } from './output.js';

/** Options of {@link TransferProgress}. */
export interface TransferProgressOptions {
  /** Where progress goes (stderr). */
  readonly output: CliOutput;
  /** Whether to show anything at all. */
  readonly enabled: boolean;
  /**
   * The clock, in milliseconds.
   * @default `Date.now`
   */
  readonly now?: (() => number) | undefined;
}

/** Redraws per second on a terminal; once a second elsewhere (`--progress` into a file). */
const TTY_INTERVAL_MS = 100;
const LOG_INTERVAL_MS = 1000;

/**
 * Bytes moved by a long transfer, shown on stderr: redrawn in place on a terminal, one line a
 * second otherwise. A phase (`downloading`, `uploading`) starts with {@link TransferProgress.phase}
 * and ends with {@link TransferProgress.done}, which prints its final count. Disabled, it
 * counts but prints nothing.
 */
export class TransferProgress {
  readonly #output: CliOutput;
  readonly #enabled: boolean;
  readonly #now: () => number;
  #label: string | undefined;
  #bytes = 0;
  #total = 0;
  #lastDraw = 0;

  constructor(options: TransferProgressOptions) {
    this.#output = options.output;
    this.#enabled = options.enabled;
    this.#now = options.now ?? Date.now;
  }

  /** Bytes counted in the current phase. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Starts a phase (ending the previous one).
   * @param label - What is moving, e.g. `downloading lines/20260104_…`.
   */
  phase(label: string): void {
    if (this.#label !== undefined) this.done();
    this.#label = label;
    this.#bytes = 0;
    this.#total = 0;
    // The first line comes one interval in: a quick transfer shows only its final count.
    this.#lastDraw = this.#now();
  }

  /**
   * Adds to the bytes expected in this phase (each object's size as its read starts).
   * @param bytes - Bytes expected.
   */
  expect(bytes: number): void {
    this.#total += bytes;
  }

  /**
   * Counts bytes moved.
   * @param bytes - Bytes moved since the last call.
   */
  add(bytes: number): void {
    this.#bytes += bytes;
    const interval = this.#output.isTTY ? TTY_INTERVAL_MS : LOG_INTERVAL_MS;
    if (this.#now() - this.#lastDraw >= interval) this.#draw(false);
  }

  /** Ends the phase with its final count. */
  done(): void {
    if (this.#label === undefined) return;
    this.#draw(true);
    this.#label = undefined;
  }

  #draw(final: boolean): void {
    if (!this.#enabled || this.#label === undefined) return;
    this.#lastDraw = this.#now();
    const total =
      this.#total > 0 && this.#total >= this.#bytes
        ? ` / ${formatBytes(this.#total)} (${Math.floor((this.#bytes / this.#total) * 100)}%)`
        : '';
    const line = `${this.#label}: ${formatBytes(this.#bytes)}${total}`;
    if (this.#output.isTTY) this.#output.write(`\r\x1b[K${line}${final ? '\n' : ''}`);
    else this.#output.write(`${line}\n`);
  }
}
