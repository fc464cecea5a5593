/**
 * `@receipt-chroma/dynamo-stream`: parse DynamoDB stream records of the receipts table into
 * typed entities, detect the changes that matter to Chroma, and build and publish the
 * queue messages the compactor consumes.
 *
 * @example
 * ```ts
 * import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
 * import { buildStreamMessages, type DynamoDBStreamEvent, publishMessages } from '@receipt-chroma/dynamo-stream';
 *
 * declare const LINES_URL: string, WORDS_URL: string, SUMMARY_URL: string, ITEMS_URL: string;
 * const sqs = new SQSClient({});
 *
 * export const handler = async (event: DynamoDBStreamEvent): Promise<void> => {
 *   const { messages } = buildStreamMessages(event.Records);
 *   await publishMessages(messages, {
 *     send: (input) => sqs.send(new SendMessageBatchCommand(input)),
 *     queueUrls: { lines: LINES_URL, words: WORDS_URL, receipt_summary: SUMMARY_URL, line_items: ITEMS_URL },
 *   });
 * };
 * ```
 * @packageDocumentation
 */

export { getChromaDBRelevantChanges } from './changes/getChromaDBRelevantChanges.js';
// Change detection
export { CHROMADB_RELEVANT_FIELDS } from './changes/relevantFields.js';
// Constants
export {
  ChromaDBCollection,
  EntityType,
  MetricName,
  SQS_MAX_BATCH_BYTES,
  SQS_MAX_BATCH_ENTRIES,
  STREAM_SOURCE,
  TARGET_QUEUE_ORDER,
  TargetQueue,
} from './constants.js';
export {
  type CompactionLock,
  CompactionLockItemSchema,
  type CompactionLockKeys,
  CompactionLockSchema,
  compactionLockKeys,
  compactionLockToItem,
} from './entities/compactionLock.js';
export {
  type CompactionRun,
  CompactionRunItemSchema,
  type CompactionRunKeys,
  CompactionRunSchema,
  compactionRunKeys,
  compactionRunToItem,
} from './entities/compactionRun.js';
export {
  CompactionState,
  CompactionStateSchema,
  EmbeddingStatus,
  EmbeddingStatusSchema,
  MerchantValidationStatus,
  SectionType,
  SectionTypeSchema,
  ValidationMethod,
  ValidationMethodSchema,
  ValidationStatus,
  ValidationStatusSchema,
  VerificationStatus,
} from './entities/enums.js';
export {
  type Receipt,
  ReceiptItemSchema,
  type ReceiptKeys,
  ReceiptSchema,
  receiptKeys,
  receiptToItem,
} from './entities/receipt.js';
export {
  type ReceiptLine,
  ReceiptLineItemSchema,
  type ReceiptLineKeys,
  ReceiptLineSchema,
  receiptLineKeys,
  receiptLineToItem,
} from './entities/receiptLine.js';
export {
  deriveMerchantValidationStatus,
  type MerchantMatchThresholds,
  type ReceiptMetadata,
  ReceiptMetadataItemSchema,
  type ReceiptMetadataKeys,
  ReceiptMetadataSchema,
  receiptMetadataKeys,
  receiptMetadataToItem,
  receiptMetadataToPlace,
} from './entities/receiptMetadata.js';
export {
  merchantSlug,
  type ReceiptPlace,
  ReceiptPlaceItemSchema,
  type ReceiptPlaceKeys,
  ReceiptPlaceSchema,
  receiptPlaceKeys,
  receiptPlaceToItem,
} from './entities/receiptPlace.js';
export {
  type ReceiptSection,
  ReceiptSectionItemSchema,
  type ReceiptSectionKeys,
  ReceiptSectionSchema,
  receiptSectionKeys,
  receiptSectionToItem,
} from './entities/receiptSection.js';
export {
  type Ledger,
  type ReceiptSummaryRecord,
  ReceiptSummaryRecordItemSchema,
  type ReceiptSummaryRecordKeys,
  ReceiptSummaryRecordSchema,
  receiptSummaryRecordKeys,
  receiptSummaryRecordToItem,
  type TenderClass,
} from './entities/receiptSummaryRecord.js';
export {
  type ReceiptWord,
  ReceiptWordItemSchema,
  type ReceiptWordKeys,
  ReceiptWordSchema,
  receiptWordKeys,
  receiptWordToItem,
} from './entities/receiptWord.js';
export {
  CORE_LABELS,
  LABEL_ALIASES,
  type ReceiptWordLabel,
  ReceiptWordLabelItemSchema,
  type ReceiptWordLabelKeys,
  ReceiptWordLabelSchema,
  receiptWordLabelKeys,
  receiptWordLabelToItem,
} from './entities/receiptWordLabel.js';
// Errors
export {
  DynamoStreamError,
  EntityValidationError,
  type FailedQueueEntry,
  type ImageName,
  MessageDecodeError,
  type PublishFailure,
  PublishFailureError,
  QueueBatchFailureError,
  QueueConfigurationError,
  QueueMessageTooLargeError,
  QueuePublishError,
  QueueServiceError,
  type RecordLocation,
  RecordParseError,
  type RecordSkipReason,
  type ValidationIssue,
} from './errors.js';
export type { KeyIdentityReader } from './keys/receiptKeyReaders.js';
// Entities
export {
  buildReceiptSortKey,
  COMPACTION_RUN_SORT_KEY,
  imagePk,
  LABEL_SORT_KEY,
  LINE_SORT_KEY,
  matchesReceiptSortKey,
  padId,
  RECEIPT_SORT_KEY,
  type ReceiptKeyLayout,
  receiptSkPrefix,
  SECTION_SORT_KEY,
  type TableKeys,
  WORD_SORT_KEY,
} from './keys/receiptKeys.js';
export {
  type BuildMessagesOptions,
  type BuildMessagesResult,
  buildMessagesFromRecords,
  buildStreamMessages,
} from './messages/buildStreamMessages.js';
export { toPythonJson } from './messages/pythonJson.js';
export { formatPythonTimestamp, pythonUtcNow } from './messages/timestamp.js';
// Messages
export type {
  DecodedStreamMessage,
  EntityData,
  FieldChange,
  FieldChanges,
  JsonValue,
  StreamMessage,
  StreamRecordContext,
} from './messages/types.js';
export {
  decodeStreamMessage,
  type EntityDataWire,
  encodeStreamMessage,
  type SafeDecodeStreamMessageResult,
  type StreamMessageWire,
  StreamMessageWireSchema,
  safeDecodeStreamMessage,
  toWireMessage,
} from './messages/wire.js';
export {
  type CompactionRunInfo,
  isCompactionRun,
  isEmbeddingsCompleted,
  parseCompactionRun,
} from './parsing/compactionRunImage.js';
export { detectEntityType } from './parsing/detectEntityType.js';
export {
  CompactionRunDefinition,
  DEFAULT_ENTITY_REGISTRY,
  ReceiptDefinition,
  ReceiptLineDefinition,
  ReceiptPlaceDefinition,
  ReceiptSectionDefinition,
  ReceiptSummaryDefinition,
  ReceiptWordDefinition,
  ReceiptWordLabelDefinition,
} from './parsing/entityDefinitions.js';
export {
  type EntityKeys,
  type ParseEntityOptions,
  parseEntity,
  type SafeParseEntityResult,
  safeParseEntity,
} from './parsing/parseEntity.js';
export {
  type ParseStreamRecordOptions,
  parseStreamRecord,
  type SafeParseStreamRecordResult,
  safeParseStreamRecord,
} from './parsing/parseStreamRecord.js';
// Parsing
export {
  type DeclaredEntityDefinition,
  defineEntity,
  type EntityDefinition,
  type EntityExtraction,
  type EntityRegistry,
  type MessageTargets,
} from './parsing/registry.js';
export type {
  BuiltInEntities,
  BuiltInEntityType,
  ImageError,
  ParsedEntityRecord,
  ParsedStreamRecord,
} from './parsing/types.js';
// Publishing
export { planQueueBatches } from './publish/planQueueBatches.js';
export { publishMessages } from './publish/publishMessages.js';
export type {
  OversizedQueueEntry,
  PlannedQueueBatch,
  PlannedQueueEntry,
  PlanQueueBatchesOptions,
  PublishMessagesOptions,
  PublishResult,
  QueuePlan,
  QueueUrls,
  SendMessageBatch,
  SendMessageBatchInput,
  SendMessageBatchOutput,
} from './publish/types.js';
// Stream and observability types
export type {
  AttributeValue,
  DynamoDBItem,
  DynamoDBStreamEvent,
  DynamoDBStreamRecord,
  Logger,
  MetricDimensions,
  Metrics,
  ObservabilityOptions,
  StreamRecordData,
} from './types.js';
// Declaring entities
export type {
  BoundingBox,
  Codec,
  Invalid,
  IssueSink,
  ItemGuardOptions,
  ItemParser,
  Point,
} from './validation/attributes.js';
export { INVALID } from './validation/attributes.js';
export { declaredItemSchema, declaredSchema } from './validation/declaredSchemas.js';
export {
  type DeclaredEntity,
  declareEntity,
  type EntityDeclaration,
  type EntityKeyForm,
  type ItemChecks,
  type PrimaryKey,
} from './validation/declareEntity.js';
export type { EntityRules } from './validation/entityParts.js';
export type {
  AnyField,
  EntityOf,
  Field,
  FieldTable,
} from './validation/field.js';
export * as fields from './validation/fieldKinds.js';
export {
  declareReceiptEntity,
  type ItemProtocol,
  type ReceiptEntity,
  type ReceiptEntityDeclaration,
} from './validation/receiptEntity.js';
export { isIsoTimestamp, isValidUuid, UuidSchema } from './validation/validators.js';
