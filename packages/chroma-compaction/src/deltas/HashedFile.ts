import { createHash, type Hash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import type { DeltaEntryInfo } from './manifest.js';

/** Bytes gathered before one write to disk. */
const FLUSH_BYTES = 1024 * 1024;

/**
 * A file written front to back while its size and SHA-256 are counted, with writes gathered
 * into 1 MiB chunks. Memory stays at one chunk whatever the file's size.
 *
 * The chunk is one buffer, allocated once and refilled: reading a delta hands this class a
 * 16 KiB gunzip chunk at a time, and a copy of each (as a list of pending buffers) was
 * garbage that the collector freed only in bursts, which showed in the reader's peak RSS.
 * @internal
 */
export class HashedFile {
  readonly path: string;
  readonly #handle: FileHandle;
  readonly #hash: Hash = createHash('sha256');
  #chunk: Buffer | undefined = Buffer.allocUnsafe(FLUSH_BYTES);
  #filled = 0;
  #size = 0;

  private constructor(path: string, handle: FileHandle) {
    this.path = path;
    this.#handle = handle;
  }

  /** Creates the file; it must not exist. */
  static async create(path: string): Promise<HashedFile> {
    return new HashedFile(path, await open(path, 'wx', 0o600));
  }

  /** Bytes written so far. */
  get size(): number {
    return this.#size;
  }

  /** Appends bytes (copied when they are gathered, so the caller may reuse its buffer). */
  async write(bytes: Uint8Array): Promise<void> {
    const chunk = this.#open();
    this.#hash.update(bytes);
    this.#size += bytes.byteLength;
    let offset = 0;
    while (offset < bytes.byteLength) {
      const take = Math.min(FLUSH_BYTES - this.#filled, bytes.byteLength - offset);
      chunk.set(bytes.subarray(offset, offset + take), this.#filled);
      this.#filled += take;
      offset += take;
      if (this.#filled === FLUSH_BYTES) await this.#flush();
    }
  }

  /** Writes what is gathered to the file (which stays open), so that it can be read. */
  async flush(): Promise<void> {
    await this.#flush();
  }

  /** Writes what is gathered, closes the file and returns its size and SHA-256. */
  async close(): Promise<DeltaEntryInfo> {
    try {
      await this.#flush();
    } finally {
      await this.#handle.close();
    }
    return { size: this.#size, sha256: this.#hash.digest('hex') };
  }

  /** Closes the file without flushing (after a failure). */
  async abandon(): Promise<void> {
    this.#chunk = undefined;
    this.#filled = 0;
    await this.#handle.close().catch(() => undefined);
  }

  #open(): Buffer {
    if (this.#chunk === undefined) throw new Error(`${this.path} was abandoned`);
    return this.#chunk;
  }

  async #flush(): Promise<void> {
    const chunk = this.#chunk;
    if (chunk === undefined) return;
    let written = 0;
    while (written < this.#filled) {
      const { bytesWritten } = await this.#handle.write(chunk, written, this.#filled - written);
      written += bytesWritten;
    }
    this.#filled = 0;
  }
}
