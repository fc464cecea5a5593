import { ObjectNotFoundError, ObjectStoreError, PreconditionFailedError } from '../../errors.js';

/** Where an S3 call failed: the bucket, the key (if any) and our operation name. */
export interface S3ErrorSite {
  readonly bucket: string;
  readonly key?: string | undefined;
  /** `get`, `put`, `head`, `list` or `delete`. */
  readonly operation: string;
  /** The conditions the request carried, named in the message of a precondition failure. */
  readonly conditions?: string | undefined;
  /** Whether the request was conditional (then a missing object fails the condition). */
  readonly conditional?: boolean | undefined;
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

/**
 * Translates an S3 SDK error into this package's object store errors, keeping the original
 * as `cause`: `NoSuchKey` / `NotFound` (404) becomes {@link ObjectNotFoundError},
 * `PreconditionFailed` (412) and `ConditionalRequestConflict` (409) become
 * {@link PreconditionFailedError}, anything else {@link ObjectStoreError}. A missing object
 * on a conditional request (`ifMatch` on a key that does not exist) is a failed
 * precondition. `NoSuchBucket` stays an `ObjectStoreError`: it is a configuration problem,
 * not a missing object. An error that already is an `ObjectStoreError` is returned as is.
 *
 * @param error - what the SDK threw
 * @param site - the bucket, key and operation, for the message and the error's fields
 * @internal
 */
export const toObjectStoreError = (error: unknown, site: S3ErrorSite): ObjectStoreError => {
  if (error instanceof ObjectStoreError) return error;
  const { code, status } = s3ErrorCode(error);
  const where = describeSite(site);
  const detail = error instanceof Error ? error.message : String(error);
  const options = {
    cause: error,
    operation: site.operation,
    key: site.key,
    context: { bucket: site.bucket, code, status },
  };
  const missing = code === 'NoSuchKey' || (status === 404 && code !== 'NoSuchBucket');
  const conflict =
    code === 'PreconditionFailed' || status === 412 || code === 'ConditionalRequestConflict';
  if (conflict || (missing && site.conditional === true)) {
    const why =
      code === 'ConditionalRequestConflict'
        ? 'a conflicting write to the same key was in progress; read the current ETag and retry'
        : missing
          ? 'the object does not exist'
          : 'the current object does not satisfy it';
    return new PreconditionFailedError(
      `${where} failed its precondition (${site.conditions ?? 'conditional request'}): ${why}.`,
      options,
    );
  }
  if (missing) {
    return new ObjectNotFoundError(`${where} failed: the object does not exist.`, options);
  }
  const hint =
    code === 'NoSuchBucket'
      ? ' Create the bucket or fix the `bucket` option.'
      : code === 'AccessDenied'
        ? ' Check the credentials and the bucket policy.'
        : '';
  return new ObjectStoreError(`${where} failed: ${code}: ${detail}.${hint}`, options);
};
