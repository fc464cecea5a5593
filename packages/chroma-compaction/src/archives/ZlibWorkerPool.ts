/**
 * A small pool of worker threads that gzip or gunzip whole buffers (one gzip member each).
 * The worker runs from an inline script that needs only `node:zlib`, so it works the same
 * from `src` (tests) and from the bundled `dist`, with no entry file to ship or resolve.
 * Buffers are transferred, not copied, in both directions.
 */
import { Worker } from 'node:worker_threads';
import { ZlibTaskError } from './errors.js';

/**
 * `view`, or a copy of it, whose buffer can be transferred: one of 64 KiB or more is a buffer
 * of its own (Node's shared pool slabs are 8 KiB, and transferring one throws on Node 22);
 * a smaller view is copied, which costs little. The worker's script has the same rule.
 */
const transferable = (view: Uint8Array): Uint8Array =>
  view.buffer.byteLength >= 65536 ? view : new Uint8Array(view);

/**
 * The worker: one task at a time, answered with the result or the error's message and code.
 * Memory: the task brings the buffer to write into (lent by the caller, who reuses it), and
 * the worker allocates nothing per task, so it never builds up garbage. (A worker allocates
 * few JS objects and so rarely collects: buffers it made and dropped piled up to V8's
 * external-memory threshold, and glibc kept the pages; bench/snapshots/RESULTS.md.) Node's
 * public sync zlib calls always allocate their output, so the engine's own output buffer is
 * swapped for the lent one before its one sync call (`_outBuffer`, `_chunkSize`,
 * `_processChunk`, in Node's zlib since 0.x); where those are missing the public call runs
 * and its output is copied into the lent buffer. Output that does not fit comes back as a
 * buffer of its own. `consumed` is how many input bytes the engine read, so gunzip's
 * trailing bytes are detected.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
const transferable = (view) => (view.buffer.byteLength >= 65536 ? view : new Uint8Array(view));
const lendable = typeof zlib.Gzip.prototype._processChunk === 'function';
const engineOf = (task, chunkSize) =>
  task.op === 'gzip'
    ? zlib.createGzip({ level: task.level, chunkSize })
    : zlib.createGunzip({ maxOutputLength: task.maxOutput, chunkSize });
const intoLent = (task, out) => {
  const engine = engineOf(task, zlib.constants.Z_MIN_CHUNK);
  engine._outBuffer = out;
  engine._outOffset = 0;
  engine._chunkSize = out.length;
  const data = engine._processChunk(task.input, zlib.constants.Z_FINISH);
  return { data, consumed: engine.bytesWritten };
};
const copied = (task, out) => {
  const chunkSize = Math.max(out.length, zlib.constants.Z_MIN_CHUNK);
  const options = task.op === 'gzip'
    ? { level: task.level, chunkSize, info: true }
    : { maxOutputLength: task.maxOutput, chunkSize, info: true };
  const { buffer, engine } = (task.op === 'gzip' ? zlib.gzipSync : zlib.gunzipSync)(task.input, options);
  if (buffer.length > out.length) return { data: buffer, consumed: engine.bytesWritten };
  buffer.copy(out);
  return { data: out.subarray(0, buffer.length), consumed: engine.bytesWritten };
};
parentPort.on('message', (task) => {
  try {
    const out = Buffer.from(task.output.buffer, task.output.byteOffset, task.output.byteLength);
    const result = (lendable ? intoLent : copied)(task, out);
    const data = transferable(result.data);
    const moved = [task.input.buffer, task.output.buffer];
    if (data.buffer !== task.output.buffer) moved.push(data.buffer);
    parentPort.postMessage({ id: task.id, data, consumed: result.consumed, input: task.input, output: task.output }, moved);
  } catch (error) {
    parentPort.postMessage({ id: task.id, error: { message: String(error && error.message), code: error && error.code } });
  }
});
`;

/** The worker's script, for tests that run it with parts of Node's zlib taken away. @internal */
export const ZLIB_WORKER_SOURCE: string = WORKER_SOURCE;

/**
 * One buffer for a worker: gzip it into one member, or gunzip it, writing into `output`
 * (lent: its whole buffer is transferred to the worker and handed back in the result).
 * @internal
 */
