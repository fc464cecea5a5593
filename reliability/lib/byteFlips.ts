/**
 * Single-byte corruptions of stored objects: positions spread over the whole object (one per
 * equal stratum, drawn from a seeded generator), each XORed with a non-zero mask in a fresh
 * copy, so every trial damages exactly one byte of an otherwise intact object.
 */
import { gunzipSync } from 'node:zlib';
import type { Random } from './random.js';

/** One corruption: where, and what was XORed into the byte. */
export interface ByteFlip {
  readonly position: number;
  /** 1 to 255. */
  readonly mask: number;
}

/**
 * `count` flips over an object of `length` bytes: stratum `k` of `count` equal strata gets
 * one position, so the first and last bytes' strata are always hit.
 */
export const spreadFlips = (length: number, count: number, random: Random): ByteFlip[] =>
  Array.from({ length: count }, (_, stratum) => {
    const start = Math.floor((stratum * length) / count);
    const end = Math.max(start, Math.floor(((stratum + 1) * length) / count) - 1);
    return { position: random.int(start, end), mask: random.int(1, 255) };
  });

/** A copy of `bytes` with one byte flipped. */
export const flipped = (bytes: Buffer, flip: ByteFlip): Buffer => {
  const copy = Buffer.from(bytes);
  copy[flip.position] = (copy[flip.position] as number) ^ flip.mask;
  return copy;
};

/**
 * Whether two gzip files inflate to the same bytes. Some single-byte flips of a valid gzip
 * file change nothing a reader could ever see: the header fields RFC 1952 leaves unchecked
 * (the FTEXT bit, MTIME, XFL, OS), the padding bits after the last block, or the distance of
 * a match copied from inside a run of zeros (any distance into the run copies the same
 * zeros). Such a file is not corrupt in any sense a checksum of the content can tell.
 */
export const inflatesIdentically = (original: Buffer, changed: Buffer): boolean => {
  try {
    return gunzipSync(changed).equals(gunzipSync(original));
  } catch {
    return false;
  }
};
