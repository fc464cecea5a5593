import {
  type CompactionRun,
  type Receipt,
  type ReceiptLine,
  type ReceiptPlace,
  type ReceiptSection,
  type ReceiptWord,
  type ReceiptWordLabel,
  receiptMetadataToPlace,
} from '@receipt-chroma/dynamo-stream';
import { InvalidReceiptItemError } from '../errors.js';
import type { ReceiptRef, ReceiptStore, WordRef } from '../ports/receiptStore.js';
import {
  type ReceiptItemKey,
  type ReceiptItemQuery,
  receiptCompactionRunsQuery,
  receiptItemKey,
  receiptLinesQuery,
  receiptMetadataItemKey,
  receiptPlaceItemKey,
  receiptSectionsQuery,
  receiptWordLabelsQuery,
  receiptWordsQuery,
  wordLabelsQuery,
} from './receiptItemQueries.js';

/**
 * Runs one read: builds the query (which validates the reference and may throw), reads its
 * items and returns the entities. Called inside the list method, so a throw rejects it.
 * @internal
 */
export type ReceiptItemRead = <Entity>(build: () => ReceiptItemQuery<Entity>) => Promise<Entity[]>;

/**
 * Reads one item by its exact key (see `parseReceiptItem`): the entity, or `undefined` when
 * the table has no such item.
 * @internal
 */
export type ReceiptItemGet = <Entity>(
  build: () => ReceiptItemKey<Entity>,
) => Promise<Entity | undefined>;

/** How a store reads: key queries and exact-key gets. @internal */
export interface ReceiptItemReaders {
  readonly query: ReceiptItemRead;
  readonly get: ReceiptItemGet;
}

/**
 * The `ReceiptStore` methods as the shared key reads of `receiptItemQueries.ts`, for stores
 * that differ only in how a read is made (the DynamoDB adapter and the in-memory double).
 * List results are in sort-key order.
 * @internal
 */
export abstract class ReceiptItemStore implements ReceiptStore {
  readonly #readers: ReceiptItemReaders;

  /** @param readers - how the store reads one query and one exact key */
  protected constructor(readers: ReceiptItemReaders) {
    this.#readers = readers;
  }

  /**
   * The receipt item (SK `RECEIPT#r`), or `undefined`.
   * @param receipt - the image and receipt
   * @throws {ReceiptStoreError} when the reference is invalid or the read fails
   * @throws {InvalidReceiptItemError} when an item read fails validation (nothing is returned)
   */
  getReceipt(receipt: ReceiptRef): Promise<Receipt | undefined> {
    return this.#readers.get(() => receiptItemKey(receipt));
  }

  /**
   * The receipt's place (SK `RECEIPT#r#PLACE`), else its legacy metadata row read as a place
   * (`receiptMetadataToPlace`), else `undefined`.
   * @param receipt - the image and receipt
   * @throws {ReceiptStoreError} when the reference is invalid or the read fails
   * @throws {InvalidReceiptItemError} when the item found fails validation, or a legacy row
   *   cannot be read as a place
   */
  async getReceiptPlace(receipt: ReceiptRef): Promise<ReceiptPlace | undefined> {
    const place = await this.#readers.get(() => receiptPlaceItemKey(receipt));
    if (place !== undefined) return place;
    const key = receiptMetadataItemKey(receipt);
    const legacy = await this.#readers.get(() => key);
    if (legacy === undefined) return undefined;
    try {
      return receiptMetadataToPlace(legacy);
    } catch (error) {
      const issues = (error as { issues?: readonly { message: string }[] }).issues?.map(
        ({ message }) => message,
      ) ?? [String(error)];
      throw new InvalidReceiptItemError(
        `getReceiptPlace: the legacy row ${key.pk} ${key.sk} cannot be read as a place (${issues.join('; ')}); fix or remove it, then retry`,
        {
          operation: key.operation,
          items: [{ pk: key.pk, sk: key.sk, issues }],
          cause: error,
          context: { pk: key.pk, sk: key.sk, invalidCount: 1 },
        },
      );
    }
  }

  /**
   * Every word of a receipt (SK `RECEIPT#r#LINE#l#WORD#w`), in SK order.
   * @param receipt - the image and receipt
   * @throws {ReceiptStoreError} when the reference is invalid or the read fails
   * @throws {InvalidReceiptItemError} when an item read fails validation (nothing is returned)
   */
  listReceiptWords(receipt: ReceiptRef): Promise<ReceiptWord[]> {
    return this.#readers.query(() => receiptWordsQuery(receipt));
  }

  /**
   * Every line of a receipt (SK `RECEIPT#r#LINE#l`), in SK order.
   * @param receipt - the image and receipt
   * @throws {ReceiptStoreError} when the reference is invalid or the read fails
   * @throws {InvalidReceiptItemError} when an item read fails validation (nothing is returned)
   */
  listReceiptLines(receipt: ReceiptRef): Promise<ReceiptLine[]> {
    return this.#readers.query(() => receiptLinesQuery(receipt));
  }

  /**
   * The labels of one word (SK `RECEIPT#r#LINE#l#WORD#w#LABEL#name`), in SK order.
   * @param word - the image, receipt, line and word
   * @throws {ReceiptStoreError} when the reference is invalid or the read fails
   * @throws {InvalidReceiptItemError} when an item read fails validation (nothing is returned)
   */
  listWordLabels(word: WordRef): Promise<ReceiptWordLabel[]> {
    return this.#readers.query(() => wordLabelsQuery(word));
  }

  /**
   * Every word label of a receipt, in SK order.
   * @param receipt - the image and receipt
   * @throws {ReceiptStoreError} when the reference is invalid or the read fails
   * @throws {InvalidReceiptItemError} when an item read fails validation (nothing is returned)
   */
  listReceiptWordLabels(receipt: ReceiptRef): Promise<ReceiptWordLabel[]> {
    return this.#readers.query(() => receiptWordLabelsQuery(receipt));
  }

  /**
   * Every compaction run of a receipt (SK `RECEIPT#r#COMPACTION_RUN#id`), in SK order.
   * @param receipt - the image and receipt
   * @throws {ReceiptStoreError} when the reference is invalid or the read fails
   * @throws {InvalidReceiptItemError} when an item read fails validation (nothing is returned)
   */
  listCompactionRuns(receipt: ReceiptRef): Promise<CompactionRun[]> {
    return this.#readers.query(() => receiptCompactionRunsQuery(receipt));
  }

  /**
   * Every section of a receipt (SK `RECEIPT#r#SECTION#type`), in SK order.
   * @param receipt - the image and receipt
   * @throws {ReceiptStoreError} when the reference is invalid or the read fails
   * @throws {InvalidReceiptItemError} when an item read fails validation (nothing is returned)
   */
  listReceiptSections(receipt: ReceiptRef): Promise<ReceiptSection[]> {
    return this.#readers.query(() => receiptSectionsQuery(receipt));
  }
}
