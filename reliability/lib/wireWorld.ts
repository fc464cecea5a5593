import {
  HISTORY_METADATA_KEYS,
  lineChromaId,
  type VectorCollection,
  wordChromaId,
} from '@receipt-chroma/chroma-compaction';
import {
  InMemoryReceiptStore,
  InMemoryVectorCollection,
} from '@receipt-chroma/chroma-compaction/testing';
import {
  buildStreamMessages,
  type DynamoDBItem,
  type DynamoDBStreamRecord,
  encodeStreamMessage,
  imagePk,
  padId,
  type ReceiptLine,
  ReceiptLineSchema,
  type ReceiptPlace,
  ReceiptPlaceSchema,
  type ReceiptSection,
  ReceiptSectionSchema,
  type ReceiptWord,
  type ReceiptWordLabel,
  ReceiptWordLabelSchema,
  ReceiptWordSchema,
  receiptLineToItem,
  receiptPlaceToItem,
  receiptSectionToItem,
  receiptWordLabelToItem,
  receiptWordToItem,
} from '@receipt-chroma/dynamo-stream';

/**
 * A small receipts world for the wire fuzzer: three images of two receipts, each of four
 * lines of three words, in the in-memory receipts table (the state *after* a burst of
 * edits) and in the `lines` and `words` collections (the state *before*: every word and line
 * embedded, no labels, an old merchant). The queue bodies of the edits are built the real
 * way, from DynamoDB stream records through `buildStreamMessages` and the wire encoder, so
 * applying them moves the collections towards the table.
 */

/** The collections the compactor keeps in step (the queues the fuzzer feeds). */
export type WireQueue = 'lines' | 'words';

/** The three images of the world (UUIDv4, as the table's partitions hold them). */
export const WORLD_IMAGES: readonly string[] = [
  '3f1c2a4e-8b7d-4c1e-9a2f-1d3e5b7c9a01',
  '6a2d4f8e-1c3b-4e5d-8f7a-2b4c6d8e0f12',
  'b7e9c1d3-5f2a-4b6c-a8d0-3e5f7a9b1c23',
];
const RECEIPTS_PER_IMAGE = 2;
const LINES_PER_RECEIPT = 4;
const WORDS_PER_LINE = 3;
const LABELS = ['MERCHANT_NAME', 'DATE', 'GRAND_TOTAL', 'PRODUCT_NAME'] as const;
const STATUSES = ['VALID', 'INVALID', 'PENDING'] as const;
const TIME = '2026-01-04T12:00:00+00:00';
/** The build time of every message, fixed so the good-only replay gets equal bodies. */
const BUILT_AT = (): string => '2026-01-04T12:30:00.000000+00:00';

/** What the world removed from the table; the collections still hold its embeddings. */
const REMOVED_RECEIPT = { image: 2, receipt: 2 } as const;
const REMOVED_LINE = { image: 0, receipt: 1, line: 4 } as const;
const REMOVED_WORDS: readonly (readonly [number, number, number, number])[] = [
  [0, 1, 1, 3],
  [1, 2, 2, 1],
];
/** The receipt whose place was deleted (a place REMOVE clears its merchant metadata). */
const PLACELESS_RECEIPT = { image: 1, receipt: 1 } as const;

interface WorldReceipt {
  readonly imageId: string;
  readonly image: number;
  readonly receiptId: number;
}

const everyReceipt = (): WorldReceipt[] =>
  WORLD_IMAGES.flatMap((imageId, image) =>
    Array.from({ length: RECEIPTS_PER_IMAGE }, (_, index) => ({
      imageId,
      image,
      receiptId: index + 1,
    })),
  );

const isRemovedReceipt = ({ image, receiptId }: WorldReceipt): boolean =>
  image === REMOVED_RECEIPT.image && receiptId === REMOVED_RECEIPT.receipt;

const isRemovedLine = (receipt: WorldReceipt, lineId: number): boolean =>
  receipt.image === REMOVED_LINE.image &&
  receipt.receiptId === REMOVED_LINE.receipt &&
  lineId === REMOVED_LINE.line;

const isRemovedWord = (receipt: WorldReceipt, lineId: number, wordId: number): boolean =>
  isRemovedLine(receipt, lineId) ||
  REMOVED_WORDS.some(
    ([image, receiptId, line, word]) =>
      image === receipt.image &&
      receiptId === receipt.receiptId &&
      line === lineId &&
      word === wordId,
  );

