/**
 * Writes the entries of a listing into a tar-stream packer with fixed metadata, so that the
 * same tree always gives the same tar bytes (mtime 0, uid/gid 0, no user or group names,
 * mode 0644 for files and 0755 for directories). Files are streamed in bounded chunks with
 * the packer's backpressure, never read whole.
 */
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Header, Pack } from 'tar-stream';
import { SnapshotSourceError } from './errors.js';
import { type SourceEntry, sourceEntry } from './snapshotSource.js';

/** Bytes read from a file per chunk handed to the packer. */
const READ_CHUNK_BYTES = 128 * 1024;

/** The fixed epoch every entry carries, so packing is reproducible. */
const EPOCH = new Date(0);

/** The fixed header of an entry; a directory's name ends in `/`, as GNU tar writes it. */
const headerOf = (entry: SourceEntry): Partial<Header> & Pick<Header, 'name'> => ({
  name: entry.type === 'directory' ? `${entry.path}/` : entry.path,
  type: entry.type,
  size: entry.size,
  mode: entry.type === 'directory' ? 0o755 : 0o644,
  mtime: EPOCH,
  uid: 0,
  gid: 0,
  uname: '',
  gname: '',
});

type Sink = ReturnType<Pack['entry']>;

/** Resolves once the sink can take more, or has closed (destroyed with its packer). */
const drained = (sink: Sink): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      sink.off('drain', done);
      sink.off('close', done);
      resolve();
    };
    sink.on('drain', done);
    sink.on('close', done);
  });

/**
 * Resolves once the packer is destroyed (the pack failed or was aborted downstream): an
 * entry's callback or a sink's `drain` may then never come, so every wait races this.
 */
const closedOf = (pack: Pack): Promise<void> =>
  new Promise((resolve) => {
    if (pack.destroyed) resolve();
    else pack.once('close', () => resolve());
  });

export const feedTar = async (
  pack: Pack,
  root: string,
  entries: readonly SourceEntry[],
): Promise<void> => {
  const closed = closedOf(pack);
  for (const entry of entries) {
    if (pack.destroyed) return;
    let sink: Sink | undefined;
    const added = new Promise<void>((resolve, reject) => {
      sink = pack.entry(headerOf(entry), (error) => (error ? reject(error) : resolve()));
    });
    // Awaited below, unless the copy fails first; its rejection is then that same failure,
    // which the sink also emits as an event (reported here through the entry's callback).
    added.catch(() => undefined);
    sink?.on('error', () => undefined);
    if (entry.type === 'file' && sink !== undefined) {
      await copyFile(join(root, entry.path), entry, sink, { pack, closed }).catch(
        (error: unknown) => {
          sink?.destroy(error instanceof Error ? error : new Error(String(error)));
          throw error;
        },
      );
    }
    await Promise.race([added, closed]);
  }
  if (!pack.destroyed) pack.finalize();
};

/** Streams one file into its entry, refusing a file that is no longer what was listed. */
const copyFile = async (
  path: string,
  entry: SourceEntry,
  sink: Sink,
  packer: { readonly pack: Pack; readonly closed: Promise<void> },
): Promise<void> => {
  const stopped = (): boolean => sink.destroyed || packer.pack.destroyed;
  // O_NOFOLLOW: a file swapped for a link since the listing is refused, not followed.
  const handle: FileHandle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch(
    (error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ELOOP') throw error;
      throw new SnapshotSourceError(`"${entry.path}" became a symbolic link while it was packed`, {
        reason: 'changed',
        path: entry.path,
        cause: error,
      });
    },
  );
  try {
    await checkUnchanged(handle, entry);
    let copied = 0;
    while (copied < entry.size && !stopped()) {
      const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, entry.size - copied));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, copied);
      if (bytesRead === 0) break;
      copied += bytesRead;
      if (!sink.write(bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead))) {
        await Promise.race([drained(sink), packer.closed]);
      }
    }
    if (stopped()) return;
    await checkUnchanged(handle, entry, copied);
    // streamx types `end` with a required chunk; none is written here.
    sink.end(undefined);
  } finally {
    await handle.close();
  }
};

/** Refuses a file whose type or size is not what was listed (or what was read). */
const checkUnchanged = async (
  handle: FileHandle,
  entry: SourceEntry,
  copied = entry.size,
): Promise<void> => {
  const now = sourceEntry(entry.path, await handle.stat());
  if (now.type !== entry.type || now.size !== entry.size || copied !== entry.size) {
    throw new SnapshotSourceError(
      `"${entry.path}" changed while it was packed (${entry.size} bytes listed, ${now.size} now); pack a directory nobody writes to`,
      { reason: 'changed', path: entry.path },
    );
  }
};
