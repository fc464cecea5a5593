import type { ObjectStore } from '../ports/objectStore.js';
import { DeltaLocationError } from './errors.js';

const S3_URI = /^s3:\/\/([^/]*)\/?(.*)$/s;

/**
 * The key prefix of a delta in `store`, ending in exactly one `/` so that `run-1` never
 * matches `run-10/` (the Python compactor used the prefix raw). An `s3://<bucket>/<key>`
 * location is accepted for the store's own bucket only; leading slashes are dropped as
 * Python does.
 * @throws {@link DeltaLocationError} for another bucket, a store that is not a bucket, or a
 *   prefix without a key
 * @internal
 */
export const resolveDeltaPrefix = (store: ObjectStore, prefix: string): string => {
  let key = prefix;
  const uri = S3_URI.exec(prefix);
  if (uri !== null) {
    const bucket = uri[1] as string;
    if (store.bucket === undefined) {
      throw new DeltaLocationError(
        `Delta location ${prefix} names an S3 bucket, but this store is not an S3 bucket; pass the key prefix alone`,
        { prefix, context: { bucket } },
      );
    }
    if (bucket !== store.bucket) {
      throw new DeltaLocationError(
        `Delta location ${prefix} is in bucket "${bucket}", but this store reads bucket "${store.bucket}"; use a store on that bucket`,
        { prefix, context: { bucket, storeBucket: store.bucket } },
      );
    }
    key = uri[2] as string;
  }
  const trimmed = key.replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed === '') {
    throw new DeltaLocationError(`Delta location ${JSON.stringify(prefix)} has no key prefix`, {
      prefix,
    });
  }
  return `${trimmed}/`;
};
