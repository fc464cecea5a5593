/**
 * Reading what a collection's snapshot versions are, without downloading them: the objects
 * under each version's prefix, its manifest when it has one, and which version the pointer
 * names. For operators (the `receipt-chroma snapshot list|show` commands); nothing here is
 * verified beyond parsing the manifest, which `downloadSnapshot` does.
 * @internal
 * @packageDocumentation
 */
import { mapWithConcurrency } from '../adapters/fs/objectFiles.js';
import type { CollectionName } from '../compaction/types.js';
import type { ObjectInfo, ObjectStore } from '../ports/objectStore.js';
import type { SnapshotManifest } from './manifest.js';
import {
  SNAPSHOT_HASH,
  SNAPSHOT_MANIFEST,
  SNAPSHOT_TARBALL,
  type SnapshotKeys,
  snapshotKeys,
  versionMicros,
} from './snapshotKeys.js';
import { objectsByVersion, readPointer, readVersionManifest } from './snapshotObjects.js';

/** Manifests read at once while listing. */
const CONCURRENCY = 8;

/** What is stored for one version of a collection's snapshot. @internal */
export interface SnapshotVersionInfo {
  /** The version id (the name of its prefix). */
  readonly version: string;
  /** Whether `latest-pointer.txt` names it. */
  readonly current: boolean;
  /** `tarball` when `snapshot.tar.gz` exists, else `files` (the older one-object-per-file layout). */
  readonly layout: 'tarball' | 'files';
  /** Whether `.snapshot_hash` exists: its publisher finished uploading it. */
  readonly complete: boolean;
  /** Bytes of the snapshot: the tarball's size, or the files' total in the older layout. */
  readonly size: number;
  /** The objects under the version's prefix, sorted by key. */
  readonly objects: readonly ObjectInfo[];
  /**
   * When it was published: the manifest's `created_at`, else the time its id names, else the
   * newest object's modification time.
   */
  readonly createdAt: Date | undefined;
  /** Its manifest; `null` when it has none (the Python package writes none) or it is invalid. */
  readonly manifest: SnapshotManifest | null;
  /** Why the manifest could not be used, when there is one that could not. */
  readonly manifestProblem: string | undefined;
}

/** A collection's versions and its pointer. @internal */
export interface SnapshotVersionListing {
  /** The version the pointer names, `undefined` when there is no pointer. */
  readonly current: string | undefined;
  /** Every version stored, newest id first. */
  readonly versions: readonly SnapshotVersionInfo[];
}

const createdAt = (
  version: string,
  manifest: SnapshotManifest | null,
  objects: readonly ObjectInfo[],
): Date | undefined => {
  const fromManifest = manifest === null ? Number.NaN : Date.parse(manifest.createdAt);
  if (!Number.isNaN(fromManifest)) return new Date(fromManifest);
  const micros = versionMicros(version);
  if (micros !== undefined) return new Date(Math.floor(micros / 1000));
  const times = objects.flatMap((object) => object.lastModified?.getTime() ?? []);
  return times.length === 0 ? undefined : new Date(Math.max(...times));
};

const describeVersion = async (
  store: ObjectStore,
  keys: SnapshotKeys,
  collection: CollectionName,
  version: string,
  objects: readonly ObjectInfo[],
  current: string | undefined,
): Promise<SnapshotVersionInfo> => {
  const named = (name: string): ObjectInfo | undefined =>
    objects.find((object) => object.key === keys.object(version, name));
  const tarball = named(SNAPSHOT_TARBALL);
  const markers = [keys.object(version, SNAPSHOT_HASH), keys.object(version, SNAPSHOT_MANIFEST)];
  const manifestInfo = named(SNAPSHOT_MANIFEST);
  const read =
    manifestInfo === undefined
      ? { manifest: null }
      : await readVersionManifest(store, keys, collection, version, manifestInfo.size);
  const manifest = 'manifest' in read ? read.manifest : null;
  const problem = 'problem' in read ? read.problem : undefined;
  return {
    version,
    current: version === current,
    layout: tarball === undefined ? 'files' : 'tarball',
    complete: named(SNAPSHOT_HASH) !== undefined,
    size:
      tarball?.size ??
      objects
        .filter((object) => !markers.includes(object.key))
        .reduce((sum, object) => sum + object.size, 0),
    objects,
    createdAt: createdAt(version, manifest, objects),
    manifest,
    manifestProblem: problem,
  };
};

/**
 * Lists a collection's snapshot versions with what each holds (layout, size, completeness,
 * manifest) and which one the pointer names, newest id first. Manifests are parsed, not
 * verified against the tarball. A pointer naming a version with no objects is reported as
 * `current` with no version carrying it.
 * @param store - The store holding the snapshots.
 * @param collection - The collection whose versions to list.
 * @throws ObjectStoreError when the store fails
 * @internal
 */
export const listSnapshotVersions = async (
  store: ObjectStore,
  collection: CollectionName,
): Promise<SnapshotVersionListing> => {
  const keys = snapshotKeys(collection);
  const current = (await readPointer(store, keys))?.version;
  const byVersion = await objectsByVersion(store, keys);
  const ids = [...byVersion.keys()].sort().reverse();
  const versions = await mapWithConcurrency(ids, CONCURRENCY, (version) =>
    describeVersion(store, keys, collection, version, byVersion.get(version) ?? [], current),
  );
  return { current, versions };
};

/**
 * Describes one version of a collection's snapshot, as {@link listSnapshotVersions} does, or
 * returns `undefined` when no object is stored under its prefix.
 * @param store - The store holding the snapshots.
 * @param collection - The collection.
 * @param version - The version id.
 * @throws ObjectStoreError when the store fails
 * @internal
 */
export const readSnapshotVersion = async (
  store: ObjectStore,
  collection: CollectionName,
  version: string,
): Promise<SnapshotVersionInfo | undefined> => {
  const keys = snapshotKeys(collection);
  const current = (await readPointer(store, keys))?.version;
  const objects = (await objectsByVersion(store, keys, version)).get(version);
  return objects === undefined
    ? undefined
    : describeVersion(store, keys, collection, version, objects, current);
};

/**
 * The version the collection's pointer names, `undefined` when it has no pointer.
 * @param store - The store holding the snapshots.
 * @param collection - The collection.
 * @throws ObjectStoreError when the store fails
 * @internal
 */
export const currentSnapshotVersion = async (
  store: ObjectStore,
  collection: CollectionName,
): Promise<string | undefined> => (await readPointer(store, snapshotKeys(collection)))?.version;
