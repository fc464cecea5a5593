import { text } from 'node:stream/consumers';
import { ObjectNotFoundError } from '../errors.js';
import type { ObjectInfo, ObjectStore } from '../ports/objectStore.js';
import {
  MAX_SNAPSHOT_MANIFEST_BYTES,
  parseSnapshotManifest,
  type SnapshotManifest,
} from './manifest.js';
import { SNAPSHOT_HASH, SNAPSHOT_MANIFEST, type SnapshotKeys } from './snapshotKeys.js';
import type { SnapshotMetadata } from './types.js';

/** The pointer's version and ETag (for a compare-and-swap), or `undefined` when absent. */
export interface PointerState {
  readonly version: string;
  readonly etag: string;
}

/** An object's text and ETag, or `undefined` when it does not exist. */
const readObjectText = async (
  store: ObjectStore,
  key: string,
): Promise<{ text: string; etag: string } | undefined> => {
  try {
    const { info, body } = await store.get(key);
    return { text: await text(body), etag: info.etag };
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return undefined;
    throw error;
  }
};

/** An object's text (a hash, a manifest), or `undefined` when it does not exist. @internal */
export const readOptionalText = async (
  store: ObjectStore,
  key: string,
): Promise<string | undefined> => (await readObjectText(store, key))?.text;

/**
 * The objects stored under each version's prefix, by version id (every version, or only
 * `only`). @internal
 */
export const objectsByVersion = async (
  store: ObjectStore,
  keys: SnapshotKeys,
  only?: string,
): Promise<Map<string, ObjectInfo[]>> => {
  const prefix = only === undefined ? keys.versions : keys.version(only);
  const { objects } = await store.list({ prefix });
  const byVersion = new Map<string, ObjectInfo[]>();
  for (const object of objects) {
    const rest = object.key.slice(keys.versions.length);
    const slash = rest.indexOf('/');
    if (slash <= 0) continue;
    const version = rest.slice(0, slash);
    const list = byVersion.get(version) ?? [];
    list.push(object);
    byVersion.set(version, list);
  }
  return byVersion;
};

/**
 * A version's `manifest.json`, checked to be within the size limit, valid, and about this
 * collection and version: `{ manifest: null }` when the version has none, `{ problem }` when
 * it cannot be used. `knownSize` (from a listing) refuses an oversized one without reading
 * it. @internal
 */
export const readVersionManifest = async (
  store: ObjectStore,
  keys: SnapshotKeys,
  collection: string,
  version: string,
  knownSize?: number,
): Promise<{ readonly manifest: SnapshotManifest | null } | { readonly problem: string }> => {
  const tooLarge = { problem: `manifest.json is larger than ${MAX_SNAPSHOT_MANIFEST_BYTES} bytes` };
  if (knownSize !== undefined && knownSize > MAX_SNAPSHOT_MANIFEST_BYTES) return tooLarge;
  const text = await readOptionalText(store, keys.object(version, SNAPSHOT_MANIFEST));
  if (text === undefined) return { manifest: null };
  if (text.length > MAX_SNAPSHOT_MANIFEST_BYTES) return tooLarge;
  const parsed = parseSnapshotManifest(text);
  if ('problem' in parsed) return { problem: parsed.problem };
  const { manifest } = parsed;
  if (manifest.collection !== collection || manifest.version !== version) {
    return {
      problem: `manifest.json describes ${manifest.collection}/${manifest.version}, not this version`,
    };
  }
  return { manifest };
};

/** Reads `latest-pointer.txt`: its body (trimmed) and ETag. @internal */
export const readPointer = async (
  store: ObjectStore,
  keys: SnapshotKeys,
): Promise<PointerState | undefined> => {
  const read = await readObjectText(store, keys.pointer);
  return read === undefined ? undefined : { version: read.text.trim(), etag: read.etag };
};

// As the Python publisher's (spec §12.1).
/** User metadata with every value a string, as S3 stores it. @internal */
export const stringMetadata = (
  metadata: SnapshotMetadata | undefined,
): Readonly<Record<string, string>> =>
  Object.fromEntries(Object.entries(metadata ?? {}).map(([name, value]) => [name, String(value)]));

/**
 * Deletes every object of a version: its manifest and hash first, so a version caught half
 * deleted reads as incomplete rather than as a different version. @internal
 */
export const deleteVersion = async (
  store: ObjectStore,
  keys: SnapshotKeys,
  version: string,
): Promise<number> => {
  const { objects } = await store.list({ prefix: keys.version(version) });
  const markers = [keys.object(version, SNAPSHOT_MANIFEST), keys.object(version, SNAPSHOT_HASH)];
  await store.delete(markers);
  const rest = objects.map((object) => object.key).filter((key) => !markers.includes(key));
  if (rest.length > 0) await store.delete(rest);
  return objects.length;
};
