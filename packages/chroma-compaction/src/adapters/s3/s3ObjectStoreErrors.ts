import {
  errorMessage,
  ObjectNotFoundError,
  ObjectStoreError,
  PreconditionFailedError,
} from '../../errors.js';

/** Where an S3 call failed: the bucket, the key (if any) and our operation name. */
export interface S3ErrorSite {
  readonly bucket: string;
  readonly key?: string | undefined;
  /** `get`, `put`, `head`, `list` or `delete`. */
  readonly operation: string;
  /** The conditions the request carried, named in the message of a precondition failure. */
  readonly conditions?: string | undefined;
  /**
   * Whether the put carried `ifMatch`. S3 answers such a put with `NoSuchKey` when no object
   * has the key, which fails the condition.
   */
  readonly ifMatch?: boolean | undefined;
}

/** The fields of an AWS SDK v3 service exception this translation reads. */
interface VendorErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly Code?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown } | undefined;
}

const describeSite = (site: S3ErrorSite): string =>
  site.key === undefined
    ? `${site.operation} in bucket "${site.bucket}"`
    : `${site.operation} of key "${site.key}" in bucket "${site.bucket}"`;

/**
 * The S3 error code and HTTP status of a vendor error (an `S3ServiceException` or anything
 * shaped like one).
 * @internal
 */
export const s3ErrorCode = (error: unknown): { code: string; status: number | undefined } => {
  if (typeof error !== 'object' || error === null) return { code: 'Unknown', status: undefined };
  const shape = error as VendorErrorShape;
  const status = shape.$metadata?.httpStatusCode;
  const code =
    typeof shape.Code === 'string'
      ? shape.Code
      : typeof shape.name === 'string'
        ? shape.name
        : 'Unknown';
  return { code, status: typeof status === 'number' ? status : undefined };
};

/** What to do about an error code, appended to the message. */
const hintFor = (code: string): string => {
  switch (code) {
    case 'NoSuchBucket':
      return ' Create the bucket or fix the `bucket` option.';
    case 'AccessDenied':
      return ' Check the credentials and the bucket policy.';
    case 'NoSuchUpload':
      return ' The multipart upload was aborted or expired before it completed (by another client or a lifecycle rule); put the object again.';
    default:
      return '';
  }
};

/**
 * An S3 error as text for a message: its code, its message, and what to do about it.
 * @internal
 */
export const describeS3Error = (error: unknown): string => {
  const { code } = s3ErrorCode(error);
  const detail = errorMessage(error);
  return `${code}: ${detail}.${hintFor(code)}`;
};

/**
 * The message of a put that failed for a reason other than its precondition. S3 writes
 * nothing when it refuses a request (4xx); after a server error or a lost connection the
 * caller cannot tell, so the message says so instead of guessing.
 */
const incompletePutMessage = (where: string, error: unknown): string => {
  const { status } = s3ErrorCode(error);
  const refused = status !== undefined && status >= 400 && status < 500;
  const outcome = refused
    ? 'did not complete (S3 refused it; nothing was written)'
    : 'did not complete (if S3 received the whole request before failing, the object may still have been written; head the key to find out)';
  return `${where} ${outcome}: ${describeS3Error(error)}`;
};

/**
 * Translates an S3 SDK error into this package's object store errors, keeping the original
 * as `cause`:
 *
 * - `PreconditionFailed` (412) and `ConditionalRequestConflict` (409) become
 *   {@link PreconditionFailedError}, and so does `NoSuchKey` on a put that carried `ifMatch`
 *   (S3's answer when no object has the key). Nothing else does: a caller that sees this
 *   error may conclude another writer won.
 * - Any other error of a put, `NoSuchUpload` (the multipart upload was aborted) and a 404
 *   included, is an {@link ObjectStoreError} whose message says the put did not complete.
 * - Otherwise `NoSuchKey` / `NotFound` (404) becomes {@link ObjectNotFoundError}; `NoSuchBucket`
 *   stays an `ObjectStoreError` (a configuration problem, not a missing object), as does
 *   anything else.
 *
 * An error that already is an `ObjectStoreError` is returned as is.
 *
 * @param error - what the SDK threw
 * @param site - the bucket, key and operation, for the message and the error's fields
 * @internal
 */
export const toObjectStoreError = (error: unknown, site: S3ErrorSite): ObjectStoreError => {
  if (error instanceof ObjectStoreError) return error;
  const { code, status } = s3ErrorCode(error);
  const where = describeSite(site);
  const options = {
    cause: error,
    operation: site.operation,
    key: site.key,
    context: { bucket: site.bucket, code, status },
  };
  const conflict =
    code === 'PreconditionFailed' || status === 412 || code === 'ConditionalRequestConflict';
  const missingTarget = site.ifMatch === true && code === 'NoSuchKey';
  if (conflict || missingTarget) {
    const why =
      code === 'ConditionalRequestConflict'
        ? 'a conflicting write to the same key was in progress; read the current ETag and retry'
        : missingTarget
          ? 'the object does not exist'
          : 'the current object does not satisfy it';
    return new PreconditionFailedError(
      `${where} failed its precondition (${site.conditions ?? 'conditional request'}): ${why}.`,
      options,
    );
  }
  if (site.operation === 'put') {
    return new ObjectStoreError(incompletePutMessage(where, error), options);
  }
  if (code === 'NoSuchKey' || (status === 404 && code !== 'NoSuchBucket')) {
    return new ObjectNotFoundError(`${where} failed: the object does not exist.`, options);
  }
  return new ObjectStoreError(`${where} failed: ${describeS3Error(error)}`, options);
};
