import { describe, expect, it } from 'vitest';
import {
  sortAndDeduplicateMessages,
  timestampSortKey,
} from '../../../src/compaction/sortAndDeduplicateMessages.js';
import type { CollectionUpdateInput } from '../../../src/compaction/types.js';
import type { Logger } from '../../../src/ports/observability.js';
import {
  at,
  deltaInput,
  labelInput,
  placeInput,
  removalInput,
  sectionInput,
} from '../../helpers/factories.js';

const IMAGE = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const WORD = { image_id: IMAGE, receipt_id: 1, line_id: 2, word_id: 3 };

const ids = (items: readonly CollectionUpdateInput[]): string[] =>
  items.map(({ recordId }) => recordId);

describe('Function: sortAndDeduplicateMessages', () => {
  it('puts removals first, then orders by timestamp, keeping the input order on ties', () => {
    // Prepare
    const inputs = [
      placeInput('late', IMAGE, 1, 'MODIFY', {}, { timestamp: at(9) }),
      sectionInput('tie-a', IMAGE, 2, 'HEADER', { timestamp: at(5) }),
      removalInput(
        'remove',
        'RECEIPT_WORD',
        { image_id: IMAGE, receipt_id: 3, line_id: 1, word_id: 1 },
        { timestamp: at(7) },
      ),
      sectionInput('tie-b', IMAGE, 2, 'FOOTER', { timestamp: at(5) }),
      placeInput('early', IMAGE, 4, 'MODIFY', {}, { timestamp: at(1) }),
    ];

    // Act
    const { kept, dropped } = sortAndDeduplicateMessages(inputs);

    // Assess
    expect(ids(kept)).toEqual(['remove', 'early', 'tie-a', 'tie-b', 'late']);
    expect(dropped).toEqual([]);
  });

  it('drops a change that happened before the removal of its entity', () => {
    // Prepare
    const before = placeInput('place', IMAGE, 1, 'MODIFY', {}, { timestamp: at(1) });
    const removal = removalInput(
      'receipt',
      'RECEIPT',
      { image_id: IMAGE, receipt_id: 1 },
      { timestamp: at(2) },
    );

    // Act
    const { kept, dropped } = sortAndDeduplicateMessages([before, removal]);

    // Assess
    expect(ids(kept)).toEqual(['receipt']);
    expect(dropped).toEqual([{ item: before, supersededBy: removal }]);
  });

  it('keeps a re-creation that happened after the removal, ordered after it', () => {
    // Prepare
    const removal = placeInput('removed', IMAGE, 1, 'REMOVE', {}, { timestamp: at(1) });
    const recreated = placeInput('recreated', IMAGE, 1, 'MODIFY', {}, { timestamp: at(2) });

    // Act
    const { kept, dropped } = sortAndDeduplicateMessages([recreated, removal]);

    // Assess
    expect(ids(kept)).toEqual(['removed', 'recreated']);
    expect(dropped).toEqual([]);
  });

  it('keeps a change of another label of the same word when one label is removed', () => {
    // Prepare
    const otherLabel = labelInput('total', { ...WORD, label: 'TOTAL' }, 'MODIFY', {
      timestamp: at(1),
    });
    const removal = labelInput('tax', { ...WORD, label: 'TAX' }, 'REMOVE', { timestamp: at(2) });
    const sameLabel = labelInput('tax-modify', { ...WORD, label: 'TAX' }, 'MODIFY', {
      timestamp: at(1),
    });

    // Act
    const { kept, dropped } = sortAndDeduplicateMessages([otherLabel, removal, sameLabel]);

    // Assess
    expect(ids(kept)).toEqual(['tax', 'total']);
    expect(ids(dropped.map(({ item }) => item))).toEqual(['tax-modify']);
  });

  it('drops the label changes of a word removed later in the batch', () => {
    // Prepare
    const label = labelInput('label', { ...WORD, label: 'TOTAL' }, 'MODIFY', { timestamp: at(1) });
    const removal = removalInput(
      'word',
      'RECEIPT_WORD',
      { image_id: IMAGE, receipt_id: 1, line_id: 2, word_id: 3 },
      { timestamp: at(2) },
    );

    // Act
    const { kept, dropped } = sortAndDeduplicateMessages([label, removal]);

    // Assess
    expect(ids(kept)).toEqual(['word']);
    expect(dropped).toEqual([{ item: label, supersededBy: removal }]);
  });

  it('drops a change when either timestamp is unknown, as the Python ordering did', () => {
    // Prepare
    const noTime = placeInput('no-time', IMAGE, 1, 'MODIFY', {}, { timestamp: null });
    const removal = placeInput('remove', IMAGE, 1, 'REMOVE', {}, { timestamp: at(1) });
    const later = placeInput('later', IMAGE, 2, 'MODIFY', {}, { timestamp: at(3) });
    const untimedRemoval = placeInput('remove-2', IMAGE, 2, 'REMOVE', {}, { timestamp: null });

    // Act
    const { kept, dropped } = sortAndDeduplicateMessages([noTime, removal, later, untimedRemoval]);

    // Assess
    expect(ids(kept)).toEqual(['remove-2', 'remove']);
    expect(ids(dropped.map(({ item }) => item))).toEqual(['no-time', 'later']);
  });

  it('drops a change made at the same instant as the removal', () => {
    // Prepare
    const change = placeInput('change', IMAGE, 1, 'MODIFY', {}, { timestamp: at(1) });
    const removal = placeInput('remove', IMAGE, 1, 'REMOVE', {}, { timestamp: at(1) });

    // Act
    const { dropped } = sortAndDeduplicateMessages([change, removal]);

    // Assess
    expect(ids(dropped.map(({ item }) => item))).toEqual(['change']);
  });

  it('never matches messages on a key with a missing id', () => {
    // Prepare
    const { word_id: _wordId, ...withoutWord } = labelInput(
      'x',
      { ...WORD, label: 'TOTAL' },
      'MODIFY',
    ).message.entityData;
    const label = {
      ...labelInput('label', { ...WORD, label: 'TOTAL' }, 'MODIFY', { timestamp: at(1) }),
    };
    const broken = { ...label, message: { ...label.message, entityData: withoutWord } };
    const removal = removalInput(
      'word',
      'RECEIPT_WORD',
      { image_id: IMAGE, receipt_id: 1, line_id: 2 },
      { timestamp: at(2) },
    );

    // Act
    const { kept, dropped } = sortAndDeduplicateMessages([broken, removal]);

    // Assess
    expect(ids(kept)).toEqual(['word', 'label']);
    expect(dropped).toEqual([]);
  });

  it('never drops a compaction run because of a removal of its receipt', () => {
    // Prepare
    const run = deltaInput('run', IMAGE, 1, 'run-1', 'words/delta/run-1/', { timestamp: at(1) });
    const removal = removalInput(
      'receipt',
      'RECEIPT',
      { image_id: IMAGE, receipt_id: 1 },
      { timestamp: at(2) },
    );

    // Act
    const { kept } = sortAndDeduplicateMessages([run, removal]);

    // Assess
    expect(ids(kept)).toEqual(['receipt', 'run']);
  });

  it('logs the counts when it drops something', () => {
    // Prepare
    const events: [string, unknown][] = [];
    const logger: Logger = {
      debug: () => {},
      info: (message, extra) => events.push([message, extra]),
      warn: () => {},
      error: () => {},
    };
    const change = placeInput('change', IMAGE, 1, 'MODIFY', {}, { timestamp: at(1) });
    const removal = placeInput('remove', IMAGE, 1, 'REMOVE', {}, { timestamp: at(2) });

    // Act
    sortAndDeduplicateMessages([change, removal], { logger });

    // Assess
    expect(events).toEqual([['Within-batch deduplication', { total: 2, kept: 1, dropped: 1 }]]);
  });
});

describe('Function: timestampSortKey', () => {
  it('orders Python timestamps with and without microseconds and JS Z timestamps by time', () => {
    // Prepare
    const timestamps = [
      '2026-01-04T12:00:01.000001+00:00',
      '2026-01-04T12:00:01+00:00',
      '2026-01-04T12:00:00.999Z',
      '2026-01-04T12:00:01.5+00:00',
    ];

    // Act
    const sorted = [...timestamps].sort((left, right) =>
      timestampSortKey(left) < timestampSortKey(right) ? -1 : 1,
    );

    // Assess
    expect(sorted).toEqual([
      '2026-01-04T12:00:00.999Z',
      '2026-01-04T12:00:01+00:00',
      '2026-01-04T12:00:01.000001+00:00',
      '2026-01-04T12:00:01.5+00:00',
    ]);
    expect(timestampSortKey(null)).toBe('');
    expect(timestampSortKey('not a time')).toBe('not a time');
  });
});
