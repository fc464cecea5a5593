import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListObjectsV2Command,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  type DeleteFailedError,
  type ObjectNotFoundError,
  ObjectStoreError,
  PreconditionFailedError,
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
import { checkByteLength, checkedBody } from './checkedBody.js';
import { deleteInBatches } from './deleteInBatches.js';
import { s3ErrorCode, toObjectStoreError } from './s3ObjectStoreErrors.js';

const MIB = 1024 * 1024;
/** S3's smallest part (except the last one) of a multipart upload. */
const MIN_PART_SIZE = 5 * MIB;
/** The most parts a multipart upload may have. */
const MAX_PARTS = 10_000;

/** Options of {@link S3ObjectStore}. */
export interface S3ObjectStoreOptions {
  /** The S3 client to send commands with. The store never destroys it. */
  readonly client: S3Client;
  /** The bucket holding the objects. */
  readonly bucket: string;
  /**
   * Bytes per part of a multipart upload, and the largest byte body sent as one
   * `PutObject`. At least 5 MiB (S3's minimum part size). A multipart upload has at most
   * 10,000 parts: when `contentLength` is given the part size grows to fit it; a stream of
   * unknown length can be at most `10_000 * partSize` (about 48 GiB at the default).
   * @default 5 MiB
   */
  readonly partSize?: number | undefined;
  /**
   * Parts uploaded at the same time. One upload holds about `(queueSize + 2) * partSize`
   * bytes (parts in flight, the part being assembled and its copy), plus buffers the
   * garbage collector has not reclaimed yet. The defaults keep a 1 GB upload under 150 MB
   * of RSS (see `bench/compaction/objectStoreStream.mjs`); raise both for throughput when
   * memory allows.
   * @default 2
   */
  readonly queueSize?: number | undefined;
}

/** The conditions of a put, as S3 request fields and as text for messages. */
const conditionsOf = (options: PutOptions): string | undefined => {
  const parts: string[] = [];
  if (options.ifMatch !== undefined) parts.push(`If-Match: ${options.ifMatch}`);
  if (options.ifNoneMatch !== undefined) parts.push(`If-None-Match: ${options.ifNoneMatch}`);
  return parts.length === 0 ? undefined : parts.join(', ');
};

/** The `ObjectInfo` of `key` from the headers of a `GetObject` or `HeadObject` answer. */
const objectInfoOf = (
  key: string,
  out: Pick<
    HeadObjectCommandOutput,
    'ContentLength' | 'ETag' | 'LastModified' | 'ContentType' | 'Metadata'
  >,
): ObjectInfo => ({
  key,
  size: out.ContentLength ?? 0,
  etag: out.ETag ?? '',
  lastModified: out.LastModified,
  contentType: out.ContentType,
  metadata: { ...out.Metadata },
});

/** Removes quotes so ETags compare whether or not the caller quoted them. */
const bareEtag = (etag: string): string => etag.replaceAll('"', '');

