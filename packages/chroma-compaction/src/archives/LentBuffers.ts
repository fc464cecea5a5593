/**
 * Buffers lent to the zlib workers (members are compressed or inflated into them) and reused
 * once nothing downstream holds their bytes, so a large pack or unpack allocates a handful
 * of buffers instead of one per member (whose garbage, collected late, held tens of MB:
 * bench/snapshots/RESULTS.md).
 *
 * A member's bytes travel on as views of its buffer (a tar parser slices them, a file writer
 * gathers the slices), so the buffer is free only once nothing downstream holds one. Every
 * stage passes bytes on in order and the writer writes one batch after another, so once a
 * batch holding bytes of one member is on disk, nothing holds bytes of an earlier member:
 * {@link LentBuffers.written} frees those. A chunk that is not a view of a lent buffer (one
 * a tar parser copied from two members) says nothing. A buffer that comes straight back (a
 * worker's input) is simply given back with {@link LentBuffers.give}.
 */

/** Members tracked at most; an older one is forgotten and left to the garbage collector. */
const MAX_TRACKED = 8;

/** @internal */
export class LentBuffers {
  readonly #capacity: number;
  readonly #spare: Buffer[] = [];
  /** The buffers of members handed on, oldest first. */
  readonly #handedOn: Buffer[] = [];

  /** @param capacity - Bytes per buffer. */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** A buffer to lend: a free one, or a new one. */
  take(): Buffer {
    return this.#spare.pop() ?? Buffer.allocUnsafeSlow(this.#capacity);
  }

  /** Takes back a buffer nothing holds (its data went elsewhere, or was copied). */
  give(buffer: Buffer): void {
    if (buffer.length === this.#capacity) this.#spare.push(buffer);
  }

  /**
   * Records that a member's bytes, views of `buffer`, are being handed on; call in member
   * order. Beyond {@link MAX_TRACKED} buffers not yet written (an archive of directories
   * only writes nothing), the oldest is forgotten rather than held.
   */
  handedOn(buffer: Buffer): void {
    this.#handedOn.push(buffer);
    if (this.#handedOn.length > MAX_TRACKED) this.#handedOn.shift();
  }

  /** `chunk` is written to disk: every buffer handed on before its own is free. */
  written(chunk: Uint8Array): void {
    const index = this.#handedOn.findIndex((buffer) => buffer.buffer === chunk.buffer);
    for (const buffer of this.#handedOn.splice(0, Math.max(index, 0))) this.give(buffer);
  }
}
