import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ArchiveError } from '../archives/errors.js';
import { unpackSnapshot } from '../archives/unpackSnapshot.js';
import { ObjectNotFoundError } from '../errors.js';
import type { ObjectStore } from '../ports/objectStore.js';
import { NOOP_LOGGER, NOOP_METRICS } from '../ports/observability.js';
import type { SnapshotCache } from './cache/SnapshotCache.js';
import { NoSnapshotError, SnapshotIntegrityError } from './errors.js';
import { checkExtractedFiles, pathExists, removeExtracted } from './extractedFiles.js';
import { fetchTarball } from './fetchTarball.js';
import { downloadFileLayout } from './fileLayout.js';
import type { SnapshotManifest } from './manifest.js';
import {
  SAFE_VERSION_NAME,
  SNAPSHOT_HASH,
  SNAPSHOT_TARBALL,
  type SnapshotKeys,
  snapshotKeys,
} from './snapshotKeys.js';
import { readOptionalText, readPointer, readVersionManifest } from './snapshotObjects.js';
import type { DownloadedSnapshot, DownloadSnapshotOptions, Fail } from './types.js';

// The download protocol is described in DESIGN §4; it replaces the Python one (spec §12.4)
// without its bugs (spec §18.8–§18.9).
/**
 * Downloads a version of a collection's snapshot into `dest` and verifies it before use.
 *
 * - the version is `version`, or the one `latest-pointer.txt` names; only an absent pointer
 *   means "no snapshot yet" ({@link NoSnapshotError}, the one case for
 *   `initializeEmptySnapshot`): a pointer naming a missing version is an integrity error,
 *   and nothing is ever re-initialised or re-pointed here;
 * - `snapshot.tar.gz` is streamed to a temporary file and checked against `manifest.json`
 *   (size, SHA-256) or, for a version the Python package wrote, against `.snapshot_hash`
 *   (`md5:<hex>`); only then is it extracted, safely ({@link unpackSnapshot}: no path
 *   escapes, links or special files; size limits); with a manifest, the files extracted
 *   must be the ones it lists, with their sizes;
 * - a version in the older layout (the persist directory as one object per file under the
 *   version's prefix) is downloaded file by file, `.snapshot_hash` and `manifest.json`
 *   excluded, each file's size checked against the listing.
 *
 * `dest` must be missing or empty. On any failure nothing is left in it. To share
 * downloads between processes on one file system, use {@link SnapshotCache} instead.
 *
 * @param options - The store, collection, destination, version, limits and staging
 *   directory.
 * @returns The version extracted, its manifest (`null` for a version written without one),
 *   and its layout.
 * @throws {@link NoSnapshotError} when the collection has no pointer (and no `version` was
 *   given)
 * @throws {@link SnapshotIntegrityError} when a check fails (`check` names it)
 * @throws {@link ArchiveError} (`destination-not-empty`) when `dest` is not empty
 * @throws {@link ObjectStoreError} when the store fails
 * @throws {RangeError} when a limit is not a positive integer
 * @example
 * ```ts
 * import { downloadSnapshot, type ObjectStore } from '@receipt-chroma/chroma-compaction';
 *
 * declare const store: ObjectStore;
 *
 * const { version, layout } = await downloadSnapshot({
 *   store,
 *   collection: 'words',
 *   dest: '/tmp/chroma/words',
 * });
 * console.log(`words ${version} (${layout}) is in /tmp/chroma/words`);
 * ```
 */
export async function downloadSnapshot(
  options: DownloadSnapshotOptions,
): Promise<DownloadedSnapshot> {
  const { store, collection } = options;
  const keys = snapshotKeys(collection);
  const metrics = options.metrics ?? NOOP_METRICS;
  const started = performance.now();
  const version = options.version ?? (await currentVersion(store, keys, collection));
  const fail: Fail = (check, message, cause) => {
    metrics.count('SnapshotIntegrityFailure', 1, { collection, check });
    throw new SnapshotIntegrityError(`Snapshot ${collection}/${version}: ${message}`, {
      collection,
      version,
      check,
      cause,
    });
  };
  if (!SAFE_VERSION_NAME.test(version))
    fail('missing-version', `"${version}" is not a version name`);
  const dest = resolve(options.dest);
  const existed = await pathExists(dest);
  const tarball = await store.head(keys.object(version, SNAPSHOT_TARBALL));
  const result: DownloadedSnapshot =
    tarball === undefined
      ? await downloadFileLayout({ store, keys, version, dest, existed, fail })
      : await downloadTarball(options, keys, version, { path: dest, existed }, fail);
  metrics.timer('SnapshotDownloadTime', performance.now() - started, { collection });
  (options.logger ?? NOOP_LOGGER).info('snapshot downloaded', {
    collection,
    version,
    layout: result.layout,
  });
  return result;
}