const shape = (seed: number) => ({
  bounding_box: { x: 0.1, y: 0.2, width: 0.4, height: 0.05 },
  top_left: { x: 0.1, y: 0.25 },
  top_right: { x: 0.5, y: 0.25 },
  bottom_left: { x: 0.1, y: 0.2 },
  bottom_right: { x: 0.5, y: 0.2 },
  angle_degrees: 0,
  angle_radians: 0,
  confidence: 0.6 + (seed % 4) / 10,
  embedding_status: 'SUCCESS',
  is_noise: false,
});

const lineOf = ({ imageId, receiptId }: WorldReceipt, lineId: number): ReceiptLine =>
  ReceiptLineSchema.parse({
    image_id: imageId,
    receipt_id: receiptId,
    line_id: lineId,
    text: `line ${lineId} of receipt ${receiptId}`,
    ...shape(lineId),
  });

const wordOf = ({ imageId, receiptId }: WorldReceipt, lineId: number, wordId: number) =>
  ReceiptWordSchema.parse({
    image_id: imageId,
    receipt_id: receiptId,
    line_id: lineId,
    word_id: wordId,
    text: `w${receiptId}.${lineId}.${wordId}`,
    ...shape(wordId),
    extracted_data: null,
  }) as ReceiptWord;

const labelOf = (
  word: ReceiptWord,
  label: string,
  status: (typeof STATUSES)[number],
): ReceiptWordLabel =>
  ReceiptWordLabelSchema.parse({
    image_id: word.image_id,
    receipt_id: word.receipt_id,
    line_id: word.line_id,
    word_id: word.word_id,
    label,
    reasoning: 'read off the receipt',
    timestamp_added: '2026-01-04T12:00:00.000001+00:00',
    validation_status: status,
    label_proposed_by: null,
    label_consolidated_from: null,
  });

const placeOf = ({ imageId, receiptId }: WorldReceipt, merchantName: string): ReceiptPlace =>
  ReceiptPlaceSchema.parse({
    image_id: imageId,
    receipt_id: receiptId,
    place_id: `place-${receiptId}`,
    merchant_name: merchantName,
    merchant_category: 'grocery_store',
    formatted_address: `${receiptId} Main St`,
    phone_number: '(805) 555-0100',
    validation_status: 'MATCHED',
    timestamp: TIME,
    confidence: 0.9,
  });

const sectionOf = (
  { imageId, receiptId }: WorldReceipt,
  sectionType: string,
  lineIds: number[],
): ReceiptSection =>
  ReceiptSectionSchema.parse({
    image_id: imageId,
    receipt_id: receiptId,
    section_type: sectionType,
    line_ids: lineIds,
    created_at: '2026-01-04T12:00:00.000001+00:00',
    confidence: null,
    model_source: null,
    validation_status: null,
    row_ids: null,
    verification_source: null,
    verification_status: null,
    verification_section_type: null,
    verification_confidence: null,
    disagreement_row_ids: null,
    verified_at: null,
  });

/** A receipt item as the table stores it (its presence says the receipt exists). */
const receiptItem = ({ imageId, receiptId }: WorldReceipt): DynamoDBItem => {
  const corner = (x: string, y: string) => ({ M: { x: { N: x }, y: { N: y } } });
  return {
    PK: { S: imagePk(imageId) },
    SK: { S: `RECEIPT#${padId(receiptId)}` },
    TYPE: { S: 'RECEIPT' },
    width: { N: '1000' },
    height: { N: '3000' },
    timestamp_added: { S: '2026-01-04T12:00:00' },
    raw_s3_bucket: { S: 'raw-receipts' },
    raw_s3_key: { S: `raw/${imageId}.png` },
    top_left: corner('0.1', '0.9'),
    top_right: corner('0.9', '0.9'),
    bottom_left: corner('0.1', '0.1'),
    bottom_right: corner('0.9', '0.1'),
  };
};

