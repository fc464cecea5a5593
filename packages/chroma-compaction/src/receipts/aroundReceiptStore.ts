import type { ReceiptRef, ReceiptStore } from '../ports/receiptStore.js';

/** The name of a `ReceiptStore` read. @internal */
export type ReceiptStoreMethod = Exclude<keyof ReceiptStore, 'markCompactionRunCompleted'>;

/**
 * Every read of the port, once: the compiler rejects this object when a method is added to
 * `ReceiptStore` and not here, so wrappers built with {@link aroundReceiptStore} never miss one.
 */
const METHODS: Readonly<Record<ReceiptStoreMethod, true>> = {
  getReceipt: true,
  getReceiptPlace: true,
  listReceiptWords: true,
  listReceiptLines: true,
  listWordLabels: true,
  listReceiptWordLabels: true,
  listReceiptSections: true,
  listCompactionRuns: true,
};

/**
 * What a wrapper does around one read: `read` performs it on the wrapped store.
 * @internal
 */
export type AroundRead = <Value>(
  method: ReceiptStoreMethod,
  ref: ReceiptRef,
  read: () => Promise<Value>,
) => Promise<Value>;

/**
 * A `ReceiptStore` whose every read goes through `around` (to share, count or fail reads)
 * before reaching `inner`. Every method takes one reference (a receipt, or a word). The
 * optional run-state write (`markCompactionRunCompleted`) is not carried over.
 * @internal
 */
export function aroundReceiptStore(inner: ReceiptStore, around: AroundRead): ReceiptStore {
  const store: Partial<Record<ReceiptStoreMethod, (ref: ReceiptRef) => Promise<unknown>>> = {};
  for (const method of Object.keys(METHODS) as ReceiptStoreMethod[]) {
    const read = inner[method].bind(inner) as (ref: ReceiptRef) => Promise<unknown>;
    store[method] = (ref) => around(method, ref, () => read(ref));
  }
  return store as ReceiptStore;
}
