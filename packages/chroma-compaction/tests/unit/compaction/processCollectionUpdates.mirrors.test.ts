import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSystemObjectStore } from '../../../src/adapters/fs/FileSystemObjectStore.js';
import { processCollectionUpdates } from '../../../src/compaction/processCollectionUpdates.js';
import type { MirrorUpdateResult } from '../../../src/compaction/types.js';
import { StaleMirrorMarkError, StaleMirrorMarks } from '../../../src/mirrors/StaleMirrorMarks.js';
import type { VectorCollection } from '../../../src/ports/vectorCollection.js';
import { syncCollection } from '../../../src/sync/syncCollection.js';
import { InMemoryVectorCollection } from '../../../src/testing/InMemoryVectorCollection.js';
import { makeInMemoryLabelFixture, RecordingMetrics } from '../../helpers/compactionFixture.js';
import { seedWordsWorld, snapshot } from '../../helpers/compactionWorld.js';
import { makePlace, merchantNameInput } from '../../helpers/factories.js';
import { FlakyCollection } from '../../helpers/flakyCollection.js';

const now = (): string => '2026-01-04T13:00:00.000000+00:00';

/** A words world whose receipt 1 has a new merchant in the table, and a mirror of `words`. */
const mirroredWorld = async () => {
  const fixture = makeInMemoryLabelFixture();
  const { imageId } = await seedWordsWorld(fixture);
  fixture.receipts.addPlaces(makePlace(imageId, 1, { merchant_name: 'Bakery' }));
  const mirror = new InMemoryVectorCollection('words');
  await syncCollection({ from: fixture.words, to: mirror });
  const inputs = [merchantNameInput('place', imageId, 1, 'Bakery')];
  return { imageId, inputs, receipts: fixture.receipts, words: fixture.words, mirror };
};

/** A mirror whose every metadata update fails. */
const brokenMirror = (inner: VectorCollection): FlakyCollection =>
  new FlakyCollection(inner).failWhen('update', () => true);

