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
  FileSystemObjectStore,
  type FileSystemObjectStoreOptions,
} from './adapters/fs/FileSystemObjectStore.js';
export {
  ArchiveError,
  type ArchiveErrorOptions,
  type ArchiveErrorReason,
  SnapshotSourceError,
  type SnapshotSourceErrorOptions,
  type SnapshotSourceErrorReason,
} from './archives/errors.js';
export { packSnapshot } from './archives/packSnapshot.js';
export {
  DEFAULT_MEMBER_BYTES,
  DEFAULT_PACK_LEVEL,
  type GzipMember,
  type PackedFile,
  type PackedSnapshot,
  type PackSnapshotOptions,
} from './archives/packTypes.js';
export {
  DEFAULT_UNPACK_LIMITS,
  type UnpackLimits,
  type UnpackResult,
  type UnpackSnapshotOptions,
} from './archives/types.js';
export { unpackSnapshot } from './archives/unpackSnapshot.js';
export {
  type DecodeSqsRecordsResult,
  decodeSqsRecords,
  type SqsRecordLike,
} from './compaction/decodeSqsRecords.js';
export { CompactionConfigurationError, InvalidStreamMessageError } from './compaction/errors.js';
export { processCollectionUpdates } from './compaction/processCollectionUpdates.js';
export {
  type DeduplicatedMessages,
  type OrderableMessage,
  type SupersededMessage,
  sortAndDeduplicateMessages,
  type WithOrderableMessage,
} from './compaction/sortAndDeduplicateMessages.js';
export {
  type BatchItemFailuresOptions,
  type BatchItemFailuresResponse,
  toBatchItemFailures,
  type WithOutcomes,
} from './compaction/toBatchItemFailures.js';
export type {
  CollectionName,
  CollectionUpdateInput,
  CollectionUpdateResult,
  DeltaMergeRequest,
  DeltaMergeResult,
  FailedRecordOutcome,
  MergeDeltas,
  MergeDeltasContext,
  MirrorUpdateResult,
  OutcomeCounts,
  ProcessCollectionUpdatesOptions,
  RecordOutcome,
} from './compaction/types.js';
export { CompactionAbortedError, type CompactionAbortReason } from './cycle/errors.js';
export {
  COMPACTION_PHASES,
  type CompactCollectionOptions,
  type CompactCycleOptions,
  type CompactionPhase,
  type CompactionResult,
  type CompactionRunStates,
  type CompactionRunStateWrite,
  type CompactionSpan,
  type CompactionTarget,
  type CompactionTracer,
  type OpenCollection,
  type OpenedCollection,
  type RemoteCompactionOptions,
  type SnapshotCompactionOptions,
  type SpanAttributes,
} from './cycle/types.js';
export { createDeltaMerger, type DeltaMergerOptions } from './deltas/deltaMerger.js';
export {
  type DeltaCheck,
  DeltaError,
  type DeltaErrorOptions,
  DeltaIntegrityError,
  type DeltaIntegrityErrorOptions,
  DeltaLocationError,
  DeltaNotFoundError,
  InvalidDeltaRecordError,
  type InvalidDeltaRecordErrorOptions,
} from './deltas/errors.js';
export {
  DELTA_ARCHIVE,
  type DeltaEntryInfo,
  type DeltaEntryName,
  type DeltaManifest,
  EMBEDDINGS_ENTRY,
  MANIFEST_ENTRY,
  RECORDS_ENTRY,
} from './deltas/manifest.js';
export {
  DEFAULT_DELTA_BATCH_SIZE,
  DEFAULT_MAX_DELTA_BYTES,
  type ReadDeltaOptions,
  readDelta,
} from './deltas/readDelta.js';
export type {
  DeltaLayout,
  DeltaRead,
  DeltaRecord,
  DeltaRecordBatch,
  WriteDeltaOptions,
} from './deltas/types.js';
export { writeDelta } from './deltas/writeDelta.js';
export {
  ChromaCompactionError,
  type ChromaCompactionErrorOptions,
  DeleteFailedError,
  type DeleteFailedErrorOptions,
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
  type VectorStoreFailure,
} from './errors.js';
export {
  type ChromaLineIdParts,
  type ChromaReceiptIdParts,
  type ChromaWordIdParts,
  lineChromaId,
  type ParsedChromaId,
  type ParsedLineChromaId,
  type ParsedWordChromaId,
  parseChromaId,
  receiptChromaIdPrefix,
  type SafeParseChromaIdResult,
  safeParseChromaId,
  wordChromaId,
} from './ids/chromaIds.js';
export {
  type LockManagerState,
  LockStateError,
  type LockStateErrorOptions,
} from './locks/errors.js';
export { LockManager } from './locks/LockManager.js';
export type { LockLossReason } from './locks/LockTenure.js';
export {
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_LEASE_MS,
  DEFAULT_LOCK_RETRY,
  DEFAULT_MAX_HEARTBEAT_FAILURES,
  defaultLockId,
  type LockClock,
  type LockManagerOptions,
  type LockRetryPolicy,
  type WithLockOptions,
} from './locks/lockManagerOptions.js';
export {
  type RepairStaleMirrorOptions,
  type RepairStaleMirrorResult,
  repairStaleMirror,
} from './mirrors/repairStaleMirror.js';
export {
  type StaleMirrorFailure,
  type StaleMirrorMark,
  StaleMirrorMarkError,
  type StaleMirrorMarkRead,
  StaleMirrorMarks,
} from './mirrors/StaleMirrorMarks.js';
export {
  applyWordLabelMessages,
  type WordLabelMode,
  type WordLabelOptions,
} from './operations/applyWordLabelMessages.js';
export {
  type DeletionOptions,
  deleteLineEmbeddings,
  deleteWordEmbeddings,
  type LineDeletion,
  type WordDeletion,
} from './operations/embeddingDeletions.js';
export { HISTORY_METADATA_KEYS } from './operations/historyKeys.js';
export {
  ARRAY_LABEL_KEYS,
  DELIMITED_LABEL_KEYS,
  deriveWordLabelState,
  type LabelFormat,
  type ReconstructLabelMetadataOptions,
  reconstructLabelMetadata,
  type WordLabelState,
  type WordLabelStatus,
} from './operations/labelMetadata.js';
export {
  deleteReceiptEmbeddings,
  pruneReceiptEmbeddings,
  type ReceiptDeletionOptions,
} from './operations/receiptEmbeddingDeletions.js';
export {
  PLACE_METADATA_KEYS,
  type PlaceOperationOptions,
  placeMetadataPatch,
  syncReceiptPlace,
} from './operations/receiptPlace.js';
export {
  type RecomputeSectionLabelsOptions,
  recomputeSectionLabels,
} from './operations/recomputeSectionLabels.js';
export { removeWordLabels } from './operations/removeWordLabels.js';
export {
  type DeletionResult,
  isFailedResult,
  type LabelUpdateResult,
  type MetadataUpdateResult,
  type OperationResult,
  type OperationResultBase,
  type OperationStatus,
  resultRecordCount,
  type SectionUpdateResult,
} from './operations/results.js';
export {
  DEFAULT_OPERATION_BATCH_SIZE,
  type OperationInput,
  type OperationMessage,
  type OperationOptions,
} from './operations/types.js';
export { updateLineRowLabels } from './operations/updateLineRowLabels.js';
export { updateWordLabels } from './operations/updateWordLabels.js';
export { PACKAGE_VERSION } from './packageVersion.js';
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
export type { PythonDeltaSource } from './ports/pythonDeltaSource.js';
export type {
  CompactionRunCompletion,
  ReceiptRef,
  ReceiptStore,
  WordRef,
} from './ports/receiptStore.js';
export type {
  DeleteRequest,
  Embedding,
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
export {
  type EnsuredSnapshot,
  SnapshotCache,
  type SnapshotCacheOptions,
  type SnapshotCachePublishOptions,
  type SnapshotCleanupOptions,
  type SnapshotCleanupResult,
  type SnapshotHandle,
  type SnapshotSource,
} from './snapshots/cache/SnapshotCache.js';
export { downloadSnapshot } from './snapshots/downloadSnapshot.js';
export {
  InvalidSnapshotVersionError,
  NoSnapshotError,
  SnapshotCacheError,
  type SnapshotCacheErrorOptions,
  SnapshotCacheLockTimeoutError,
  type SnapshotCheck,
  SnapshotConflictError,
  SnapshotError,
  type SnapshotErrorOptions,
  SnapshotIntegrityError,
  SnapshotLockError,
  SnapshotNotCachedError,
} from './snapshots/errors.js';
export {
  parseSnapshotManifest,
  type SnapshotManifest,
  serializeSnapshotManifest,
} from './snapshots/manifest.js';
export { DEFAULT_KEEP_VERSIONS, publishSnapshot } from './snapshots/publishSnapshot.js';
export {
  newVersionId,
  SNAPSHOT_HASH,
  SNAPSHOT_MANIFEST,
  SNAPSHOT_TARBALL,
  type SnapshotKeys,
  snapshotKeys,
  VERSION_ID_PATTERN,
} from './snapshots/snapshotKeys.js';
export type {
  DownloadedSnapshot,
  DownloadSnapshotOptions,
  PublishedSnapshot,
  PublishSnapshotOptions,
  SnapshotLock,
  SnapshotMetadata,
} from './snapshots/types.js';
export {
  DEFAULT_SYNC_BATCH_SIZE,
  DEFAULT_SYNC_CONCURRENCY,
  DEFAULT_SYNC_RETRIES,
  DEFAULT_SYNC_RETRY_DELAY_MS,
  type SyncBatchFailure,
  type SyncCollectionOptions,
  type SyncCollectionResult,
  type SyncProgress,
  type SyncRefusal,
  syncCollection,
} from './sync/syncCollection.js';
export {
  CHROMA_CLOUD_LIMITS,
  type LimitProblem,
  type VectorLimit,
  VectorLimitError,
  type VectorLimits,
} from './vectors/limits.js';
