import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildReceiptSortKey,
  COMPACTION_RUN_SORT_KEY,
  LABEL_SORT_KEY,
  LINE_SORT_KEY,
  matchesReceiptSortKey,
  RECEIPT_SORT_KEY,
  type ReceiptKeyLayout,
  SECTION_SORT_KEY,
  splitReceiptSortKey,
  WORD_SORT_KEY,
} from '../../../src/keys/receiptKeys.js';

describe('Function: buildReceiptSortKey', () => {
  it.each([
    [RECEIPT_SORT_KEY, { receipt_id: 1 }, 'RECEIPT#00001'],
    [LINE_SORT_KEY, { receipt_id: 1, line_id: 0 }, 'RECEIPT#00001#LINE#00000'],
    [
      WORD_SORT_KEY,
      { receipt_id: 2, line_id: 3, word_id: 123456 },
      'RECEIPT#00002#LINE#00003#WORD#123456',
    ],
    [
      LABEL_SORT_KEY,
      { receipt_id: 1, line_id: 2, word_id: 3, label: 'GRAND_TOTAL' },
      'RECEIPT#00001#LINE#00002#WORD#00003#LABEL#GRAND_TOTAL',
    ],
    [SECTION_SORT_KEY, { receipt_id: 7, section_type: 'ITEMS' }, 'RECEIPT#00007#SECTION#ITEMS'],
    [
      COMPACTION_RUN_SORT_KEY,
      { receipt_id: 1, run_id: 'run-1' },
      'RECEIPT#00001#COMPACTION_RUN#run-1',
    ],
  ])('builds %j from the ids as Python writes them', (layout, values, expected) => {
    // Act
    const sk = buildReceiptSortKey(layout, values);

    // Assess
    expect(sk).toBe(expected);
    expect(matchesReceiptSortKey(layout, sk)).toBe(true);
  });
});

describe('Function: matchesReceiptSortKey', () => {
  /** What the word and line layouts accept, as the regular expressions they replace. */
  const WORD = /^RECEIPT#[^#]*#LINE#[^#]*#WORD#[^#]*$/;
  const LINE = /^RECEIPT#[^#]*#LINE#[^#]*$/;
  const RECEIPT = /^RECEIPT#[^#]*$/;
  const keys = [
    'RECEIPT#00001',
    'RECEIPT#',
    'RECEIPT',
    'RECEIPTS#00001',
    'RECEIPT#00001#LINE#00002',
    'RECEIPT#00001#LINE#',
    'RECEIPT##LINE#00002',
    'RECEIPT#00001#LINES#00002',
    'RECEIPT#00001#LINE#00002#WORD#00003',
    'RECEIPT#00001#LINE#00002#WORD#00003#LETTER#00001',
    'RECEIPT#00001#LINE#00002#WORD#00003#LABEL#TOTAL',
    'RECEIPT#00001#LINE#00002#WORD#',
    'RECEIPT#00001#LINE#00002#WORDS#00003',
    'RECEIPT#00001#LINE#00002#SPATIAL_ANALYSIS',
    'RECEIPT#00001#SECTION#ITEMS',
    'RECEIPT#00001#PLACE',
    'IMAGE#00001',
    '',
  ];

  it.each(keys)('agrees with the exact-shape patterns on %j', (sk) => {
    // Act
    const matches = [WORD_SORT_KEY, LINE_SORT_KEY, RECEIPT_SORT_KEY].map((layout) =>
      matchesReceiptSortKey(layout, sk),
    );

    // Assess
    expect(matches).toEqual([WORD.test(sk), LINE.test(sk), RECEIPT.test(sk)]);
  });

  it.each([
    ['RECEIPT#00001#LINE#00002#WORD#00003#LABEL#TOTAL', true],
    ['RECEIPT#00001#LINE#00002#WORD#00003#LABEL#', true],
    ['RECEIPT#00001#LINE#00002#WORD#00003#LABEL#TOTAL#X', false],
    ['RECEIPT#00001#LINE#00002#WORD#00003', false],
    ['RECEIPT#00001#LINE#00002#WORD#00003#LABELS#TOTAL', false],
  ])('reads a label key %j with its name: %s', (sk, expected) => {
    // Act
    const matches = matchesReceiptSortKey(LABEL_SORT_KEY, sk);

    // Assess
    expect(matches).toBe(expected);
  });

  it.each([
    ['RECEIPT#00001#SECTION#ITEMS', true],
    ['RECEIPT#00001#SECTION#ITEMS#MORE', true],
    ['RECEIPT#00001#SECTIONS#ITEMS', false],
  ])('reads a section key %j, which may go on: %s', (sk, expected) => {
    // Act
    const matches = matchesReceiptSortKey(SECTION_SORT_KEY, sk);

    // Assess
    expect(matches).toBe(expected);
  });
});

describe('Property: matchesReceiptSortKey agrees with splitReceiptSortKey', () => {
  const summary: ReceiptKeyLayout = {
    entity: 'Summary',
    segments: ['RECEIPT'],
    ids: ['receipt_id'],
    last: 'SUMMARY',
    exact: true,
  };
  const layouts: readonly ReceiptKeyLayout[] = [
    RECEIPT_SORT_KEY,
    LINE_SORT_KEY,
    WORD_SORT_KEY,
    LABEL_SORT_KEY,
    SECTION_SORT_KEY,
    COMPACTION_RUN_SORT_KEY,
    summary,
    ...[RECEIPT_SORT_KEY, LINE_SORT_KEY, LABEL_SORT_KEY, summary].map((layout) => ({
      ...layout,
      exact: false,
    })),
    { ...SECTION_SORT_KEY, exact: true },
  ];
  const token = fc.constantFrom(
    'RECEIPT',
    'LINE',
    'WORD',
    'LABEL',
    'SECTION',
    'SUMMARY',
    'SUMMARYX',
    'COMPACTION_RUN',
    '00001',
    '',
    'X',
  );

  it('matches exactly the keys the parser can split by the layout', () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 9 }), (tokens) => {
        // Prepare
        const sk = tokens.join('#');

        // Act, Assess
        for (const layout of layouts) {
          const split = splitReceiptSortKey(sk, layout) !== undefined;
          expect([layout, sk, matchesReceiptSortKey(layout, sk)]).toEqual([layout, sk, split]);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
