/**
 * Safe extraction of a gzip tar (a snapshot or delta tarball). The guarantee: nothing is
 * ever written outside `dest`, and a refused or broken archive leaves `dest` as it was
 * (empty, or absent if this call created it). Only regular files and directories are
 * written; every link, device file and FIFO is refused, whatever it points to.
 */
import { type FileHandle, mkdir, open, readdir, rm } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { archiveEntryPath, claimPath, type PathKind } from './archiveEntryPath.js';
import { ArchiveError } from './errors.js';
import type { packSnapshot } from './packSnapshot.js';
import { readTarGz, type TarEntry } from './tarGzEntries.js';
import {
  resolveUnpackLimits,
  type UnpackLimits,
  type UnpackResult,
  type UnpackSnapshotOptions,
} from './types.js';
import { openUnpackSource, type UnpackSource } from './unpackSource.js';

interface UnpackState {
  readonly root: string;
  readonly limits: Required<UnpackLimits>;
  /** What each destination-relative path is: a file, a listed directory or an implied one. */
  readonly paths: Map<string, PathKind>;
  /** Tells the source a content chunk is on disk ({@link UnpackSource.written}). */
  readonly onDisk: (chunk: Uint8Array) => void;
  seen: number;
  written: number;
  bytes: number;
}

/**
 * Extracts a gzip tar into `dest`, refusing anything that could write outside it or exhaust
 * the disk. `dest` is created if missing and must otherwise be empty, so that a failure can
 * remove everything under it and no file of the archive can collide with one already there.
 * Names may carry `./` prefixes (Python's `arcname="."`). Every symbolic and hard link is
 * refused, as are device files and FIFOs. The source is read to its end, and destroyed if
 * the extraction fails.
 *
 * Given the `members` of a multi-member snapshot file (`PackedSnapshot.members` from
 * {@link packSnapshot}, or a snapshot manifest's list), the members are read and inflated in
 * parallel worker threads (`workers + 1` members in flight) and fed in order to the same
 * checks; a list that disagrees with the file is refused with `member-mismatch`. Without
 * members, one thread inflates the whole stream, which also reads multi-member files.
 * @param source - The `.tar.gz` bytes, or the path of a `.tar.gz` file (required with
 * `members`).
 * @param dest - The directory to fill.
 * @param options - Bounds on entries and unpacked bytes ({@link UnpackLimits}), and the
 * members to inflate in parallel, see {@link UnpackSnapshotOptions}.
 * @returns How many entries and content bytes were written.
 * @throws {@link ArchiveError} when the archive is refused or corrupt, or the members list
 * does not fit the file; `dest` is then left empty (or removed if this call created it).
 * @throws {RangeError} when a limit or `workers` is not a positive integer (nothing is
 * created or read).
 * @throws {TypeError} for `members` with a stream source (nothing is created or read).
 * @example
 * ```ts
 * import { packSnapshot, unpackSnapshot } from '@receipt-chroma/chroma-compaction';
 *
 * const { entries, bytes } = await unpackSnapshot('/tmp/snapshot.tar.gz', '/tmp/chroma', {
 *   maxTotalBytes: 2 * 1024 ** 3,
 * });
 * console.log(`unpacked ${entries} entries, ${bytes} bytes`);
 *
 * // A snapshot written by packSnapshot, inflated in parallel:
 * const packed = await packSnapshot('/tmp/chroma', '/tmp/copy.tar.gz');
 * await unpackSnapshot('/tmp/copy.tar.gz', '/tmp/chroma-copy', { members: packed.members });
 * ```
 */
export async function unpackSnapshot(
  source: Readable | string,
  dest: string,
  options: UnpackSnapshotOptions = {},
): Promise<UnpackResult> {
  // Checked before anything is created or read.
  const resolvedLimits = resolveUnpackLimits(options);
  const root = resolve(dest);
  const opened = await openUnpackSource(source, options);
  let created: string | undefined;
  try {
    created = await prepareDestination(root);
  } catch (error) {
    // A caller's stream is left as it was; a file this call opened is closed.
    if (typeof source === 'string') opened.input.destroy();
    await opened.close();
    throw error;
  }
  const state: UnpackState = {
    root,
    onDisk: opened.written,
    limits: resolvedLimits,
    paths: new Map(),
    seen: 0,
    written: 0,
    bytes: 0,
  };
  const reader = readTarGz(
    opened.input,
    {
      contentBytes: () => state.bytes,
      entries: () => state.seen,
      tooMuch: (overhead) =>
        new ArchiveError(
          `Archive holds more than ${overhead} bytes of headers or padding; it is not a snapshot`,
          { reason: 'too-large' },
        ),
    },
    { inflated: opened.inflated },
  );
  try {
    for await (const entry of reader.entries) await writeEntry(entry, state);
    return { entries: state.written, bytes: state.bytes };
  } catch (error) {
    reader.close();
    await opened.close();
    await removeWritten(root, created);
    throw reader.isSourceError(error) ? error : toArchiveError(error);
  } finally {
    reader.close();
    await opened.close();
  }
}

/** Creates `root` if missing; returns the first directory created, or refuses a non-empty one. */
const prepareDestination = async (root: string): Promise<string | undefined> => {
  const created = await mkdir(root, { recursive: true });
  if (created === undefined && (await readdir(root)).length > 0) {
    throw new ArchiveError(
      `Destination ${root} is not empty; unpack into a new or empty directory`,
      { reason: 'destination-not-empty' },
    );
  }
  return created;
};

