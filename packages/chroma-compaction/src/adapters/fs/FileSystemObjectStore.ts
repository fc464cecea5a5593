import { type FileHandle, lstat, mkdir, realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import {
  DeleteFailedError,
  errorMessage,
  ObjectNotFoundError,
  ObjectStoreError,
} from '../../errors.js';
import type {
  ListOptions,
  ObjectBody,
  ObjectInfo,
  ObjectListing,
  ObjectRead,
  ObjectStore,
  PutOptions,
} from '../../ports/objectStore.js';
import { commitObject, type PendingObject } from './commitObject.js';
import {
  createTempFile,
  errorCode,
  isMissing,
  mapWithConcurrency,
  pruneEmptyDirs,
  unlinkQuietly,
  writeBody,
} from './objectFiles.js';
import { listKeys } from './objectKeyListing.js';
import { type ObjectPaths, objectPaths } from './objectKeyPath.js';
import { type HeldLock, withObjectLock } from './objectLock.js';
import { sidecarFor, writeSidecarTemp } from './objectSidecar.js';
import { listedInfo, openObject } from './openObject.js';
import {
  checkConditions,
  conditionsOf,
  precheckConditions,
  preconditionFailed,
} from './putConditions.js';

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

/** File-system calls in flight at once in `list` and `delete`. */
const CONCURRENCY = 16;

/**
 * An {@link ObjectStore} in a local or shared directory (local disk, NFS, EFS): the embedded
 * default, and what tests and single-machine deployments use instead of S3.
 *
 * Layout: object `a/b/c` is the file `<root>/a/b/c` with its content, so the tree can be
 * inspected as is. Next to it, `.~meta.c` (JSON) holds its ETag, content type and metadata;
 * temp files are `.~tmp.<random>` and the object's lock is the directory `.~lock.c`. Names
 * starting with `.~` are the store's own: listings never show them and keys may not use them.
 *
 * Semantics follow S3: the ETag is the quoted MD5 hex of the content (computed while
 * writing); metadata keys are lower-cased; listings are sorted by UTF-8 bytes and roll keys
 * up into common prefixes at the delimiter; empty directories are removed on delete.
 *
 * Writes are atomic: the body streams into a temp file in the object's directory, and is
 * then renamed over the object (`ifNoneMatch: '*'`: hard-linked, which fails if the object
 * exists). Every change to an object's files (commit, delete, sidecar repair) happens under
 * the object's lock, a `proper-lockfile` directory that works across processes and across
 * hosts sharing the root, and across every store instance in this process (the root is
 * resolved with `realpath`, so roots reached through different symbolic links share it).
 * A conditional put checks its condition and commits under that lock: of concurrent puts
 * with the same `ifMatch` ETag, or with `ifNoneMatch: '*'`, exactly one succeeds, wherever
 * they run. A lock whose holder died is taken over after 20 s; hosts need clocks within a
 * few seconds of each other.
 *
 * The ETag always belongs to the bytes: the sidecar records the inode number, size and
 * modification time (ns) of the content it describes, and is trusted only when they are
 * those of the content file read. Under the lock, a commit moves the old sidecar away before
 * it replaces the content and renames the new sidecar in after, and a delete removes the
 * sidecar before the content, so a sidecar present always describes the content present (a
 * crash leaves content without sidecar, never a sidecar of other content, even when the file
 * system reuses the inode number). A content file without a matching sidecar (written by
 * hand, copied, left by a crash, or edited in place, which its new modification time shows)
 * is hashed under its lock, and its sidecar rewritten, once: `get`, `head`, `list` and the
 * `ifMatch` check of a put always see the MD5 of the bytes in the file, and a stale ETag
 * never passes `ifMatch`. A reader
 * holding a file open while it is replaced keeps streaming the version it opened, with that
 * version's info.
 *
 * Copying a store: copy it while nothing writes to it, with its dot files (`cp -a`, `rsync
 * -a`). The copy gets new inodes, so the first read or listing of each object hashes it once
 * and rewrites its sidecar; its content type and metadata survive when its `.~meta.*` file
 * was copied too (kept when its ETag is the MD5 of the copied bytes), and are lost otherwise.
 * A copy without the `.~meta.*` files is a valid store whose objects have no content type or
 * metadata.
 *
 * Not supported: a key and keys below it at once (`a` and `a/b`: a file cannot also be a
 * directory), which fails with `ObjectStoreError`; temp files of a crashed process are left
 * behind (never listed); symbolic links are not listed; `ifNoneMatch` needs a file system
 * with hard links (local disks, NFS and EFS have them). Reads of a store this process cannot
 * write work, but do not repair sidecars.
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
 * console.log(prefixes);
 * ```
 */
export class FileSystemObjectStore implements ObjectStore {
  readonly #root: string;
  readonly #fsync: boolean;
  /** The root with symbolic links resolved, once it exists. */
  #realRoot: string | undefined;

  /**
   * Creates a store on a directory; nothing is read or written until a method is called.
   * @param options - the root directory, and whether to flush content to disk
   */
  constructor(options: FileSystemObjectStoreOptions) {
    this.#root = resolve(options.root);
    this.#fsync = options.fsync ?? true;
  }

  /** The absolute root directory, as configured (symbolic links not resolved). */
  get root(): string {
    return this.#root;
  }

  /**
   * Streams an object's bytes (from a handle opened before returning: a later overwrite or
   * delete does not affect a read in progress).
   * @param key - The object's key.
   * @returns The object's info and its body.
   * @throws {@link ObjectNotFoundError} when no object has this key
   * @throws {@link ObjectStoreError} when the key is refused or the file system fails
   */
  async get(key: string): Promise<ObjectRead> {
    objectPaths(this.#root, key, 'get');
    const opened = await this.#guard('get', key, async () =>
      openObject(objectPaths(await this.#resolveRoot(false), key, 'get'), key),
    );
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
   * @param key - The object's key.
   * @param body - Bytes, text, or a stream of bytes.
   * @param options - Content type, metadata, expected length and conditions.
   * @returns The stored object's ETag.
   * @throws {@link PreconditionFailedError} when `ifNoneMatch: '*'` and the object exists, or
   *   `ifMatch` and the object is missing or has another ETag
   * @throws {@link ObjectStoreError} when the key is refused, the key conflicts with a
   *   directory of other keys, `contentLength` disagrees with the body, the object's lock
   *   stays held by another writer for 60 s, or the file system or the body fails
   */
  async put(
    key: string,
    body: ObjectBody,
    options: PutOptions = {},
  ): Promise<{
    /** The stored object's ETag: the quoted MD5 hex of the content. */
    etag: string;
  }> {
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
    objectPaths(this.#root, key, 'put');
    return this.#guard('put', key, async () => {
      const paths = objectPaths(await this.#resolveRoot(true), key, 'put');
      const conditions = conditionsOf(key, this.#root, options);
      // Fail fast, before writing anything; checked again under the lock when committing.
      if (conditions !== undefined) await precheckConditions(paths, conditions);
      const createOnly = options.ifNoneMatch === '*';
      const temp = await this.#createTemp(paths, key);
      // Temp files to remove when the put ends.
      let leftovers = [temp.path];
      try {
        let written: { etag: string; size: number };
        try {
          written = await writeBody(temp.handle, body);
          if (this.#fsync) await temp.handle.datasync();
        } finally {
          await temp.handle.close();
        }
        if (options.contentLength !== undefined && options.contentLength !== written.size) {
          throw new ObjectStoreError(
            `put of key "${key}" failed: contentLength is ${options.contentLength} but the body had ${written.size} bytes.`,
            { operation: 'put', key, context: { root: this.#root } },
          );
        }
        const stats = await stat(temp.path, { bigint: true });
        const sidecar = sidecarFor(written.etag, stats, options);
        const pending = { content: temp.path, sidecar: await writeSidecarTemp(paths, sidecar) };
        leftovers.push(pending.sidecar);
        await withObjectLock(
          paths,
          async (held) => {
            if (conditions !== undefined) await checkConditions(paths, conditions);
            await this.#commit(paths, pending, createOnly, held, key);
          },
          { createDir: true },
        );
        // Renamed away, except the name a hard link was made from.
        leftovers = createOnly ? [temp.path] : [];
        return { etag: written.etag };
      } finally {
        for (const path of leftovers) await unlinkQuietly(path);
      }
    });
  }

  /**
   * The object's info, or `undefined` when it does not exist.
   * @param key - The object's key.
   * @throws {@link ObjectStoreError} when the key is refused or the file system fails
   */
  async head(key: string): Promise<ObjectInfo | undefined> {
    objectPaths(this.#root, key, 'head');
    const opened = await this.#guard('head', key, async () =>
      openObject(objectPaths(await this.#resolveRoot(false), key, 'head'), key),
    );
    await opened?.handle.close();
    return opened?.info;
  }

  /**
   * Every object under the prefix, sorted by the UTF-8 bytes of its key; with a delimiter,
   * the keys that continue past it are rolled up into `prefixes` (as S3 does). Listed
   * objects carry key, size, ETag and last-modified time, not content type or metadata.
   * Each object costs a `stat` and a sidecar read; one whose sidecar does not match is
   * hashed once (see the class documentation).
   * @param options - The prefix to list under, and the delimiter that rolls keys up.
   * @returns The objects and the common prefixes.
   * @throws {@link ObjectStoreError} when the file system fails
   */
  async list(options: ListOptions = {}): Promise<ObjectListing> {
    const prefix = options.prefix ?? '';
    const delimiter = options.delimiter === '' ? undefined : options.delimiter;
    return this.#guard('list', options.prefix, async () => {
      const root = await this.#resolveRoot(false);
      const { objectKeys, prefixes } = await listKeys(root, prefix, delimiter);
      const infos = await mapWithConcurrency(objectKeys, CONCURRENCY, (key) =>
        listedInfo(objectPaths(root, key, 'list'), key),
      );
      return { objects: infos.filter((info): info is ObjectInfo => info !== undefined), prefixes };
    });
  }

  /**
   * Deletes the objects that exist (missing keys are not an error) and the directories left
   * empty. Every key is attempted even when some fail.
   * @param keys - The keys to delete; duplicates are deleted once.
   * @throws {@link DeleteFailedError} when deleting some keys failed (`failedKeys`, `deleted`);
   *   its `cause` is an `AggregateError` with one error per failed key
   * @throws {@link ObjectStoreError} when a key is refused (before deleting anything)
   */
  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) objectPaths(this.#root, key, 'delete');
    const unique = [...new Set(keys)];
    const root = await this.#guard('delete', undefined, () => this.#resolveRoot(false));
    const failures: ObjectStoreError[] = [];
    await mapWithConcurrency(unique, CONCURRENCY, async (key) => {
      try {
        const paths = objectPaths(root, key, 'delete');
        await withObjectLock(paths, (held) => this.#remove(paths, held), { createDir: false });
        await pruneEmptyDirs(root, paths.dir);
      } catch (error) {
        failures.push(this.#wrap(error, 'delete', key));
      }
    });
    if (failures.length > 0) throw this.#deleteFailed(failures, unique.length);
  }

  /**
   * The root with symbolic links resolved, so every instance whose root names the same
   * directory locks the same paths. With `create`, the root is made first; otherwise a root
   * that does not exist yet is used as configured (it holds no object to lock).
   */
  async #resolveRoot(create: boolean): Promise<string> {
    if (this.#realRoot !== undefined) return this.#realRoot;
    if (create) await mkdir(this.#root, { recursive: true });
    try {
      this.#realRoot = await realpath(this.#root);
      return this.#realRoot;
    } catch (error) {
      if (!create && isMissing(error)) return this.#root;
      throw error;
    }
  }

  /** Commits a put (the caller holds the lock), translating what the file system refuses. */
  async #commit(
    paths: ObjectPaths,
    pending: PendingObject,
    createOnly: boolean,
    held: HeldLock,
    key: string,
  ): Promise<void> {
    try {
      await commitObject(paths, pending, createOnly, held);
    } catch (error) {
      const isDirectory = await stat(paths.file).then(
        (stats) => stats.isDirectory(),
        () => false,
      );
      if (isDirectory) throw this.#conflict(error, key);
      if (createOnly && errorCode(error) === 'EEXIST') {
        throw preconditionFailed(
          { key, root: this.#root, text: 'If-None-Match: *' },
          'an object already exists',
          error,
        );
      }
      throw error;
    }
  }

  /** Removes an object's files, sidecar first (the caller holds the lock). */
  async #remove(paths: ObjectPaths, held: HeldLock): Promise<void> {
    const stats = await lstat(paths.file).catch((error: unknown) => {
      if (isMissing(error)) return undefined;
      throw error;
    });
    held.assertHeld();
    await unlinkQuietly(paths.meta);
    // A directory under this name holds other keys; there is no object to delete.
    if (stats !== undefined && !stats.isDirectory()) await unlinkQuietly(paths.file);
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
    const detail = errorMessage(error);
    const where =
      key === undefined ? `${operation} under ${this.#root}` : `${operation} of key "${key}"`;
    return new ObjectStoreError(`${where} failed: ${detail}`, {
      operation,
      key,
      cause: error,
      context: { root: this.#root, code },
    });
  }

  #deleteFailed(failures: readonly ObjectStoreError[], requested: number): DeleteFailedError {
    const failed = failures.map((failure) => failure.key ?? '');
    const named = failed
      .slice(0, 5)
      .map((key) => `"${key}"`)
      .join(', ');
    const more = failed.length > 5 ? ` and ${failed.length - 5} more` : '';
    return new DeleteFailedError(
      `delete under ${this.#root} failed for ${failed.length} of ${requested} keys: ${named}${more}. The other keys were deleted; see cause.errors for each failure.`,
      {
        failedKeys: failed,
        deleted: requested - failed.length,
        cause: new AggregateError(failures, `${failures.length} keys failed to delete`),
        context: { root: this.#root, requested },
      },
    );
  }
}
