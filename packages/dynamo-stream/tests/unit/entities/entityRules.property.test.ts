import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COMPACTION_LOCK_RULES,
  CompactionLockItemSchema,
} from '../../../src/entities/compactionLock.js';
import {
  COMPACTION_RUN_RULES,
  CompactionRunItemSchema,
} from '../../../src/entities/compactionRun.js';
import type { EntityRules } from '../../../src/entities/entityParts.js';
import { RECEIPT_RULES, ReceiptItemSchema } from '../../../src/entities/receipt.js';
import { RECEIPT_LINE_RULES, ReceiptLineItemSchema } from '../../../src/entities/receiptLine.js';
import {
  RECEIPT_METADATA_RULES,
  ReceiptMetadataItemSchema,
} from '../../../src/entities/receiptMetadata.js';
import { RECEIPT_PLACE_RULES, ReceiptPlaceItemSchema } from '../../../src/entities/receiptPlace.js';
import {
  RECEIPT_SECTION_RULES,
  ReceiptSectionItemSchema,
} from '../../../src/entities/receiptSection.js';
import {
  RECEIPT_SUMMARY_RECORD_RULES,
  ReceiptSummaryRecordItemSchema,
} from '../../../src/entities/receiptSummaryRecord.js';
import { RECEIPT_WORD_RULES, ReceiptWordItemSchema } from '../../../src/entities/receiptWord.js';
import {
  RECEIPT_WORD_LABEL_RULES,
  ReceiptWordLabelItemSchema,
} from '../../../src/entities/receiptWordLabel.js';
import {
  legacyReceiptSectionItem,
  receiptItem,
  receiptLineItem,
  receiptSectionItem,
  receiptWordItem,
  receiptWordLabelItem,
} from '../../helpers/entityItemsA.js';
import {
  lockItem,
  metadataItem,
  placeItem,
  runItem,
  seedPlaceItem,
  summaryItem,
} from '../../helpers/entityItemsB.js';

/**
 * Every entity validates in two ways: a plain-code fast path (`accept`) for valid entities,
 * and the zod rules, which decide everything else and report the messages. The fast path
 * must never accept what the rules reject, and must return exactly what they return (same
 * values, same key order).
 */

type AnyRules = EntityRules<unknown>;

/** The valid entities each rule set starts from, parsed from the hand-written items. */
const seeds = (): [string, AnyRules, Record<string, unknown>[]][] =>
  [
    ['Receipt', RECEIPT_RULES as AnyRules, [ReceiptItemSchema.parse(receiptItem())]],
    [
      'ReceiptLine',
      RECEIPT_LINE_RULES as AnyRules,
      [ReceiptLineItemSchema.parse(receiptLineItem())],
    ],
    [
      'ReceiptWord',
      RECEIPT_WORD_RULES as AnyRules,
      [ReceiptWordItemSchema.parse(receiptWordItem())],
    ],
    [
      'ReceiptWordLabel',
      RECEIPT_WORD_LABEL_RULES as AnyRules,
      [ReceiptWordLabelItemSchema.parse(receiptWordLabelItem())],
    ],
    [
      'ReceiptSection',
      RECEIPT_SECTION_RULES as AnyRules,
      [
        ReceiptSectionItemSchema.parse(receiptSectionItem()),
        ReceiptSectionItemSchema.parse(legacyReceiptSectionItem()),
      ],
    ],
    [
      'ReceiptPlace',
      RECEIPT_PLACE_RULES as AnyRules,
      [ReceiptPlaceItemSchema.parse(placeItem()), ReceiptPlaceItemSchema.parse(seedPlaceItem())],
    ],
    [
      'ReceiptMetadata',
      RECEIPT_METADATA_RULES as AnyRules,
      [ReceiptMetadataItemSchema.parse(metadataItem())],
    ],
    [
      'ReceiptSummaryRecord',
      RECEIPT_SUMMARY_RECORD_RULES as AnyRules,
      [ReceiptSummaryRecordItemSchema.parse(summaryItem())],
    ],
    ['CompactionRun', COMPACTION_RUN_RULES as AnyRules, [CompactionRunItemSchema.parse(runItem())]],
    [
      'CompactionLock',
      COMPACTION_LOCK_RULES as AnyRules,
      [CompactionLockItemSchema.parse(lockItem())],
    ],
  ].map(([name, rules, entities]) => [
    name as string,
    rules as AnyRules,
    (entities as unknown[]).map((entity) => entity as Record<string, unknown>),
  ]);

/** Values that sit on and around the rules' boundaries. */
const edgeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'x',
    'VALID',
    'valid',
    'ITEMS',
    'items',
    'AGREED',
    'agreed',
    'SUCCESS',
    'PENDING',
    'PHONE_LOOKUP',
    'card',
    'apple',
    'words',
    '1234',
    '!!',
    '2025-01-15T10:30:00.123456+00:00',
    '2025-02-30',
    '2025-01-15T25:00',
    '3f52804b-2fad-4e00-92c8-b593da3a8ed3',
    '3f52804b-2fad-1e00-92c8-b593da3a8ed3',
    0,
    -0,
    1,
    -1,
    0.5,
    1.5,
    91,
    -181,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2 ** 53,
    true,
    false,
    null,
    undefined,
    [],
    [0],
    [1, 1],
    [-1],
    [1.5],
    ['a'],
    ['a', 'a'],
    [' '],
    {},
    { x: 1, y: 2 },
    { x: 1 },
    { x: 1, y: 2, z: 3 },
    { x: '1', y: 2 },
    { x: 1, y: 2, width: 3, height: 4 },
    { a: 'b' },
    { a: 1 },
  ),
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.array(fc.integer({ min: -2, max: 5 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.string(), fc.integer()), {
    maxKeys: 3,
  }),
);

/** Deep-equal and with the same key order everywhere. */
const sameResult = (actual: unknown, expected: unknown): void => {
  expect(actual).toStrictEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
};

describe('Property: entity fast paths', () => {
  for (const [name, rules, entities] of seeds()) {
    it(`${name}: accepts the valid entities, as the rules return them`, () => {
      for (const entity of entities) {
        // Act
        const accepted = rules.accept(structuredClone(entity));
        const result = rules.schema().safeParse(structuredClone(entity));

        // Assess
        expect(result.success).toBe(true);
        sameResult(accepted, result.data);
      }
    });

    it(`${name}: never accepts what the rules reject, and returns what they return`, () => {
      const fields = [...new Set(entities.flatMap((entity) => Object.keys(entity)))];
      fc.assert(
        fc.property(
          fc.nat({ max: entities.length - 1 }),
          fc.array(
            fc.tuple(
              fc.constantFrom(...fields, 'extra'),
              fc.oneof(edgeValue, fc.constant('delete')),
            ),
            { maxLength: 3 },
          ),
          (index, changes) => {
            // Prepare
            const candidate = structuredClone(entities[index] ?? {});
            for (const [field, value] of changes) {
              if (value === 'delete') delete candidate[field];
              else candidate[field] = value;
            }

            // Act
            const accepted = rules.accept(structuredClone(candidate));
            const result = rules.schema().safeParse(structuredClone(candidate));

            // Assess
            if (accepted !== undefined) {
              expect(result.success).toBe(true);
              sameResult(accepted, result.data);
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  }
});
