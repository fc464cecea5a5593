import {
  buildStreamMessages,
  type CompactionRun,
  compactionRunToItem,
  type DecodedStreamMessage,
  type DynamoDBItem,
  type DynamoDBStreamRecord,
  decodeStreamMessage,
  encodeStreamMessage,
  formatPythonTimestamp,
  type ReceiptLine,
  type ReceiptPlace,
  type ReceiptSection,
  ReceiptSectionSchema,
  type ReceiptWord,
  type ReceiptWordLabel,
  receiptLineToItem,
  receiptPlaceToItem,
  receiptSectionToItem,
  receiptToItem,
  receiptWordLabelToItem,
  receiptWordToItem,
} from '@receipt-chroma/dynamo-stream';
import type { CollectionName } from '../../src/compaction/types.js';
import { InMemoryReceiptStore } from '../../src/testing/InMemoryReceiptStore.js';
import { makeLine, makePlace, makeReceipt, makeSection, makeWord } from './factories.js';

/**
 * The table side of the convergence test: a seeded random source, a monotonic clock, the
 * receipts table with the DynamoDB stream it feeds (records → `buildStreamMessages` → the
 * queue wire and back), and what a receipt id holds now. The history generator that drives
 * them lives in `convergenceHistory.ts`.
 */

/** The one image of every history (a version 4 UUID, as the entity rules require). */
export const IMAGE_ID = '5b0e6f4c-2a4e-4d8b-9c1e-3f7a2b6d8e10';

/**
 * A small seeded pseudo-random source (the splitmix32 mixing function): the same seed gives
 * the same sequence on every machine, so a failing seed replays exactly.
 */
export class SeededRandom {
  #state: number;