/**
 * An {@link ObjectStore} on an S3 bucket (or anything speaking the S3 API: moto, MinIO),
 * through a `@aws-sdk/client-s3` client the caller owns.
 *
 * - `get` streams the body (the SDK's `Readable`, never buffered).
 * - `put` sends a byte or text body up to `partSize` as one `PutObject`; a stream, or a
 *   larger body, goes through a multipart upload (`@aws-sdk/lib-storage`) holding about
 *   `(queueSize + 2) * partSize` bytes at a time. `ifMatch` / `ifNoneMatch` go on the
 *   `PutObject`, or on `CompleteMultipartUpload`, where S3 evaluates them when the object
 *   is committed; before a multipart upload the store also checks them with a `HeadObject`
 *   so a doomed upload fails before sending any part (that check alone is not atomic; the
 *   one on completion is). moto enforces `If-None-Match: *` on `CompleteMultipartUpload`
 *   but ignores `If-Match` there; AWS S3 enforces both.
 * - `put` checks the body against `contentLength` (as the file system store does): a body
 *   with more or fewer bytes fails with `ObjectStoreError` as soon as it is read, before the
 *   request that would commit the object is sent (a multipart upload is aborted), so S3
 *   never stores a cut or a padded object and a short stream does not hang the request.
 * - `list` follows `ListObjectsV2` pages until the listing is complete.
 * - `delete` sends `DeleteObjects` in batches of 1,000 keys, sends every batch whatever
 *   happened to the others, and reports every failed key in one {@link DeleteFailedError}.
 *
 * Errors: {@link PreconditionFailedError} only when a put's condition does not hold (412
 * `PreconditionFailed`, 409 `ConditionalRequestConflict`, or `NoSuchKey` on an `ifMatch`
 * put); any other failure of a put (`NoSuchUpload` when the multipart upload was aborted, a
 * failing or mis-sized body, …) is an {@link ObjectStoreError} saying the put did not
 * complete. {@link ObjectNotFoundError} for `NoSuchKey` / 404 on `get`. Each names the
 * bucket, the key and the operation and keeps the SDK or body stream error as `cause`.
 *
 * @example
 * ```ts
 * import { S3Client } from '@aws-sdk/client-s3';
 * import { S3ObjectStore } from '@receipt-chroma/chroma-compaction/s3';
 *
 * const store = new S3ObjectStore({ client: new S3Client({}), bucket: 'chroma-snapshots' });
 * const { etag } = await store.put('words/snapshot/latest-pointer.txt', '20250101_000000_000000_0123abcd', {
 *   contentType: 'text/plain',
 * });
 * const { info, body } = await store.get('words/snapshot/latest-pointer.txt');
 * console.log(etag === info.etag, info.size);
 * body.destroy();
 * ```
 */
export class S3ObjectStore implements ObjectStore {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #partSize: number;
  readonly #queueSize: number;

