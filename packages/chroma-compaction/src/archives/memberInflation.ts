/**
 * Parallel inflation of a multi-member `snapshot.tar.gz` (DESIGN §4): each gzip member's
 * byte range is read from the file and inflated by a worker, and the tar bytes come out in
 * order, so the same safe extraction reads them as it reads a plain gunzip. The members list
 * is checked against the file before anything is extracted, and every member must inflate to
 * exactly its `tarSize` from exactly its `size` bytes.
 */
import type { FileHandle } from 'node:fs/promises';
import { ArchiveError, ZlibTaskError } from './errors.js';
import { LentBuffers } from './LentBuffers.js';
import type { GzipMember } from './packTypes.js';
import type { ZlibWorkerPool } from './ZlibWorkerPool.js';

/** Most uncompressed bytes one member may hold: a bound on what one worker holds at once. */
export const MAX_MEMBER_TAR_BYTES: number = 64 * 1024 * 1024;

/** Most compressed bytes of one member: its content plus stored-block and header overhead. */
const MAX_MEMBER_BYTES = MAX_MEMBER_TAR_BYTES + 1024 * 1024;

/**
 * Inflated bytes handed to the tar reader per chunk: the bomb guard compares inflated bytes
 * with file content written, which lags the reader by its buffers; small chunks keep that lag
 * far below the guard's allowance.
 */
const YIELD_CHUNK_BYTES = 64 * 1024;

/** How {@link inflateMembers} reads and inflates. @internal */
export interface InflateMembersOptions {
  readonly pool: ZlibWorkerPool;
  /** Most members read or inflated at once. */
  readonly depth: number;
  /** Most uncompressed bytes in flight at once (one member is always allowed). */
  readonly budget: number;
  /** The buffers members inflate into, sized by {@link inflatedCapacity}. */
  readonly inflated: LentBuffers;
}

/** The bytes an inflated buffer needs: the largest member's, plus one (zlib stops short of a full buffer). @internal */
export const inflatedCapacity = (members: readonly GzipMember[]): number =>
  members.reduce((largest, member) => Math.max(largest, member.tarSize), 0) + 1;

const mismatch = (message: string, cause?: unknown): ArchiveError =>
  new ArchiveError(`${message}; the members list does not describe this file`, {
    reason: 'member-mismatch',
    cause,
  });

const isCount = (value: unknown, min: number): boolean =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min;

/**
 * Checks that `members` tile a file of `fileSize` bytes and a tar stream, in order, with no
 * gap or overlap, each within the size bounds.
 * @throws {@link ArchiveError} `member-mismatch` naming the first member at fault
 * @internal
 */
export const checkMembers = (members: readonly GzipMember[], fileSize: number): void => {
  if (members.length === 0) throw mismatch('The members list is empty');
  let offset = 0;
  let tarOffset = 0;
  for (const [index, member] of members.entries()) {
    const { size, tarSize } = member;
    if (!isCount(size, 1) || !isCount(tarSize, 1)) {
      throw mismatch(`Member ${index} has a size or tarSize that is not a positive integer`);
    }
    if (member.offset !== offset || member.tarOffset !== tarOffset) {
      throw mismatch(
        `Member ${index} starts at byte ${member.offset} (tar ${member.tarOffset}), not where member ${index - 1} ends, ${offset} (tar ${tarOffset})`,
      );
    }
    if (tarSize > MAX_MEMBER_TAR_BYTES || size > MAX_MEMBER_BYTES) {
      throw mismatch(
        `Member ${index} holds ${tarSize} tar bytes, more than the ${MAX_MEMBER_TAR_BYTES} a member may hold (unpack without members, or pack with a smaller memberBytes)`,
      );
    }
    offset += size;
    tarOffset += tarSize;
  }
  if (offset !== fileSize) {
    throw mismatch(`The members cover ${offset} bytes but the file holds ${fileSize}`);
  }
};

/**
 * Reads `size` bytes at `offset` into `into` (a buffer of its own, so it can be transferred),
 * returning the view of them.
 */
const readRange = async (
  handle: FileHandle,
  offset: number,
  size: number,
  into: Buffer,
): Promise<Buffer> => {
  const bytes = into.subarray(0, size);
  let read = 0;
  while (read < size) {
    const { bytesRead } = await handle.read(bytes, read, size - read, offset + read);
    if (bytesRead === 0) throw mismatch(`The file ends before byte ${offset + size}`);
    read += bytesRead;
  }
  return bytes;
};

/** One member read and inflated, checked to give exactly its tar bytes. */
const inflateMember = async (
  handle: FileHandle,
  member: GzipMember,
  index: number,
  buffers: LentBuffers,
  options: InflateMembersOptions,
): Promise<Buffer> => {
  const { pool, inflated } = options;
  const input = await readRange(handle, member.offset, member.size, buffers.take());
  const where = `Member ${index} (bytes ${member.offset} to ${member.offset + member.size})`;
  const task = { op: 'gunzip', input, maxOutput: member.tarSize, output: inflated.take() } as const;
  const {
    data,
    consumed,
    input: spent,
    output,
  } = await pool.run(task).catch((error: unknown) => {
    if (!(error instanceof ZlibTaskError)) throw error;
    throw mismatch(`${where} does not inflate to ${member.tarSize} bytes: ${error.message}`, error);
  });
  buffers.give(spent);
  if (data.buffer !== output.buffer) inflated.give(output);
  if (data.length !== member.tarSize || consumed !== member.size) {
    throw mismatch(
      `${where} inflates ${consumed} bytes to ${data.length}, not ${member.size} to ${member.tarSize}`,
    );
  }
  return data;
};

/**
 * The tar bytes of the members of the file open as `handle`, in order, inflated in parallel.
 * Call {@link checkMembers} first.
 * @internal
 */
export async function* inflateMembers(
  handle: FileHandle,
  members: readonly GzipMember[],
  options: InflateMembersOptions,
): AsyncGenerator<Buffer> {
  const { depth, budget, inflated } = options;
  const inFlight: { readonly data: Promise<Buffer>; readonly tarSize: number }[] = [];
  // Buffers for the compressed members, each as large as the largest member; they come back
  // from the workers and are reused, so reading allocates about `depth` of them in all.
  const buffers = new LentBuffers(
    members.reduce((largest, member) => Math.max(largest, member.size), 0),
  );
  let next = 0;
  let inFlightBytes = 0;
  const fill = (): void => {
    while (next < members.length && inFlight.length < depth) {
      const member = members[next] as GzipMember;
      if (inFlight.length > 0 && inFlightBytes + member.tarSize > budget) return;
      const data = inflateMember(handle, member, next, buffers, options);
      // Awaited in order below; a failure seen first elsewhere must not go unhandled here.
      data.catch(() => undefined);
      inFlight.push({ data, tarSize: member.tarSize });
      inFlightBytes += member.tarSize;
      next += 1;
    }
  };
  fill();
  while (inFlight.length > 0) {
    const oldest = inFlight.shift() as (typeof inFlight)[number];
    const data = await oldest.data;
    inFlightBytes -= oldest.tarSize;
    fill();
    inflated.handedOn(Buffer.from(data.buffer));
    for (let start = 0; start < data.length; start += YIELD_CHUNK_BYTES) {
      yield data.subarray(start, start + YIELD_CHUNK_BYTES);
    }
  }
}