/** The version the pointer names. */
const currentVersion = async (
  store: ObjectStore,
  keys: SnapshotKeys,
  collection: string,
): Promise<string> => {
  const pointer = await readPointer(store, keys);
  if (pointer === undefined) {
    throw new NoSnapshotError(
      `Collection "${collection}" has no snapshot yet: ${keys.pointer} does not exist.`,
      { collection },
    );
  }
  return pointer.version;
};

/** The manifest of a version, `null` when it has none; a bad one fails the download. */
const readManifest = async (
  store: ObjectStore,
  keys: SnapshotKeys,
  version: string,
  collection: string,
  fail: Fail,
): Promise<SnapshotManifest | null> => {
  const read = await readVersionManifest(store, keys, collection, version);
  return 'problem' in read ? fail('manifest', read.problem) : read.manifest;
};

/** The MD5 `.snapshot_hash` holds, `undefined` when there is none. */
const readHash = async (
  store: ObjectStore,
  keys: SnapshotKeys,
  version: string,
  fail: Fail,
): Promise<string | undefined> => {
  const text = await readOptionalText(store, keys.object(version, SNAPSHOT_HASH));
  if (text === undefined) return undefined;
  const match = /^md5:([0-9a-f]{32})$/.exec(text.trim());
  return (
    match?.[1] ?? fail('snapshot-hash', `.snapshot_hash is not "md5:<hex>": "${text.slice(0, 80)}"`)
  );
};

const downloadTarball = async (
  options: DownloadSnapshotOptions,
  keys: SnapshotKeys,
  version: string,
  dest: { readonly path: string; readonly existed: boolean },
  fail: Fail,
): Promise<DownloadedSnapshot> => {
  const { store, collection } = options;
  const manifest = await readManifest(store, keys, version, collection, fail);
  const md5 = await readHash(store, keys, version, fail);
  if (manifest === null && md5 === undefined) {
    fail(
      'missing-object',
      'snapshot.tar.gz has neither manifest.json nor .snapshot_hash to check it',
    );
  }
  const staging = await mkdtemp(join(options.tempDir ?? tmpdir(), 'receipt-chroma-snapshot-'));
  try {
    const fetched = await fetchTarball(
      store,
      keys.object(version, SNAPSHOT_TARBALL),
      join(staging, SNAPSHOT_TARBALL),
    ).catch((error: unknown) => {
      if (error instanceof ObjectNotFoundError)
        fail('missing-object', 'snapshot.tar.gz vanished', error);
      throw error;
    });
    if (manifest !== null && fetched.size !== manifest.tarball.size) {
      fail(
        'size',
        `snapshot.tar.gz has ${fetched.size} bytes; manifest.json says ${manifest.tarball.size}`,
      );
    }
    if (manifest !== null && fetched.sha256 !== manifest.tarball.sha256) {
      fail(
        'sha256',
        `snapshot.tar.gz has SHA-256 ${fetched.sha256}; manifest.json says ${manifest.tarball.sha256}`,
      );
    }
    if (md5 !== undefined && fetched.md5 !== md5) {
      fail('snapshot-hash', `snapshot.tar.gz has MD5 ${fetched.md5}; .snapshot_hash says ${md5}`);
    }
    try {
      // Several gzip members (a parallel pack) inflate in parallel too.
      const members =
        manifest !== null && manifest.members.length > 1 ? manifest.members : undefined;
      await unpackSnapshot(fetched.path, dest.path, { ...options.limits, members });
    } catch (error) {
      if (error instanceof ArchiveError && error.reason !== 'destination-not-empty') {
        fail('archive', `snapshot.tar.gz does not unpack safely: ${error.message}`, error);
      }
      throw error;
    }
    if (manifest !== null) {
      const problem = await checkExtractedFiles(dest.path, manifest.files);
      if (problem !== undefined) {
        await removeExtracted(dest.path, dest.existed);
        fail('files', problem);
      }
    }
    return { version, manifest, layout: 'tarball' };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
};
