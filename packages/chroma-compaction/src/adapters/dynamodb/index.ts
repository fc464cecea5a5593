/**
 * `@receipt-chroma/chroma-compaction/dynamodb`: the receipts table and the compaction lock
 * through `@aws-sdk/client-dynamodb` (a peer dependency; the client is yours).
 * @packageDocumentation
 */
export { DynamoLockStore, type DynamoLockStoreOptions } from './DynamoLockStore.js';
export { DynamoReceiptStore, type DynamoReceiptStoreOptions } from './DynamoReceiptStore.js';
