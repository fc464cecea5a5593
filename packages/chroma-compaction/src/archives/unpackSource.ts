/**
 * The bytes `unpackSnapshot` reads: a stream or file inflated on the calling thread, or the
 * members of a multi-member file inflated in parallel. Everything that can be checked before
 * extracting (options, the members list against the file's size) is checked here, before the
 * destination is touched.
 */
import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Readable } from 'node:stream';
import { checkedInteger } from '../options/checkedInteger.js';
import { LentBuffers } from './LentBuffers.js';
import { checkMembers, inflatedCapacity, inflateMembers } from './memberInflation.js';
import type { UnpackSnapshotOptions } from './types.js';
import { ZlibWorkerPool } from './ZlibWorkerPool.js';

/**
 * Uncompressed bytes in flight per worker when inflating members (two 4 MiB members); with
 * members of the default size the count bound (`workers + 1`) is what applies.
 */
const BUDGET_BYTES_PER_WORKER = 8 * 1024 * 1024;

/** What to extract from, and how to release it. @internal */
export interface UnpackSource {
  readonly input: Readable;
  /** Whether `input` holds tar bytes already (members inflated by workers). */
  readonly inflated: boolean;
  /** Tells the source a chunk of `input` is written to disk, so the memory behind it can be reused. */
  readonly written: (chunk: Uint8Array) => void;
  /** Releases the file and the worker threads; safe to call more than once. */
  readonly close: () => Promise<void>;
}

/**
 * Opens the source. With members: checks the worker count, that the source is a path, and
 * that the members tile the file exactly.
 * @throws TypeError for members with a stream source; RangeError for an invalid `workers`;
 * `ArchiveError` `member-mismatch` for a members list that does not fit the file.
 * @internal
 */
export const openUnpackSource = async (
  source: Readable | string,
  options: UnpackSnapshotOptions,
): Promise<UnpackSource> => {
  const { members } = options;
  if (members === undefined) {
    const input = typeof source === 'string' ? createReadStream(source) : source;
    return { input, inflated: false, written: () => undefined, close: async () => undefined };
  }
  const workers = checkedInteger('workers', options.workers ?? availableParallelism(), 1);
  if (typeof source !== 'string') {
    throw new TypeError('members need the snapshot as a file path, not a stream');
  }
  const handle: FileHandle = await open(source, 'r');
  try {
    checkMembers(members, (await handle.stat()).size);
  } catch (error) {
    await handle.close();
    throw error;
  }
  const pool = new ZlibWorkerPool(workers);
  const inflated = new LentBuffers(inflatedCapacity(members));
  const tar = inflateMembers(handle, members, {
    pool,
    depth: workers + 1,
    budget: BUDGET_BYTES_PER_WORKER * workers,
    inflated,
  });
  let closing: Promise<void> | undefined;
  return {
    input: Readable.from(tar, { objectMode: false }),
    inflated: true,
    written: (chunk) => inflated.written(chunk),
    close: () => {
      closing ??= pool.close().then(() => handle.close());
      return closing;
    },
  };
};
