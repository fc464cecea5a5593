import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ReceiptStoreError, VectorStoreError } from '../../../src/errors.js';
import { applyWordLabelMessages } from '../../../src/operations/applyWordLabelMessages.js';
import { removeWordLabels } from '../../../src/operations/removeWordLabels.js';
import { updateWordLabels } from '../../../src/operations/updateWordLabels.js';
import {
  makeInMemoryLabelFixture,
  metadataOf,
  metadataOne,
  RecordingMetrics,
  seedWords,
  wordTarget,
} from '../../helpers/compactionFixture.js';
import { labelInput, makeLabel } from '../../helpers/factories.js';

/** One receipt with two words, each with one VALID label, seeded in both stores. */
const twoWords = async () => {
  const fixture = makeInMemoryLabelFixture();
  const imageId = randomUUID();
  const targets = [wordTarget(imageId, 1, 1, 1), wordTarget(imageId, 1, 1, 2)];
  await seedWords(
    fixture.words,
    targets.map(({ ref }) => ref),
  );
  const labels = targets.map(({ ref }) => makeLabel(imageId, 1, 1, ref.wordId, 'TOTAL'));
  fixture.receipts.addLabels(...labels);
  const inputs = labels.map((label, index) => labelInput(`r${index}`, label, 'MODIFY'));
  return { fixture, imageId, ids: targets.map(({ id }) => id), labels, inputs };
};

describe('Function: updateWordLabels', () => {
  it('fails every message of the receipt with the DynamoDB error and writes nothing', async () => {
    // Prepare
    const { fixture, ids, inputs } = await twoWords();
    const failure = new ReceiptStoreError('throttled', { operation: 'query' });
    fixture.receipts.failNextRead(failure);
    const before = await metadataOf(fixture.words, ids);

    // Act
    const results = await updateWordLabels(inputs, {
      vectors: fixture.words,
      receipts: fixture.receipts,
    });

    // Assess
    expect(results).toMatchObject([
      {
        status: 'failed',
        updatedCount: 0,
        recordIds: ['r0'],
        reason: 'DynamoDB read of word labels failed',
      },
      { status: 'failed', updatedCount: 0, recordIds: ['r1'] },
    ]);
    expect(results[0]?.error).toBe(failure);
    expect(await metadataOf(fixture.words, ids)).toEqual(before);
  });

  it('fails the messages of a receipt whose Chroma get fails, and applies other receipts', async () => {
    // Prepare
    const { fixture, imageId, inputs } = await twoWords();
    const other = wordTarget(imageId, 2, 1, 1);
    await seedWords(fixture.words, [other.ref]);
    const otherLabel = makeLabel(imageId, 2, 1, 1, 'TAX');
    fixture.receipts.addLabels(otherLabel);
    fixture.words.failNext('get');

    // Act
    const results = await updateWordLabels([...inputs, labelInput('r2', otherLabel, 'MODIFY')], {
      vectors: fixture.words,
      receipts: fixture.receipts,
    });

    // Assess
    expect(results.map((result) => result.status)).toEqual(['failed', 'failed', 'applied']);
    expect(results[0]?.error).toBeInstanceOf(VectorStoreError);
    expect(results[0]?.reason).toBe('Chroma get failed');
    expect(await metadataOne(fixture.words, other.id)).toMatchObject({
      valid_labels_array: ['TAX'],
    });
  });

  it('fails only the words of the update request that failed', async () => {
    // Prepare
    const { fixture, ids, inputs } = await twoWords();
    fixture.words.failNext('update');

    // Act
    const results = await updateWordLabels(inputs, {
      vectors: fixture.words,
      receipts: fixture.receipts,
      maxBatchSize: 1,
    });

    // Assess
    expect(results.map((result) => result.status)).toEqual(['failed', 'applied']);
    expect(results[0]).toMatchObject({ reason: 'Chroma update failed', chromaId: ids[0] });
    expect(results[0]?.error).toBeInstanceOf(VectorStoreError);
    const [first, second] = await metadataOf(fixture.words, ids);
    expect(first).not.toHaveProperty('label_status');
    expect(second).toMatchObject({ label_status: 'validated' });
  });

  it('reads the labels of one word with listWordLabels, of several with one receipt read', async () => {
    // Prepare
    const { fixture, inputs } = await twoWords();
    const options = { vectors: fixture.words, receipts: fixture.receipts };

    // Act
    await updateWordLabels(inputs.slice(0, 1), options);
    const afterOne = fixture.receipts.reads;
    await removeWordLabels(inputs, options);

    // Assess
    expect(afterOne).toBe(1);
    expect(fixture.receipts.reads).toBe(2);
  });

  it('records the spec metric names', async () => {
    // Prepare
    const { fixture, imageId, inputs } = await twoWords();
    const metrics = new RecordingMetrics();
    const missing = makeLabel(imageId, 1, 5, 5, 'TAX');
    const invalid = labelInput(undefined, missing, 'MODIFY');
    const badIds = {
      ...invalid,
      message: { ...invalid.message, entityData: { ...invalid.message.entityData, line_id: -1 } },
    };

    // Act
    await updateWordLabels([...inputs, labelInput(undefined, missing, 'MODIFY'), badIds], {
      vectors: fixture.words,
      receipts: fixture.receipts,
      metrics,
    });

    // Assess
    expect(metrics.names().sort()).toEqual([
      'CompactionInvalidChromaDBID',
      'CompactionValidatedLabelsCount',
      'CompactionValidatedLabelsCount',
      'CompactionWordEmbeddingNotFound',
      'CompactionWordLabelUpdated',
      'CompactionWordLabelUpdated',
    ]);
    expect(
      metrics.recorded.find(({ name }) => name === 'CompactionValidatedLabelsCount'),
    ).toMatchObject({
      kind: 'gauge',
      value: 1,
      dimensions: { collection: 'words' },
    });
  });

  it('records an error metric with the error type when a write fails', async () => {
    // Prepare
    const { fixture, inputs } = await twoWords();
    const metrics = new RecordingMetrics();
    fixture.words.failNext('update');

    // Act
    await removeWordLabels(inputs.slice(0, 1), {
      vectors: fixture.words,
      receipts: fixture.receipts,
      metrics,
    });

    // Assess
    expect(metrics.recorded).toEqual([
      {
        kind: 'count',
        name: 'CompactionWordLabelRemovalError',
        value: 1,
        dimensions: { collection: 'words', error_type: 'VectorStoreError' },
      },
    ]);
  });

  it('refuses a batch size that is not a positive integer', async () => {
    // Prepare
    const { fixture, inputs } = await twoWords();

    // Act
    const attempt = updateWordLabels(inputs, {
      vectors: fixture.words,
      receipts: fixture.receipts,
      maxBatchSize: 0,
    });

    // Assess
    await expect(attempt).rejects.toThrow(RangeError);
  });
});