/** Removes what this call wrote: the directories it created, or everything in `root`. */
const removeWritten = async (root: string, created: string | undefined): Promise<void> => {
  if (created !== undefined) {
    await rm(created, { recursive: true, force: true });
    return;
  }
  const names = await readdir(root).catch(() => []);
  await Promise.all(names.map((name) => rm(join(root, name), { recursive: true, force: true })));
};

/** Checks one entry against the rules and writes it under the destination. */
const writeEntry = async (entry: TarEntry, state: UnpackState): Promise<void> => {
  const { name, type } = entry.header;
  state.seen += 1;
  if (state.seen > state.limits.maxEntries) {
    throw new ArchiveError(`Archive holds more than ${state.limits.maxEntries} entries`, {
      reason: 'too-many-entries',
      entry: name,
    });
  }
  if (type === 'symlink' || type === 'link') {
    throw new ArchiveError(`Archive entry "${name}" is a ${type}; links are never extracted`, {
      reason: 'link',
      entry: name,
    });
  }
  const isDirectory = type === 'directory';
  if (!isDirectory && type !== 'file' && type !== 'contiguous-file') {
    throw new ArchiveError(
      `Archive entry "${name}" is a ${type ?? 'unknown type'}; only files and directories are extracted`,
      { reason: 'special-file', entry: name },
    );
  }
  const relative = archiveEntryPath(name);
  if (relative === '.') {
    if (!isDirectory) {
      throw new ArchiveError(`Archive entry "${name}" is a file named like the destination`, {
        reason: 'invalid-path',
        entry: name,
      });
    }
    entry.resume();
    return;
  }
  claimPath(relative, isDirectory, name, state.paths);
  const target = join(state.root, relative);
  if (!target.startsWith(state.root + sep)) {
    throw new ArchiveError(`Archive entry "${name}" resolves outside the destination`, {
      reason: 'path-escape',
      entry: name,
    });
  }
  state.written += 1;
  if (isDirectory) {
    await mkdir(target, { recursive: true });
    entry.resume();
    return;
  }
  await mkdir(dirname(target), { recursive: true });
  await writeFileEntry(entry, target, state);
};

/** Streams one file to disk, counting the bytes actually received against the limits. */
const writeFileEntry = async (
  entry: TarEntry,
  target: string,
  state: UnpackState,
): Promise<void> => {
  const { name } = entry.header;
  const { maxEntryBytes, maxTotalBytes } = state.limits;
  // 'wx' never follows or replaces anything already at `target`.
  const handle: FileHandle = await open(target, 'wx', 0o644).catch((error: unknown) => {
    throw new ArchiveError(`Archive entry "${name}" collides with another entry on this disk`, {
      reason: 'duplicate-entry',
      entry: name,
      cause: error,
    });
  });
  // One write in flight while the next batch gathers; a failed write surfaces at the next
  // await of `writing`, and the handle closes only once no write is pending.
  let writing: Promise<void> | undefined;
  try {
    let entryBytes = 0;
    let batch: Buffer[] = [];
    let batchBytes = 0;
    for await (const chunk of entry as AsyncIterable<Buffer>) {
      entryBytes += chunk.length;
      state.bytes += chunk.length;
      if (entryBytes > maxEntryBytes) {
        throw new ArchiveError(`Archive entry "${name}" holds more than ${maxEntryBytes} bytes`, {
          reason: 'entry-too-large',
          entry: name,
        });
      }
      if (state.bytes > maxTotalBytes) {
        throw new ArchiveError(`Archive unpacks to more than ${maxTotalBytes} bytes`, {
          reason: 'too-large',
          entry: name,
        });
      }
      batch.push(chunk);
      batchBytes += chunk.length;
      if (batchBytes >= WRITE_BATCH_BYTES) {
        await writing;
        writing = writeAll(handle, batch, state.onDisk);
        writing.catch(() => undefined);
        batch = [];
        batchBytes = 0;
      }
    }
    await writing;
    if (batch.length > 0) await writeAll(handle, batch, state.onDisk);
  } finally {
    await writing?.catch(() => undefined);
    await handle.close();
  }
};

/**
 * Content bytes gathered into one `writev` per file; one batch is written while the next
 * gathers, so at most about twice this is held per file.
 */
const WRITE_BATCH_BYTES = 512 * 1024;

/**
 * Writes `chunks` in order at the file's position, finishing any short write, then reports
 * the last chunk as on disk (the source may then reuse the memory behind the earlier ones).
 */
const writeAll = async (
  handle: FileHandle,
  chunks: readonly Buffer[],
  onDisk: (chunk: Uint8Array) => void,
): Promise<void> => {
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  let written = (await handle.writev(chunks)).bytesWritten;
  if (written < total) {
    const rest = Buffer.concat(chunks).subarray(written);
    written = 0;
    while (written < rest.length) written += (await handle.write(rest, written)).bytesWritten;
  }
  onDisk(chunks[chunks.length - 1] as Buffer);
};

/** Our own errors and the disk's pass through; the rest is corruption. */
const toArchiveError = (error: unknown): unknown => {
  if (error instanceof ArchiveError) return error;
  if (error instanceof Error && 'syscall' in error) return error;
  return new ArchiveError('Archive is not a valid gzip tar (truncated or corrupt)', {
    reason: 'corrupt',
    cause: error,
  });
};
