import {
  type DynamoDBItem,
  type Receipt,
  type ReceiptLine,
  type ReceiptPlace,
  type ReceiptSection,
  type ReceiptWord,
  type ReceiptWordLabel,
  receiptKeys,
  receiptLineKeys,
  receiptLineToItem,
  receiptPlaceKeys,
  receiptPlaceToItem,
  receiptSectionKeys,
  receiptSectionToItem,
  receiptToItem,
  receiptWordKeys,
  receiptWordLabelKeys,
  receiptWordLabelToItem,
  receiptWordToItem,
} from '@receipt-chroma/dynamo-stream';
import { expect } from 'vitest';
import { lineChromaId, wordChromaId } from '../../src/ids/chromaIds.js';
import type { MetricDimensions, Metrics } from '../../src/ports/observability.js';
import type { ReceiptStore, WordRef } from '../../src/ports/receiptStore.js';
import type {
  DeleteRequest,
  GetRequest,
  GetResponse,
  Metadata,
  UpdateRequest,
  UpsertRequest,
  VectorCollection,
} from '../../src/ports/vectorCollection.js';
import { InMemoryReceiptStore } from '../../src/testing/InMemoryReceiptStore.js';
import { InMemoryVectorCollection } from '../../src/testing/InMemoryVectorCollection.js';

/**
 * The backend a compaction test runs against (`CompactionFixture`: a receipts table with
 * entity writers, and the `words` and `lines` collections), with seeding and inspection
 * helpers, a `VectorCollection` wrapper that counts calls, and metrics that record what
 * they get. The entities and messages themselves come from `factories.ts`.
 */

/** A word's reference and Chroma id. */
export const wordTarget = (
  imageId: string,
  receiptId: number,
  lineId: number,
  wordId: number,
): { ref: WordRef; id: string } => {
  const ref = { imageId, receiptId, lineId, wordId };
  return { ref, id: wordChromaId(ref) };
};

/** Adds word records (2-dimensional embeddings) with their id metadata plus `extra`. */
export const seedWords = async (
  words: VectorCollection,
  refs: readonly WordRef[],
  extra: Metadata = {},
): Promise<string[]> => {
  const ids = refs.map(wordChromaId);
  await words.upsert({
    ids,
    embeddings: refs.map(() => [0.25, 0.5]),
    metadatas: refs.map((ref) => ({
      image_id: ref.imageId,
      receipt_id: ref.receiptId,
      line_id: ref.lineId,
      word_id: ref.wordId,
      text: `w${ref.lineId}.${ref.wordId}`,
      ...extra,
    })),
  });
  return ids;
};

/**
 * Adds one `lines` row per entry: the row's id is its first line's id, its metadata has
 * `line_id` and `row_line_ids` (a JSON string, as Python writes it) plus `extra`.
 */
export const seedRows = async (
  lines: VectorCollection,
  imageId: string,
  receiptId: number,
  rows: readonly { readonly lineIds: readonly number[]; readonly extra?: Metadata }[],
): Promise<string[]> => {
  const ids = rows.map(({ lineIds }) =>
    lineChromaId({ imageId, receiptId, lineId: lineIds[0] ?? 0 }),
  );
  await lines.upsert({
    ids,
    embeddings: rows.map(() => [0.5, 0.25]),
    metadatas: rows.map(({ lineIds, extra }) => ({
      image_id: imageId,
      receipt_id: receiptId,
      line_id: lineIds[0] ?? 0,
      row_line_ids: `[${lineIds.join(', ')}]`,
      ...extra,
    })),
  });
  return ids;
};

/** The stored metadata of `ids` (in that order; `undefined` for a missing id). */
export const metadataOf = async (
  collection: VectorCollection,
  ids: readonly string[],
): Promise<(Metadata | null | undefined)[]> => {
  const response = await collection.get({ ids, include: ['metadatas'] });
  return ids.map((id) => {
    const index = response.ids.indexOf(id);
    return index === -1 ? undefined : (response.metadatas?.[index] ?? null);
  });
};

