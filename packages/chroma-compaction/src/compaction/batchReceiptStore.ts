import type { ReceiptRef, ReceiptStore, WordRef } from '../ports/receiptStore.js';

/**
 * A `ReceiptStore` that answers each distinct read once per batch: the phases of
 * `processCollectionUpdates` (places, labels, the refresh after a merge, deletions) often
 * need the same receipt's words, labels or place, and the table is read once for all of
 * them. This keeps convergence intact: every message of a batch was built before the batch
 * started, so any read made while the batch runs (cached or not) already sees the change
 * that produced it. A failed read is not kept, so a later phase tries again.
 * @internal
 */
export class BatchReceiptStore implements ReceiptStore {
  readonly #inner: ReceiptStore;
  readonly #reads = new Map<string, Promise<unknown>>();

  constructor(inner: ReceiptStore) {
    this.#inner = inner;
  }

  #once<Value>(method: string, ref: ReceiptRef, read: () => Promise<Value>): Promise<Value> {
    const word = ref as Partial<WordRef>;
    const key = [method, ref.imageId, ref.receiptId, word.lineId, word.wordId].join('\u0000');
    const cached = this.#reads.get(key) as Promise<Value> | undefined;
    if (cached !== undefined) return cached;
    const pending = (async () => read())();
    this.#reads.set(key, pending);
    pending.catch(() => this.#reads.delete(key));
    return pending;
  }

  getReceipt(receipt: ReceiptRef): ReturnType<ReceiptStore['getReceipt']> {
    return this.#once('getReceipt', receipt, () => this.#inner.getReceipt(receipt));
  }

  getReceiptPlace(receipt: ReceiptRef): ReturnType<ReceiptStore['getReceiptPlace']> {
    return this.#once('getReceiptPlace', receipt, () => this.#inner.getReceiptPlace(receipt));
  }

  listReceiptWords(receipt: ReceiptRef): ReturnType<ReceiptStore['listReceiptWords']> {
    return this.#once('listReceiptWords', receipt, () => this.#inner.listReceiptWords(receipt));
  }

  listReceiptLines(receipt: ReceiptRef): ReturnType<ReceiptStore['listReceiptLines']> {
    return this.#once('listReceiptLines', receipt, () => this.#inner.listReceiptLines(receipt));
  }

  listWordLabels(word: WordRef): ReturnType<ReceiptStore['listWordLabels']> {
    return this.#once('listWordLabels', word, () => this.#inner.listWordLabels(word));
  }

  listReceiptWordLabels(receipt: ReceiptRef): ReturnType<ReceiptStore['listReceiptWordLabels']> {
    return this.#once('listReceiptWordLabels', receipt, () =>
      this.#inner.listReceiptWordLabels(receipt),
    );
  }

  listReceiptSections(receipt: ReceiptRef): ReturnType<ReceiptStore['listReceiptSections']> {
    return this.#once('listReceiptSections', receipt, () =>
      this.#inner.listReceiptSections(receipt),
    );
  }
}
