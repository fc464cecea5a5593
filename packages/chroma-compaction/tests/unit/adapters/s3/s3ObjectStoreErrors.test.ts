import { S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { toObjectStoreError } from '../../../../src/adapters/s3/s3ObjectStoreErrors.js';
import {
  ObjectNotFoundError,
  ObjectStoreError,
  PreconditionFailedError,
} from '../../../../src/errors.js';

const vendorError = (name: string, status: number): S3ServiceException =>
  new S3ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: `${name} from S3`,
  });

const site = { bucket: 'snapshots', key: 'words/latest-pointer.txt', operation: 'get' };

describe('Function: toObjectStoreError', () => {
  it.each([
    ['NoSuchKey', 404, ObjectNotFoundError],
    ['NotFound', 404, ObjectNotFoundError],
    ['PreconditionFailed', 412, PreconditionFailedError],
    ['ConditionalRequestConflict', 409, PreconditionFailedError],
    ['NoSuchBucket', 404, ObjectStoreError],
    ['AccessDenied', 403, ObjectStoreError],
    ['BucketAlreadyOwnedByYou', 409, ObjectStoreError],
    ['InternalError', 500, ObjectStoreError],
  ])('translates %s (%i) into %o', (name, status, expected) => {
    // Prepare
    const cause = vendorError(name, status);

    // Act
    const error = toObjectStoreError(cause, site);

    // Assess
    expect(error.constructor).toBe(expected);
    expect(error.cause).toBe(cause);
    expect(error).toMatchObject({
      operation: 'get',
      key: 'words/latest-pointer.txt',
      context: { bucket: 'snapshots', code: name, status },
    });
    expect(error.message).toContain('of key "words/latest-pointer.txt" in bucket "snapshots"');
  });

  it('treats NoSuchKey on an ifMatch put as a failed precondition', () => {
    // Act
    const error = toObjectStoreError(vendorError('NoSuchKey', 404), {
      ...site,
      operation: 'put',
      conditions: 'If-Match: "abc"',
      ifMatch: true,
    });

    // Assess
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(error.message).toBe(
      'put of key "words/latest-pointer.txt" in bucket "snapshots" failed its precondition (If-Match: "abc"): the object does not exist.',
    );
  });

  it('tells the caller to retry after a conflicting write', () => {
    // Act
    const error = toObjectStoreError(vendorError('ConditionalRequestConflict', 409), {
      ...site,
      operation: 'put',
      conditions: 'If-None-Match: *',
    });

    // Assess
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(error.message).toContain('read the current ETag and retry');
  });

  describe('on a put', () => {
    const putSite = {
      ...site,
      operation: 'put',
      conditions: 'If-None-Match: *',
    } as const;

    it.each([
      ['NoSuchUpload', 404, putSite],
      ['NoSuchUpload', 404, { ...putSite, conditions: 'If-Match: "abc"', ifMatch: true }],
      ['NoSuchKey', 404, putSite],
      ['NotFound', 404, { ...putSite, conditions: 'If-Match: "abc"', ifMatch: true }],
      ['NoSuchKey', 404, { ...site, operation: 'put' }],
      ['EntityTooSmall', 400, putSite],
    ])(
      'reports %s (%i) as a put that wrote nothing, not as a lost race or a missing object (%o)',
      (name, status, where) => {
        // Prepare
        const cause = vendorError(name, status);

        // Act
        const error = toObjectStoreError(cause, where);

        // Assess
        expect(error.constructor).toBe(ObjectStoreError);
        expect(error.cause).toBe(cause);
        expect(error).toMatchObject({
          operation: 'put',
          key: 'words/latest-pointer.txt',
          context: { bucket: 'snapshots', code: name, status },
        });
        expect(error.message).toContain(
          `put of key "words/latest-pointer.txt" in bucket "snapshots" did not complete (S3 refused it; nothing was written): ${name}: ${name} from S3.`,
        );
      },
    );

    it('tells the caller to put again after NoSuchUpload', () => {
      // Act
      const error = toObjectStoreError(vendorError('NoSuchUpload', 404), putSite);

      // Assess
      expect(error.message).toBe(
        'put of key "words/latest-pointer.txt" in bucket "snapshots" did not complete (S3 refused it; nothing was written): NoSuchUpload: NoSuchUpload from S3. The multipart upload was aborted or expired before it completed (by another client or a lifecycle rule); put the object again.',
      );
    });

    it.each([
      ['InternalError', 500],
      ['TimeoutError', undefined],
    ])('does not claim %s wrote nothing: S3 may have committed the object', (name, status) => {
      // Prepare
      const cause =
        status === undefined
          ? Object.assign(new Error('socket hang up'), { name })
          : vendorError(name, status);

      // Act
      const error = toObjectStoreError(cause, putSite);

      // Assess
      expect(error.constructor).toBe(ObjectStoreError);
      expect(error.message).toContain('did not complete (if S3 received the whole request');
      expect(error.message).not.toContain('nothing was written');
    });
  });

  it('names the vendor code, the message and a hint for errors it does not map', () => {
    // Act
    const error = toObjectStoreError(vendorError('NoSuchBucket', 404), {
      bucket: 'snapshots',
      operation: 'list',
    });

    // Assess
    expect(error.message).toBe(
      'list in bucket "snapshots" failed: NoSuchBucket: NoSuchBucket from S3. Create the bucket or fix the `bucket` option.',
    );
    expect(error.key).toBeUndefined();
  });

  it('wraps a non-SDK error and returns an ObjectStoreError unchanged', () => {
    // Prepare
    const ours = new ObjectStoreError('already translated', { operation: 'get' });

    // Act
    const network = toObjectStoreError(new TypeError('fetch failed'), site);
    const same = toObjectStoreError(ours, site);

    // Assess
    expect(network.constructor).toBe(ObjectStoreError);
    expect(network.message).toBe(
      'get of key "words/latest-pointer.txt" in bucket "snapshots" failed: TypeError: fetch failed.',
    );
    expect(same).toBe(ours);
  });
});
