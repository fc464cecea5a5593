import type { ReceiptStore, WordRef } from '../ports/receiptStore.js';
import { aroundReceiptStore } from '../receipts/aroundReceiptStore.js';

/**
 * A `ReceiptStore` that answers each distinct read once per batch: the phases of
 * `processCollectionUpdates` (deltas, places, labels, the refresh after a merge, deletions)
 * often need the same receipt's words, labels or place, and the table is read once for all
 * of them. This keeps convergence intact: every message of a batch was built before the
 * batch started, so any read made while the batch runs (cached or not) already sees the
 * change that produced it. A failed read is not kept, so a later phase tries again.
 * @internal
 */
export function batchReceiptStore(inner: ReceiptStore): ReceiptStore {
  const reads = new Map<string, Promise<unknown>>();
  return aroundReceiptStore(inner, (method, ref, read) => {
    const word = ref as Partial<WordRef>;
    const key = [method, ref.imageId, ref.receiptId, word.lineId, word.wordId].join('\u0000');
    const cached = reads.get(key) as ReturnType<typeof read> | undefined;
    if (cached !== undefined) return cached;
    const pending = (async () => read())();
    reads.set(key, pending);
    pending.catch(() => reads.delete(key));
    return pending;
  });
}
