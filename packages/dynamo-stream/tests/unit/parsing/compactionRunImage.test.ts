import { describe, expect, it } from 'vitest';
import { EntityValidationError } from '../../../src/errors.js';
import {
  isCompactionRun,
  isEmbeddingsCompleted,
  parseCompactionRun,
} from '../../../src/parsing/compactionRunImage.js';
import { IMAGE_ID, RUN_ID, runItem } from '../../helpers/factories.js';

const PK = `IMAGE#${IMAGE_ID}`;

describe('Function: isCompactionRun', () => {
  it.each([
    [PK, 'RECEIPT#00001#COMPACTION_RUN#abc', true],
    [PK, 'ANYTHING#COMPACTION_RUN#x', true],
    ['LOCK#lines', 'RECEIPT#00001#COMPACTION_RUN#abc', false],
    [PK, 'RECEIPT#00001#COMPACTION_RUN', false],
    [PK, 'RECEIPT#00001#PLACE', false],
  ])('(%s, %s) is %s', (pk, sk, expected) => {
    // Act & Assess
    expect(isCompactionRun(pk, sk)).toBe(expected);
  });
});

describe('Function: parseCompactionRun', () => {
  it('reads ids from the keys and prefixes from the image', () => {
    // Prepare
    const image = runItem({ receiptId: 42 });

    // Act
    const run = parseCompactionRun(image, PK, `RECEIPT#00042#COMPACTION_RUN#${RUN_ID}`);

    // Assess
    expect(run).toEqual({
      run_id: RUN_ID,
      image_id: IMAGE_ID,
      receipt_id: 42,
      lines_delta_prefix: `lines/delta/${RUN_ID}/`,
      words_delta_prefix: `words/delta/${RUN_ID}/`,
    });
  });

  it('takes run_id from the last SK segment when the attribute is missing or NULL', () => {
    // Act
    const missing = parseCompactionRun({}, PK, 'RECEIPT#00042#COMPACTION_RUN#run-abc');
    const nulled = parseCompactionRun(
      { run_id: { NULL: true } },
      PK,
      'RECEIPT#00042#COMPACTION_RUN#run-abc',
    );

    // Assess
    expect(missing.run_id).toBe('run-abc');
    expect(nulled.run_id).toBe('run-abc');
    expect(missing.lines_delta_prefix).toBeNull();
  });

  it('keeps everything after the first # of the PK as the image id', () => {
    // Act & Assess
    expect(parseCompactionRun({}, 'IMAGE#abc#def', 'RECEIPT#00001#COMPACTION_RUN#r').image_id).toBe(
      'abc#def',
    );
  });

  it('falls back to the receipt_id attribute when the SK segment is not a number', () => {
    // Act & Assess
    expect(
      parseCompactionRun({ receipt_id: { N: '99' } }, PK, 'RECEIPT#INVALID#COMPACTION_RUN#run-abc')
        .receipt_id,
    ).toBe(99);
    expect(
      parseCompactionRun({ receipt_id: { N: '5' } }, PK, 'ANYTHING#COMPACTION_RUN#test'),
    ).toMatchObject({
      run_id: 'test',
      receipt_id: 5,
    });
  });

  it('falls back to the attribute for an empty receipt segment instead of yielding 0 (fix)', () => {
    // Act & Assess
    expect(parseCompactionRun({ receipt_id: { N: '7' } }, PK, '#COMPACTION_RUN#r').receipt_id).toBe(
      7,
    );
    expect(() => parseCompactionRun({}, PK, '#COMPACTION_RUN#r')).toThrow(EntityValidationError);
  });

  it.each([
    ['RECEIPT#INVALID#COMPACTION_RUN#run-abc', {}, /Could not parse receipt_id/],
    ['RECEIPT#-0001#COMPACTION_RUN#r', {}, /receipt_id must be positive/],
    ['RECEIPT#00000#COMPACTION_RUN#r', {}, /receipt_id must be positive/],
    ['RECEIPT#00001#COMPACTION_RUN#', {}, /no run_id/],
  ])('rejects %s', (sk, image, message) => {
    // Act & Assess
    expect(() => parseCompactionRun(image, PK, sk)).toThrow(message);
  });

  it('requires both keys', () => {
    // Act & Assess
    expect(() => parseCompactionRun({}, '', 'RECEIPT#1#COMPACTION_RUN#r')).toThrow(
      'PK and SK are required to parse compaction run',
    );
    expect(() => parseCompactionRun({}, PK, '')).toThrow(EntityValidationError);
  });
});

describe('Function: isEmbeddingsCompleted', () => {
  const done = { S: '2026-01-04T12:00:00' };

  it.each([
    [
      'both states COMPLETED',
      { lines_state: { S: 'COMPLETED' }, words_state: { S: 'COMPLETED' } },
      true,
    ],
    ['both finished timestamps', { lines_finished_at: done, words_finished_at: done }, true],
    [
      'lower-case state',
      { lines_state: { S: 'completed' }, words_state: { S: 'COMPLETED' } },
      false,
    ],
    [
      'one state, one timestamp',
      { lines_state: { S: 'COMPLETED' }, words_finished_at: done },
      false,
    ],
    ['NULL timestamp', { lines_finished_at: { NULL: true }, words_finished_at: done }, false],
    ['N timestamp', { lines_finished_at: { N: '1' }, words_finished_at: done }, false],
    [
      'empty string timestamp (fix)',
      { lines_finished_at: { S: '' }, words_finished_at: done },
      false,
    ],
    ['empty image', {}, false],
  ])('%s → %s', (_name, image, expected) => {
    // Act & Assess
    expect(isEmbeddingsCompleted(image)).toBe(expected);
  });

  it('is false without an image', () => {
    // Act & Assess
    expect(isEmbeddingsCompleted(undefined)).toBe(false);
    expect(isEmbeddingsCompleted(null)).toBe(false);
  });
});
