import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod/mini';
import {
  expectedMessageCount,
  generateEvents,
  generateLabelledEvents,
  type LabelledRecord,
  MIX,
  mixCounts,
} from '../../../../../bench/data/generateEvents.mjs';
import { CompactionLockItemSchema } from '../../../src/entities/compactionLock.js';
import { CompactionRunItemSchema } from '../../../src/entities/compactionRun.js';
import { ReceiptItemSchema } from '../../../src/entities/receipt.js';
import { ReceiptLineItemSchema } from '../../../src/entities/receiptLine.js';
import { ReceiptPlaceItemSchema } from '../../../src/entities/receiptPlace.js';
import { ReceiptSectionItemSchema } from '../../../src/entities/receiptSection.js';
import { ReceiptSummaryRecordItemSchema } from '../../../src/entities/receiptSummaryRecord.js';
import { ReceiptWordItemSchema } from '../../../src/entities/receiptWord.js';
import { ReceiptWordLabelItemSchema } from '../../../src/entities/receiptWordLabel.js';
import type { DynamoDBItem } from '../../../src/types.js';

type Image = Record<string, AttributeValue>;

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const str = (image: Image | undefined, name: string): string | undefined => image?.[name]?.S;

/** The `N` text at a path of attribute names through nested maps. */
const num = (image: Image, name: string, ...path: string[]): string | undefined => {
  let value = image[name];
  for (const key of path) value = value?.M?.[key];
  return value?.N;
};

/** Attribute names whose values differ between the old and the new image. */
const changedAttributes = (record: DynamoDBRecord): string[] => {
  const oldImage = record.dynamodb?.OldImage ?? {};
  const newImage = record.dynamodb?.NewImage ?? {};
  const names = new Set([...Object.keys(oldImage), ...Object.keys(newImage)]);
  return [...names]
    .filter((name) => JSON.stringify(oldImage[name]) !== JSON.stringify(newImage[name]))
    .sort();
};

/**
 * Classifies a record from its content alone, by the rules of the spec (§2 layouts, §4
 * detection), so the generator's own labels are checked rather than trusted.
 */
const classify = (record: DynamoDBRecord): string => {
  const pk = str(record.dynamodb?.Keys, 'PK') ?? '';
  const sk = str(record.dynamodb?.Keys, 'SK') ?? '';
  const event = record.eventName;
  const oldImage = record.dynamodb?.OldImage;
  const newImage = record.dynamodb?.NewImage;
  const changed = changedAttributes(record).join(',');
  const parts = sk.split('#');
  if (pk.startsWith('LOCK#')) return 'unrelated-lock';
  if (pk.startsWith('BATCH#')) return 'unrelated-batch';
  if (sk.startsWith('LINE#')) return 'unrelated-image-line';
  if (sk.includes('#LINE_ITEM#')) return 'unrelated-line-item';
  if (sk.includes('#LETTER#') && event === 'INSERT') return 'unrelated-letter';
  if (sk.includes('#LABEL#')) {
    if (event === 'REMOVE') return 'label-remove';
    const moved =
      str(oldImage, 'validation_status') === 'PENDING' &&
      ['VALID', 'INVALID'].includes(str(newImage, 'validation_status') ?? '') &&
      changed.includes('reasoning');
    return event === 'MODIFY' && moved ? 'label-validation' : 'unexpected label';
  }
  if (sk.endsWith('#PLACE') && event === 'MODIFY') {
    if (changed === 'GSI3SK,confidence') return 'unchanged-place-modify';
    const edited = changed.includes('merchant_name') || changed.includes('formatted_address');
    return edited ? 'place-edit' : 'unexpected place';
  }
  if (sk.includes('#COMPACTION_RUN#') && event === 'INSERT') return 'compaction-run-insert';
  if (sk.includes('#SECTION#')) {
    if (event === 'INSERT') return 'section-insert';
    const edited = changed === 'line_ids' || changed === 'validation_status';
    return event === 'MODIFY' && edited ? 'section-modify' : 'unexpected section';
  }
  if (sk.endsWith('#SUMMARY') && event === 'MODIFY' && changed.includes('timestamp_computed')) {
    return 'summary-modify';
  }
  const entity =
    parts.length === 6 && parts[2] === 'LINE' && parts[4] === 'WORD'
      ? 'word'
      : parts.length === 4 && parts[2] === 'LINE'
        ? 'line'
        : parts.length === 2 && parts[0] === 'RECEIPT'
          ? 'receipt'
          : 'unknown';
  if (event === 'INSERT') return `${entity}-insert`;
  if (event === 'REMOVE') return `${entity}-remove`;
  return changed === 'GSI1PK,embedding_status' ? `unchanged-${entity}-modify` : 'unexpected';
};

