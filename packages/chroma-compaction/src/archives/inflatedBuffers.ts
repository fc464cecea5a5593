/**
 * The buffers members are inflated into when unpacking in parallel, lent to the workers and
 * reused once the extraction is done with them, so a large unpack allocates a handful of
 * buffers instead of one per member (whose garbage, collected late, held tens of MB:
 * bench/snapshots/RESULTS.md).
 *
 * A member's bytes travel on as views of its buffer (the tar parser slices them, the file
 * writer gathers the slices), so the buffer is free only once nothing downstream holds one.
 * Every stage passes bytes on in order and the extraction writes files one at a time, one
 * batch after another, so once a batch holding bytes of one member is on disk, nothing holds
 * bytes of an earlier member: {@link InflatedBuffers.written} frees those. Chunks the parser
 * copied (from two members at once) are buffers of their own and say nothing.
 */

/** Members tracked at most; an older one is forgotten and left to the garbage collector. */
const MAX_TRACKED = 8;

/** @internal */
export class InflatedBuffers {
  readonly #capacity: number;
  readonly #spare: Buffer[] = [];
  /** The buffers of members handed on, oldest first. */
  readonly #handedOn: Buffer[] = [];

  /** @param capacity - Bytes per buffer: the largest member's `tarSize`, plus one. */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** A buffer to inflate a member into: a free one, or a new one. */
  take(): Buffer {
    return this.#spare.pop() ?? Buffer.allocUnsafeSlow(this.#capacity);
  }

  /** Takes back a buffer nothing holds (its member failed, or its data is elsewhere). */
  give(buffer: Buffer): void {
    if (buffer.length === this.#capacity) this.#spare.push(buffer);
  }

  /**
   * Records that a member's bytes, views of `buffer`, are being handed on; call in member
   * order. Beyond {@link MAX_TRACKED} members not yet written (an archive of directories
   * only writes nothing), the oldest is forgotten rather than held.
   */
  handedOn(buffer: Buffer): void {
    this.#handedOn.push(buffer);
    if (this.#handedOn.length > MAX_TRACKED) this.#handedOn.shift();
  }

  /** The extraction has written `chunk` to disk: every member's buffer before its own is free. */
  written(chunk: Uint8Array): void {
    const index = this.#handedOn.findIndex((buffer) => buffer.buffer === chunk.buffer);
    for (const buffer of this.#handedOn.splice(0, Math.max(index, 0))) this.give(buffer);
  }
}
