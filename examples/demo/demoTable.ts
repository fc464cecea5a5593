import { InMemoryReceiptStore } from '@receipt-chroma/chroma-compaction/testing';
import type { DynamoDBItem, DynamoDBStreamRecord } from '@receipt-chroma/dynamo-stream';

/**
 * The receipts table and its stream for the demo: every write changes the
 * `InMemoryReceiptStore` the compactor reads (the source of truth) and appends the record a
 * `NEW_AND_OLD_IMAGES` stream delivers: INSERT with `NewImage`, MODIFY with both images,
 * REMOVE with `OldImage`, each with `Keys` and a growing `SequenceNumber`.
 */
export class DemoTable {
  /** The table as the compactor reads it. */
  readonly store: InMemoryReceiptStore = new InMemoryReceiptStore();
  readonly #items = new Map<string, DynamoDBItem>();
  readonly #pending: DynamoDBStreamRecord[] = [];
  #sequence = 0;

  /** How many items the table holds. */
  get size(): number {
    return this.#items.size;
  }

  /** `PutItem` of each item: an INSERT, or a MODIFY when an item has the same keys. */
  put(...items: readonly DynamoDBItem[]): void {
    for (const item of items) {
      const key = keyOf(item);
      const previous = this.#items.get(key);
      this.#items.set(key, item);
      this.store.putItems(item);
      this.#record(previous === undefined ? 'INSERT' : 'MODIFY', item, previous, item);
    }
  }

  /** `DeleteItem` by the keys of each item: a REMOVE, when the item exists. */
  remove(...items: readonly DynamoDBItem[]): void {
    for (const item of items) {
      const key = keyOf(item);
      const previous = this.#items.get(key);
      if (previous === undefined) continue;
      this.#items.delete(key);
      this.store.deleteItem(stringOf(previous, 'PK'), stringOf(previous, 'SK'));
      this.#record('REMOVE', previous, previous, undefined);
    }
  }

  /** The stream records written since the last call, oldest first. */
  takeStreamRecords(): DynamoDBStreamRecord[] {
    return this.#pending.splice(0);
  }

  #record(
    eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
    item: DynamoDBItem,
    oldImage: DynamoDBItem | undefined,
    newImage: DynamoDBItem | undefined,
  ): void {
    this.#sequence += 1;
    const keys = { PK: { S: stringOf(item, 'PK') }, SK: { S: stringOf(item, 'SK') } };
    this.#pending.push({
      eventID: `demo-${this.#sequence}`,
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
        Keys: keys,
        ...(newImage === undefined ? {} : { NewImage: newImage }),
        ...(oldImage === undefined ? {} : { OldImage: oldImage }),
        SequenceNumber: String(this.#sequence).padStart(21, '0'),
        SizeBytes: JSON.stringify(newImage ?? oldImage).length,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
  }
}

const stringOf = (item: DynamoDBItem, name: 'PK' | 'SK'): string => {
  const value = item[name]?.S;
  if (value === undefined) throw new TypeError(`A table item needs a string ${name}`);
  return value;
};

const keyOf = (item: DynamoDBItem): string =>
  `${stringOf(item, 'PK')}\u0000${stringOf(item, 'SK')}`;
