import { createWriteStream } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mapWithConcurrency } from '../adapters/fs/objectFiles.js';
import { archiveEntryPath } from '../archives/archiveEntryPath.js';
import { ArchiveError } from '../archives/errors.js';
import { ObjectNotFoundError } from '../errors.js';
import type { ObjectInfo, ObjectStore } from '../ports/objectStore.js';
import { removeExtracted } from './extractedFiles.js';
import { SNAPSHOT_HASH, SNAPSHOT_MANIFEST, type SnapshotKeys } from './snapshotKeys.js';
import type { DownloadedSnapshot, Fail } from './types.js';

/** Files downloaded at once. */
const CONCURRENCY = 4;

/** What {@link downloadFileLayout} needs. @internal */
export interface FileLayoutDownload {
  readonly store: ObjectStore;
  readonly keys: SnapshotKeys;
  readonly version: string;
  /** The absolute destination. */
  readonly dest: string;
  /** Whether `dest` existed before the download (then only its contents are removed). */
  readonly existed: boolean;
  readonly fail: Fail;
}

// The older layout: spec §12.2; its hash: spec §18.11; partial downloads: spec §18.9.
/**
 * Downloads a version stored in the older layout: the persist directory as one object per
 * file under the version's prefix, `.snapshot_hash` left out (it hashes sizes and mtimes,
 * not content). Each file's size must match its listing, every listed file must still be
 * there (a partial download is a failure), and keys that would land outside `dest` are
 * refused.
 * @internal
 */
export const downloadFileLayout = async (
  download: FileLayoutDownload,
): Promise<DownloadedSnapshot> => {
  const { store, keys, version, dest, existed, fail } = download;
  const prefix = keys.version(version);
  const { objects } = await store.list({ prefix });
  if (objects.length === 0) {
    fail('missing-version', `no object exists under ${prefix}`);
  }
  const files = objects.filter((object) => {
    const name = object.key.slice(prefix.length);
    return name !== SNAPSHOT_HASH && name !== SNAPSHOT_MANIFEST;
  });
  if (files.length === 0) fail('missing-object', `${prefix} holds no snapshot files`);
  await mkdir(dest, { recursive: true });
  if ((await readdir(dest)).length > 0) {
    throw new ArchiveError(
      `Destination ${dest} is not empty; download into a new or empty directory`,
      {
        reason: 'destination-not-empty',
      },
    );
  }
  // Every started download settles before the cleanup, so none writes after it.
  let failure: { readonly error: unknown } | undefined;
  await mapWithConcurrency(files, CONCURRENCY, async (object) => {
    if (failure !== undefined) return;
    await downloadFile(download, prefix, object).catch((error: unknown) => {
      failure ??= { error };
    });
  });
  if (failure !== undefined) {
    await removeExtracted(dest, existed);
    throw failure.error;
  }
  return { version, manifest: null, layout: 'files' };
};

const downloadFile = async (
  { store, dest, fail }: FileLayoutDownload,
  prefix: string,
  object: ObjectInfo,
): Promise<void> => {
  const name = object.key.slice(prefix.length);
  let relative: string;
  try {
    relative = archiveEntryPath(name);
  } catch (error) {
    return fail('archive', `object ${object.key} does not name a file inside the snapshot`, error);
  }
  const target = join(dest, relative);
  if (!target.startsWith(dest + sep))
    fail('archive', `object ${object.key} resolves outside the destination`);
  const read = await store.get(object.key).catch((error: unknown) => {
    if (error instanceof ObjectNotFoundError)
      fail('missing-object', `${name} vanished during the download`, error);
    throw error;
  });
  let size = 0;
  const counting = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      done(null, chunk);
    },
  });
  await mkdir(dirname(target), { recursive: true });
  await pipeline(read.body, counting, createWriteStream(target, { flags: 'wx' }));
  if (size !== object.size)
    fail('size', `${name} has ${size} bytes; the listing says ${object.size}`);
};
