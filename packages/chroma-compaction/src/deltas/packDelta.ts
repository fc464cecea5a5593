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
  pack.pipe(gzip);
  return gzip;
};

const header = (name: string, size: number, mtime: Date) => ({
  name,
  size,
  mtime,
  mode: 0o644,
  type: 'file' as const,
});

const addEntry = (pack: Pack, name: string, mtime: Date, bytes: Buffer): Promise<void> =>
  new Promise((resolve, reject) => {
    pack.entry(header(name, bytes.length, mtime), bytes, (error) =>
      error ? reject(error) : resolve(),
    );
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
  const entry = pack.entry(header(name, size, mtime), (error) => settle(error));
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    if (!entry.write(chunk as Buffer)) {
      await new Promise<void>((resolve) => entry.once('drain', () => resolve()));
    }
  }
  entry.end(undefined);
  await done;
};
