import { text } from 'node:stream/consumers';
import { ObjectNotFoundError } from '../errors.js';
import type { ObjectStore } from '../ports/objectStore.js';
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
