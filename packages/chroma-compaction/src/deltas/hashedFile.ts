import { createHash, type Hash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import type { DeltaEntryInfo } from './manifest.js';

/** Bytes gathered before one write to disk. */
const FLUSH_BYTES = 1024 * 1024;

/**
 * A file written front to back while its size and SHA-256 are counted, with writes gathered
 * into 1 MiB chunks. Memory stays at one chunk whatever the file's size.
 * @internal
 */
export class HashedFile {
  readonly path: string;
  readonly #handle: FileHandle;
  readonly #hash: Hash = createHash('sha256');
  #pending: Buffer[] = [];
  #pendingBytes = 0;
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
    this.#hash.update(bytes);
    this.#size += bytes.byteLength;
    this.#pending.push(Buffer.from(bytes));
    this.#pendingBytes += bytes.byteLength;
    if (this.#pendingBytes >= FLUSH_BYTES) await this.#flush();
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
    this.#pending = [];
    await this.#handle.close().catch(() => undefined);
  }

  async #flush(): Promise<void> {
    if (this.#pendingBytes === 0) return;
    const chunks = this.#pending;
    this.#pending = [];
    this.#pendingBytes = 0;
    await this.#handle.writev(chunks);
  }
}
