import type { ReceiptWordLabel } from '@receipt-chroma/dynamo-stream';
import { describe, expect, it } from 'vitest';
import {
  deriveWordLabelState,
  reconstructLabelMetadata,
} from '../../../src/operations/labelMetadata.js';

/** A label built directly (no schema), so unnormalised names can be tested. */
const label = (
  name: string,
  status: ReceiptWordLabel['validation_status'],
  timestamp = '2026-01-01T00:00:00+00:00',
  proposedBy: string | null = null,
): ReceiptWordLabel => ({
  image_id: '3f52804b-2fad-4e00-92c8-b593da3a8ed3',
  receipt_id: 1,
  line_id: 1,
  word_id: 1,
  label: name,
  reasoning: null,
  timestamp_added: timestamp,
  validation_status: status,
  label_proposed_by: proposedBy,
  label_consolidated_from: null,
});

describe('Function: reconstructLabelMetadata', () => {
  it('writes every key, with null where the source is missing', () => {
    // Act
    const patch = reconstructLabelMetadata([label('TOTAL', 'VALID', '2026-01-02T00:00:00+00:00')]);

    // Assess
    expect(patch).toEqual({
      label_status: 'validated',
      label_confidence: null,
      label_proposed_by: null,
      label_validated_at: '2026-01-02T00:00:00+00:00',
      valid_labels_array: ['TOTAL'],
      invalid_labels_array: null,
    });
  });

  it('gives null for every field of a word without labels', () => {
    // Act
    const patch = reconstructLabelMetadata([]);

    // Assess
    expect(Object.values(patch)).toEqual([null, null, null, null, null, null]);
    expect(Object.keys(patch)).toHaveLength(6);
  });

  it('sorts, trims, upper-cases and de-duplicates label names', () => {
    // Act
    const patch = reconstructLabelMetadata([
      label('tax ', 'INVALID'),
      label('TOTAL', 'VALID'),
      label(' date', 'VALID'),
      label('TAX', 'INVALID'),
    ]);

    // Assess
    expect(patch['valid_labels_array']).toEqual(['DATE', 'TOTAL']);
    expect(patch['invalid_labels_array']).toEqual(['TAX']);
  });

  it('never puts a name in both sets: VALID wins a conflict', () => {
    // Act
    const patch = reconstructLabelMetadata([label('total', 'INVALID'), label('TOTAL', 'VALID')]);

    // Assess
    expect(patch['valid_labels_array']).toEqual(['TOTAL']);
    expect(patch['invalid_labels_array']).toBeNull();
  });

  it('keeps the sets disjoint for any mix of statuses', () => {
    // Prepare
    const names = ['TOTAL', 'total', 'TAX', ' tax', 'DATE'];
    const statuses = ['VALID', 'INVALID', 'PENDING', 'NONE', 'NEEDS_REVIEW'] as const;
    let seed = 7;
    const next = (bound: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % bound;
    };

    for (let round = 0; round < 200; round += 1) {
      const labels = Array.from({ length: 1 + next(6) }, () =>
        label(names[next(names.length)] as string, statuses[next(statuses.length)] ?? 'NONE'),
      );

      // Act
      const state = deriveWordLabelState(labels);

      // Assess
      expect(state.valid.filter((name) => state.invalid.includes(name))).toEqual([]);
    }
  });

  it('takes the proposer of the newest pending label and the time of the newest valid one', () => {
    // Act
    const patch = reconstructLabelMetadata([
      label('DATE', 'PENDING', '2026-01-03T00:00:00+00:00', 'newer'),
      label('TIME', 'PENDING', '2026-01-01T00:00:00+00:00', 'older'),
      label('TOTAL', 'VALID', '2026-01-04T00:00:00+00:00'),
      label('TAX', 'VALID', '2026-01-02T00:00:00+00:00'),
    ]);

    // Assess
    expect(patch).toMatchObject({
      label_status: 'validated',
      label_proposed_by: 'newer',
      label_validated_at: '2026-01-04T00:00:00+00:00',
    });
  });

  it('derives auto_suggested from PENDING and unvalidated from anything else', () => {
    // Act
    const pending = reconstructLabelMetadata([label('TAX', 'PENDING'), label('TIP', 'INVALID')]);
    const other = reconstructLabelMetadata([label('TAX', 'NONE'), label('TIP', 'NEEDS_REVIEW')]);

    // Assess
    expect(pending['label_status']).toBe('auto_suggested');
    expect(other['label_status']).toBe('unvalidated');
    expect(other['valid_labels_array']).toBeNull();
  });

  it('writes delimited strings, empty when a set is empty', () => {
    // Act
    const patch = reconstructLabelMetadata(
      [label('TOTAL', 'VALID'), label('DATE', 'VALID'), label('TIP', 'PENDING')],
      { labelFormat: 'delimited' },
    );

    // Assess
    expect(patch).toMatchObject({ valid_labels: ',DATE,TOTAL,', invalid_labels: '' });
    expect(patch).not.toHaveProperty('valid_labels_array');
  });
});
