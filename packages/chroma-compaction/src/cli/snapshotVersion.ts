import type { CollectionName } from '../compaction/types.js';
import type { ObjectStore } from '../ports/objectStore.js';
import { NoSnapshotError } from '../snapshots/errors.js';
import { SAFE_VERSION_NAME, snapshotKeys } from '../snapshots/snapshotKeys.js';
import { currentSnapshotVersion } from '../snapshots/snapshotVersions.js';
import { CliUsageError } from './errors.js';

/**
 * The version a command works on: the one given (checked to be one key segment) or the one
 * the collection's pointer names.
 * @param store - The store holding the snapshots.
 * @param collection - The collection.
 * @param version - The version given on the command line, if any.
 * @throws CliUsageError when the given version cannot name a version
 * @throws NoSnapshotError when none is given and the collection has no pointer
 */
export const currentOrNamedVersion = async (
  store: ObjectStore,
  collection: CollectionName,
  version: string | undefined,
): Promise<string> => {
  if (version !== undefined) {
    if (!SAFE_VERSION_NAME.test(version)) {
      throw new CliUsageError(
        `"${version}" is not a version name (e.g. 20260104_123456_123456_0a1b2c3d)`,
      );
    }
    return version;
  }
  const current = await currentSnapshotVersion(store, collection);
  if (current === undefined) {
    throw new NoSnapshotError(
      `${collection} has no snapshot yet: ${snapshotKeys(collection).pointer} does not exist`,
      { collection },
    );
  }
  return current;
};