/** The stored metadata of one id. */
export const metadataOne = async (
  collection: VectorCollection,
  id: string,
): Promise<Metadata | null | undefined> => (await metadataOf(collection, [id]))[0];

/** How many calls a {@link CountingCollection} saw, per method. */
export interface CallCounts {
  get: number;
  upsert: number;
  update: number;
  delete: number;
  count: number;
}

/** A `VectorCollection` that forwards to another and counts the calls (and updated ids). */
export class CountingCollection implements VectorCollection {
  readonly calls: CallCounts = { get: 0, upsert: 0, update: 0, delete: 0, count: 0 };
  /** The size of each `update` request, in order. */
  readonly updateSizes: number[] = [];
  readonly #inner: VectorCollection;

  constructor(inner: VectorCollection) {
    this.#inner = inner;
  }

  get name(): string {
    return this.#inner.name;
  }

  get(request?: GetRequest): Promise<GetResponse> {
    this.calls.get += 1;
    return this.#inner.get(request);
  }

  upsert(request: UpsertRequest): Promise<void> {
    this.calls.upsert += 1;
    return this.#inner.upsert(request);
  }

  update(request: UpdateRequest): Promise<void> {
    this.calls.update += 1;
    this.updateSizes.push(request.ids.length);
    return this.#inner.update(request);
  }

  delete(request: DeleteRequest): Promise<void> {
    this.calls.delete += 1;
    return this.#inner.delete(request);
  }

  count(): Promise<number> {
    this.calls.count += 1;
    return this.#inner.count();
  }
}

/** One metric a {@link RecordingMetrics} received. */
export interface RecordedMetric {
  readonly kind: 'count' | 'gauge' | 'timer';
  readonly name: string;
  readonly value: number;
  readonly dimensions: MetricDimensions | undefined;
}

/** Metrics that keep every call, for assertions on names and dimensions. */
export class RecordingMetrics implements Metrics {
  readonly recorded: RecordedMetric[] = [];

  count(name: string, value: number, dimensions?: MetricDimensions): void {
    this.recorded.push({ kind: 'count', name, value, dimensions });
  }

  gauge(name: string, value: number, dimensions?: MetricDimensions): void {
    this.recorded.push({ kind: 'gauge', name, value, dimensions });
  }

  timer(name: string, milliseconds: number, dimensions?: MetricDimensions): void {
    this.recorded.push({ kind: 'timer', name, value: milliseconds, dimensions });
  }

  /** The names recorded, in order. */
  names(): string[] {
    return this.recorded.map(({ name }) => name);
  }
}

/** Writes to the receipts table of a fixture: raw items in, keys out. */
export interface TableWriter {
  /** Writes items, replacing any with the same `PK`/`SK`. */
  putItems(...items: readonly DynamoDBItem[]): Promise<void>;
  /** Deletes the items with these keys. */
  deleteKeys(...keys: readonly { readonly PK: string; readonly SK: string }[]): Promise<void>;
}

type Put<Entity> = (...entities: readonly Entity[]) => Promise<void>;

/** The receipts table of a fixture, with writers for every entity the operations read. */
export interface FixtureTable extends TableWriter {
  putReceipts: Put<Receipt>;
  deleteReceipts: Put<Receipt>;
  putPlaces: Put<ReceiptPlace>;
  deletePlaces: Put<ReceiptPlace>;
  putWords: Put<ReceiptWord>;
  deleteWords: Put<ReceiptWord>;
  putLines: Put<ReceiptLine>;
  deleteLines: Put<ReceiptLine>;
  putLabels: Put<ReceiptWordLabel>;
  deleteLabels: Put<ReceiptWordLabel>;
  putSections: Put<ReceiptSection>;
  deleteSections: Put<ReceiptSection>;
}

