import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ObjectStore } from '../ports/objectStore.js';

/** A downloaded tarball: where it is, and what its bytes hash to. */
export interface FetchedTarball {
  readonly path: string;
  readonly size: number;
  /** Hex digests of the bytes written. */
  readonly sha256: string;
  readonly md5: string;
}

/**
 * Streams an object into a new file at `path` while counting its bytes and hashing them
 * (SHA-256 for the manifest, MD5 for `.snapshot_hash`), so the tarball is checked before a
 * byte of it is extracted. @internal
 */
export const fetchTarball = async (
  store: ObjectStore,
  key: string,
  path: string,
): Promise<FetchedTarball> => {
  const { body } = await store.get(key);
  const sha256 = createHash('sha256');
  const md5 = createHash('md5');
  let size = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sha256.update(chunk);
      md5.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(body, hashing, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  return { path, size, sha256: sha256.digest('hex'), md5: md5.digest('hex') };
};
