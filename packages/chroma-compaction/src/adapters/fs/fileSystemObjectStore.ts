import type { BigIntStats } from 'node:fs';
import { type FileHandle, link, lstat, rename, stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { ObjectNotFoundError, ObjectStoreError, PreconditionFailedError } from '../../errors.js';
import type {
  ListOptions,
  ObjectBody,
  ObjectInfo,
  ObjectListing,
  ObjectRead,
  ObjectStore,
  PutOptions,
} from '../../ports/objectStore.js';
import { KeyedMutex } from './keyedMutex.js';
import {
  createTempFile,
  errorCode,
  isMissing,
  mapWithConcurrency,
  type ObjectSidecar,
  pruneEmptyDirs,
  readSidecar,
  sidecarMatches,
  tempPathIn,
  unlinkQuietly,
  writeBody,
} from './objectFiles.js';
import { listKeys } from './objectKeyListing.js';
import { type ObjectPaths, objectPaths } from './objectKeyPath.js';
import { type OpenObject, openObject } from './openObject.js';

/** Options of {@link FileSystemObjectStore}. */
export interface FileSystemObjectStoreOptions {
  /** The directory holding the objects (created on the first put). */
  readonly root: string;
  /**
   * Flush each object's content to disk (`fdatasync`) before it becomes visible, so a crash
   * cannot leave a renamed but empty file. Turn off only for scratch data.
   * @default true
   */
  readonly fsync?: boolean | undefined;
}

/**
 * Commits and consistent reads of one object file are serialized on its absolute path,
 * across every store instance in this process.
 */
const fileLocks = new KeyedMutex();
/** File-system calls in flight at once in `list` and `delete`. */
const CONCURRENCY = 16;

const bare = (etag: string): string => etag.replaceAll('"', '');

const conditionsOf = (options: PutOptions): string | undefined => {
  const parts: string[] = [];
  if (options.ifMatch !== undefined) parts.push(`If-Match: ${options.ifMatch}`);
  if (options.ifNoneMatch !== undefined) parts.push(`If-None-Match: ${options.ifNoneMatch}`);
  return parts.length === 0 ? undefined : parts.join(', ');
};

const lowerCaseKeys = (
  metadata: Readonly<Record<string, string>> | undefined,
): Record<string, string> | undefined =>
  metadata === undefined
    ? undefined
    : Object.fromEntries(
        Object.entries(metadata).map(([name, value]) => [name.toLowerCase(), value]),
      );

/**
 * An {@link ObjectStore} in a local directory: the embedded default, and what tests and
 * single-machine deployments use instead of S3. Only `node:fs`.
 *
 * Layout: object `a/b/c` is the file `<root>/a/b/c` with its content, so the tree can be
 * inspected or copied as is. Next to it, `.~meta.c` (JSON) holds its ETag, content type and
 * metadata; temp files are `.~tmp.<random>`. Names starting with `.~` are the store's own:
 * listings never show them and keys may not use them.
 *
 * Semantics follow S3: the ETag is the quoted MD5 hex of the content (computed while
 * writing); metadata keys are lower-cased; listings are sorted by UTF-8 bytes and roll keys
 * up into common prefixes at the delimiter; empty directories are removed on delete.
 *
 * Writes are atomic: the body streams into a temp file in the object's directory, which is
 * then renamed over the object (`ifNoneMatch: '*'`: hard-linked, which fails if the object
 * exists). Conditional puts check their condition and commit under a per-file lock shared
 * by every store in the process, so concurrent conditional puts on one key in one process
 * are safe. Across processes, `ifNoneMatch: '*'` stays atomic (the hard link), but `ifMatch`
 * is checked and then committed without a lock, so two processes can both pass the same
 * `ifMatch`; use S3 or a lock when several processes update one key. Readers in another
 * process may briefly see the new content with the previous sidecar; they detect it (the
 * sidecar records the content file's inode and size) and re-read. Not supported: a key and
 * keys below it at once (`a` and `a/b`: a file cannot also be a directory), which fails with
 * `ObjectStoreError`; temp files of a crashed process are left behind (never listed);
 * symbolic links are not listed; `ifNoneMatch` needs a file system with hard links (local
 * disks, NFS and EFS have them).
 *
 * Keys are checked before any file-system call: empty segments (leading, trailing or double
 * `/`), `.` and `..`, backslashes, NUL, absolute paths and `.~` segments are refused with
 * `ObjectStoreError`.
 *
 * @example
 * ```ts
 * import { FileSystemObjectStore } from '@receipt-chroma/chroma-compaction';
 *
 * const store = new FileSystemObjectStore({ root: '/mnt/efs/chroma-objects' });
 * await store.put('words/snapshot/latest-pointer.txt', '20250101_000000_000000_0123abcd', {
 *   ifNoneMatch: '*',
 * });
 * const { prefixes } = await store.list({ prefix: 'words/snapshot/timestamped/', delimiter: '/' });
 * ```
 */
export class FileSystemObjectStore implements ObjectStore {
  readonly #root: string;
  readonly #fsync: boolean;

  /** @param options - the root directory, and whether to flush content to disk */
  constructor(options: FileSystemObjectStoreOptions) {
    this.#root = resolve(options.root);
    this.#fsync = options.fsync ?? true;
  }

  /** The absolute root directory. */
  get root(): string {
    return this.#root;
  }

  /**
   * Streams an object's bytes (from a handle opened before returning: a later overwrite or
   * delete does not affect a read in progress).
   * @throws ObjectNotFoundError when no object has this key
   * @throws ObjectStoreError when the key is refused or the file system fails
   */
  async get(key: string): Promise<ObjectRead> {
    const paths = objectPaths(this.#root, key, 'get');
    const opened = await this.#guard('get', key, () => this.#openLocked(paths, key));
    if (opened === undefined) {
      throw new ObjectNotFoundError(
        `get of key "${key}" failed: the object does not exist under ${this.#root}.`,
        { operation: 'get', key, context: { root: this.#root } },
      );
    }
    return { info: opened.info, body: opened.handle.createReadStream({ start: 0 }) };
  }

  /**
   * Stores an object atomically and returns its ETag (the quoted MD5 hex of the content).
   * A `Readable` body is destroyed when the put fails.
   * @throws PreconditionFailedError when `ifNoneMatch: '*'` and the object exists, or
   * `ifMatch` and the object is missing or has another ETag
   * @throws ObjectStoreError when the key is refused, the key conflicts with a directory of
   * other keys, `contentLength` disagrees with the body, or the file system or the body fails
   */
  async put(key: string, body: ObjectBody, options: PutOptions = {}): Promise<{ etag: string }> {
    try {
      return await this.#put(key, body, options);
    } catch (error) {
      // A stream the caller handed over is not left open (a precondition may fail before
      // it is read).
      if (body instanceof Readable && !body.destroyed) body.destroy();
      throw error;
    }
  }

  async #put(key: string, body: ObjectBody, options: PutOptions): Promise<{ etag: string }> {
    const paths = objectPaths(this.#root, key, 'put');
    const conditions = conditionsOf(options);
    return this.#guard('put', key, async () => {
      // Fail fast, before writing anything; checked again under the lock when committing.
      if (conditions !== undefined) {
        await fileLocks.run(paths.file, () => this.#check(paths, key, options, conditions));
      }
      const temp = await this.#createTemp(paths, key);
      // Temp files still to remove if the put does not complete.
      const leftovers = new Set([temp.path]);
      try {
        let written: { etag: string; size: number };
        let stats: BigIntStats;
        try {
          written = await writeBody(temp.handle, body);
          if (this.#fsync) await temp.handle.datasync();
          stats = await temp.handle.stat({ bigint: true });
        } finally {
          await temp.handle.close();
        }
        if (options.contentLength !== undefined && options.contentLength !== written.size) {
          throw new ObjectStoreError(
            `put of key "${key}" failed: contentLength is ${options.contentLength} but the body had ${written.size} bytes.`,
            { operation: 'put', key, context: { root: this.#root } },
          );
        }
        const sidecar: ObjectSidecar = {
          v: 1,
          etag: written.etag,
          size: written.size,
          ino: stats.ino.toString(),
          contentType: options.contentType,
          metadata: lowerCaseKeys(options.metadata),
        };
        const sidecarTemp = tempPathIn(paths.dir);
        leftovers.add(sidecarTemp);
        await writeFile(sidecarTemp, JSON.stringify(sidecar), { encoding: 'utf8', flag: 'wx' });
        const createOnly = options.ifNoneMatch === '*';
        await fileLocks.run(paths.file, async () => {
          if (conditions !== undefined) await this.#check(paths, key, options, conditions);
          await this.#commit(temp.path, paths, key, createOnly);
          if (!createOnly) leftovers.delete(temp.path);
          await rename(sidecarTemp, paths.meta);
          leftovers.delete(sidecarTemp);
        });
        return { etag: written.etag };
      } finally {
        for (const path of leftovers) await unlinkQuietly(path);
      }
    });
  }

  /**
   * The object's info, or `undefined` when it does not exist.
   * @throws ObjectStoreError when the key is refused or the file system fails
   */
  async head(key: string): Promise<ObjectInfo | undefined> {
    const paths = objectPaths(this.#root, key, 'head');
    const opened = await this.#guard('head', key, () => this.#openLocked(paths, key));
    await opened?.handle.close();
    return opened?.info;
  }

  /**
   * Every object under the prefix, sorted by the UTF-8 bytes of its key; with a delimiter,
   * the keys that continue past it are rolled up into `prefixes` (as S3 does). Listed
   * objects carry key, size, ETag and last-modified time, not content type or metadata.
   * @throws ObjectStoreError when the file system fails
   */
  async list(options: ListOptions = {}): Promise<ObjectListing> {
    const prefix = options.prefix ?? '';
    const delimiter = options.delimiter === '' ? undefined : options.delimiter;
    return this.#guard('list', options.prefix, async () => {
      const { objectKeys, prefixes } = await listKeys(this.#root, prefix, delimiter);
      const infos = await mapWithConcurrency(objectKeys, CONCURRENCY, (key) =>
        this.#listedInfo(key),
      );
      return { objects: infos.filter((info): info is ObjectInfo => info !== undefined), prefixes };
    });
  }

  /**
   * Deletes the objects that exist (missing keys are not an error) and the directories left
   * empty. Every key is attempted even when some fail.
   * @throws ObjectStoreError when a key is refused (before deleting anything), or deleting
   * some keys failed; then `cause` is an `AggregateError` with one error per failed key
   */
  async delete(keys: readonly string[]): Promise<void> {
    const all = keys.map((key) => ({ key, paths: objectPaths(this.#root, key, 'delete') }));
    const unique = [...new Map(all.map((entry) => [entry.key, entry])).values()];
    const failures: ObjectStoreError[] = [];
    await mapWithConcurrency(unique, CONCURRENCY, async ({ key, paths }) => {
      try {
        await fileLocks.run(paths.file, async () => {
          const stats = await lstat(paths.file).catch((error: unknown) => {
            if (isMissing(error)) return undefined;
            throw error;
          });
          // A directory under this name holds other keys; there is no object to delete.
          if (stats !== undefined && !stats.isDirectory()) await unlinkQuietly(paths.file);
          await unlinkQuietly(paths.meta);
        });
        await pruneEmptyDirs(this.#root, paths.dir);
      } catch (error) {
        failures.push(this.#wrap(error, 'delete', key));
      }
    });
    if (failures.length > 0) {
      const failed = failures.map((failure) => failure.key ?? '');
      throw new ObjectStoreError(
        `delete under ${this.#root} failed for ${failed.length} of ${unique.length} keys: ${failed
          .slice(0, 5)
          .map((key) => `"${key}"`)
          .join(
            ', ',
          )}${failed.length > 5 ? ` and ${failed.length - 5} more` : ''}. The other keys were deleted; see cause.errors for each failure.`,
        {
          operation: 'delete',
          key: failed[0],
          cause: new AggregateError(failures, `${failures.length} keys failed to delete`),
          context: { root: this.#root, failed: failed.length, requested: unique.length },
        },
      );
    }
  }

  /** Runs a file-system operation and translates what it throws into `ObjectStoreError`. */
  async #guard<T>(operation: string, key: string | undefined, task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } catch (error) {
      throw this.#wrap(error, operation, key);
    }
  }

  #wrap(error: unknown, operation: string, key: string | undefined): ObjectStoreError {
    if (error instanceof ObjectStoreError) return error;
    const code = errorCode(error);
    const detail = error instanceof Error ? error.message : String(error);
    const where =
      key === undefined ? `${operation} under ${this.#root}` : `${operation} of key "${key}"`;
    return new ObjectStoreError(`${where} failed: ${detail}`, {
      operation,
      key,
      cause: error,
      context: { root: this.#root, code },
    });
  }

  /** A temp file in the object's directory; a file where a directory must be is a conflict. */
  async #createTemp(
    paths: ObjectPaths,
    key: string,
  ): Promise<{ path: string; handle: FileHandle }> {
    try {
      return await createTempFile(paths.dir);
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EEXIST' || code === 'ENOTDIR') throw this.#conflict(error, key);
      throw error;
    }
  }

  #conflict(error: unknown, key: string): ObjectStoreError {
    return new ObjectStoreError(
      `put of key "${key}" failed: it conflicts with another key under ${this.#root} (a file system store cannot hold both a key and keys below it, such as "a" and "a/b").`,
      { operation: 'put', key, cause: error, context: { root: this.#root } },
    );
  }

  /** Makes the temp file the object: a rename, or a hard link that fails if it exists. */
  async #commit(temp: string, paths: ObjectPaths, key: string, createOnly: boolean): Promise<void> {
    try {
      if (createOnly) await link(temp, paths.file);
      else await rename(temp, paths.file);
    } catch (error) {
      const code = errorCode(error);
      const isDirectory = await stat(paths.file).then(
        (stats) => stats.isDirectory(),
        () => false,
      );
      if (isDirectory) throw this.#conflict(error, key);
      if (createOnly && code === 'EEXIST') {
        throw new PreconditionFailedError(
          `put of key "${key}" failed its precondition (If-None-Match: *): an object already exists.`,
          { operation: 'put', key, cause: error, context: { root: this.#root } },
        );
      }
      throw error;
    }
  }

  /** Checks a put's conditions against the current object; the caller holds the file lock. */
  async #check(
    paths: ObjectPaths,
    key: string,
    options: PutOptions,
    conditions: string,
  ): Promise<void> {
    const current = await openObject(paths, key);
    await current?.handle.close();
    const fail = (why: string): never => {
      throw new PreconditionFailedError(
        `put of key "${key}" failed its precondition (${conditions}): ${why}.`,
        {
          operation: 'put',
          key,
          context: { root: this.#root },
        },
      );
    };
    if (options.ifNoneMatch === '*' && current !== undefined) fail('an object already exists');
    if (options.ifMatch !== undefined) {
      if (current === undefined) fail('the object does not exist');
      else if (bare(current.info.etag) !== bare(options.ifMatch)) {
        fail(`the current ETag is ${current.info.etag}`);
      }
    }
  }

  #openLocked(paths: ObjectPaths, key: string): Promise<OpenObject | undefined> {
    return fileLocks.run(paths.file, () => openObject(paths, key));
  }

  /** A listed object's info, from its stats and sidecar (re-read consistently if they disagree). */
  async #listedInfo(key: string): Promise<ObjectInfo | undefined> {
    const paths = objectPaths(this.#root, key, 'list');
    const stats = await stat(paths.file, { bigint: true }).catch((error: unknown) => {
      if (isMissing(error)) return undefined;
      throw error;
    });
    if (stats === undefined || !stats.isFile()) return undefined;
    const sidecar = await readSidecar(paths.meta);
    if (sidecar !== undefined && sidecarMatches(sidecar, stats)) {
      return { key, size: Number(stats.size), etag: sidecar.etag, lastModified: stats.mtime };
    }
    const opened = await this.#openLocked(paths, key);
    await opened?.handle.close();
    if (opened === undefined) return undefined;
    const { size, etag, lastModified } = opened.info;
    return { key, size, etag, lastModified };
  }
}