/** The labels a word has in the table, decided by its position (some words have none). */
const labelsOf = (word: ReceiptWord): ReceiptWordLabel[] => {
  const seed = word.receipt_id * 7 + word.line_id * 3 + word.word_id;
  if (seed % 3 === 0) return [];
  const first = labelOf(
    word,
    LABELS[seed % LABELS.length] ?? 'DATE',
    STATUSES[seed % 3] ?? 'VALID',
  );
  if (seed % 4 !== 1) return [first];
  return [first, labelOf(word, LABELS[(seed + 1) % LABELS.length] ?? 'DATE', 'VALID')];
};

/** Everything the world holds, before and after the edits. */
interface WorldParts {
  readonly items: DynamoDBItem[];
  readonly records: DynamoDBStreamRecord[];
  /** Every word and line ever embedded (the collections' state before the edits). */
  readonly embeddedWords: ReceiptWord[];
  readonly embeddedLines: ReceiptLine[];
}

const keysOf = (item: DynamoDBItem): DynamoDBItem => {
  const { PK, SK } = item;
  if (PK === undefined || SK === undefined) throw new Error('a world item lacks PK or SK');
  return { PK, SK };
};

const worldParts = (): WorldParts => {
  const items: DynamoDBItem[] = [];
  const records: DynamoDBStreamRecord[] = [];
  const embeddedWords: ReceiptWord[] = [];
  const embeddedLines: ReceiptLine[] = [];
  const record = (
    eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
    images: { readonly OldImage?: DynamoDBItem; readonly NewImage?: DynamoDBItem },
  ): void => {
    const image = images.NewImage ?? images.OldImage;
    if (image === undefined) throw new Error('a stream record needs an image');
    const index = records.length + 1;
    records.push({
      eventID: `event-${index}`,
      eventName,
      awsRegion: 'us-east-1',
      dynamodb: {
        Keys: keysOf(image),
        ...images,
        SequenceNumber: String(1_000 + index),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
  };

  for (const receipt of everyReceipt()) {
    const removedReceipt = isRemovedReceipt(receipt);
    const placeless =
      receipt.image === PLACELESS_RECEIPT.image && receipt.receiptId === PLACELESS_RECEIPT.receipt;
    const oldPlace = receiptPlaceToItem(placeOf(receipt, 'Old Merchant'));
    if (removedReceipt) {
      record('REMOVE', { OldImage: receiptItem(receipt) });
    } else {
      items.push(receiptItem(receipt));
      if (placeless) {
        record('REMOVE', { OldImage: oldPlace });
      } else {
        const place = receiptPlaceToItem(
          placeOf(receipt, `Merchant ${receipt.image}.${receipt.receiptId}`),
        );
        items.push(place);
        record('MODIFY', { OldImage: oldPlace, NewImage: place });
      }
      const section = receiptSectionToItem(sectionOf(receipt, 'HEADER', [1, 2]));
      items.push(section);
      record('INSERT', { NewImage: section });
    }
    for (let lineId = 1; lineId <= LINES_PER_RECEIPT; lineId += 1) {
      const line = lineOf(receipt, lineId);
      embeddedLines.push(line);
      if (isRemovedLine(receipt, lineId)) record('REMOVE', { OldImage: receiptLineToItem(line) });
      else if (!removedReceipt) items.push(receiptLineToItem(line));
      for (let wordId = 1; wordId <= WORDS_PER_LINE; wordId += 1) {
        const word = wordOf(receipt, lineId, wordId);
        embeddedWords.push(word);
        if (removedReceipt) continue;
        if (isRemovedWord(receipt, lineId, wordId)) {
          record('REMOVE', { OldImage: receiptWordToItem(word) });
          continue;
        }
        items.push(receiptWordToItem(word));
        for (const label of labelsOf(word)) {
          const now = receiptWordLabelToItem(label);
          items.push(now);
          if (label.validation_status === 'PENDING') {
            record('INSERT', { NewImage: now });
          } else {
            const before = receiptWordLabelToItem({ ...label, validation_status: 'PENDING' });
            record('MODIFY', { OldImage: before, NewImage: now });
          }
        }
        // A label the table no longer has: its REMOVE rebuilds the word from the rest.
        if ((lineId + wordId) % 5 === 0) {
          record('REMOVE', { OldImage: receiptWordLabelToItem(labelOf(word, 'TIME', 'VALID')) });
        }
      }
    }
  }
  return { items, records, embeddedWords, embeddedLines };
};

const wordId = (word: ReceiptWord): string =>
  wordChromaId({
    imageId: word.image_id,
    receiptId: word.receipt_id,
    lineId: word.line_id,
    wordId: word.word_id,
  });
const lineId = (line: ReceiptLine): string =>
  lineChromaId({ imageId: line.image_id, receiptId: line.receipt_id, lineId: line.line_id });

/** A deterministic 4-dimensional embedding from a number. */
const embedding = (seed: number): number[] =>
  [1, 2, 3, 4].map((dimension) => ((seed * 37 + dimension * 11) % 97) / 97);

/** A fresh copy of the world: the receipts table and the two collections. */
export interface WireWorld {
  readonly receipts: InMemoryReceiptStore;
  readonly lines: InMemoryVectorCollection;
  readonly words: InMemoryVectorCollection;
}

/** Seeds a fresh world, the same every call. */
export const seedWireWorld = async (): Promise<WireWorld> => {
  const { items, embeddedWords, embeddedLines } = worldParts();
  const receipts = new InMemoryReceiptStore().putItems(...items);
  const words = new InMemoryVectorCollection('words');
  const lines = new InMemoryVectorCollection('lines');
  const stale = { merchant_name: 'Old Merchant', address: 'Old Address' };
  await words.upsert({
    ids: embeddedWords.map((word) => wordId(word)),
    embeddings: embeddedWords.map((_, index) => embedding(index)),
    documents: embeddedWords.map((word) => word.text),
    metadatas: embeddedWords.map((word) => ({
      image_id: word.image_id,
      receipt_id: word.receipt_id,
      line_id: word.line_id,
      word_id: word.word_id,
      text: word.text,
      ...stale,
    })),
  });
  await lines.upsert({
    ids: embeddedLines.map((line) => lineId(line)),
    embeddings: embeddedLines.map((_, index) => embedding(1_000 + index)),
    documents: embeddedLines.map((line) => line.text),
    metadatas: embeddedLines.map((line) => ({
      image_id: line.image_id,
      receipt_id: line.receipt_id,
      line_id: line.line_id,
      row_line_ids: `[${line.line_id}]`,
      text: line.text,
      ...stale,
    })),
  });
  return { receipts, lines, words };
};

/** The receipts table's items after the edits, to seed a real table (e.g. on moto) with. */
export const wireWorldItems = (): DynamoDBItem[] => worldParts().items;

/** The queue bodies of the world's edits, per queue, as the producer would send them. */
export const wireGoodBodies = (): Readonly<Record<WireQueue, readonly string[]>> => {
  const { messages, failures } = buildStreamMessages(worldParts().records, { now: BUILT_AT });
  if (failures.length > 0) {
    throw new Error(`the world's stream records must all build: ${failures[0]?.message}`);
  }
  const bodies: Record<WireQueue, string[]> = { lines: [], words: [] };
  for (const message of messages) {
    const body = encodeStreamMessage(message);
    for (const queue of message.collections) {
      if (queue === 'lines' || queue === 'words') bodies[queue].push(body);
    }
  }
  return bodies;
};

/** One stored record of a collection, everything Chroma would return for it. */
export interface StoredVector {
  readonly id: string;
  readonly document: unknown;
  readonly metadata: unknown;
  readonly embedding: unknown;
}

/** The whole content of a collection, sorted by id. */
export const collectionContents = async (vectors: VectorCollection): Promise<StoredVector[]> => {
  const got = await vectors.get({ include: ['documents', 'metadatas', 'embeddings'] });
  return got.ids
    .map((id, index) => ({
      id,
      document: got.documents?.[index],
      metadata: got.metadatas?.[index],
      embedding: got.embeddings?.[index],
    }))
    .sort((left, right) => (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));
};

/** A value with the keys of every object sorted and the history keys left out. */
const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([key]) => !(HISTORY_METADATA_KEYS as readonly string[]).includes(key))
    .sort(([a], [b]) => a.localeCompare(b));
  return Object.fromEntries(entries.map(([key, entry]) => [key, canonical(entry)]));
};

/**
 * The whole collection as one string: records sorted by id, metadata keys sorted, and the
 * keys that record when a change was applied (`HISTORY_METADATA_KEYS`) left out.
 */
export const comparableContents = async (vectors: VectorCollection): Promise<string> =>
  JSON.stringify(canonical(await collectionContents(vectors)));
