import {
  type DynamoDBItem,
  type Receipt,
  type ReceiptLine,
  type ReceiptPlace,
  type ReceiptSection,
  type ReceiptWord,
  type ReceiptWordLabel,
  receiptLineToItem,
  receiptPlaceToItem,
  receiptSectionToItem,
  receiptToItem,
  receiptWordLabelToItem,
  receiptWordToItem,
} from '@receipt-chroma/dynamo-stream';
import { ReceiptStoreError } from '../errors.js';
import type { CompactionRunCompletion, ReceiptStore } from '../ports/receiptStore.js';
import { compactionRunCompletionWrite } from '../receipts/compactionRunCompletion.js';
import { ReceiptItemStore } from '../receipts/ReceiptItemStore.js';
import {
  collectReceiptItems,
  parseReceiptItem,
  type ReceiptItemKey,
  type ReceiptItemQuery,
} from '../receipts/receiptItemQueries.js';

/** What an {@link InMemoryReceiptStore} starts with. */
export interface InMemoryReceiptStoreSeed {
  /** Receipt words to store. @default none */
  readonly words?: readonly ReceiptWord[];
  /** Receipt lines to store. @default none */
  readonly lines?: readonly ReceiptLine[];
  /** Word labels to store. @default none */
  readonly labels?: readonly ReceiptWordLabel[];
  /** Receipt sections to store. @default none */
  readonly sections?: readonly ReceiptSection[];
  /** Receipts to store. @default none */
  readonly receipts?: readonly Receipt[];
  /** Receipt places to store. @default none */
  readonly places?: readonly ReceiptPlace[];
  /**
   * Raw table items (`PK`/`SK` strings plus attributes), stored as given: letters, other
   * entity types, or invalid items to exercise `InvalidReceiptItemError`. @default none
   */
  readonly items?: readonly DynamoDBItem[];
}

/**
 * The table items a seed stands for, as the dynamo-stream `…ToItem` writers write them (for
 * seeding a real table with what an {@link InMemoryReceiptStore} would hold).
 * @param seed - the entities and raw items
 * @returns the items: receipts, places, words, lines, labels, sections, then the raw items
 * @example
 * ```ts
 * import type { ReceiptWord } from '@receipt-chroma/dynamo-stream';
 * import { receiptSeedItems } from '@receipt-chroma/chroma-compaction/testing';
 *
 * declare const word: ReceiptWord;
 * const items = receiptSeedItems({ words: [word] }); // one item, ready for PutItem
 * ```
 */
export function receiptSeedItems(seed: InMemoryReceiptStoreSeed): DynamoDBItem[] {
  return [
    ...(seed.receipts ?? []).map(receiptToItem),
    ...(seed.places ?? []).map(receiptPlaceToItem),
    ...(seed.words ?? []).map(receiptWordToItem),
    ...(seed.lines ?? []).map(receiptLineToItem),
    ...(seed.labels ?? []).map(receiptWordLabelToItem),
    ...(seed.sections ?? []).map(receiptSectionToItem),
    ...(seed.items ?? []),
  ];
}

/** Compares two strings by their UTF-8 bytes, the order DynamoDB sorts string keys in. */
const compareUtf8 = (left: string, right: string): number =>
  Buffer.compare(Buffer.from(left, 'utf8'), Buffer.from(right, 'utf8'));

/**
 * An in-memory `ReceiptStore` for tests, held to the same contract suite as
 * `DynamoReceiptStore`. Entities are stored as the table items their dynamo-stream
 * `…ToItem` writers produce, and every read selects, orders (by SK bytes) and validates those
 * items exactly as the DynamoDB adapter does, so invalid items and letters under word keys
 * behave the same. Adding an item with the same `PK`/`SK` replaces it, as `PutItem` does.
 * `markCompactionRunCompleted` updates the stored run item in place (read it back with
 * `listCompactionRuns`), and reports a run item that is not there as `'missing'`.
 *
 * @example
 * ```ts
 * import type { ReceiptWord, ReceiptWordLabel } from '@receipt-chroma/dynamo-stream';
 * import { InMemoryReceiptStore } from '@receipt-chroma/chroma-compaction/testing';
 *
 * declare const word: ReceiptWord;
 * declare const label: ReceiptWordLabel;
 *
 * const store = new InMemoryReceiptStore({ words: [word], labels: [label] });
 * const labels = await store.listWordLabels({
 *   imageId: word.image_id,
 *   receiptId: word.receipt_id,
 *   lineId: word.line_id,
 *   wordId: word.word_id,
 * });
 * store.failNextRead(); // the next read rejects with a ReceiptStoreError
 * ```
 */