/** Entity writers over a {@link TableWriter}, the same for every backend. */
export const entityWriters = (table: TableWriter): FixtureTable => {
  const put =
    <Entity>(toItem: (entity: Entity) => DynamoDBItem): Put<Entity> =>
    (...entities) =>
      table.putItems(...entities.map(toItem));
  const remove =
    <Entity>(keysOf: (entity: Entity) => { PK: string; SK: string }): Put<Entity> =>
    (...entities) =>
      table.deleteKeys(...entities.map(keysOf));
  return {
    putItems: table.putItems,
    deleteKeys: table.deleteKeys,
    putReceipts: put(receiptToItem),
    deleteReceipts: remove(receiptKeys),
    putPlaces: put(receiptPlaceToItem),
    deletePlaces: remove(receiptPlaceKeys),
    putWords: put(receiptWordToItem),
    deleteWords: remove(receiptWordKeys),
    putLines: put(receiptLineToItem),
    deleteLines: remove(receiptLineKeys),
    putLabels: put(receiptWordLabelToItem),
    deleteLabels: remove(receiptWordLabelKeys),
    putSections: put(receiptSectionToItem),
    deleteSections: remove(receiptSectionKeys),
  };
};

/** What the label, section and `processCollectionUpdates` contracts need from a backend. */
export interface CompactionFixture extends FixtureTable {
  /** An empty `words` collection (or one without records of the test's image). */
  readonly words: VectorCollection;
  /** An empty `lines` collection (or one without records of the test's image). */
  readonly lines: VectorCollection;
  readonly receipts: ReceiptStore;
}

/** What the label and section operation contract needs (the same fixture). */
export type LabelOperationsFixture = CompactionFixture;

/** The label operations and `processCollectionUpdates` over the in-memory doubles. */
export const makeInMemoryLabelFixture = (): CompactionFixture & {
  readonly receipts: InMemoryReceiptStore;
  readonly words: InMemoryVectorCollection;
  readonly lines: InMemoryVectorCollection;
} => {
  const receipts = new InMemoryReceiptStore();
  return {
    words: new InMemoryVectorCollection('words'),
    lines: new InMemoryVectorCollection('lines'),
    receipts,
    ...entityWriters({
      putItems: async (...items) => {
        receipts.putItems(...items);
      },
      deleteKeys: async (...keys) => {
        for (const { PK, SK } of keys) receipts.deleteItem(PK, SK);
      },
    }),
  };
};

/** The steps of the validate → invalidate → re-validate cycle of one label. */
export const LABEL_CYCLE: readonly {
  readonly status: 'VALID' | 'INVALID';
  readonly timestamp: string;
}[] = [
  { status: 'VALID', timestamp: '2026-01-05T08:00:00.000001+00:00' },
  { status: 'INVALID', timestamp: '2026-01-06T08:00:00.000001+00:00' },
  { status: 'VALID', timestamp: '2026-01-07T08:00:00.000001+00:00' },
];

/**
 * Asserts a word's metadata after each step of {@link LABEL_CYCLE} for the label `TOTAL`:
 * valid, then invalid, then valid again, never in both arrays, with `label_validated_at`
 * following the newest VALID label and `last_label_update` set to `now`.
 */
export const expectLabelCycleStates = (
  states: readonly (Metadata | null | undefined)[],
  now: string,
): void => {
  expect(states[0]).toMatchObject({
    valid_labels_array: ['TOTAL'],
    label_status: 'validated',
    label_validated_at: LABEL_CYCLE[0]?.timestamp,
    last_label_update: now,
  });
  expect(states[1]).toMatchObject({ invalid_labels_array: ['TOTAL'], label_status: 'unvalidated' });
  expect(states[2]).toMatchObject({
    valid_labels_array: ['TOTAL'],
    label_status: 'validated',
    label_validated_at: LABEL_CYCLE[2]?.timestamp,
  });
  expect(states[0]).not.toHaveProperty('invalid_labels_array');
  expect(states[1]).not.toHaveProperty('valid_labels_array');
  expect(states[1]).not.toHaveProperty('label_validated_at');
  expect(states[2]).not.toHaveProperty('invalid_labels_array');
};
