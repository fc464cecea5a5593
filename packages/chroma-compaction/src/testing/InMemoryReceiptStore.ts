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
import type { ReceiptStore } from '../ports/receiptStore.js';
import { ReceiptItemStore } from '../receipts/ReceiptItemStore.js';
import {
  collectReceiptItems,
  parseReceiptItem,
  type ReceiptItemKey,
  type ReceiptItemQuery,
} from '../receipts/receiptItemQueries.js';

/** What an {@link InMemoryReceiptStore} starts with. */
export interface InMemoryReceiptStoreSeed {
  readonly words?: readonly ReceiptWord[];
  readonly lines?: readonly ReceiptLine[];
  readonly labels?: readonly ReceiptWordLabel[];
  readonly sections?: readonly ReceiptSection[];
  readonly receipts?: readonly Receipt[];
  readonly places?: readonly ReceiptPlace[];
  /**
   * Raw table items (`PK`/`SK` strings plus attributes), stored as given: letters, other
   * entity types, or invalid items to exercise `InvalidReceiptItemError`.
   */
  readonly items?: readonly DynamoDBItem[];
}

/**
 * The table items a seed stands for, as the dynamo-stream `…ToItem` writers write them (for
 * seeding a real table with what an {@link InMemoryReceiptStore} would hold).
 * @param seed - the entities and raw items
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
 *
 * @example
 * ```ts
 * import { InMemoryReceiptStore } from '@receipt-chroma/chroma-compaction/testing';
 *
 * const store = new InMemoryReceiptStore({ words: [word], labels: [label] });
 * await store.listWordLabels({ imageId: word.image_id, receiptId: 1, lineId: 2, wordId: 3 });
 * ```
 */
export class InMemoryReceiptStore extends ReceiptItemStore {
  readonly #partitions = new Map<string, Map<string, DynamoDBItem>>();
  #pendingFailure: { error: Error; operation: string | undefined } | undefined;
  #reads = 0;

  constructor(seed: InMemoryReceiptStoreSeed = {}) {
    super({ query: (build) => this.#read(build), get: (build) => this.#get(build) });
    this.putItems(...receiptSeedItems(seed));
  }

  /** Stores receipt words. */
  addWords(...words: readonly ReceiptWord[]): this {
    return this.putItems(...words.map(receiptWordToItem));
  }

  /** Stores receipt lines. */
  addLines(...lines: readonly ReceiptLine[]): this {
    return this.putItems(...lines.map(receiptLineToItem));
  }

  /** Stores word labels. */
  addLabels(...labels: readonly ReceiptWordLabel[]): this {
    return this.putItems(...labels.map(receiptWordLabelToItem));
  }

  /** Stores receipt sections. */
  addSections(...sections: readonly ReceiptSection[]): this {
    return this.putItems(...sections.map(receiptSectionToItem));
  }

  /** Stores receipts. */
  addReceipts(...receipts: readonly Receipt[]): this {
    return this.putItems(...receipts.map(receiptToItem));
  }

  /** Stores receipt places. */
  addPlaces(...places: readonly ReceiptPlace[]): this {
    return this.putItems(...places.map(receiptPlaceToItem));
  }

  /**
   * Stores raw items (deep copies), replacing any with the same `PK` and `SK`.
   * @throws ReceiptStoreError when an item lacks a string `PK` or `SK`
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

  /** Removes the item with this `PK` and `SK`; true when there was one. */
  deleteItem(pk: string, sk: string): boolean {
    return this.#partitions.get(pk)?.delete(sk) ?? false;
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
