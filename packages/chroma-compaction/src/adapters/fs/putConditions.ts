import { stat } from 'node:fs/promises';
import { PreconditionFailedError } from '../../errors.js';
import type { PutOptions } from '../../ports/objectStore.js';
import { isMissing } from './objectFiles.js';
import type { ObjectPaths } from './objectKeyPath.js';
import { readSidecar, sidecarMatches } from './objectSidecar.js';
import { settleObject } from './openObject.js';

/** A put's conditions and where they apply, for checking and for error messages. @internal */
export interface PutConditions {
  readonly key: string;
  readonly root: string;
  readonly ifMatch: string | undefined;
  readonly ifNoneMatch: '*' | undefined;
  /** The conditions as S3 headers, e.g. `If-Match: "…"`. */
  readonly text: string;
}

/** A put's conditions, or `undefined` when it has none. @internal */
export const conditionsOf = (
  key: string,
  root: string,
  options: PutOptions,
): PutConditions | undefined => {
  const { ifMatch, ifNoneMatch } = options;
  const parts: string[] = [];
  if (ifMatch !== undefined) parts.push(`If-Match: ${ifMatch}`);
  if (ifNoneMatch !== undefined) parts.push(`If-None-Match: ${ifNoneMatch}`);
  if (parts.length === 0) return undefined;
  return { key, root, ifMatch, ifNoneMatch, text: parts.join(', ') };
};

/** The error of a condition that does not hold. @internal */
export const preconditionFailed = (
  conditions: Pick<PutConditions, 'key' | 'root' | 'text'>,
  why: string,
  cause?: unknown,
): PreconditionFailedError =>
  new PreconditionFailedError(
    `put of key "${conditions.key}" failed its precondition (${conditions.text}): ${why}.`,
    { operation: 'put', key: conditions.key, cause, context: { root: conditions.root } },
  );

/** ETags compare without their quotes (`"abc"` and `abc` are the same tag). */
const bare = (etag: string): string => etag.replaceAll('"', '');

/** Throws when the conditions do not hold for an object with this ETag (`undefined`: no object). */
const verify = (conditions: PutConditions, etag: string | undefined): void => {
  if (conditions.ifNoneMatch === '*' && etag !== undefined) {
    throw preconditionFailed(conditions, 'an object already exists');
  }
  if (conditions.ifMatch === undefined) return;
  if (etag === undefined) throw preconditionFailed(conditions, 'the object does not exist');
  if (bare(etag) !== bare(conditions.ifMatch)) {
    throw preconditionFailed(conditions, `the current ETag is ${etag}`);
  }
};

/**
 * Checks the conditions before any byte is written, without the lock and without hashing:
 * fails fast when they provably do not hold, and leaves everything else to
 * {@link checkConditions} at commit.
 * @internal
 */
export const precheckConditions = async (
  paths: ObjectPaths,
  conditions: PutConditions,
): Promise<void> => {
  const stats = await stat(paths.file, { bigint: true }).catch((error: unknown) => {
    if (isMissing(error)) return undefined;
    throw error;
  });
  if (stats === undefined || !stats.isFile()) {
    verify(conditions, undefined);
    return;
  }
  if (conditions.ifNoneMatch === '*')
    throw preconditionFailed(conditions, 'an object already exists');
  const sidecar = await readSidecar(paths.meta);
  if (sidecar !== undefined && sidecarMatches(sidecar, stats)) verify(conditions, sidecar.etag);
};

/**
 * Checks the conditions against the object as it is; the caller holds the object's lock, so
 * it cannot change before the commit. The ETag compared is the one of the bytes in the file:
 * the sidecar's when it belongs to the content, else the content's MD5.
 * @throws PreconditionFailedError when they do not hold
 * @internal
 */
export const checkConditions = async (
  paths: ObjectPaths,
  conditions: PutConditions,
): Promise<void> => {
  const current = await settleObject(paths, conditions.key, false);
  await current?.handle.close();
  verify(conditions, current?.info.etag);
};