describe('Function: processCollectionUpdates, with mirrors', () => {
  it('applies the batch to each mirror too, from the same table', async () => {
    // Prepare
    const { inputs, receipts, words, mirror } = await mirroredWorld();

    // Act
    const result = await processCollectionUpdates(inputs, 'words', {
      vectors: words,
      receipts,
      now,
      mirrors: [mirror],
    });

    // Assess
    expect(result.outcomes).toMatchObject([{ recordId: 'place', status: 'applied' }]);
    expect(result.mirrors).toEqual([
      {
        index: 0,
        collection: 'words',
        outcomes: [expect.objectContaining({ recordId: 'place', status: 'applied' })],
        counts: { applied: 1, skipped: 0, failed: 0 },
        stale: false,
      },
    ]);
    expect(await snapshot(mirror)).toEqual(await snapshot(words));
  });

  it('reports a mirror failure without failing the message, by default', async () => {
    // Prepare
    const { inputs, receipts, words, mirror } = await mirroredWorld();
    const metrics = new RecordingMetrics();
    const stale: [VectorCollection, MirrorUpdateResult][] = [];
    const broken = brokenMirror(mirror);

    // Act
    const result = await processCollectionUpdates(inputs, 'words', {
      vectors: words,
      receipts,
      now,
      metrics,
      mirrors: [new InMemoryVectorCollection('words'), broken],
      onStaleMirror: (collection, mirrorResult) => {
        stale.push([collection, mirrorResult]);
      },
    });

    // Assess
    expect(result.outcomes).toMatchObject([{ recordId: 'place', status: 'applied' }]);
    expect(result.hasErrors).toBe(false);
    expect(
      result.mirrors.map(({ index, stale: isStale, counts }) => [index, isStale, counts]),
    ).toEqual([
      [0, false, { applied: 0, skipped: 1, failed: 0 }],
      [1, true, { applied: 0, skipped: 0, failed: 1 }],
    ]);
    expect(stale).toHaveLength(1);
    expect(stale[0]?.[0]).toBe(broken);
    expect(stale[0]?.[1].index).toBe(1);
    expect(metrics.recorded).toContainEqual({
      kind: 'count',
      name: 'CompactionMirrorError',
      value: 1,
      dimensions: { collection: 'words', mirror: '1' },
    });
  });

  it("fails the message too with mirrorFailure: 'fail', so the queue delivers it again", async () => {
    // Prepare
    const { inputs, receipts, words, mirror } = await mirroredWorld();

    // Act
    const result = await processCollectionUpdates(inputs, 'words', {
      vectors: words,
      receipts,
      now,
      mirrors: [brokenMirror(mirror)],
      mirrorFailure: 'fail',
    });

    // Assess
    expect(result.outcomes).toEqual([
      {
        recordId: 'place',
        status: 'failed',
        reason: expect.stringMatching(/^failed on mirror 0 \("words"\): .+/),
        error: expect.objectContaining({ message: 'Injected update failure' }),
      },
    ]);
    expect(result.counts).toEqual({ applied: 0, skipped: 0, failed: 1 });
    expect(result.hasErrors).toBe(true);
  });

  it('converges a stale mirror on the next delivery of the message', async () => {
    // Prepare
    const { inputs, receipts, words, mirror } = await mirroredWorld();
    await processCollectionUpdates(inputs, 'words', {
      vectors: words,
      receipts,
      now,
      mirrors: [brokenMirror(mirror)],
    });

    // Act
    const again = await processCollectionUpdates(inputs, 'words', {
      vectors: words,
      receipts,
      now,
      mirrors: [mirror],
    });

    // Assess
    expect(again.mirrors[0]?.counts).toEqual({ applied: 1, skipped: 0, failed: 0 });
    const withoutStamps = async (collection: VectorCollection) =>
      (await snapshot(collection)).metadatas?.map((metadata) => ({
        ...metadata,
        last_place_update: undefined,
      }));
    expect(await withoutStamps(mirror)).toEqual(await withoutStamps(words));
  });

  it('keeps going when onStaleMirror throws', async () => {
    // Prepare
    const { inputs, receipts, words, mirror } = await mirroredWorld();

    // Act
    const result = await processCollectionUpdates(inputs, 'words', {
      vectors: words,
      receipts,
      now,
      mirrors: [brokenMirror(mirror)],
      onStaleMirror: () => {
        throw new Error('marker table unavailable');
      },
    });

    // Assess
    expect(result.outcomes).toMatchObject([{ status: 'applied' }]);
    expect(result.mirrors[0]?.stale).toBe(true);
  });

  it('marks a stale mirror in the store, and fails its messages when the mark cannot be written', async () => {
    // Prepare
    const { inputs, receipts, words, mirror } = await mirroredWorld();
    const root = await mkdtemp(join(tmpdir(), 'mirror-marks-'));
    const marks = new StaleMirrorMarks(new FileSystemObjectStore({ root }));
    const unwritable = new StaleMirrorMarks(new FileSystemObjectStore({ root }));
    unwritable.mark = () => Promise.reject(new StaleMirrorMarkError('bucket unavailable'));
    const metrics = new RecordingMetrics();

    // Act
    const marked = await processCollectionUpdates(inputs, 'words', {
      vectors: words,
      receipts,
      now,
      mirrors: [brokenMirror(mirror), mirror],
      staleMirrorMarks: marks,
    });
    const fresh = await mirroredWorld();
    const unrecorded = await processCollectionUpdates(fresh.inputs, 'words', {
      vectors: fresh.words,
      receipts: fresh.receipts,
      now,
      metrics,
      mirrors: [brokenMirror(fresh.mirror)],
      staleMirrorMarks: unwritable,
    });

    // Assess
    expect(marked.outcomes).toMatchObject([{ status: 'applied' }]);
    expect(await marks.read('words', 1)).toBeUndefined();
    expect((await marks.read('words', 0))?.mark).toMatchObject({
      collection: 'words',
      mirror: 0,
      failedMessages: 1,
      reason: 'could not write the embeddings after 0 of 4 records',
    });
    expect(unrecorded.outcomes).toMatchObject([
      { status: 'failed', reason: expect.stringMatching(/^failed on mirror 0/) },
    ]);
    expect(metrics.recorded).toContainEqual(
      expect.objectContaining({ name: 'CompactionMirrorMarkError', value: 1 }),
    );
    await rm(root, { recursive: true, force: true });
  });

  it('applies the batch to a mirror whose name says neither lines nor words', async () => {
    // Prepare: a Chroma Cloud collection named by its owner's conventions.
    const { inputs, receipts, words } = await mirroredWorld();
    const named = new InMemoryVectorCollection('prod-receipt-text');
    await syncCollection({ from: words, to: named });

    // Act
    const result = await processCollectionUpdates(inputs, 'words', {
      vectors: words,
      receipts,
      now,
      mirrors: [named],
    });

    // Assess
    expect(result.mirrors[0]?.counts).toEqual({ applied: 1, skipped: 0, failed: 0 });
    expect(await snapshot(named)).toEqual(await snapshot(words));
  });

  it('has no mirror results without mirrors', async () => {
    // Prepare
    const { inputs, receipts, words } = await mirroredWorld();

    // Act
    const result = await processCollectionUpdates(inputs, 'words', {
      vectors: words,
      receipts,
      now,
    });

    // Assess
    expect(result.mirrors).toEqual([]);
  });
});
