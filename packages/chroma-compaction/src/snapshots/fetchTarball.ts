import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { digestStream } from '../archives/digestStream.js';
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
  const digest = digestStream();
  await pipeline(body, digest.stream, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  return { path, size: digest.size(), sha256: digest.sha256(), md5: digest.md5() };
};
