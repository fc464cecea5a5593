import { randomUUID } from 'node:crypto';
import {
  compactionRunKeys,
  compactionRunToItem,
  type DynamoDBItem,
  receiptLineKeys,
  receiptMetadataToItem,
  receiptMetadataToPlace,
  receiptPlaceToItem,
  receiptSectionKeys,
  receiptToItem,
  receiptWordKeys,
  receiptWordLabelKeys,
  receiptWordToItem,
} from '@receipt-chroma/dynamo-stream';
import { describe, expect, it } from 'vitest';
import { InvalidReceiptItemError, ReceiptStoreError } from '../../src/errors.js';
import type { ReceiptStore } from '../../src/ports/receiptStore.js';
import type { InMemoryReceiptStoreSeed } from '../../src/testing/InMemoryReceiptStore.js';
import {
  letterItem,
  makeCompactionRun,
  makeLabel,
  makeLegacyMetadata,
  makeLine,
  makePlace,
  makeReceipt,
  makeSection,
  makeWord,
  spatialAnalysisItem,
} from '../helpers/factories.js';

/** Builds a store holding `seed` (the table may hold other tests' items under other images). */
export type MakeReceiptStore = (seed: InMemoryReceiptStoreSeed) => Promise<ReceiptStore>;

/** Compares two strings by UTF-8 bytes, the order DynamoDB returns sort keys in. */
const byUtf8 = (left: string, right: string): number =>
  Buffer.compare(Buffer.from(left, 'utf8'), Buffer.from(right, 'utf8'));

const sortBy = <Entity>(entities: Entity[], sk: (entity: Entity) => string): Entity[] =>
  [...entities].sort((left, right) => byUtf8(sk(left), sk(right)));

/** One receipt with lines, words, letters, labels and sections, plus neighbours to leave out. */
const receiptFixture = () => {
  const imageId = randomUUID();
  const otherImage = randomUUID();
  const lines = [1, 2, 3].map((lineId) => makeLine(imageId, 1, lineId));
  const words = [
    makeWord(imageId, 1, 1, 1),
    makeWord(imageId, 1, 1, 2),
    makeWord(imageId, 1, 2, 1),
    makeWord(imageId, 1, 3, 100_000),
    makeWord(imageId, 1, 3, 7),
  ];
  const labels = [
    makeLabel(imageId, 1, 1, 1, 'MERCHANT_NAME'),
    makeLabel(imageId, 1, 1, 1, 'ADDRESS_LINE'),
    makeLabel(imageId, 1, 1, 2, 'DATE'),
    makeLabel(imageId, 1, 3, 7, 'GRAND_TOTAL'),
  ];
  const sections = [
    makeSection(imageId, 1, 'HEADER', [1]),
    makeSection(imageId, 1, 'ITEMS', [2, 3]),
  ];
  const neighbours = {
    lines: [makeLine(imageId, 10, 1), makeLine(imageId, 2, 1), makeLine(otherImage, 1, 1)],
    words: [makeWord(imageId, 10, 1, 1), makeWord(imageId, 2, 1, 1), makeWord(otherImage, 1, 1, 1)],
    labels: [
      makeLabel(imageId, 1, 1, 10, 'TAX'),
      makeLabel(imageId, 2, 1, 1, 'TAX'),
      makeLabel(otherImage, 1, 1, 1, 'TAX'),
    ],
    sections: [makeSection(imageId, 2, 'HEADER', [1]), makeSection(otherImage, 1, 'HEADER', [1])],
  };
  const items: DynamoDBItem[] = [
    ...words.flatMap((word) =>
      [1, 2, 3].map((letter) =>
        letterItem(imageId, word.receipt_id, word.line_id, word.word_id, letter),
      ),
    ),
    spatialAnalysisItem(imageId, 1, 1, 1),
  ];
  const seed: InMemoryReceiptStoreSeed = {
    lines: [...lines, ...neighbours.lines],
    words: [...words, ...neighbours.words],
    labels: [...labels, ...neighbours.labels],
    sections: [...sections, ...neighbours.sections],
    items,
  };
  return { imageId, lines, words, labels, sections, seed };
};

