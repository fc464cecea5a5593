/**
 * The body of a streamed S3 put, counted on its way to `@aws-sdk/lib-storage`. A body that
 * disagrees with its declared `contentLength` fails the read, before the request that would
 * commit the object is sent: `Upload` reads a body that fits in one part to its end before
 * sending the `PutObject`, and sends `CompleteMultipartUpload` only after the last part was
 * read, so an error raised while reading means nothing was written (the multipart upload is
 * aborted). Without the check, a body sent as one `PutObject` is cut at `contentLength` when
 * longer and leaves S3 waiting for bytes that never come when shorter; a multipart upload
 * stores whatever it read as long as the number of parts matches.
 */
import { Readable } from 'node:stream';
import { errorMessage, ObjectStoreError } from '../../errors.js';

/**
 * The put a body belongs to, named in the errors.
 * @internal
 */
export interface CheckedBodySite {
  readonly bucket: string;
  readonly key: string;
}

/**
 * The error of a put that failed before anything was committed.
 * @internal
 */
export const unwrittenPutError = (
  site: CheckedBodySite,
  why: string,
  options: { cause?: unknown; context?: Readonly<Record<string, number | undefined>> } = {},
): ObjectStoreError =>
  new ObjectStoreError(
    `put of key "${site.key}" in bucket "${site.bucket}" did not complete (nothing was written): ${why}.`,
    {
      operation: 'put',
      key: site.key,
      cause: options.cause,
      context: { ...options.context, bucket: site.bucket },
    },
  );

/**
 * Fails a put whose byte body's length is not its declared `contentLength`, before anything
 * is sent.
 * @param bytes - the body
 * @param contentLength - the declared length, if any
 * @param site - the bucket and key, for the message
 * @throws ObjectStoreError when both are known and differ
 * @internal
 */
export const checkByteLength = (
  bytes: Uint8Array,
  contentLength: number | undefined,
  site: CheckedBodySite,
): void => {
  if (contentLength === undefined || contentLength === bytes.byteLength) return;
  throw unwrittenPutError(
    site,
    `contentLength is ${contentLength} but the body has ${bytes.byteLength} bytes`,
    { context: { contentLength, received: bytes.byteLength } },
  );
};

const toBytes = (chunk: unknown): Uint8Array =>
  typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Uint8Array);

async function* countChunks(
  source: AsyncIterable<unknown>,
  contentLength: number | undefined,
  site: CheckedBodySite,
): AsyncGenerator<Uint8Array> {
  let received = 0;
  let overrun: ObjectStoreError | undefined;
  try {
    for await (const chunk of source) {
      const bytes = toBytes(chunk);
      received += bytes.byteLength;
      if (contentLength !== undefined && received > contentLength) {
        // Fails on the chunk that crosses the declared length: none of it is passed on.
        overrun = unwrittenPutError(
          site,
          `contentLength is ${contentLength} but the body has more bytes (at least ${received})`,
          { context: { contentLength, received } },
        );
        throw overrun;
      }
      yield bytes;
    }
  } catch (error) {
    if (error === overrun) throw error;
    const detail = errorMessage(error);
    throw unwrittenPutError(site, `the body stream failed after ${received} bytes: ${detail}`, {
      cause: error,
      context: { contentLength, received },
    });
  }
  if (contentLength !== undefined && received < contentLength) {
    throw unwrittenPutError(
      site,
      `contentLength is ${contentLength} but the body ended after ${received} bytes`,
      { context: { contentLength, received } },
    );
  }
}

/**
 * A byte stream of `body` that errors when the body yields more bytes than `contentLength`
 * (on the chunk that crosses it), ends before `contentLength` bytes, or fails itself; each
 * as an {@link ObjectStoreError} saying nothing was written. Destroying the returned stream
 * ends the iteration of `body` (a `Readable` body is destroyed).
 *
 * @param body - the caller's stream
 * @param contentLength - the declared length, or `undefined` to count without checking
 * @param site - the bucket and key, for the messages
 * @internal
 */
export const checkedBody = (
  body: AsyncIterable<unknown>,
  contentLength: number | undefined,
  site: CheckedBodySite,
): Readable =>
  // Byte mode with a small high-water mark: at most one chunk is read ahead.
  Readable.from(countChunks(body, contentLength, site), {
    objectMode: false,
    highWaterMark: 64 * 1024,
  });
