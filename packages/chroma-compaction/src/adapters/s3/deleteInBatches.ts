/**
 * `DeleteObjects` over any number of keys, 1,000 per request. Every batch is sent whatever
 * happened to the ones before it (a refused key, or a request that threw), and the outcome
 * of every key is reported: one {@link DeleteFailedError} at the end lists each failed key.
 */
import {
  DeleteObjectsCommand,
  type DeleteObjectsCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { DeleteFailedError, ObjectStoreError } from '../../errors.js';
import { describeS3Error, s3ErrorCode } from './s3ObjectStoreErrors.js';

/** `DeleteObjects` takes at most this many keys per request. */
const DELETE_BATCH = 1000;
/** Failed keys named in the message; `failedKeys` has all of them. */
const SHOWN_KEYS = 5;

/** One key that could not be deleted: why (for the summary), and its error. */
interface KeyFailure {
  readonly key: string;
  readonly reason: string;
  readonly error: ObjectStoreError;
}

const keyFailure = (
  bucket: string,
  key: string,
  reason: string,
  options: { cause?: unknown; code: string; status?: number | undefined },
): KeyFailure => ({
  key,
  reason,
  error: new ObjectStoreError(`delete of key "${key}" in bucket "${bucket}" failed: ${reason}`, {
    operation: 'delete',
    key,
    cause: options.cause,
    context: { bucket, code: options.code, status: options.status },
  }),
});

/** Deletes one batch; returns its failed keys (none when S3 deleted them all). */
const deleteBatch = async (
  client: S3Client,
  bucket: string,
  batch: readonly string[],
  label: string,
): Promise<KeyFailure[]> => {
  let out: DeleteObjectsCommandOutput;
  try {
    out = await client.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: batch.map((key) => ({ Key: key })), Quiet: true },
      }),
    );
  } catch (error) {
    // The request failed as a whole: none of its keys is known to be deleted. (S3 may have
    // deleted some before the connection broke; deleting them again is harmless.)
    const { code, status } = s3ErrorCode(error);
    const reason = `the DeleteObjects request of ${label} failed: ${describeS3Error(error)}`;
    return batch.map((key) => keyFailure(bucket, key, reason, { cause: error, code, status }));
  }
  return (out.Errors ?? []).map((entry) => {
    const key = entry.Key ?? '(unknown key)';
    const code = entry.Code ?? 'Unknown';
    return keyFailure(bucket, key, `${code}: ${entry.Message ?? 'no message'}.`, { code });
  });
};

/**
 * Deletes `keys` (distinct) from `bucket` in batches of 1,000.
 * @param client - the S3 client
 * @param bucket - the bucket
 * @param keys - the keys to delete, without repeats
 * @throws DeleteFailedError after the last batch when any key failed: `failedKeys` lists
 * them all, `deleted` counts the others, and `cause.errors[i]` says why `failedKeys[i]` failed
 * @internal
 */
export const deleteInBatches = async (
  client: S3Client,
  bucket: string,
  keys: readonly string[],
): Promise<void> => {
  const failures: KeyFailure[] = [];
  const batches = Math.ceil(keys.length / DELETE_BATCH);
  for (let index = 0; index < batches; index += 1) {
    const start = index * DELETE_BATCH;
    const batch = keys.slice(start, start + DELETE_BATCH);
    const label = `batch ${index + 1} of ${batches} (keys ${start + 1} to ${start + batch.length} of ${keys.length})`;
    failures.push(...(await deleteBatch(client, bucket, batch, label)));
  }
  const [first] = failures;
  if (first === undefined) return;
  const failedKeys = failures.map((failure) => failure.key);
  const deleted = keys.length - failures.length;
  const shown = failedKeys
    .slice(0, SHOWN_KEYS)
    .map((key) => `"${key}"`)
    .join(', ');
  const more = failedKeys.length > SHOWN_KEYS ? ` and ${failedKeys.length - SHOWN_KEYS} more` : '';
  throw new DeleteFailedError(
    `delete in bucket "${bucket}" failed for ${failedKeys.length} of ${keys.length} keys (${shown}${more}); the other ${deleted} were deleted. First failure, of "${first.key}": ${first.reason} See failedKeys, and cause.errors for why each key failed.`,
    {
      failedKeys,
      deleted,
      cause: new AggregateError(
        failures.map((failure) => failure.error),
        `${failures.length} keys failed to delete`,
      ),
      context: { bucket, requested: keys.length },
    },
  );
};
