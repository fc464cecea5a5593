/**
 * A small pool of worker threads that gzip or gunzip whole buffers (one gzip member each).
 * The worker runs from an inline script that needs only `node:zlib`, so it works the same
 * from `src` (tests) and from the bundled `dist`, with no entry file to ship or resolve.
 * Buffers are transferred, not copied, in both directions.
 */
import { Worker } from 'node:worker_threads';

/**
 * `view`, or a copy of it, whose buffer can be transferred: one of 64 KiB or more is a buffer
 * of its own (Node's shared pool slabs are 8 KiB, and transferring one throws on Node 22);
 * a smaller view is copied, which costs little. The worker's script has the same rule.
 */
const transferable = (view: Uint8Array): Uint8Array =>
  view.buffer.byteLength >= 65536 ? view : new Uint8Array(view);

/**
 * The worker: one task at a time, answered with the result or the error's message and code.
 * Memory: each task allocates one output buffer (zlib's `chunkSize` is set to hold the whole
 * output) and hands it, and the input, back to the main thread by transfer, so a worker keeps
 * no garbage between tasks. (A worker allocates few JS objects, so it rarely collects; buffers
 * it dropped would pile up to V8's external-memory threshold, about 64 MB per thread.)
 * `consumed` is how many input bytes gunzip read, so trailing bytes are detected.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
const transferable = (view) => (view.buffer.byteLength >= 65536 ? view : new Uint8Array(view));
parentPort.on('message', (task) => {
  try {
    let output;
    let consumed = task.input.length;
    if (task.op === 'gzip') {
      const bound = task.input.length + (task.input.length >>> 10) + 1024;
      output = zlib.gzipSync(task.input, { level: task.level, chunkSize: bound });
    } else {
      const chunkSize = Math.max(task.maxOutput, 64);
      const result = zlib.gunzipSync(task.input, { info: true, maxOutputLength: task.maxOutput, chunkSize });
      output = result.buffer;
      consumed = result.engine.bytesWritten;
    }
    const data = transferable(output);
    parentPort.postMessage({ id: task.id, data, consumed, input: task.input }, [data.buffer, task.input.buffer]);
  } catch (error) {
    parentPort.postMessage({ id: task.id, error: { message: String(error && error.message), code: error && error.code } });
  }
});
`;

/** One buffer for a worker: gzip it into one member, or gunzip it. @internal */
export type ZlibTask =
  | { readonly op: 'gzip'; readonly input: Uint8Array; readonly level: number }
  | { readonly op: 'gunzip'; readonly input: Uint8Array; readonly maxOutput: number };

/**
 * A worker's answer: the output, the input bytes gunzip consumed, and the input's whole
 * buffer handed back for reuse.
 * @internal
 */
export interface ZlibResult {
  readonly data: Buffer;
  readonly consumed: number;
  readonly input: Buffer;
}

/** A zlib failure in a worker, with zlib's code (`Z_DATA_ERROR`, `ERR_BUFFER_TOO_LARGE`, …). @internal */
export class ZlibTaskError extends Error {
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined) {
    super(message);
    this.name = 'ZlibTaskError';
    this.code = code;
  }
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
   * Runs a task. The input's whole buffer is transferred to the worker (unusable here after)
   * and handed back in the result, so pass a view of a buffer of its own
   * (`Buffer.allocUnsafeSlow`) at offset 0; an input under 64 KiB is copied instead.
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
      worker.postMessage({ id: pending.id, ...pending.task, input }, [input.buffer as ArrayBuffer]);
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
      pending.resolve({
        data: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
        consumed: reply.consumed ?? 0,
        input: Buffer.from(input.buffer),
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