/**
 * The `ReceiptStore` contract: reads select the receipt's entities by exact key shape,
 * return them in sort-key order across pages, and fail as a whole on an invalid item; the
 * run-state write changes only one collection's fields of an existing run item.
 */
export const describeReceiptStoreContract = (label: string, makeStore: MakeReceiptStore): void => {
  describe(`ReceiptStore contract: ${label}`, () => {
    describe('Method: getReceipt', () => {
      it('returns the receipt item, and undefined for a receipt the table lacks', async () => {
        // Prepare
        const fixture = receiptFixture();
        const receipt = makeReceipt(fixture.imageId, 1);
        const store = await makeStore({ ...fixture.seed, receipts: [receipt] });

        // Act
        const found = await store.getReceipt({ imageId: fixture.imageId, receiptId: 1 });
        const missing = await store.getReceipt({ imageId: fixture.imageId, receiptId: 2 });

        // Assess
        expect(found).toEqual(receipt);
        expect(missing).toBeUndefined();
      });

      it('rejects an invalid receipt item with InvalidReceiptItemError naming it', async () => {
        // Prepare
        const imageId = randomUUID();
        const item = receiptToItem(makeReceipt(imageId, 1));
        item['width'] = { S: 'wide' };
        const store = await makeStore({ items: [item] });

        // Act
        const read = store.getReceipt({ imageId, receiptId: 1 });

        // Assess
        await expect(read).rejects.toBeInstanceOf(InvalidReceiptItemError);
        await expect(read).rejects.toMatchObject({
          operation: 'getReceipt',
          items: [{ pk: `IMAGE#${imageId}`, sk: 'RECEIPT#00001' }],
        });
      });

      it('rejects an invalid reference with ReceiptStoreError before reading', async () => {
        // Prepare
        const store = await makeStore({});

        // Act
        const read = store.getReceipt({ imageId: 'not-a-uuid', receiptId: 1 });

        // Assess
        await expect(read).rejects.toBeInstanceOf(ReceiptStoreError);
      });
    });

    describe('Method: listCompactionRuns', () => {
      it("returns the receipt's runs in SK order, without other receipts' runs", async () => {
        // Prepare
        const imageId = randomUUID();
        const runs = [randomUUID(), randomUUID()].map((runId, index) =>
          makeCompactionRun(imageId, 1, runId, `2026-01-0${index + 4}T12:00:00+00:00`),
        );
        const store = await makeStore({
          items: [
            ...runs.map(compactionRunToItem),
            compactionRunToItem(
              makeCompactionRun(imageId, 2, randomUUID(), '2026-01-04T12:00:00+00:00'),
            ),
          ],
        });

        // Act
        const read = await store.listCompactionRuns({ imageId, receiptId: 1 });

        // Assess
        expect(read).toEqual(sortBy(runs, (run) => compactionRunKeys(run).SK));
      });
    });

    describe('Method: markCompactionRunCompleted', () => {
      /** The store's run-state write, which both stores under this contract have. */
      const markOf = (store: ReceiptStore) => {
        const mark = store.markCompactionRunCompleted;
        if (mark === undefined) throw new Error('the store cannot mark compaction runs');
        return mark.bind(store);
      };

      it("sets only the collection's state fields and updated_at of that one run", async () => {
        // Prepare
        const imageId = randomUUID();
        const run = {
          ...makeCompactionRun(imageId, 1, randomUUID(), '2026-01-04T12:00:00+00:00'),
          words_state: 'COMPLETED' as const,
          words_finished_at: '2026-01-04T12:05:00.000000+00:00',
          words_merged_vectors: 7,
        };
        const neighbour = makeCompactionRun(imageId, 1, randomUUID(), '2026-01-04T12:01:00+00:00');
        const store = await makeStore({ items: [run, neighbour].map(compactionRunToItem) });
        const finishedAt = '2026-01-04T12:34:56.123456+00:00';

        // Act
        const status = await markOf(store)({
          imageId,
          receiptId: 1,
          runId: run.run_id,
          collection: 'lines',
          mergedVectors: 42,
          finishedAt,
        });

        // Assess
        expect(status).toBe('updated');
        const read = await store.listCompactionRuns({ imageId, receiptId: 1 });
        expect(read).toEqual(
          sortBy(
            [
              {
                ...run,
                lines_state: 'COMPLETED',
                lines_finished_at: finishedAt,
                lines_merged_vectors: 42,
                updated_at: finishedAt,
              },
              neighbour,
            ],
            (entity) => compactionRunKeys(entity).SK,
          ),
        );
      });

      it("resolves to 'missing' for a run the table lacks, and creates nothing", async () => {
        // Prepare
        const imageId = randomUUID();
        const other = makeCompactionRun(imageId, 2, randomUUID(), '2026-01-04T12:00:00+00:00');
        const store = await makeStore({ items: [compactionRunToItem(other)] });

        // Act
        const status = await markOf(store)({
          imageId,
          receiptId: 1,
          runId: other.run_id,
          collection: 'words',
          mergedVectors: 3,
          finishedAt: '2026-01-04T12:34:56.123456+00:00',
        });

        // Assess
        expect(status).toBe('missing');
        expect(await store.listCompactionRuns({ imageId, receiptId: 1 })).toEqual([]);
        expect(await store.listCompactionRuns({ imageId, receiptId: 2 })).toEqual([other]);
      });

      it('rejects an invalid reference with ReceiptStoreError before writing', async () => {
        // Prepare
        const imageId = randomUUID();
        const run = makeCompactionRun(imageId, 1, randomUUID(), '2026-01-04T12:00:00+00:00');
        const store = await makeStore({ items: [compactionRunToItem(run)] });
        const valid = {
          imageId,
          receiptId: 1,
          runId: run.run_id,
          collection: 'lines',
          mergedVectors: 1,
          finishedAt: '2026-01-04T12:34:56.123456+00:00',
        } as const;

        // Act
        const writes = [
          markOf(store)({ ...valid, mergedVectors: -1 }),
          markOf(store)({ ...valid, runId: `${run.run_id}#X` }),
          markOf(store)({ ...valid, collection: 'receipts' as 'lines' }),
          markOf(store)({ ...valid, receiptId: 0 }),
        ];

        // Assess
        for (const write of writes) {
          await expect(write).rejects.toBeInstanceOf(ReceiptStoreError);
          await expect(write).rejects.toMatchObject({ operation: 'markCompactionRunCompleted' });
        }
        expect(await store.listCompactionRuns({ imageId, receiptId: 1 })).toEqual([run]);
      });
    });

    describe('Method: getReceiptPlace', () => {
      it('returns the place, and undefined for a receipt without one', async () => {
        // Prepare
        const imageId = randomUUID();
        const place = makePlace(imageId, 1);
        const store = await makeStore({ places: [place], receipts: [makeReceipt(imageId, 2)] });

        // Act
        const found = await store.getReceiptPlace({ imageId, receiptId: 1 });
        const missing = await store.getReceiptPlace({ imageId, receiptId: 2 });

        // Assess
        expect(found).toEqual(place);
        expect(missing).toBeUndefined();
      });

      it('reads a legacy RECEIPT_METADATA row as a place, the place winning when both exist', async () => {
        // Prepare
        const imageId = randomUUID();
        const legacy = makeLegacyMetadata(imageId, 1);
        const store = await makeStore({
          places: [makePlace(imageId, 2)],
          items: [
            receiptMetadataToItem(legacy),
            receiptMetadataToItem(makeLegacyMetadata(imageId, 2)),
          ],
        });

        // Act
        const fromLegacy = await store.getReceiptPlace({ imageId, receiptId: 1 });
        const preferred = await store.getReceiptPlace({ imageId, receiptId: 2 });

        // Assess
        expect(fromLegacy).toEqual(receiptMetadataToPlace(legacy));
        expect(preferred?.merchant_name).toBe('Target');
      });

      it('rejects an invalid place with InvalidReceiptItemError instead of reading it as absent', async () => {
        // Prepare
        const imageId = randomUUID();
        const item = receiptPlaceToItem(makePlace(imageId, 1));
        item['merchant_name'] = { N: '42' };
        const store = await makeStore({ items: [item] });

        // Act
        const read = store.getReceiptPlace({ imageId, receiptId: 1 });

        // Assess
        await expect(read).rejects.toBeInstanceOf(InvalidReceiptItemError);
        await expect(read).rejects.toMatchObject({
          operation: 'getReceiptPlace',
          items: [{ sk: 'RECEIPT#00001#PLACE' }],
        });
      });
    });

    describe('Method: listReceiptWords', () => {
      it('returns the words of the receipt in SK order, without letters, labels or neighbours', async () => {
        // Prepare
        const fixture = receiptFixture();
        const store = await makeStore(fixture.seed);

        // Act
        const words = await store.listReceiptWords({ imageId: fixture.imageId, receiptId: 1 });

        // Assess
        expect(words).toEqual(sortBy(fixture.words, (word) => receiptWordKeys(word).SK));
        expect(words.map((word) => word.word_id)).toEqual([1, 2, 1, 7, 100_000]);
      });

      it('returns an empty list for a receipt without words', async () => {
        // Prepare
        const fixture = receiptFixture();
        const store = await makeStore(fixture.seed);

        // Act
        const words = await store.listReceiptWords({ imageId: fixture.imageId, receiptId: 3 });

        // Assess
        expect(words).toEqual([]);
      });

      it('reads every word of a receipt with many items, in order', async () => {
        // Prepare
        const imageId = randomUUID();
        const words = Array.from({ length: 40 }, (_, index) =>
          makeWord(imageId, 1, Math.floor(index / 8) + 1, (index % 8) + 1),
        );
        const letters = words.flatMap((word) =>
          [1, 2].map((letter) => letterItem(imageId, 1, word.line_id, word.word_id, letter)),
        );
        const store = await makeStore({ words, items: letters });

        // Act
        const read = await store.listReceiptWords({ imageId, receiptId: 1 });

        // Assess
        expect(read).toEqual(words);
      });

      it('rejects the whole read with InvalidReceiptItemError listing every invalid word', async () => {
        // Prepare
        const fixture = receiptFixture();
        const broken = receiptWordToItem(makeWord(fixture.imageId, 1, 4, 1));
        delete broken['text'];
        const alsoBroken = receiptWordToItem(makeWord(fixture.imageId, 1, 4, 2));
        alsoBroken['confidence'] = { N: '7' };
        const store = await makeStore({
          ...fixture.seed,
          items: [...(fixture.seed.items ?? []), broken, alsoBroken],
        });

        // Act
        const read = store.listReceiptWords({ imageId: fixture.imageId, receiptId: 1 });

        // Assess
        const error = await read.then(
          () => undefined,
          (reason: unknown) => reason,
        );
        expect(error).toBeInstanceOf(InvalidReceiptItemError);
        const invalid = error as InvalidReceiptItemError;
        expect(invalid.operation).toBe('listReceiptWords');
        expect(invalid.items.map((item) => [item.pk, item.sk])).toEqual([
          [`IMAGE#${fixture.imageId}`, 'RECEIPT#00001#LINE#00004#WORD#00001'],
          [`IMAGE#${fixture.imageId}`, 'RECEIPT#00001#LINE#00004#WORD#00002'],
        ]);
        expect(invalid.items[0]?.issues.join(' ')).toMatch(/text/);
        expect(invalid.items[1]?.issues.join(' ')).toMatch(/confidence/);
      });

      it('ignores an invalid item of another shape under the same prefix', async () => {
        // Prepare
        const fixture = receiptFixture();
        const brokenLetter = letterItem(fixture.imageId, 1, 1, 1, 9);
        delete brokenLetter['text'];
        const store = await makeStore({
          ...fixture.seed,
          items: [...(fixture.seed.items ?? []), brokenLetter],
        });

        // Act
        const words = await store.listReceiptWords({ imageId: fixture.imageId, receiptId: 1 });

        // Assess
        expect(words).toHaveLength(fixture.words.length);
      });

      it.each([
        ['an image id that is not a UUID', { imageId: 'img-1', receiptId: 1 }],
        ['receipt 0', { imageId: '7e2bd911-7afb-4e0a-84de-57f51ce4daff', receiptId: 0 }],
        [
          'a fractional receipt',
          { imageId: '7e2bd911-7afb-4e0a-84de-57f51ce4daff', receiptId: 1.5 },
        ],
      ])('rejects %s with ReceiptStoreError', async (_name, ref) => {
        // Prepare
        const store = await makeStore({});

        // Act
        const read = store.listReceiptWords(ref);

        // Assess
        await expect(read).rejects.toBeInstanceOf(ReceiptStoreError);
        await expect(read).rejects.not.toBeInstanceOf(InvalidReceiptItemError);
      });
    });

    describe('Method: listReceiptLines', () => {
      it('returns the lines of the receipt only, in SK order', async () => {
        // Prepare
        const fixture = receiptFixture();
        const store = await makeStore(fixture.seed);

        // Act
        const lines = await store.listReceiptLines({ imageId: fixture.imageId, receiptId: 1 });

        // Assess
        expect(lines).toEqual(sortBy(fixture.lines, (line) => receiptLineKeys(line).SK));
      });

      it('rejects an invalid line with InvalidReceiptItemError', async () => {
        // Prepare
        const fixture = receiptFixture();
        const store = await makeStore({
          ...fixture.seed,
          items: [
            {
              PK: { S: `IMAGE#${fixture.imageId}` },
              SK: { S: 'RECEIPT#00001#LINE#00009' },
              TYPE: { S: 'RECEIPT_LINE' },
            },
          ],
        });

        // Act
        const read = store.listReceiptLines({ imageId: fixture.imageId, receiptId: 1 });

        // Assess
        await expect(read).rejects.toBeInstanceOf(InvalidReceiptItemError);
        await expect(read).rejects.toMatchObject({
          items: [expect.objectContaining({ sk: 'RECEIPT#00001#LINE#00009' })],
        });
      });
    });

    describe('Method: listWordLabels', () => {
      it('returns the labels of one word only, in SK order', async () => {
        // Prepare
        const fixture = receiptFixture();
        const store = await makeStore(fixture.seed);

        // Act
        const labels = await store.listWordLabels({
          imageId: fixture.imageId,
          receiptId: 1,
          lineId: 1,
          wordId: 1,
        });

        // Assess
        expect(labels.map((label) => label.label)).toEqual(['ADDRESS_LINE', 'MERCHANT_NAME']);
        expect(labels).toEqual(
          sortBy(
            fixture.labels.filter((label) => label.line_id === 1 && label.word_id === 1),
            (label) => receiptWordLabelKeys(label).SK,
          ),
        );
      });

      it('returns an empty list for a word without labels, also for line or word 0', async () => {
        // Prepare
        const fixture = receiptFixture();
        const store = await makeStore(fixture.seed);

        // Act
        const labels = await store.listWordLabels({
          imageId: fixture.imageId,
          receiptId: 1,
          lineId: 0,
          wordId: 0,
        });

        // Assess
        expect(labels).toEqual([]);
      });

      it('rejects a negative word id with ReceiptStoreError', async () => {
        // Prepare
        const fixture = receiptFixture();
        const store = await makeStore(fixture.seed);

        // Act
        const read = store.listWordLabels({
          imageId: fixture.imageId,
          receiptId: 1,
          lineId: 1,
          wordId: -1,
        });

        // Assess
        await expect(read).rejects.toBeInstanceOf(ReceiptStoreError);
      });
    });

    describe('Method: listReceiptWordLabels', () => {
      it('returns every label of the receipt in SK order, without words or letters', async () => {
        // Prepare
        const fixture = receiptFixture();
        const store = await makeStore(fixture.seed);

        // Act
        const labels = await store.listReceiptWordLabels({
          imageId: fixture.imageId,
          receiptId: 1,
        });

        // Assess
        const expected = sortBy(
          [...fixture.labels, makeLabel(fixture.imageId, 1, 1, 10, 'TAX')],
          (label) => receiptWordLabelKeys(label).SK,
        );
        expect(labels).toEqual(expected);
      });
    });

    describe('Method: listReceiptSections', () => {
      it('returns the sections of the receipt in SK order', async () => {
        // Prepare
        const fixture = receiptFixture();
        const store = await makeStore(fixture.seed);

        // Act
        const sections = await store.listReceiptSections({
          imageId: fixture.imageId,
          receiptId: 1,
        });

        // Assess
        expect(sections).toEqual(
          sortBy(fixture.sections, (section) => receiptSectionKeys(section).SK),
        );
      });
    });
  });
};
