/**
 * `@receipt-chroma/chroma-compaction/testing`: in-memory doubles of every port, held to the
 * same contract tests as the real adapters.
 * @packageDocumentation
 */

export { InMemoryLockStore } from './InMemoryLockStore.js';
export {
  InMemoryReceiptStore,
  type InMemoryReceiptStoreSeed,
  receiptSeedItems,
} from './InMemoryReceiptStore.js';
export {
  InMemoryVectorCollection,
  type InMemoryVectorCollectionOptions,
  type VectorOperation,
} from './InMemoryVectorCollection.js';
