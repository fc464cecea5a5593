import type { ObjectStore } from '../ports/objectStore.js';
import { parseSnapshotManifest } from './manifest.js';
import {
  ANY_VERSION_ID_PATTERN,
  SNAPSHOT_HASH,
  SNAPSHOT_MANIFEST,
  type SnapshotKeys,
} from './snapshotKeys.js';
import { deleteVersion, objectsByVersion, readOptionalText } from './snapshotObjects.js';

/** What {@link pruneVersions} kept and removed. */
export interface PruneResult {
  /** Versions older than the current one that were kept, newest first. */
  readonly kept: readonly string[];
  /** Versions deleted, newest first. */
  readonly removed: readonly string[];
}

/** The versions under the prefix, and whether each is complete (has `.snapshot_hash`). */
const listVersions = async (
  store: ObjectStore,
  keys: SnapshotKeys,
): Promise<Map<string, boolean>> => {
  const byVersion = await objectsByVersion(store, keys);
  return new Map(
    [...byVersion].map(([version, objects]) => [
      version,
      objects.some(({ key }) => key === keys.object(version, SNAPSHOT_HASH)),
    ]),
  );
};

/**
 * The parent a version's manifest names: `null` when it was the collection's first version
 * (no pointer when it was published), `undefined` without a readable manifest.
 */
const parentOf = async (
  store: ObjectStore,
  keys: SnapshotKeys,
  version: string,
): Promise<string | null | undefined> => {
  const text = await readOptionalText(store, keys.object(version, SNAPSHOT_MANIFEST));
  if (text === undefined) return undefined;
  const parsed = parseSnapshotManifest(text);
  return 'manifest' in parsed ? parsed.manifest.parent : undefined;
};

// The Python publisher's pruning: spec §12.3 step 7.
/**
 * Deletes old versions, keeping `keepVersions` versions up to the current one (the current
 * one included), so a reader that read the pointer just before it moved still finds its
 * version:
 *
 * - kept first are the current version's ancestors, followed through each manifest's
 *   `parent` (the versions the pointer really named); where that chain breaks (a version the
 *   Python package wrote has no manifest), the newest complete versions below it fill the
 *   remaining places. A chain that reaches the collection's first version (its manifest's
 *   `parent` is `null`) is whole: nothing older was ever current, so nothing fills in (a
 *   first publish killed after its `.snapshot_hash` would otherwise be kept for good);
 * - everything else older than the current version is deleted, so a version that never
 *   reached the pointer (its publisher died or lost the race) goes at the next publish;
 * - the current version and every version newer than it (a publisher may be uploading it)
 *   are never deleted, nor names that are not version ids (the Python publisher sorted those
 *   as newest).
 * @internal
 */
export const pruneVersions = async (
  store: ObjectStore,
  keys: SnapshotKeys,
  current: string,
  keepVersions: number,
): Promise<PruneResult> => {
  const plan = await planPrune(store, keys, current, keepVersions);
  for (const version of plan.removed) await deleteVersion(store, keys, version);
  return plan;
};

/**
 * What {@link pruneVersions} would keep and delete, by the same rules, without deleting
 * anything (a dry run). A version the plan names may be gone or current by the time it runs.
 * @internal
 */
export const planPrune = async (
  store: ObjectStore,
  keys: SnapshotKeys,
  current: string,
  keepVersions: number,
): Promise<PruneResult> => {
  const versions = await listVersions(store, keys);
  const older = [...versions.keys()]
    .filter((version) => ANY_VERSION_ID_PATTERN.test(version) && version < current)
    .sort()
    .reverse();
  const kept: string[] = [];
  let link: string = current;
  /** The chain reached the collection's first version: nothing older ever was current. */
  let reachedFirst = false;
  while (kept.length < keepVersions - 1) {
    const parent: string | null | undefined = await parentOf(store, keys, link);
    reachedFirst = parent === null;
    if (parent === null || parent === undefined || !versions.has(parent) || parent >= link) break;
    kept.push(parent);
    link = parent;
  }
  for (const version of older) {
    if (reachedFirst || kept.length >= keepVersions - 1) break;
    if (version < link && versions.get(version) === true && !kept.includes(version)) {
      kept.push(version);
    }
  }
  const removed = older.filter((version) => !kept.includes(version));
  return { kept, removed };
};
