import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatPythonTimestamp } from '@receipt-chroma/dynamo-stream';
import { SnapshotConflictError } from '../../snapshots/errors.js';
import { publishSnapshot } from '../../snapshots/publishSnapshot.js';
import { snapshotKeys } from '../../snapshots/snapshotKeys.js';
import { readPointer } from '../../snapshots/snapshotObjects.js';
import type { PublishedSnapshot, PublishSnapshotOptions } from '../../snapshots/types.js';
import { openSnapshot } from './openSnapshot.js';
import type { StartLocalChromaOptions } from './startLocalChroma.js';

/** Options of {@link initializeEmptySnapshot}. */
export interface InitializeEmptySnapshotOptions
  extends Omit<PublishSnapshotOptions, 'dir' | 'recordCounts'> {
  /** How to start the local Chroma server that creates the empty collection. */
  readonly server?: Omit<StartLocalChromaOptions, 'path'> | undefined;
}

/**
 * Creates the first version of a collection's snapshot: an empty Chroma collection named
 * after it (metadata `created_by: empty_snapshot_initializer`, `collection_type`, spec
 * §12.5), published with `publishSnapshot` (user metadata plus `initialized: "true"`).
 *
 * Call it only when `downloadSnapshot` threw `NoSnapshotError` (the pointer is absent);
 * nothing else in this package ever re-initialises a collection (spec §18.8). The pointer is
 * created with `ifNoneMatch: '*'`, so of two first-time workers one initialises and the
 * other gets {@link SnapshotConflictError} and should download the winner's version.
 *
 * @throws SnapshotConflictError when the collection already has a snapshot, or another
 *   worker initialised it first
 * @throws SnapshotLockError when `lock` is given and not held
 */
export async function initializeEmptySnapshot(
  options: InitializeEmptySnapshotOptions,
): Promise<PublishedSnapshot> {
  const { store, collection, server, ...publish } = options;
  const keys = snapshotKeys(collection);
  const pointer = await readPointer(store, keys);
  if (pointer !== undefined) {
    throw new SnapshotConflictError(
      `Collection "${collection}" already has a snapshot (version ${pointer.version}); download it instead of initialising.`,
      { collection, version: pointer.version },
    );
  }
  const createdAt = formatPythonTimestamp(Date.now() * 1000);
  const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'receipt-chroma-empty-'));
  try {
    const snapshot = await openSnapshot(dir, server);
    try {
      await snapshot.client.getOrCreateCollection({
        name: collection,
        embeddingFunction: null,
        metadata: {
          created_by: 'empty_snapshot_initializer',
          created_at: createdAt,
          collection_type: collection,
        },
      });
    } finally {
      await snapshot.close();
    }
    return await publishSnapshot({
      ...publish,
      store,
      collection,
      dir,
      recordCounts: { [collection]: 0 },
      metadata: { ...publish.metadata, initialized: 'true', collection, created_at: createdAt },
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