export class InMemoryReceiptStore extends ReceiptItemStore {
  readonly #partitions = new Map<string, Map<string, DynamoDBItem>>();
  #pendingFailure: { error: Error; operation: string | undefined } | undefined;
  #pendingWriteFailure: Error | undefined;
  #reads = 0;
  #writes = 0;

  /**
   * Creates a store holding the seed's entities and items.
   * @param seed - what the store starts with; by default it is empty
   * @throws {ReceiptStoreError} when a raw item of the seed lacks a string `PK` or `SK`
   */
  constructor(seed: InMemoryReceiptStoreSeed = {}) {
    super({ query: (build) => this.#read(build), get: (build) => this.#get(build) });
    this.putItems(...receiptSeedItems(seed));
  }

  /**
   * Stores receipt words, replacing any with the same keys.
   * @param words - the entities to store
   * @returns this store, for chaining
   */
  addWords(...words: readonly ReceiptWord[]): this {
    return this.putItems(...words.map(receiptWordToItem));
  }

  /**
   * Stores receipt lines, replacing any with the same keys.
   * @param lines - the entities to store
   * @returns this store, for chaining
   */
  addLines(...lines: readonly ReceiptLine[]): this {
    return this.putItems(...lines.map(receiptLineToItem));
  }

  /**
   * Stores word labels, replacing any with the same keys.
   * @param labels - the entities to store
   * @returns this store, for chaining
   */
  addLabels(...labels: readonly ReceiptWordLabel[]): this {
    return this.putItems(...labels.map(receiptWordLabelToItem));
  }

  /**
   * Stores receipt sections, replacing any with the same keys.
   * @param sections - the entities to store
   * @returns this store, for chaining
   */
  addSections(...sections: readonly ReceiptSection[]): this {
    return this.putItems(...sections.map(receiptSectionToItem));
  }

  /**
   * Stores receipts, replacing any with the same keys.
   * @param receipts - the entities to store
   * @returns this store, for chaining
   */
  addReceipts(...receipts: readonly Receipt[]): this {
    return this.putItems(...receipts.map(receiptToItem));
  }

  /**
   * Stores receipt places, replacing any with the same keys.
   * @param places - the entities to store
   * @returns this store, for chaining
   */
  addPlaces(...places: readonly ReceiptPlace[]): this {
    return this.putItems(...places.map(receiptPlaceToItem));
  }

  /**
   * Stores raw items (deep copies), replacing any with the same `PK` and `SK`.
   * @param items - table items with string `PK` and `SK`
   * @returns this store, for chaining
   * @throws {ReceiptStoreError} when an item lacks a string `PK` or `SK` (the items before it
   *   are stored)
   */
  putItems(...items: readonly DynamoDBItem[]): this {
    for (const item of items) {
      const pk = item['PK']?.S;
      const sk = item['SK']?.S;
      if (typeof pk !== 'string' || typeof sk !== 'string') {
        throw new ReceiptStoreError('InMemoryReceiptStore items need string PK and SK keys', {
          operation: 'putItems',
        });
      }
      let partition = this.#partitions.get(pk);
      if (partition === undefined) {
        partition = new Map();
        this.#partitions.set(pk, partition);
      }
      partition.set(sk, structuredClone(item));
    }
    return this;
  }

  /**
   * Removes the item with this `PK` and `SK`.
   * @param pk - the item's partition key
   * @param sk - the item's sort key
   * @returns true when there was one
   */
  deleteItem(pk: string, sk: string): boolean {
    return this.#partitions.get(pk)?.delete(sk) ?? false;
  }

  /**
   * Marks a stored compaction run's delta merged into one collection, as
   * `DynamoReceiptStore` does: sets `{collection}_state` to `COMPLETED`,
   * `{collection}_finished_at`, `{collection}_merged_vectors` and `updated_at` on the item,
   * leaving every other attribute as it was.
   * @param run - the run, the collection, the merged count and the time
   * @returns `'updated'`, or `'missing'` when the store holds no such run item (none is
   *   created)
   * @throws {ReceiptStoreError} when the reference is invalid, or the failure injected with
   *   {@link InMemoryReceiptStore.failNextWrite}
   */
  async markCompactionRunCompleted(run: CompactionRunCompletion): Promise<'updated' | 'missing'> {
    const write = compactionRunCompletionWrite(run);
    this.#writes += 1;
    const failure = this.#pendingWriteFailure;
    if (failure !== undefined) {
      this.#pendingWriteFailure = undefined;
      throw failure;
    }
    const item = this.#partitions.get(write.pk)?.get(write.sk);
    if (item === undefined) return 'missing';
    Object.assign(item, structuredClone(write.set));
    return 'updated';
  }

  /** How many writes (`markCompactionRunCompleted` calls) were made, failed ones included. */
  get writes(): number {
    return this.#writes;
  }

  /**
   * Makes the next write reject with `error` (after its reference is validated), to test how
   * callers handle a table that refuses writes.
   * @param error - what to reject with; by default a `ReceiptStoreError` saying the failure
   *   was injected
   * @returns this store, for chaining
   */
  failNextWrite(error?: Error): this {
    this.#pendingWriteFailure =
      error ??
      new ReceiptStoreError('Injected write failure', { operation: 'markCompactionRunCompleted' });
    return this;
  }

  /** How many reads were made, failed ones included, for assertions on call counts. */
  get reads(): number {
    return this.#reads;
  }

  /**
   * Makes the next read reject with `error` (after its references are validated), to test
   * how callers handle a failing table.
   * @param error - what to reject with; by default a `ReceiptStoreError` saying the failure
   *   was injected
   * @param operation - only a read of this `ReceiptStore` method fails (e.g.
   *   `listReceiptSections`); other reads go through until one does
   */
  failNextRead(error?: Error, operation?: keyof ReceiptStore): this {
    this.#pendingFailure = {
      error: error ?? new ReceiptStoreError('Injected read failure', { operation: 'failNextRead' }),
      operation,
    };
    return this;
  }

  /** Counts a read and throws the injected failure, if one is pending for this read. */
  #startRead(operation: string): void {
    this.#reads += 1;
    const failure = this.#pendingFailure;
    if (failure !== undefined && (failure.operation ?? operation) === operation) {
      this.#pendingFailure = undefined;
      throw failure.error;
    }
  }

  async #get<Entity>(build: () => ReceiptItemKey<Entity>): Promise<Entity | undefined> {
    const key = build();
    this.#startRead(key.operation);
    const item = this.#partitions.get(key.pk)?.get(key.sk);
    return parseReceiptItem(key, item === undefined ? undefined : structuredClone(item));
  }

  async #read<Entity>(build: () => ReceiptItemQuery<Entity>): Promise<Entity[]> {
    const query = build();
    this.#startRead(query.operation);
    const partition = this.#partitions.get(query.pk) ?? new Map<string, DynamoDBItem>();
    const page = [...partition.entries()]
      .filter(([sk]) => sk.startsWith(query.skPrefix))
      .sort(([left], [right]) => compareUtf8(left, right))
      .map(([, item]) => structuredClone(item));
    return collectReceiptItems(query, toPages(page));
  }
}

async function* toPages(page: DynamoDBItem[]): AsyncGenerator<DynamoDBItem[]> {
  yield page;
}
