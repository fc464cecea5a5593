/**
 * `@receipt-chroma/chroma-compaction/testing`: in-memory doubles of every port, held to the
 * same contract tests as the real adapters.
 * @packageDocumentation
 */

export { InMemoryLockStore } from './inMemoryLockStore.js';
export {
  InMemoryReceiptStore,
  type InMemoryReceiptStoreSeed,
  receiptSeedItems,
} from './inMemoryReceiptStore.js';
export {
  InMemoryVectorCollection,
  type InMemoryVectorCollectionOptions,
  type VectorOperation,
} from './inMemoryVectorCollection.js';