describe('Function: applyWordLabelMessages', () => {
  it('treats REMOVE events as removals and others as updates', async () => {
    // Prepare
    const { fixture, ids, labels } = await twoWords();
    const [first, second] = labels as [(typeof labels)[0], (typeof labels)[0]];
    const metrics = new RecordingMetrics();

    // Act
    const results = await applyWordLabelMessages(
      [labelInput('a', first, 'MODIFY'), labelInput('b', second, 'REMOVE')],
      { vectors: fixture.words, receipts: fixture.receipts, metrics, now: () => 'T' },
    );

    // Assess
    expect(results.map((result) => result.eventName)).toEqual(['MODIFY', 'REMOVE']);
    const [one, two] = await metadataOf(fixture.words, ids);
    expect(one).toMatchObject({ last_label_update: 'T' });
    expect(one).not.toHaveProperty('labels_removed_at');
    expect(two).toMatchObject({ labels_removed_at: 'T' });
    expect(metrics.names()).toContain('CompactionWordLabelRemoved');
  });

  it('counts a word missing for a removal under the removal metric', async () => {
    // Prepare
    const fixture = makeInMemoryLabelFixture();
    const metrics = new RecordingMetrics();
    const label = makeLabel(randomUUID(), 1, 1, 1, 'TOTAL');

    // Act
    const [result] = await applyWordLabelMessages([labelInput(undefined, label, 'REMOVE')], {
      vectors: fixture.words,
      receipts: fixture.receipts,
      metrics,
    });

    // Assess
    expect(result).toMatchObject({ status: 'skipped', reason: 'embedding not found' });
    expect(metrics.names()).toEqual(['CompactionWordEmbeddingNotFoundForRemoval']);
    expect(fixture.receipts.reads).toBe(0);
  });
});