  /** @param seed - any integer; streams of different seeds are unrelated */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in `[0, 1)`. */
  next(): number {
    this.#state = (this.#state + 0x9e3779b9) >>> 0;
    let mixed = this.#state;
    mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b) >>> 0;
    mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35) >>> 0;
    return ((mixed ^ (mixed >>> 16)) >>> 0) / 2 ** 32;
  }

  /** An integer in `[min, max]`. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `probability`. */
  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** One item of a non-empty list. */
  pick<Item>(items: readonly Item[]): Item {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('SeededRandom.pick needs a non-empty list');
    return item;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<Item>(items: readonly Item[]): Item[] {
    const copy = [...items];
    for (let index = copy.length - 1; index > 0; index -= 1) {
      const other = Math.floor(this.next() * (index + 1));
      [copy[index], copy[other]] = [copy[other] as Item, copy[index] as Item];
    }
    return copy;
  }

  /** Up to `count` distinct items, in random order. */
  sample<Item>(items: readonly Item[], count: number): Item[] {
    return this.shuffle(items).slice(0, count);
  }

  /** A version 4 UUID made of this source's digits. */
  uuid(): string {
    const digits = Array.from({ length: 32 }, () => this.int(0, 15).toString(16));
    digits[12] = '4';
    digits[16] = this.pick(['8', '9', 'a', 'b']);
    const hex = digits.join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}

/** A random source for one concern of one history (history, delivery, faults, …). */
export const randomFor = (seed: number, stream: number): SeededRandom =>
  new SeededRandom(Math.imul(seed, 0x2c1b3c6d) + stream * 0x297a2d39);

/**
 * A clock in Python's isoformat that only moves forward, shared by the stream (message
 * timestamps), the labels (`timestamp_added`) and the compactor (`now`), so histories are
 * reproducible and "newer" always means "later in the history".
 */
export class MonotonicClock {
  #micros = Date.UTC(2026, 0, 4, 12) * 1000;

  /** The next instant, 1.001 ms after the previous one. */
  readonly now = (): string => {
    this.#micros += 1001;
    return formatPythonTimestamp(this.#micros);
  };
}

/** What one receipt id holds in the table now: the generator's view of the table. */
export interface ReceiptContents {
  readonly receiptId: number;
  /** 1 for the first creation of the id, 2 after a deletion and re-creation, … */
  readonly generation: number;
  lines: ReceiptLine[];
  words: ReceiptWord[];
  labels: ReceiptWordLabel[];
  sections: ReceiptSection[];
  place: ReceiptPlace | undefined;
}

/** A queue message as the compactor receives it, with its queue. */
export interface RoutedMessage {
  readonly collection: CollectionName;
  readonly message: DecodedStreamMessage;
}

const itemKey = (item: DynamoDBItem): string => `${item['PK']?.S}\u0000${item['SK']?.S}`;

/**
 * The receipts table and its stream: every `put` and `remove` changes the
 * `InMemoryReceiptStore` the compactor reads and records the stream record DynamoDB would
 * emit (`INSERT`/`MODIFY` with the old and new images, `REMOVE` with the old image), and
 * `publish` turns the records so far into the queue messages the stream Lambda would send.
 */
export class SimulatedTable {
  /** The table as the compactor reads it. */
  readonly store: InMemoryReceiptStore = new InMemoryReceiptStore();
  readonly #items = new Map<string, DynamoDBItem>();
  readonly #records: DynamoDBStreamRecord[] = [];
  readonly #clock: MonotonicClock;
  #sequence = 0;

  /** @param clock - the clock of the messages' `context.timestamp` */
  constructor(clock: MonotonicClock) {
    this.#clock = clock;
  }

  /**
   * Writes an item (`PutItem`): an INSERT record, or a MODIFY when the key exists. The item
   * is kept and sent in the stream as given, not copied: pass items nobody changes, such as
   * the frozen ones of {@link itemOf}.
   */
  put(item: DynamoDBItem): void {
    const previous = this.#items.get(itemKey(item));
    this.#items.set(itemKey(item), item);
    this.store.putItems(item);
    this.#record(previous === undefined ? 'INSERT' : 'MODIFY', item, previous, item);
  }

  /** Deletes the item with the keys of `item` (`DeleteItem`): a REMOVE record, if it existed. */
  remove(item: DynamoDBItem): void {
    const previous = this.#items.get(itemKey(item));
    if (previous === undefined) return;
    this.#items.delete(itemKey(item));
    this.store.deleteItem(previous['PK']?.S ?? '', previous['SK']?.S ?? '');
    this.#record('REMOVE', previous, previous, undefined);
  }

  /**
   * The messages of the records written since the last call, through the real stream
   * builder and the queue wire (`encodeStreamMessage` → `decodeStreamMessage`), one per
   * `lines`/`words` target (other queues are not the compactor's).
   * @throws Error when the stream builder rejects a record (the model wrote a bad item)
   */
  publish(): RoutedMessage[] {
    const records = this.#records.splice(0);
    if (records.length === 0) return [];
    const { messages, failures } = buildStreamMessages(records, { now: this.#clock.now });
    if (failures.length > 0) {
      throw new Error(`The stream builder rejected a record: ${failures[0]?.message}`);
    }
    return messages.flatMap((message) => {
      const decoded = decodeStreamMessage(encodeStreamMessage(message));
      return message.collections
        .filter((target): target is CollectionName => target === 'lines' || target === 'words')
        .map((collection) => ({ collection, message: decoded }));
    });
  }

  #record(
    eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
    keys: DynamoDBItem,
    oldImage: DynamoDBItem | undefined,
    newImage: DynamoDBItem | undefined,
  ): void {
    this.#sequence += 1;
    this.#records.push({
      eventID: `event-${this.#sequence}`,
      eventName,
      awsRegion: 'us-east-1',
      dynamodb: {
        Keys: { PK: keys['PK'] ?? { S: '' }, SK: keys['SK'] ?? { S: '' } },
        ...(oldImage === undefined ? {} : { OldImage: oldImage }),
        ...(newImage === undefined ? {} : { NewImage: newImage }),
        SequenceNumber: String(this.#sequence).padStart(21, '0'),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
  }
}

/** A section with a QA status and a confidence. */
export const makeRankedSection = (
  receiptId: number,
  sectionType: ReceiptSection['section_type'],
  lineIds: number[],
  validationStatus: ReceiptSection['validation_status'],
  confidence: number | null,
): ReceiptSection =>
  ReceiptSectionSchema.parse({
    ...makeSection(IMAGE_ID, receiptId, sectionType, lineIds),
    validation_status: validationStatus,
    confidence,
  });

/** Freezes an item and everything in it, so a cached item cannot be changed by accident. */
const deepFreeze = <Value>(value: Value): Value => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
};

/**
 * Memoises an item writer per entity object: the writers are slow (decimal formatting) and
 * histories write the same entities over and over. Entities are never changed in place (a
 * change makes a new object), and the items are frozen.
 */
const memoised = <Entity extends object>(
  write: (entity: Entity) => DynamoDBItem,
): ((entity: Entity) => DynamoDBItem) => {
  const items = new WeakMap<Entity, DynamoDBItem>();
  return (entity) => {
    let item = items.get(entity);
    if (item === undefined) {
      item = deepFreeze(write(entity));
      items.set(entity, item);
    }
    return item;
  };
};

/** Memoises a factory by its arguments (ids and a generation say everything about the entity). */
const memoisedBy = <Args extends (string | number)[], Entity>(
  build: (...args: Args) => Entity,
): ((...args: Args) => Entity) => {
  const entities = new Map<string, Entity>();
  return (...args) => {
    const key = args.join('|');
    let entity = entities.get(key);
    if (entity === undefined) {
      entity = deepFreeze(build(...args));
      entities.set(key, entity);
    }
    return entity;
  };
};

const receiptItem = memoisedBy((receiptId: number) =>
  receiptToItem(makeReceipt(IMAGE_ID, receiptId)),
);

/** The table items of the receipt entities, as the dynamo-stream writers write them. */
export const itemOf: {
  /** The receipt item; `addedAt` is its `timestamp_added` (only its keys matter for a removal). */
  readonly receipt: (receiptId: number, addedAt?: string) => DynamoDBItem;
  readonly line: (line: ReceiptLine) => DynamoDBItem;
  readonly word: (word: ReceiptWord) => DynamoDBItem;
  readonly label: (label: ReceiptWordLabel) => DynamoDBItem;
  readonly place: (place: ReceiptPlace) => DynamoDBItem;
  readonly section: (section: ReceiptSection) => DynamoDBItem;
  readonly run: (run: CompactionRun) => DynamoDBItem;
} = {
  receipt: (receiptId, addedAt) => {
    const item = receiptItem(receiptId);
    return addedAt === undefined
      ? item
      : Object.freeze({ ...item, timestamp_added: { S: addedAt } });
  },
  line: memoised(receiptLineToItem),
  word: memoised(receiptWordToItem),
  label: memoised(receiptWordLabelToItem),
  place: memoised(receiptPlaceToItem),
  section: memoised(receiptSectionToItem),
  run: compactionRunToItem,
};

/**
 * A line of generation `generation` of a receipt; its text names the generation, so the
 * lines of a receipt created again differ from the old ones.
 */
export const generationLine: (
  receiptId: number,
  generation: number,
  lineId: number,
) => ReceiptLine = memoisedBy((receiptId: number, generation: number, lineId: number) =>
  makeLine(IMAGE_ID, receiptId, lineId, { text: `r${receiptId}g${generation} line ${lineId}` }),
);

/** A word of generation `generation` of a receipt; its text names the generation. */
export const generationWord: (
  receiptId: number,
  generation: number,
  lineId: number,
  wordId: number,
) => ReceiptWord = memoisedBy(
  (receiptId: number, generation: number, lineId: number, wordId: number) =>
    makeWord(IMAGE_ID, receiptId, lineId, wordId, {
      text: `r${receiptId}g${generation} w${lineId}.${wordId}`,
    }),
);

/** A place with the given merchant fields (the rest as `makePlace` sets them). */
export const placeWith = (receiptId: number, fields: Partial<ReceiptPlace>): ReceiptPlace =>
  makePlace(IMAGE_ID, receiptId, fields);
