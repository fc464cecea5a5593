import type {
  ReceiptLine,
  ReceiptSection,
  ReceiptWord,
  ReceiptWordLabel,
} from '@receipt-chroma/dynamo-stream';
import type { ReceiptRef, ReceiptStore, WordRef } from '../ports/receiptStore.js';
import {
  type ReceiptItemQuery,
  receiptLinesQuery,
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
 * The five `ReceiptStore` list methods as the shared key queries of
 * `receiptItemQueries.ts`, for stores that differ only in how a query is read (the DynamoDB
 * adapter and the in-memory double). Results are in sort-key order.
 * @internal
 */
export abstract class ReceiptItemStore implements ReceiptStore {
  readonly #read: ReceiptItemRead;

  /** @param read - how the store reads one query */
  protected constructor(read: ReceiptItemRead) {
    this.#read = read;
  }

  /** Every word of a receipt (SK `RECEIPT#r#LINE#l#WORD#w`), in SK order. */
  listReceiptWords(receipt: ReceiptRef): Promise<ReceiptWord[]> {
    return this.#read(() => receiptWordsQuery(receipt));
  }

  /** Every line of a receipt (SK `RECEIPT#r#LINE#l`), in SK order. */
  listReceiptLines(receipt: ReceiptRef): Promise<ReceiptLine[]> {
    return this.#read(() => receiptLinesQuery(receipt));
  }

  /** The labels of one word (SK `RECEIPT#r#LINE#l#WORD#w#LABEL#name`), in SK order. */
  listWordLabels(word: WordRef): Promise<ReceiptWordLabel[]> {
    return this.#read(() => wordLabelsQuery(word));
  }

  /** Every word label of a receipt, in SK order. */
  listReceiptWordLabels(receipt: ReceiptRef): Promise<ReceiptWordLabel[]> {
    return this.#read(() => receiptWordLabelsQuery(receipt));
  }

  /** Every section of a receipt (SK `RECEIPT#r#SECTION#type`), in SK order. */
  listReceiptSections(receipt: ReceiptRef): Promise<ReceiptSection[]> {
    return this.#read(() => receiptSectionsQuery(receipt));
  }
}
