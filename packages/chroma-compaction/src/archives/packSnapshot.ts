/**
 * Reproducible streaming pack of a Chroma persist directory into the `snapshot.tar.gz` of
 * DESIGN §4: the same tree always gives the same bytes, memory stays bounded whatever the
 * size, and a failed pack leaves no partial file at a destination path.
 */
import { type FileHandle, open, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type PipelineOptions, Readable, type Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';
import { digestStream } from './digestStream.js';
import { gzipMembers, gzipOutputBytes } from './gzipMembers.js';
import { LentBuffers } from './LentBuffers.js';
import {
  type GzipMember,
  type PackedSnapshot,
  type PackSettings,
  type PackSnapshotOptions,
  resolvePackOptions,
} from './packTypes.js';
import { listSnapshotSource } from './snapshotSource.js';
import { feedTar } from './tarFeed.js';
import { ZlibWorkerPool } from './ZlibWorkerPool.js';

/** The tar packer's output (tar-stream types its chunks loosely). */
type TarChunks = AsyncIterable<Buffer>;

/** The compressed bytes of a pack, in order, and the members they turned out to hold. */
interface Compression {
  /** The tar stream, then the compressed bytes out of the last stage. */
  readonly streams: readonly (NodeJS.ReadableStream | NodeJS.ReadWriteStream)[];
  /** The members, once the compressed stream has ended; `size` is the total written. */
  readonly members: (size: number) => GzipMember[];
  /** Releases the compression's resources (its worker threads). */
  readonly close: () => Promise<void>;
  /** Tells the compression a chunk is written, when it hands out reused buffers. */
  readonly written: (chunk: Uint8Array) => void;
}

/**
 * Packs `dir` into a gzip tar, reproducibly: entries sorted by path in byte order (a directory
 * before its contents), plain relative names without `./`, mtime 0, uid/gid 0, no user or
 * group names, mode 0644 for files and 0755 for directories. Only regular files and
 * directories are packed; the whole tree is listed first, and a symbolic link, FIFO, socket
 * or device file anywhere in it is refused before anything is written. The bytes are hashed
 * (SHA-256 and MD5) as they are written.
 *
 * With `workers` above 1 the tar stream is cut into `memberBytes` pieces, each compressed in a
 * worker thread into its own gzip member; concatenated in order they form one valid `.tar.gz`
 * (RFC 1952 allows several members), which Node's gunzip, GNU `tar -xzf` and Python's
 * `tarfile.open(path, 'r:gz')` read whole. Python's stream mode `'r|gz'` reads only the first
 * member: with Python 3.11.7 it raised `tarfile.ReadError: unexpected end of data` where a
 * file spanned two members, and silently listed only the first member's entries where the
 * cut fell between entries. Pass `workers: 1` (one member) for such a reader.
 * The returned `members` let `unpackSnapshot` inflate them in parallel too.
 *
 * @param dir - The directory to pack (a Chroma persist directory nobody writes to).
 * @param destination - A file path (created or truncated, fsynced, and removed if the pack
 * fails) or a writable stream (ended on success, destroyed with the error on failure, so a
 * streaming upload aborts instead of storing a truncated object).
 * @param options - Level, workers, member size and abort signal, see {@link PackSnapshotOptions}.
 * @returns The compressed size and hashes, the files and directories packed, the members.
 * @throws {@link SnapshotSourceError} when `dir` is not a directory, or holds a link or
 * special file (nothing written), or a file changes while packed.
 * @throws {RangeError} for an invalid option (nothing read or written).
 * @throws an `AbortError` when `signal` aborts the pack.
 * @example
 * ```ts
 * import { packSnapshot } from '@receipt-chroma/chroma-compaction';
 *
 * const packed = await packSnapshot('/tmp/chroma/lines', '/tmp/snapshot.tar.gz');
 * console.log(`md5:${packed.md5}`, packed.size, packed.members.length);
 * ```
 */
export async function packSnapshot(
  dir: string,
  destination: string | NodeJS.WritableStream,
  options: PackSnapshotOptions = {},
): Promise<PackedSnapshot> {
  const settings = resolvePackOptions(options);
  settings.signal?.throwIfAborted();
  const root = resolve(dir);
  const entries = await listSnapshotSource(root);
  settings.signal?.throwIfAborted();
  const tar = tarPack();
  // A feed failure (a file that changed) destroys the packer, which fails the pipeline.
  const feeding = feedTar(tar, root, entries).catch((error: unknown) => {
    tar.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  const chunks = tar as unknown as TarChunks;
  const compression =
    settings.workers === 1
      ? compressOneThread(chunks, settings)
      : compressParallel(chunks, settings, typeof destination === 'string');
  const digest = digestStream();
  try {
    await writeTo(destination, compression, digest.stream, settings.signal);
  } finally {
    tar.destroy();
    await Promise.all([feeding, compression.close()]);
  }
  const size = digest.size();
  return {
    size,
    sha256: digest.sha256(),
    md5: digest.md5(),
    files: entries.flatMap((entry) =>
      entry.type === 'file' ? [{ path: entry.path, size: entry.size }] : [],
    ),
    directories: entries.filter((entry) => entry.type === 'directory').length,
    members: compression.members(size),
  };
}

/** One gzip member compressed on this thread, as `tar -czf` writes. */
const compressOneThread = (tar: TarChunks, settings: PackSettings): Compression => {
  let tarSize = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of tar) {
      tarSize += chunk.length;
      yield chunk;
    }
  }
  return {
    streams: [
      Readable.from(counted(), { objectMode: false }),
      createGzip({ level: settings.level }),
    ],
    members: (size) => [{ offset: 0, size, tarOffset: 0, tarSize }],
    close: async () => undefined,
    written: () => undefined,
  };
};

/**
 * Members of `memberBytes` compressed in parallel by `workers` threads, `workers + 1` in
 * flight: every worker busy and the next piece ready when one finishes. (Measured on the
 * Chroma benchmark directory: two per worker was no faster and peaked about 20 MB higher.)
 * Into a file (`reportsWritten`), each member is written from the buffer it was compressed
 * into, which is then reused; into a caller's stream, which may keep what it is given, each
 * member is a copy.
 */
const compressParallel = (
  tar: TarChunks,
  settings: PackSettings,
  reportsWritten: boolean,
): Compression => {
  const pool = new ZlibWorkerPool(settings.workers);
  const members: GzipMember[] = [];
  const outputs = new LentBuffers(gzipOutputBytes(settings.memberBytes));
  const compressed = gzipMembers(tar, {
    pool,
    level: settings.level,
    memberBytes: settings.memberBytes,
    depth: settings.workers + 1,
    onMember: (member) => members.push(member),
    outputs,
    reportsWritten,
  });
  return {
    // A high-water mark of one byte: the next member is only awaited once this one is taken.
    streams: [Readable.from(compressed, { objectMode: false, highWaterMark: 1 })],
    members: () => members,
    close: () => pool.close(),
    written: (chunk) => outputs.written(chunk),
  };
};

/**
 * Runs the compression into `destination`. A path is written, fsynced and closed, or removed
 * on failure; a stream is ended, or destroyed on failure (pipeline semantics).
 */
const writeTo = async (
  destination: string | NodeJS.WritableStream,
  compression: Compression,
  digest: Transform,
  signal: AbortSignal | undefined,
): Promise<void> => {
  const options: PipelineOptions = signal === undefined ? {} : { signal };
  if (typeof destination !== 'string') {
    await pipeline([...compression.streams, digest, destination], options);
    return;
  }
  const handle: FileHandle = await open(destination, 'w');
  try {
    await pipeline(
      [...compression.streams, digest, fileWriter(handle, compression.written)],
      options,
    );
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(destination, { force: true });
    throw error;
  }
  await handle.close();
};

/**
 * Writes to an open file, reporting each chunk once written, and fsyncs it when the stream ends. (A `FileHandle` write stream
 * opened without `autoClose` keeps the handle referenced, so `close()` would never settle.)
 */
const fileWriter = (handle: FileHandle, written: (chunk: Uint8Array) => void): Writable =>
  new Writable({
    write(chunk: Buffer, _encoding, callback) {
      writeAll(handle, chunk).then(() => {
        written(chunk);
        callback();
      }, callback);
    },
    final(callback) {
      handle.sync().then(() => callback(), callback);
    },
  });

/** Writes all of `chunk`, however many calls the file system needs. */
const writeAll = async (handle: FileHandle, chunk: Buffer): Promise<void> => {
  let offset = 0;
  while (offset < chunk.length) offset += (await handle.write(chunk, offset)).bytesWritten;
};