export type ZlibTask = (
  | { readonly op: 'gzip'; readonly input: Uint8Array; readonly level: number }
  | { readonly op: 'gunzip'; readonly input: Uint8Array; readonly maxOutput: number }
) & { readonly output: Uint8Array };

/**
 * A worker's answer: the output (a view of `output` when it fit there, else a buffer of its
 * own), the input bytes the engine consumed, and the input's and the output's whole buffers
 * handed back for reuse.
 * @internal
 */
export interface ZlibResult {
  readonly data: Buffer;
  readonly consumed: number;
  readonly input: Buffer;
  readonly output: Buffer;
}

interface Pending {
  readonly id: number;
  readonly task: ZlibTask;
  readonly resolve: (result: ZlibResult) => void;
  readonly reject: (error: Error) => void;
}

interface WorkerReply {
  readonly id: number;
  readonly data?: Uint8Array;
  readonly consumed?: number;
  readonly input?: Uint8Array;
  readonly output?: Uint8Array;
  readonly error?: { readonly message: string; readonly code?: string };
}

/**
 * Up to `size` worker threads, started as tasks arrive (a one-member job starts one), each
 * running one task at a time; further tasks wait in order. A worker that dies fails every
 * task, and the pool with it. Call {@link ZlibWorkerPool.close} when done.
 * @internal
 */
export class ZlibWorkerPool {
  readonly #size: number;
  readonly #workers: Worker[] = [];
  readonly #idle: Worker[] = [];
  readonly #busy = new Map<Worker, Pending>();
  readonly #queue: Pending[] = [];
  #nextId = 0;
  #failure: Error | undefined;

  constructor(size: number) {
    this.#size = size;
  }

  /**
   * Runs a task. The input's and the output's whole buffers are transferred to the worker
   * (unusable here after) and handed back in the result, so pass views of buffers of their
   * own (`Buffer.allocUnsafeSlow`) at offset 0; a buffer under 64 KiB is copied instead.
   */
  run(task: ZlibTask): Promise<ZlibResult> {
    return new Promise<ZlibResult>((resolve, reject) => {
      if (this.#failure !== undefined) {
        reject(this.#failure);
        return;
      }
      this.#queue.push({ id: this.#nextId++, task, resolve, reject });
      this.#dispatch();
    });
  }

  /** Stops every worker; tasks not finished are rejected. */
  async close(): Promise<void> {
    this.#fail(new Error('zlib worker pool closed'));
    this.#idle.length = 0;
    await Promise.all(this.#workers.splice(0).map((worker) => worker.terminate()));
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const worker = this.#idle.pop() ?? this.#start();
      if (worker === undefined) return;
      const pending = this.#queue.shift() as Pending;
      this.#busy.set(worker, pending);
      const input = transferable(pending.task.input);
      const output = transferable(pending.task.output);
      worker.postMessage({ id: pending.id, ...pending.task, input, output }, [
        input.buffer as ArrayBuffer,
        output.buffer as ArrayBuffer,
      ]);
    }
  }

  #start(): Worker | undefined {
    if (this.#workers.length >= this.#size) return undefined;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    this.#workers.push(worker);
    worker.on('message', (reply: WorkerReply) => this.#settle(worker, reply));
    worker.on('error', (error: Error) => this.#fail(error));
    worker.on('exit', (code) => {
      if (this.#busy.has(worker)) this.#fail(new Error(`zlib worker exited with code ${code}`));
    });
    return worker;
  }

  #settle(worker: Worker, reply: WorkerReply): void {
    const pending = this.#busy.get(worker);
    if (pending === undefined || pending.id !== reply.id) return;
    this.#busy.delete(worker);
    this.#idle.push(worker);
    if (reply.error !== undefined) {
      pending.reject(new ZlibTaskError(reply.error.message, reply.error.code));
    } else {
      const data = reply.data ?? new Uint8Array(0);
      const input = reply.input ?? new Uint8Array(0);
      const output = reply.output ?? new Uint8Array(0);
      pending.resolve({
        data: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
        consumed: reply.consumed ?? 0,
        input: Buffer.from(input.buffer),
        output: Buffer.from(output.buffer),
      });
    }
    this.#dispatch();
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const pending of [...this.#busy.values(), ...this.#queue.splice(0)]) {
      pending.reject(this.#failure);
    }
    this.#busy.clear();
  }
}
