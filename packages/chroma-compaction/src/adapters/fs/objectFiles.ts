import { createHash, randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, rmdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { ObjectBody } from '../../ports/objectStore.js';
import { TEMP_PREFIX } from './objectKeyPath.js';

/** The error code of a Node.js system error, or `undefined`. @internal */
export const errorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;

/** Codes meaning "there is no file there". @internal */
export const isMissing = (error: unknown): boolean => {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
};

/** A fresh temp file name in `dir`. @internal */
export const tempPathIn = (dir: string): string =>
  join(dir, `${TEMP_PREFIX}${randomBytes(12).toString('hex')}`);

/** A new, empty temp file in `dir` (created with its parents), open for writing. @internal */
export const createTempFile = async (
  dir: string,
): Promise<{ path: string; handle: FileHandle }> => {
  for (let attempt = 0; ; attempt += 1) {
    await mkdir(dir, { recursive: true });
    const path = tempPathIn(dir);
    try {
      return { path, handle: await open(path, 'wx') };
    } catch (error) {
      // A concurrent delete may prune the directory between mkdir and open: make it again.
      if (errorCode(error) !== 'ENOENT' || attempt >= 4) throw error;
    }
  }
};

/** Writes `bytes` fully at the handle's current position. */
const writeFully = async (handle: FileHandle, bytes: Uint8Array): Promise<void> => {
  let offset = 0;
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
    offset += bytesWritten;
  }
};

const toBytes = (chunk: unknown): Uint8Array => {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new TypeError(
    `an object body must yield Uint8Array or string chunks; got ${chunk === null ? 'null' : typeof chunk}`,
  );
};

/**
 * Writes a body to an open file, chunk by chunk (a stream is never held whole), and returns
 * the quoted MD5 hex of what was written (S3's single-part ETag) and its size.
 * @internal
 */
export const writeBody = async (
  handle: FileHandle,
  body: ObjectBody,
): Promise<{ etag: string; size: number }> => {
  const hash = createHash('md5');
  let size = 0;
  const write = async (bytes: Uint8Array): Promise<void> => {
    hash.update(bytes);
    size += bytes.byteLength;
    await writeFully(handle, bytes);
  };
  if (typeof body === 'string' || body instanceof Uint8Array) {
    await write(toBytes(body));
  } else {
    for await (const chunk of body as AsyncIterable<unknown>) await write(toBytes(chunk));
  }
  return { etag: `"${hash.digest('hex')}"`, size };
};

/** The quoted MD5 hex of a file's content, read through the handle without moving its position. @internal */
export const md5OfHandle = async (handle: FileHandle): Promise<string> => {
  const hash = createHash('md5');
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  for (let position = 0; ; ) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, position);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  return `"${hash.digest('hex')}"`;
};

/** Deletes a file, ignoring "not there". @internal */
export const unlinkQuietly = async (path: string): Promise<void> => {
  try {
    await unlink(path);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
};

/**
 * Removes `dir` and then each parent up to (not including) `root` while they are empty, so a
 * deleted prefix leaves no directory behind (S3 has none). Stops at the first directory that
 * is not empty; never fails.
 * @internal
 */
export const pruneEmptyDirs = async (root: string, dir: string): Promise<void> => {
  for (
    let current = dir;
    current !== root && current.startsWith(root);
    current = dirname(current)
  ) {
    try {
      await rmdir(current);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') return;
    }
  }
};

/** Waits a little before re-reading an object another process is committing. @internal */
export const backOff = (attempt: number): Promise<void> => delay(5 * 2 ** attempt);

/**
 * Runs `task` on every item with at most `limit` running at a time; resolves with the
 * results in input order.
 * @internal
 */
export const mapWithConcurrency = async <T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> => {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};