  /**
   * Creates a store on one bucket; nothing is sent until a method is called.
   * @param options - the client, the bucket, and the multipart upload's part size and concurrency
   * @throws {ObjectStoreError} (operation `configure`) when `partSize` is below 5 MiB or
   *   `queueSize` is not a positive integer
   */
  constructor(options: S3ObjectStoreOptions) {
    this.#client = options.client;
    this.#bucket = options.bucket;
    this.#partSize = options.partSize ?? 5 * MIB;
    this.#queueSize = options.queueSize ?? 2;
    if (!Number.isInteger(this.#partSize) || this.#partSize < MIN_PART_SIZE) {
      throw new ObjectStoreError(
        `S3ObjectStore: partSize must be an integer of at least ${MIN_PART_SIZE} bytes (5 MiB, S3's minimum part size); got ${this.#partSize}.`,
        { operation: 'configure', context: { bucket: this.#bucket } },
      );
    }
    if (!Number.isInteger(this.#queueSize) || this.#queueSize < 1) {
      throw new ObjectStoreError(
        `S3ObjectStore: queueSize must be a positive integer; got ${this.#queueSize}.`,
        { operation: 'configure', context: { bucket: this.#bucket } },
      );
    }
  }

  /** The bucket this store reads and writes. */
  get bucket(): string {
    return this.#bucket;
  }

  /**
   * Streams an object's bytes, with its info.
   * @param key - The object's key.
   * @returns The object's info and its body (the SDK's stream, never buffered).
   * @throws {ObjectNotFoundError} when the key does not exist
   * @throws {ObjectStoreError} when S3 fails otherwise
   */
  async get(key: string): Promise<ObjectRead> {
    try {
      const out = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
      const body = out.Body;
      if (!(body instanceof Readable)) {
        throw new ObjectStoreError(
          `get of key "${key}" in bucket "${this.#bucket}" returned a body that is not a Node.js Readable; use the S3 client of the Node.js runtime.`,
          { operation: 'get', key, context: { bucket: this.#bucket } },
        );
      }
      return { info: objectInfoOf(key, out), body };
    } catch (error) {
      throw toObjectStoreError(error, { bucket: this.#bucket, key, operation: 'get' });
    }
  }

  /**
   * Stores an object and returns its ETag (quoted, as S3 returns it). A `Readable` body
   * is destroyed when the put fails.
   * @param key - The object's key.
   * @param body - Bytes, text, or a stream of bytes.
   * @param options - Content type, metadata, expected length and conditions.
   * @returns The stored object's ETag.
   * @throws {PreconditionFailedError} when `ifMatch` / `ifNoneMatch` does not hold (and
   *   only then)
   * @throws {ObjectStoreError} when the body's length is not `contentLength`, the body
   *   stream fails, or S3 fails otherwise (including `NoSuchUpload`: the multipart upload was
   *   aborted)
   */
  async put(
    key: string,
    body: ObjectBody,
    options: PutOptions = {},
  ): Promise<{
    /** The stored object's ETag, quoted as S3 returns it. */
    etag: string;
  }> {
    const conditions = conditionsOf(options);
    const site = {
      bucket: this.#bucket,
      key,
      operation: 'put',
      conditions,
      ifMatch: options.ifMatch !== undefined,
    };
    const params: PutObjectCommandInput = {
      Bucket: this.#bucket,
      Key: key,
      ...(options.contentType === undefined ? {} : { ContentType: options.contentType }),
      ...(options.metadata === undefined ? {} : { Metadata: { ...options.metadata } }),
      ...(options.ifMatch === undefined ? {} : { IfMatch: options.ifMatch }),
      ...(options.ifNoneMatch === undefined ? {} : { IfNoneMatch: options.ifNoneMatch }),
    };
    try {
      if (typeof body === 'string' || body instanceof Uint8Array) {
        const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
        checkByteLength(bytes, options.contentLength, site);
        if (bytes.byteLength <= this.#partSize) {
          return await this.#putOnce({ ...params, Body: bytes, ContentLength: bytes.byteLength });
        }
        await this.#checkBeforeUpload(key, options, conditions);
        return await this.#upload(params, bytes, bytes.byteLength);
      }
      const length = options.contentLength;
      // Known and small: lib-storage reads it into one buffer and sends one PutObject.
      const small = length !== undefined && length <= this.#partSize;
      if (!small) await this.#checkBeforeUpload(key, options, conditions);
      // lib-storage ends its iteration of the body when an upload fails, which ends the
      // iteration of the caller's body.
      return await this.#upload(params, checkedBody(body, length, site), length);
    } catch (error) {
      // A stream the caller handed over is not left open (a precondition may fail before
      // it is read).
      if (body instanceof Readable && !body.destroyed) body.destroy();
      throw toObjectStoreError(error, site);
    }
  }

  /**
   * The object's info, or `undefined` when it does not exist. (A missing bucket also reads
   * as `undefined`: `HeadObject` answers 404 without an error code in both cases.)
   * @param key - The object's key.
   * @throws {ObjectStoreError} when S3 fails otherwise
   */
  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const out = await this.#client.send(
        new HeadObjectCommand({ Bucket: this.#bucket, Key: key }),
      );
      return objectInfoOf(key, out);
    } catch (error) {
      const { code, status } = s3ErrorCode(error);
      if (status === 404 && code !== 'NoSuchBucket') return undefined;
      throw toObjectStoreError(error, { bucket: this.#bucket, key, operation: 'head' });
    }
  }

  /**
   * Every object under the prefix, following `ListObjectsV2` pages; with a delimiter, the
   * common prefixes too. Keys come sorted as S3 sorts them (by UTF-8 bytes).
   * @param options - The prefix to list under, and the delimiter that rolls keys up.
   * @returns The objects (key, size, ETag, last-modified time) and the common prefixes.
   * @throws {ObjectStoreError} when S3 fails
   */
  async list(options: ListOptions = {}): Promise<ObjectListing> {
    const objects: ObjectInfo[] = [];
    const prefixes = new Set<string>();
    let token: string | undefined;
    try {
      do {
        const out = await this.#client.send(
          new ListObjectsV2Command({
            Bucket: this.#bucket,
            ...(options.prefix ? { Prefix: options.prefix } : {}),
            ...(options.delimiter ? { Delimiter: options.delimiter } : {}),
            ...(token === undefined ? {} : { ContinuationToken: token }),
          }),
        );
        for (const item of out.Contents ?? []) {
          if (item.Key === undefined) continue;
          objects.push({
            key: item.Key,
            size: item.Size ?? 0,
            etag: item.ETag ?? '',
            lastModified: item.LastModified,
          });
        }
        for (const common of out.CommonPrefixes ?? []) {
          if (common.Prefix !== undefined) prefixes.add(common.Prefix);
        }
        token = out.IsTruncated === true ? out.NextContinuationToken : undefined;
      } while (token !== undefined);
    } catch (error) {
      throw toObjectStoreError(error, {
        bucket: this.#bucket,
        key: options.prefix,
        operation: 'list',
      });
    }
    return { objects, prefixes: [...prefixes] };
  }

  /**
   * Deletes the keys (missing keys are not an error) with `DeleteObjects`, 1,000 keys per
   * request. Every batch is sent, even when an earlier one reported failures or failed as a
   * whole.
   * @param keys - The keys to delete; duplicates are deleted once.
   * @throws {DeleteFailedError} after the last batch when any key failed: `failedKeys`
   *   lists every failed key (all keys of a request that failed), `deleted` counts the
   *   others, and `cause` is an `AggregateError` whose `errors[i]` says why `failedKeys[i]`
   *   failed
   */
  async delete(keys: readonly string[]): Promise<void> {
    await deleteInBatches(this.#client, this.#bucket, [...new Set(keys)]);
  }

  async #putOnce(params: PutObjectCommandInput): Promise<{ etag: string }> {
    const out = await this.#client.send(new PutObjectCommand(params));
    return { etag: out.ETag ?? '' };
  }

  /**
   * Fails fast when a conditional put cannot succeed, before a multipart upload sends any
   * part. Not atomic: S3 checks the same conditions again on `CompleteMultipartUpload`.
   */
  async #checkBeforeUpload(
    key: string,
    options: PutOptions,
    conditions: string | undefined,
  ): Promise<void> {
    if (conditions === undefined) return;
    const current = await this.head(key);
    const fail = (why: string): never => {
      throw new PreconditionFailedError(
        `put of key "${key}" in bucket "${this.#bucket}" failed its precondition (${conditions}): ${why}.`,
        { operation: 'put', key, context: { bucket: this.#bucket } },
      );
    };
    if (options.ifNoneMatch === '*' && current !== undefined) fail('an object already exists');
    if (options.ifMatch !== undefined) {
      if (current === undefined) fail('the object does not exist');
      else if (bareEtag(current.etag) !== bareEtag(options.ifMatch)) {
        fail(`the current ETag is ${current.etag}`);
      }
    }
  }

  /**
   * Uploads through `@aws-sdk/lib-storage`: one `PutObject` when the body fits in one part,
   * otherwise a multipart upload whose `CompleteMultipartUpload` carries the conditions
   * (`Upload` copies the request fields onto it). A failed multipart upload is aborted.
   */
  async #upload(
    params: PutObjectCommandInput,
    body: Readable | Uint8Array,
    contentLength: number | undefined,
  ): Promise<{ etag: string }> {
    const upload = new Upload({
      client: this.#client,
      params: {
        ...params,
        Body: body,
        ...(contentLength === undefined ? {} : { ContentLength: contentLength }),
      },
      partSize:
        contentLength === undefined
          ? this.#partSize
          : Math.max(this.#partSize, Math.ceil(contentLength / MAX_PARTS)),
      queueSize: this.#queueSize,
      leavePartsOnError: false,
    });
    const out = await upload.done();
    return { etag: 'ETag' in out && typeof out.ETag === 'string' ? out.ETag : '' };
  }
}
