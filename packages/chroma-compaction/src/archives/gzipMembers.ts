/**
 * Parallel gzip of a tar stream as independent members (DESIGN §4): the stream is cut into
 * fixed-size pieces, each compressed by a worker into its own gzip member, and the members
 * come out in order. Memory is bounded: at most `depth` pieces are in flight, and the next
 * piece is only read once the consumer has taken the oldest member (backpressure).
 */
import { LentBuffers } from './LentBuffers.js';
import type { GzipMember } from './packTypes.js';
import type { ZlibResult, ZlibWorkerPool } from './ZlibWorkerPool.js';

/** How {@link gzipMembers} cuts and compresses. @internal */
export interface GzipMembersOptions {
  readonly pool: ZlibWorkerPool;
  readonly level: number;
  /** Uncompressed bytes per member (the last one may hold fewer). */
  readonly memberBytes: number;
  /** Members compressed or waiting at once. */
  readonly depth: number;
  /** Called with each member as it is handed out, in order. */
  readonly onMember: (member: GzipMember) => void;
  /**
   * The buffers members are compressed into, `memberBytes + memberBytes / 1024 + 1024` bytes
   * each (room for stored blocks of incompressible bytes plus the header); see
   * {@link gzipOutputBytes}.
   */
  readonly outputs: LentBuffers;
  /**
   * Whether the consumer reports each member once written (`outputs.written`): members are
   * then handed out as views of the lent buffers; otherwise as copies (a consumer such as a
   * multipart upload may keep what it is given).
   */
  readonly reportsWritten: boolean;
}

/** The bytes of a buffer one member of `memberBytes` is always compressed into. @internal */
export const gzipOutputBytes = (memberBytes: number): number =>
  memberBytes + (memberBytes >>> 10) + 1024;

interface InFlight {
  readonly result: Promise<ZlibResult>;
  readonly tarOffset: number;
  readonly tarSize: number;
}

/**
 * The gzip members of `tar`, in order; concatenated they are one valid `.tar.gz`.
 * @internal
 */
export async function* gzipMembers(
  tar: AsyncIterable<Buffer>,
  options: GzipMembersOptions,
): AsyncGenerator<Buffer> {
  const { pool, level, memberBytes, depth, onMember, outputs, reportsWritten } = options;
  const inFlight: InFlight[] = [];
  let offset = 0;
  let tarOffset = 0;
  // Pieces come back from the workers with their members and are reused, so packing
  // allocates about `depth + 1` of them whatever the size (and as many output buffers).
  // Each is a buffer of its own (never a slice of Node's shared pool), so it can be
  // transferred.
  const pieces = new LentBuffers(memberBytes);
  let piece = pieces.take();
  let filled = 0;

  const dispatch = (): void => {
    const input = filled === piece.length ? piece : piece.subarray(0, filled);
    const result = pool.run({ op: 'gzip', input, level, output: outputs.take() });
    // Awaited in order below; a failure seen first elsewhere must not go unhandled here.
    result.catch(() => undefined);
    inFlight.push({ result, tarOffset, tarSize: filled });
    tarOffset += filled;
    piece = pieces.take();
    filled = 0;
  };
  const oldest = async (): Promise<Buffer> => {
    const member = inFlight.shift() as InFlight;
    const { data: compressed, input, output } = await member.result;
    pieces.give(input);
    // A member in its lent buffer is handed on as it is to a consumer that reports it written,
    // and as a copy to any other (the buffer is then free at once).
    const inLentBuffer = compressed.buffer === output.buffer;
    const data = inLentBuffer && !reportsWritten ? Buffer.from(compressed) : compressed;
    if (inLentBuffer && reportsWritten) outputs.handedOn(output);
    else outputs.give(output);
    onMember({ offset, size: data.length, tarOffset: member.tarOffset, tarSize: member.tarSize });
    offset += data.length;
    return data;
  };

  for await (const chunk of tar) {
    let used = 0;
    while (used < chunk.length) {
      const taken = Math.min(chunk.length - used, memberBytes - filled);
      chunk.copy(piece, filled, used, used + taken);
      filled += taken;
      used += taken;
      if (filled < memberBytes) continue;
      dispatch();
      while (inFlight.length >= depth) yield await oldest();
    }
  }
  if (filled > 0) dispatch();
  while (inFlight.length > 0) yield await oldest();
}
