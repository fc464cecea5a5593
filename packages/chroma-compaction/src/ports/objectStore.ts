import type { Readable } from 'node:stream';

/** What a store knows about one object. */
export interface ObjectInfo {
  readonly key: string;
  /** Size in bytes. */
  readonly size: number;
  /** The entity tag, quoted as S3 returns it (e.g. `"9b2cf535f27731c974343645a3985328"`). */
  readonly etag: string;
  readonly lastModified?: Date | undefined;
  readonly contentType?: string | undefined;
  /** User metadata (S3 `x-amz-meta-*`), keys lower-cased. Present on `get`/`head`. */
  readonly metadata?: Readonly<Record<string, string>> | undefined;
}

/** A body to store: bytes, text, or a stream (read once, never buffered whole). */
export type ObjectBody = Uint8Array | string | Readable | AsyncIterable<Uint8Array>;

/** Options of {@link ObjectStore.put}. */
export interface PutOptions {
  /** Write only if the current object's ETag equals this (optimistic update). */
  readonly ifMatch?: string | undefined;
  /** `'*'`: write only if no object exists under the key (create once). */
  readonly ifNoneMatch?: '*' | undefined;
  readonly contentType?: string | undefined;
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  /** The body's size when known; lets a stream go up in one request. */
  readonly contentLength?: number | undefined;
}

/** An object read: its info and a stream of its bytes, to be consumed once. */
export interface ObjectRead {
  readonly info: ObjectInfo;
  readonly body: Readable;
}

/** A listing: the objects under the prefix, and with a delimiter the common prefixes. */
export interface ObjectListing {
  readonly objects: ObjectInfo[];
  /** With a delimiter: each distinct prefix up to and including the delimiter, sorted. */
  readonly prefixes: string[];
}

/** Options of {@link ObjectStore.list}. */
export interface ListOptions {
  readonly prefix?: string | undefined;
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
  /** Streams an object's bytes. */
  get(key: string): Promise<ObjectRead>;
  /** Stores an object; returns its new ETag. */
  put(key: string, body: ObjectBody, options?: PutOptions): Promise<{ etag: string }>;
  /** The object's info, or `undefined` when it does not exist. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Every object under a prefix (all pages), sorted by key. */
  list(options?: ListOptions): Promise<ObjectListing>;
  /** Deletes the keys that exist (missing keys are not an error). */
  delete(keys: readonly string[]): Promise<void>;
}
