import { describe, expect, it } from 'vitest';
import { processCollectionUpdates } from '../../../src/compaction/processCollectionUpdates.js';
import { syncCollection } from '../../../src/sync/syncCollection.js';
import { InMemoryVectorCollection } from '../../../src/testing/InMemoryVectorCollection.js';
import { CHROMA_CLOUD_LIMITS, type VectorLimits } from '../../../src/vectors/limits.js';
import { makeInMemoryLabelFixture } from '../../helpers/compactionFixture.js';
import { seedWordsWorld, snapshot, statuses } from '../../helpers/compactionWorld.js';
import { labelInput, makeLabel, makePlace, merchantNameInput } from '../../helpers/factories.js';

const now = (): string => '2026-01-04T13:00:00.000000+00:00';

/** A words world copied into a collection held to `limits`. */
const limitedWorld = async (limits: VectorLimits) => {
  const fixture = makeInMemoryLabelFixture();
  const world = await seedWordsWorld(fixture);
  const words = new InMemoryVectorCollection('words', { limits });
  await syncCollection({ from: fixture.words, to: words });
  return { ...world, fixture, words };
};

describe('Function: processCollectionUpdates, on a collection with limits', () => {
  it('fails only the message whose record would go over a limit, with the limit as its reason', async () => {
    // Prepare: two labels; the first one's name makes its label value too long.
    const { fixture, imageId, words, id } = await limitedWorld({
      ...CHROMA_CLOUD_LIMITS,
      maxMetadataValueBytes: 40,
    });
    const long = makeLabel(imageId, 1, 1, 1, 'X'.repeat(41));
    const short = makeLabel(imageId, 1, 1, 2, 'TOTAL');
    await fixture.putLabels(long, short);
    const before = await snapshot(words);

    // Act
    const result = await processCollectionUpdates(
      [labelInput('long', long, 'INSERT'), labelInput('short', short, 'INSERT')],
      'words',
      { vectors: words, receipts: fixture.receipts, now },
    );

    // Assess
    expect(statuses(result)).toEqual({ long: 'failed', short: 'applied' });
    const failed = result.outcomes.find(({ recordId }) => recordId === 'long');
    expect(failed?.reason).toBe(
      `Collection "words" cannot store record "${id(1, 1, 1)}": the value of "valid_labels_array" in bytes is 41, over the limit of 40 (maxMetadataValueBytes)`,
    );
    expect(failed?.error?.name).toBe('VectorLimitError');
    const after = await snapshot(words);
    const index = after.ids.indexOf(id(1, 1, 1));
    expect(after.metadatas?.[index]).toEqual(before.metadatas?.[before.ids.indexOf(id(1, 1, 1))]);
    expect(after.metadatas?.[after.ids.indexOf(id(1, 1, 2))]).toMatchObject({
      valid_labels_array: ['TOTAL'],
    });
  });

  it('counts the keys a place adds to what the record holds, and writes nothing of that receipt', async () => {
    // Prepare: receipt 1's words already hold so many keys that the place's do not fit.
    const { fixture, imageId, words, id } = await limitedWorld(CHROMA_CLOUD_LIMITS);
    const crowded = Object.fromEntries(Array.from({ length: 25 }, (_, key) => [`extra_${key}`, 1]));
    await words.update({ ids: [id(1, 2, 2)], metadatas: [crowded] });
    await fixture.putPlaces(makePlace(imageId, 1, { merchant_name: 'Bakery' }));
    await fixture.putPlaces(makePlace(imageId, 2, { merchant_name: 'Bakery' }));
    const before = await snapshot(words);

    // Act
    const result = await processCollectionUpdates(
      [
        merchantNameInput('crowded', imageId, 1, 'Bakery'),
        merchantNameInput('roomy', imageId, 2, 'Bakery'),
      ],
      'words',
      { vectors: words, receipts: fixture.receipts, now },
    );

    // Assess
    expect(statuses(result)).toEqual({ crowded: 'failed', roomy: 'applied' });
    expect(result.outcomes[0]?.reason).toMatch(
      /cannot store record "IMAGE#.*#RECEIPT#00001#LINE#00002#WORD#00002": the number of metadata keys is \d+, over the limit of 32 \(maxMetadataKeys\)$/,
    );
    const after = await snapshot(words);
    for (const [index, recordId] of after.ids.entries()) {
      if (!recordId.includes('#RECEIPT#00001#')) continue;
      expect(after.metadatas?.[index]).toEqual(before.metadatas?.[before.ids.indexOf(recordId)]);
    }
  });
});
