import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { type Extract, extract as tarExtract } from 'tar-stream';
import { type InflationCounts, inflationMeter } from './inflationMeter.js';

/**
 * Inflated bytes per chunk: half of zlib's 16 KiB default. Each chunk is a new buffer that
 * lives until a garbage collection; smaller chunks mean more frequent collections and about
 * 10 MB less memory held by spent chunks while a delta streams through, at no measurable
 * cost in speed (bench/deltas/readDelta.mjs).
 */
const INFLATE_CHUNK_BYTES = 8 * 1024;

/** One entry of a tar stream: its header and a readable of its content. @internal */
export type TarEntry = Extract extends AsyncIterable<infer E> ? E : never;

/** A gzip tar being read entry by entry. @internal */
export interface TarGzReader {
  /** The entries in archive order; iterate once. Corruption rejects the iteration. */
  readonly entries: AsyncIterable<TarEntry>;
  /** Whether `error` is the source's own error (not the archive's fault). */
  readonly isSourceError: (error: unknown) => boolean;
  /** Stops reading: destroys the source and the parsers. Safe to call more than once. */
  readonly close: () => void;
}

/**
 * Reads a `.tar.gz` stream: gunzip, the {@link inflationMeter} bomb guard, then tar-stream's
 * parser. With `inflated`, the source already holds the tar bytes (members inflated
 * elsewhere) and only the guard and the parser run. A source, gunzip or meter error fails the
 * entry iteration.
 * @internal
 */
export const readTarGz = (
  source: Readable,
  counts: InflationCounts,
  { inflated = false }: { readonly inflated?: boolean } = {},
): TarGzReader => {
  const gunzip = inflated ? undefined : createGunzip({ chunkSize: INFLATE_CHUNK_BYTES });
  const meter = inflationMeter(counts);
  const extract = tarExtract();
  let sourceError: unknown;
  const fail = (error: unknown): void => {
    extract.destroy(error instanceof Error ? error : new Error(String(error)));
  };
  source.on('error', (error: unknown) => {
    sourceError ??= error;
    fail(error);
  });
  gunzip?.on('error', fail);
  meter.on('error', fail);
  (gunzip === undefined ? source : source.pipe(gunzip)).pipe(meter).pipe(extract);
  return {
    entries: extract,
    isSourceError: (error) => sourceError !== undefined && error === sourceError,
    close: () => {
      source.destroy();
      gunzip?.destroy();
      meter.destroy();
      extract.destroy();
    },
  };
};
