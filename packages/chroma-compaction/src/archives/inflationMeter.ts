import { Transform } from 'node:stream';

/**
 * Inflated bytes that are not file content (tar headers, padding, pax records, the zero
 * blocks at the end) allowed in all, plus per entry. Without this bound, a gzip of zeros
 * would be read to its end as an endless run of empty tar blocks.
 */
const OVERHEAD_BASE_BYTES = 1024 * 1024;
const OVERHEAD_BYTES_PER_ENTRY = 8 * 1024;

/** What {@link inflationMeter} reads from its archive reader. @internal */
export interface InflationCounts {
  /** File content bytes received so far. */
  readonly contentBytes: () => number;
  /** Entries seen so far. */
  readonly entries: () => number;
  /** The error to fail with, given the overhead bytes seen. */
  readonly tooMuch: (overheadBytes: number) => Error;
}

/**
 * A pass-through placed between gunzip and the tar parser: it counts inflated bytes and
 * fails once those that are not file content exceed their bound, so a gzip bomb stops in
 * bounded time and memory.
 * @internal
 */
export const inflationMeter = (counts: InflationCounts): Transform => {
  let inflated = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      inflated += chunk.length;
      const overhead = inflated - counts.contentBytes();
      if (overhead > OVERHEAD_BASE_BYTES + OVERHEAD_BYTES_PER_ENTRY * counts.entries()) {
        callback(counts.tooMuch(overhead));
        return;
      }
      callback(null, chunk);
    },
  });
};
