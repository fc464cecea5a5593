import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createGzip, constants as zlibConstants } from 'node:zlib';
import { type Pack, pack as tarPack } from 'tar-stream';
import {
  DELTA_DATA_ENTRIES,
  type DeltaManifest,
  MANIFEST_ENTRY,
  serializeDeltaManifest,
} from './manifest.js';

/**
 * Float32 vectors barely compress; gzip's fastest level gets nearly all of what level 9
 * gets, several times faster.
 */
const GZIP_LEVEL = zlibConstants.Z_BEST_SPEED;

/**
 * The `delta.tar.gz` stream of a staged delta: `manifest.json`, then the data entries in
 * manifest order, read from `dir` as the consumer pulls. A read error destroys the stream.
 * @internal
 */
export const packDelta = (manifest: DeltaManifest, dir: string): Readable => {
  const pack = tarPack();
  const gzip = createGzip({ level: GZIP_LEVEL });
  const mtime = new Date(Date.parse(manifest.createdAt));
  const fill = async (): Promise<void> => {
    await addEntry(pack, MANIFEST_ENTRY, mtime, Buffer.from(serializeDeltaManifest(manifest)));
    for (const name of DELTA_DATA_ENTRIES) {
      await addFileEntry(pack, name, mtime, manifest.entries[name].size, join(dir, name));
    }
    pack.finalize();
  };
  fill().catch((error: unknown) => {
    gzip.destroy(error instanceof Error ? error : new Error(String(error)));
    pack.destroy();
  });
  // A consumer that stops reading (a failed upload destroys the body) makes the pipe destroy
  // the packer and its entries, which emit 'error'; `fill` sees that through the entry
  // callbacks, so the events themselves must not crash the process as uncaught errors.
  pack.on('error', ignore);
  pack.pipe(gzip);
  return gzip;
};

const ignore = (): void => undefined;

const header = (name: string, size: number, mtime: Date) => ({
  name,
  size,
  mtime,
  mode: 0o644,
  type: 'file' as const,
});

const addEntry = (pack: Pack, name: string, mtime: Date, bytes: Buffer): Promise<void> =>
  new Promise((resolve, reject) => {
    pack
      .entry(header(name, bytes.length, mtime), bytes, (error) =>
        error ? reject(error) : resolve(),
      )
      .on('error', ignore);
  });

const addFileEntry = async (
  pack: Pack,
  name: string,
  mtime: Date,
  size: number,
  path: string,
): Promise<void> => {
  let settle: (error?: Error | null) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });
  // Rejects when the packer is destroyed; until the end it is only raced against 'drain'.
  done.catch(ignore);
  const entry = pack.entry(header(name, size, mtime), (error) => settle(error));
  entry.on('error', ignore);
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    if (!entry.write(chunk as Buffer)) {
      // A destroyed entry never drains: stop reading the file (closing it) instead of waiting.
      await Promise.race([
        new Promise<void>((resolve) => entry.once('drain', () => resolve())),
        done,
      ]);
    }
  }
  entry.end(undefined);
  await done;
};
