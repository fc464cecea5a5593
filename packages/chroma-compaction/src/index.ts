/**
 * `@receipt-chroma/chroma-compaction`: keeps Chroma collections in step with the receipts
 * table. The core depends only on the ports below; adapters to Chroma, S3 and DynamoDB
 * live behind the `./chroma`, `./s3` and `./dynamodb` subpaths, test doubles behind
 * `./testing`.
 * @packageDocumentation
 */

/** The collections this package keeps in step, re-exported from `@receipt-chroma/dynamo-stream`. */
export { ChromaDBCollection } from '@receipt-chroma/dynamo-stream';
export {
  ChromaCompactionError,
  type ChromaCompactionErrorOptions,
  type ErrorContext,
  InvalidChromaIdError,
  type InvalidReceiptItem,
  InvalidReceiptItemError,
  LockHeldError,
  LockLostError,
  LockStoreError,
  ObjectNotFoundError,
  ObjectStoreError,
  PreconditionFailedError,
  ReceiptStoreError,
  VectorStoreError,
} from './errors.js';
export type {
  AcquireLockRequest,
  LockOwnerRef,
  LockRecord,
  LockStore,
  RefreshLockRequest,
} from './ports/lockStore.js';
export type {
  ListOptions,
  ObjectBody,
  ObjectInfo,
  ObjectListing,
  ObjectRead,
  ObjectStore,
  PutOptions,
} from './ports/objectStore.js';
export type {
  Logger,
  MetricDimensions,
  Metrics,
  ObservabilityOptions,
} from './ports/observability.js';
export { NOOP_LOGGER, NOOP_METRICS } from './ports/observability.js';
export type { ReceiptRef, ReceiptStore, WordRef } from './ports/receiptStore.js';
export type {
  DeleteRequest,
  FieldCondition,
  GetRequest,
  GetResponse,
  IncludeField,
  Metadata,
  MetadataPatch,
  MetadataScalar,
  MetadataValue,
  UpdateRequest,
  UpsertRequest,
  VectorCollection,
  Where,
} from './ports/vectorCollection.js';

/** The package's semantic version, for logs and snapshot manifests. */
export const PACKAGE_VERSION: string = '0.0.0';
