import { describe, expect, it } from 'vitest';
import {
  CHROMA_CLOUD_LIMITS,
  type LimitedRecord,
  recordLimitProblem,
  type VectorLimit,
  VectorLimitError,
} from '../../../src/vectors/limits.js';

describe('Function: recordLimitProblem', () => {
  it('accepts a record at every limit of Chroma Cloud', () => {
    // Act
    const problem = recordLimitProblem(CHROMA_CLOUD_LIMITS, {
      id: 'x'.repeat(128),
      embedding: new Float32Array(4_096),
      document: 'é'.repeat(8_192),
      metadata: {
        ['ü'.repeat(18)]: 'v'.repeat(4_096),
        words: Array.from({ length: 512 }, () => 'abcdefgh'),
        numbers: Array.from({ length: 512 }, (_, index) => index),
        flags: [true, false],
      },
    });

    // Assess
    expect(problem).toBeUndefined();
  });

  const cases: [VectorLimit, LimitedRecord, number][] = [
    ['maxIdBytes', { id: 'x'.repeat(129) }, 129],
    ['maxEmbeddingDimensions', { id: 'a', embedding: new Float32Array(4_097) }, 4_097],
    ['maxDocumentBytes', { id: 'a', document: 'é'.repeat(8_193) }, 16_386],
    ['maxMetadataKeyBytes', { id: 'a', metadata: { ['ü'.repeat(19)]: 1 } }, 38],
    ['maxMetadataValueBytes', { id: 'a', metadata: { text: 'v'.repeat(4_097) } }, 4_097],
    [
      'maxMetadataValueBytes',
      { id: 'a', metadata: { words: Array.from({ length: 513 }, () => 'abcdefgh') } },
      4_104,
    ],
    [
      'maxMetadataValueBytes',
      { id: 'a', metadata: { numbers: Array.from({ length: 513 }, (_, index) => index) } },
      4_104,
    ],
  ];

  it.each(cases)('reports %s with the size it found', (limit, record, actual) => {
    // Act
    const problem = recordLimitProblem(CHROMA_CLOUD_LIMITS, record);

    // Assess
    expect(problem).toMatchObject({ limit, actual, allowed: CHROMA_CLOUD_LIMITS[limit] });
    expect(problem?.message).toContain(`record "${record.id}"`);
    expect(problem?.message).toContain(`is ${actual}, over the limit of`);
  });

  it('counts the keys a patch leaves on the stored record, not the keys it sends', () => {
    // Prepare
    const stored = Object.fromEntries(Array.from({ length: 31 }, (_, index) => [`k${index}`, 1]));
    const limits = { maxMetadataKeys: 32 };

    // Act
    const fits = recordLimitProblem(limits, { id: 'a', metadata: { k0: 2, extra: 1 }, stored });
    const removesOne = recordLimitProblem(limits, {
      id: 'a',
      metadata: { k0: null, extra: 1, more: 1 },
      stored,
    });
    const over = recordLimitProblem(limits, { id: 'a', metadata: { a: 1, b: 1 }, stored });
    const unknownStored = recordLimitProblem(limits, { id: 'a', metadata: { a: 1, b: 1 } });

    // Assess
    expect(fits).toBeUndefined();
    expect(removesOne).toBeUndefined();
    expect(over).toMatchObject({ limit: 'maxMetadataKeys', actual: 33, allowed: 32 });
    expect(unknownStored).toBeUndefined();
  });

  it('checks nothing a deployment does not limit', () => {
    // Act
    const problem = recordLimitProblem(
      { maxMetadataKeyBytes: 36 },
      {
        id: 'x'.repeat(1_000),
        document: 'd'.repeat(100_000),
        metadata: { ok: 'v'.repeat(10_000) },
      },
    );

    // Assess
    expect(problem).toBeUndefined();
  });
});

describe('Class: VectorLimitError', () => {
  it('names the collection, record and limit, for logs and for the message outcome', () => {
    // Prepare
    const problem = recordLimitProblem(CHROMA_CLOUD_LIMITS, {
      id: 'r1',
      metadata: { ['k'.repeat(40)]: 1 },
    });

    // Act
    const error = new VectorLimitError('words', 'r1', problem ?? expect.fail('no problem found'));

    // Assess
    expect(error.message).toBe(
      `Collection "words" cannot store record "r1": metadata key "${'k'.repeat(40)}" in UTF-8 bytes is 40, over the limit of 36 (maxMetadataKeyBytes)`,
    );
    expect(error).toMatchObject({ recordId: 'r1', limit: 'maxMetadataKeyBytes', actual: 40 });
    expect(error.context).toMatchObject({ collection: 'words', limit: 'maxMetadataKeyBytes' });
  });
});
