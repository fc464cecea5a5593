/**
 * Crafted `.tar.gz` bytes for the hostile-archive scenario: any entry `tar-stream` can
 * describe (links, devices, FIFOs, pax overrides, a declared size that differs from the
 * content), the entries of an existing archive, and gzip bombs built without ever holding
 * their inflated bytes.
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, gunzipSync } from 'node:zlib';
import { extract, type Header, type Pack, pack } from 'tar-stream';

/** One entry to pack; a file without `content` is empty. */
export interface CraftedEntry {
  readonly name: string;
  /** @default 'file' */
  readonly type?: Header['type'];
  readonly content?: Buffer | string;
  readonly linkname?: string;
  /** Pax records written before the header (e.g. a `path` that overrides `name`). */
  readonly pax?: Readonly<Record<string, string>>;
  readonly devmajor?: number;
  readonly devminor?: number;
}

/** An entry read back from an archive, with its content. */
export interface ReadEntry {
  readonly name: string;
  readonly type: Header['type'];
  readonly content: Buffer;
}

/** Collects a readable's bytes. */
const collect = async (source: Readable | Pack, gzipLevel = 6): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  await pipeline(
    source,
    createGzip({ level: gzipLevel }),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    }),
  );
  return Buffer.concat(chunks);
};

/** Adds one entry to a packer, resolving once it is written. */
const addEntry = (packer: Pack, entry: CraftedEntry): Promise<void> =>
  new Promise((resolve, reject) => {
    const type = entry.type ?? 'file';
    const header = {
      name: entry.name,
      type,
      ...(entry.linkname === undefined ? {} : { linkname: entry.linkname }),
      ...(entry.pax === undefined ? {} : { pax: entry.pax }),
      ...(entry.devmajor === undefined ? {} : { devmajor: entry.devmajor }),
      ...(entry.devminor === undefined ? {} : { devminor: entry.devminor }),
    };
    const done = (error?: Error | null): void => (error ? reject(error) : resolve());
    if (type === 'file' || type === 'contiguous-file') {
      packer.entry(header, Buffer.from(entry.content ?? ''), done);
    } else {
      packer.entry(header, done);
    }
  });

/** A `.tar.gz` holding `entries` in order. */
export const craftTarGz = async (entries: readonly CraftedEntry[]): Promise<Buffer> => {
  const packer = pack();
  const bytes = collect(packer);
  for (const entry of entries) await addEntry(packer, entry);
  packer.finalize();
  return bytes;
};

/** The entries of a `.tar.gz`, in archive order, with their content. */
export const readTarGzEntries = async (archive: Buffer): Promise<ReadEntry[]> => {
  const reader = extract();
  Readable.from([gunzipSync(archive)]).pipe(reader);
  const entries: ReadEntry[] = [];
  for await (const entry of reader) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry as AsyncIterable<Buffer>) chunks.push(chunk);
    entries.push({
      name: entry.header.name,
      type: entry.header.type,
      content: Buffer.concat(chunks),
    });
  }
  return entries;
};

/** Options of {@link gzipBomb}. */
export interface GzipBombOptions {
  /** Zero bytes the bomb's one large entry holds once inflated. */
  readonly inflatedBytes: number;
  /** The large entry's name. */
  readonly name: string;
  /** Small files packed before it (a delta's manifest, say). */
  readonly leading?: readonly CraftedEntry[];
}

/**
 * A gzip bomb: small leading files, then one entry of `inflatedBytes` zeros, compressed at
 * gzip's highest level (about 1000:1). The zeros are generated as gzip pulls them, so
 * building a 1 GiB bomb holds about a megabyte.
 */
export const gzipBomb = async (options: GzipBombOptions): Promise<Buffer> => {
  const packer = pack();
  const bytes = collect(packer, 9);
  for (const entry of options.leading ?? []) await addEntry(packer, entry);
  const sink = packer.entry({ name: options.name, size: options.inflatedBytes });
  const zeros = Buffer.alloc(1024 * 1024);
  let left = options.inflatedBytes;
  while (left > 0) {
    const chunk = zeros.subarray(0, Math.min(zeros.length, left));
    left -= chunk.length;
    if (!sink.write(chunk))
      await new Promise<void>((resolve) => sink.once('drain', () => resolve()));
  }
  sink.end(Buffer.alloc(0));
  packer.finalize();
  return bytes;
};

const zerosBySize = new Map<number, Promise<Buffer>>();

/**
 * Gzip of `inflatedBytes` zeros that are no tar at all (an endless run of empty blocks),
 * built once per size.
 */
export const gzipOfZeros = (inflatedBytes: number): Promise<Buffer> => {
  let built = zerosBySize.get(inflatedBytes);
  if (built === undefined) {
    built = compressZeros(inflatedBytes);
    zerosBySize.set(inflatedBytes, built);
  }
  return built;
};

const compressZeros = (inflatedBytes: number): Promise<Buffer> => {
  const zeros = Buffer.alloc(1024 * 1024);
  let left = inflatedBytes;
  const source = Readable.from(
    (function* () {
      while (left > 0) {
        const chunk = zeros.subarray(0, Math.min(zeros.length, left));
        left -= chunk.length;
        yield chunk;
      }
    })(),
  );
  return collect(source, 9);
};