describe('Function: generateEvents', () => {
  let labelled: LabelledRecord[];

  beforeAll(() => {
    labelled = generateLabelledEvents({ count: 10_000, seed: 42 });
  });

  it('documents a mix whose shares add up to the whole', () => {
    // Act
    const total = MIX.reduce((sum, entry) => sum + entry.share, 0);

    // Assess
    expect(total).toBeCloseTo(1, 12);
    expect(new Set(MIX.map((entry) => entry.kind)).size).toBe(MIX.length);
  });

  it('yields exactly the documented share of each kind, and every record is what its kind says', () => {
    // Act
    const byLabel = new Map<string, number>();
    const byContent = new Map<string, number>();
    for (const { kind, record } of labelled) {
      byLabel.set(kind, (byLabel.get(kind) ?? 0) + 1);
      byContent.set(classify(record), (byContent.get(classify(record)) ?? 0) + 1);
    }

    // Assess
    const expected = new Map(MIX.map((entry) => [entry.kind, Math.round(entry.share * 10_000)]));
    expect(byLabel).toEqual(expected);
    expect(byContent).toEqual(expected);
  });

  it('allocates any count exactly, by largest remainder', () => {
    // Act
    const counts = mixCounts(7);

    // Assess: 7 × 30 % = 2.1 label validations, and the 7 units go to the largest shares
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(7);
    expect(counts.get('label-validation')).toBe(2);
    expect(generateEvents({ count: 7 })).toHaveLength(7);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    // Act
    const first = generateEvents({ count: 300, seed: 7 });
    const second = generateEvents({ count: 300, seed: 7 });
    const other = generateEvents({ count: 300, seed: 8 });

    // Assess
    expect(second).toEqual(first);
    expect(other).not.toEqual(first);
    expect(generateEvents({ count: 300 })).toEqual(generateEvents({ count: 300, seed: 42 }));
  });

  it('expects 68 % of the records to yield a message (compaction runs yield two)', () => {
    // Act
    const messages = expectedMessageCount(labelled);

    // Assess: 30 + 8 + 6 + 3 + 1 + 5 + 2 × 3 + 2 + 3 + 4 = 68 per 100 records (spec §8.5)
    expect(messages).toBe(6_800);
  });

  it('builds Lambda stream records with NEW_AND_OLD_IMAGES and the images each event carries', () => {
    // Act
    const records = labelled.map((entry) => entry.record);
    const sequenceNumbers = records.map((record) => BigInt(record.dynamodb?.SequenceNumber ?? 0));

    // Assess
    expect(new Set(records.map((record) => record.eventID)).size).toBe(records.length);
    for (let i = 1; i < sequenceNumbers.length; i += 1) {
      expect(sequenceNumbers[i]).toBeGreaterThan(sequenceNumbers[i - 1] ?? 0n);
    }
    for (const record of records) {
      const { Keys, NewImage, OldImage, StreamViewType, SizeBytes } = record.dynamodb ?? {};
      expect(record.eventID).toMatch(/^[0-9a-f]{32}$/);
      expect(record.eventSource).toBe('aws:dynamodb');
      expect(StreamViewType).toBe('NEW_AND_OLD_IMAGES');
      expect(SizeBytes).toBeGreaterThan(0);
      expect(NewImage !== undefined).toBe(record.eventName !== 'REMOVE');
      expect(OldImage !== undefined).toBe(record.eventName !== 'INSERT');
      const { PK, SK } = NewImage ?? OldImage ?? {};
      expect(Keys).toEqual({ PK, SK });
    }
  });

  it('lays keys and numbers out as the Python writers do', () => {
    // Prepare
    const images = labelled.flatMap(({ record }) =>
      [record.dynamodb?.NewImage, record.dynamodb?.OldImage].filter(
        (image): image is Image => image !== undefined,
      ),
    );
    const words = images.filter((image) => str(image, 'TYPE') === 'RECEIPT_WORD');
    const labels = images.filter((image) => str(image, 'TYPE') === 'RECEIPT_WORD_LABEL');
    const places = images.filter((image) => str(image, 'TYPE') === 'RECEIPT_PLACE');

    // Assess: UUIDv4 image ids and 5-digit ids in every IMAGE# partition (§1.2, §1.3)
    for (const image of images) {
      const pk = str(image, 'PK') ?? '';
      if (!pk.startsWith('IMAGE#')) continue;
      expect(pk.slice('IMAGE#'.length)).toMatch(UUID_V4);
      const sk = str(image, 'SK') ?? '';
      for (const id of sk.matchAll(/(?:RECEIPT|LINE|WORD|LETTER|LINE_ITEM)#([^#]+)/g)) {
        expect(id[1]).toMatch(/^\d{5}$/);
      }
    }
    // §1.6: 20 decimals for boxes and corners, 18 for angles, 2 for confidence
    for (const image of words) {
      expect(num(image, 'bounding_box', 'width')).toMatch(/^\d\.\d{20}$/);
      expect(num(image, 'top_left', 'x')).toMatch(/^\d\.\d{20}$/);
      expect(num(image, 'angle_radians')).toMatch(/^-?\d\.\d{18}$/);
      expect(num(image, 'confidence')).toMatch(/^(0\.(?!00)\d\d|1\.00)$/);
      expect(str(image, 'GSI1PK')).toBe(`EMBEDDING_STATUS#${str(image, 'embedding_status')}`);
    }
    // §2.4: the label GSI1PK is padded with '_' to 40 characters
    for (const image of labels) {
      const label = (str(image, 'SK') ?? '').split('#')[7];
      expect(str(image, 'GSI1PK')).toBe(`LABEL#${label}`.padEnd(40, '_'));
      expect(image).not.toHaveProperty('label');
    }
    // §2.5: place confidence as str(float), GSI3SK with 4 decimals, GSI4SK 1_PLACE
    for (const image of places) {
      const confidence = Number(num(image, 'confidence'));
      expect(num(image, 'confidence')).toBe(String(confidence));
      expect(str(image, 'GSI3SK')).toMatch(
        new RegExp(`^CONFIDENCE#${confidence.toFixed(4)}#STATUS#\\w+#IMAGE#`),
      );
      expect(str(image, 'GSI4SK')).toBe('1_PLACE');
    }
    expect(words.length).toBeGreaterThan(0);
    expect(labels.length).toBeGreaterThan(0);
    expect(places.length).toBeGreaterThan(0);
  });

  it("parses every image of a package entity with that entity's item schema", () => {
    // Prepare
    const schemas: Record<string, z.ZodMiniType<unknown, DynamoDBItem>> = {
      RECEIPT: ReceiptItemSchema,
      RECEIPT_LINE: ReceiptLineItemSchema,
      RECEIPT_WORD: ReceiptWordItemSchema,
      RECEIPT_WORD_LABEL: ReceiptWordLabelItemSchema,
      RECEIPT_PLACE: ReceiptPlaceItemSchema,
      RECEIPT_SECTION: ReceiptSectionItemSchema,
      RECEIPT_SUMMARY: ReceiptSummaryRecordItemSchema,
      COMPACTION_RUN: CompactionRunItemSchema,
      COMPACTION_LOCK: CompactionLockItemSchema,
    };
    const parsedTypes = new Set<string>();
    const failures: string[] = [];

    // Act
    for (const { kind, record } of labelled) {
      for (const image of [record.dynamodb?.OldImage, record.dynamodb?.NewImage]) {
        const type = str(image, 'TYPE') ?? '';
        const schema = schemas[type];
        if (image === undefined || schema === undefined) continue;
        const result = schema.safeParse(image);
        parsedTypes.add(type);
        if (!result.success) failures.push(`${kind} ${type}: ${result.error.message}`);
      }
    }

    // Assess
    expect(failures.slice(0, 3)).toEqual([]);
    expect([...parsedTypes].sort()).toEqual(Object.keys(schemas).sort());
  });

  it('builds letters that the word schema rejects (7 sort-key parts, spec §14 fix 6)', () => {
    // Prepare
    const letters = labelled.filter((entry) => entry.kind === 'unrelated-letter');

    // Act
    const parsed = letters.map(({ record }) =>
      ReceiptWordItemSchema.safeParse(record.dynamodb?.NewImage ?? {}),
    );

    // Assess
    expect(letters.length).toBe(100);
    expect(parsed.filter((result) => result.success)).toEqual([]);
  });
});
