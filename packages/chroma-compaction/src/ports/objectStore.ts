import type { Readable } from 'node:stream';

/** What a store knows about one object. */
export interface ObjectInfo {
  /** The object's key, `/`-separated. */
  readonly key: string;
  /** Size in bytes. */
  readonly size: number;
  /** The entity tag, quoted as S3 returns it (e.g. `"9b2cf535f27731c974343645a3985328"`). */
  readonly etag: string;
  /** When the object was last written, when the store says. */
  readonly lastModified?: Date | undefined;
  /** The content type given when the object was stored, when the store keeps one. */
  readonly contentType?: string | undefined;
  /** User metadata (S3 `x-amz-meta-*`), keys lower-cased. Present on `get`/`head`. */
  readonly metadata?: Readonly<Record<string, string>> | undefined;
}

/** A body to store: bytes, text, or a stream (read once, never buffered whole). */
export type ObjectBody = Uint8Array | string | Readable | AsyncIterable<Uint8Array>;

/** Options of {@link ObjectStore.put}. */
export interface PutOptions {
  /**
   * Write only if the current object's ETag equals this (optimistic update).
   * @default no condition
   */
  readonly ifMatch?: string | undefined;
  /** `'*'`: write only if no object exists under the key (create once). @default no condition */
  readonly ifNoneMatch?: '*' | undefined;
  /** The content type to store with the object. @default none (the store's own default) */
  readonly contentType?: string | undefined;
  /** User metadata to store with the object (S3 `x-amz-meta-*`). @default none */
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  /** The body's size when known; lets a stream go up in one request. @default unknown */
  readonly contentLength?: number | undefined;
}

/** An object read: its info and a stream of its bytes, to be consumed once. */
export interface ObjectRead {
  /** What the store knows about the object, `metadata` included. */
  readonly info: ObjectInfo;
  /** The object's bytes; consume or destroy it, or the connection stays open. */
  readonly body: Readable;
}

/** A listing: the objects under the prefix, and with a delimiter the common prefixes. */
export interface ObjectListing {
  /**
   * Every object under the prefix (with a delimiter, only those not rolled up into
   * `prefixes`), sorted by key.
   */
  readonly objects: ObjectInfo[];
  /** With a delimiter: each distinct prefix up to and including the delimiter, sorted. */
  readonly prefixes: string[];
}

/** Options of {@link ObjectStore.list}. */
export interface ListOptions {
  /** List only the keys that start with this. @default '' (every key) */
  readonly prefix?: string | undefined;
  /**
   * Roll the keys that continue past this separator (after the prefix) up into
   * {@link ObjectListing.prefixes}, as S3 does; usually `/`. @default none (every key is listed)
   */
  readonly delimiter?: string | undefined;
}

/**
 * Where deltas and snapshots live: S3 (`S3ObjectStore`, `./s3`) or a local directory
 * (`FileSystemObjectStore`, the embedded default). Keys use `/` separators.
 *
 * Errors: a missing object rejects with `ObjectNotFoundError`, a failed
 * `ifMatch`/`ifNoneMatch` with `PreconditionFailedError`, anything else with
 * `ObjectStoreError` (the vendor error as `cause`).
 */
export interface ObjectStore {
  /**
   * The S3 bucket the store reads and writes, when it is one: `s3://<bucket>/…` locations
   * (a delta prefix on a compaction run) are accepted only for this bucket.
   */
  readonly bucket?: string | undefined;
  /**
   * Streams an object's bytes.
   * @param key - the object's key
   * @throws {ObjectNotFoundError} when no object exists under `key`
   * @throws {ObjectStoreError} when the read fails
   */
  get(key: string): Promise<ObjectRead>;
  /**
   * Stores an object, replacing any object under the key unless a condition says otherwise.
   * @param key - the object's key
   * @param body - the bytes to store; a stream is read once
   * @param options - conditions, content type and metadata
   * @returns the new object's ETag
   * @throws {PreconditionFailedError} when `ifMatch` or `ifNoneMatch` does not hold
   * @throws {ObjectStoreError} when the write fails
   */
  put(
    key: string,
    body: ObjectBody,
    options?: PutOptions,
  ): Promise<{
    /** The stored object's entity tag, quoted as S3 returns it. */
    etag: string;
  }>;
  /**
   * The object's info, or `undefined` when it does not exist.
   * @param key - the object's key
   * @throws {ObjectStoreError} when the read fails
   */
  head(key: string): Promise<ObjectInfo | undefined>;
  /**
   * Every object under a prefix (all pages), sorted by key.
   * @param options - the prefix and delimiter
   * @throws {ObjectStoreError} when the listing fails
   */
  list(options?: ListOptions): Promise<ObjectListing>;
  /**
   * Deletes the keys that exist (missing keys are not an error). Every key is attempted even
   * when some fail.
   * @param keys - the keys to delete
   * @throws {DeleteFailedError} when some keys could not be deleted (the others were)
   * @throws {ObjectStoreError} when the request fails as a whole
   */
  delete(keys: readonly string[]): Promise<void>;
}
