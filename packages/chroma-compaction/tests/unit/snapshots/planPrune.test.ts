import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSystemObjectStore } from '../../../src/adapters/fs/FileSystemObjectStore.js';
import { planPrune, pruneVersions } from '../../../src/snapshots/pruneVersions.js';
import { snapshotKeys } from '../../../src/snapshots/snapshotKeys.js';
import { allKeys } from '../../helpers/snapshotStores.js';
import { useTempRoot } from '../../helpers/snapshotTrees.js';

const keys = snapshotKeys('words');
const id = (n: number): string => `2026010${n}_000000_000000_0000000${n}`;

describe('planPrune', () => {
  const temp = useTempRoot('plan-prune-');

  it('names what pruneVersions deletes, and deletes nothing itself', async () => {
    // Prepare: five complete Python-style versions (no manifests), 5 current
    const store = new FileSystemObjectStore({ root: join(temp.root, 'store') });
    for (let n = 1; n <= 5; n += 1) {
      await store.put(keys.object(id(n), 'snapshot.tar.gz'), 'tar');
      await store.put(keys.object(id(n), '.snapshot_hash'), `md5:${'0'.repeat(32)}`);
    }
    const before = await allKeys(store);

    // Act
    const plan = await planPrune(store, keys, id(5), 3);
    const afterPlan = await allKeys(store);
    const pruned = await pruneVersions(store, keys, id(5), 3);

    // Assess
    expect(plan).toEqual({ kept: [id(4), id(3)], removed: [id(2), id(1)] });
    expect(afterPlan).toEqual(before);
    expect(pruned).toEqual(plan);
    expect(await allKeys(store)).toEqual(
      before.filter((key) => !key.includes(id(1)) && !key.includes(id(2))),
    );
  });
});
