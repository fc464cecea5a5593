import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSystemObjectStore } from '../../../src/adapters/fs/FileSystemObjectStore.js';
import { repairStaleMirror } from '../../../src/mirrors/repairStaleMirror.js';
import { StaleMirrorMarks } from '../../../src/mirrors/StaleMirrorMarks.js';
import type { VectorCollection } from '../../../src/ports/vectorCollection.js';
import { InMemoryLockStore } from '../../../src/testing/InMemoryLockStore.js';
import { InMemoryVectorCollection } from '../../../src/testing/InMemoryVectorCollection.js';
import { FlakyCollection } from '../../helpers/flakyCollection.js';

const seeded = async (count: number): Promise<InMemoryVectorCollection> => {
  const collection = new InMemoryVectorCollection('lines');
  const ids = Array.from({ length: count }, (_, index) => `r-${index}`);
  await collection.upsert({
    ids,
    embeddings: ids.map((_, index) => [index, 1]),
    metadatas: ids.map((id) => ({ source: id })),
  });
  return collection;
};

const everything = (collection: VectorCollection) =>
  collection.get({ include: ['embeddings', 'documents', 'metadatas'] });

describe('Function: repairStaleMirror', () => {
  let root: string;
  let marks: StaleMirrorMarks;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'repair-'));
    marks = new StaleMirrorMarks(new FileSystemObjectStore({ root }));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const stale = { collection: 'lines', mirror: 0, failedMessages: 3, reason: 'rate limited' };

  it('syncs a marked mirror from the primary, prunes it, and clears the mark', async () => {
    // Prepare: the mirror missed 10 records and a deletion.
    const primary = await seeded(30);
    const mirror = await seeded(20);
    await mirror.upsert({ ids: ['gone'], embeddings: [[9, 9]] });
    await marks.mark(stale);

    // Act
    const result = await repairStaleMirror({
      marks,
      collection: 'lines',
      mirror: 0,
      from: primary,
      to: mirror,
      lockStore: new InMemoryLockStore(),
    });

    // Assess
    expect(result.mark).toMatchObject({ failedMessages: 3, reason: 'rate limited' });
    expect(result.sync).toMatchObject({ copied: 30, removed: 1, targetCount: 30 });
    expect(result.cleared).toBe(true);
    expect(await everything(mirror)).toEqual(await everything(primary));
    expect(await marks.read('lines', 0)).toBeUndefined();
  });

  it('does nothing for a mirror that is not marked, unless forced', async () => {
    // Prepare
    const primary = await seeded(5);
    const mirror = new InMemoryVectorCollection('lines');
    const options = { marks, collection: 'lines', mirror: 0, from: primary, to: mirror } as const;

    // Act
    const idle = await repairStaleMirror(options);
    const forced = await repairStaleMirror({ ...options, force: true });

    // Assess
    expect(idle).toEqual({ mark: undefined, sync: undefined, cleared: false });
    expect(forced.sync?.copied).toBe(5);
    expect(forced.cleared).toBe(false);
    expect(await mirror.count()).toBe(5);
  });

  it('keeps the mark when the sync is incomplete, or when the mirror is marked again meanwhile', async () => {
    // Prepare
    const primary = await seeded(10);
    const failing = new FlakyCollection(new InMemoryVectorCollection('lines')).failWhen(
      'upsert',
      () => true,
    );
    await marks.mark(stale);
    const markedDuring = new InMemoryVectorCollection('lines');
    const upsert = markedDuring.upsert.bind(markedDuring);
    markedDuring.upsert = async (request) => {
      await marks.mark({ ...stale, failedMessages: 1 });
      return upsert(request);
    };

    // Act
    const incomplete = await repairStaleMirror({
      marks,
      collection: 'lines',
      mirror: 0,
      from: primary,
      to: failing,
      retries: 0,
    });
    const raced = await repairStaleMirror({
      marks,
      collection: 'lines',
      mirror: 0,
      from: primary,
      to: markedDuring,
    });

    // Assess
    expect(incomplete.sync?.failedBatches).toBe(1);
    expect(incomplete.cleared).toBe(false);
    expect(raced.sync?.failedBatches).toBe(0);
    expect(raced.cleared).toBe(false);
    expect((await marks.read('lines', 0))?.mark.failedMessages).toBe(4);
  });
});
