import type { DecodedStreamMessage } from '@receipt-chroma/dynamo-stream';
import type { ObservabilityOptions } from '../ports/observability.js';
import type { ReceiptStore } from '../ports/receiptStore.js';
import type { VectorCollection } from '../ports/vectorCollection.js';
import { DEFAULT_MAX_BATCH_SIZE } from '../vectors/writeBatches.js';

/**
 * The parts of a queue message an operation reads: a decoded SQS body
 * (`DecodedStreamMessage`) or a `StreamMessage` both fit.
 */
export type OperationMessage = Pick<
  DecodedStreamMessage,
  'entityType' | 'entityData' | 'changes' | 'eventName'
>;

/**
 * One message handed to an operation, with the id of the queue record it came from (the SQS
 * `messageId`), which the operation copies into the result that covers it.
 */
export interface OperationInput {
  /**
   * The SQS `messageId`; copied into the result's `recordIds`.
   * @default none (the result has no `recordIds`)
   */
  readonly recordId?: string | undefined;
  /** The decoded message. */
  readonly message: OperationMessage;
}

// spec §18.12
/** Records per Chroma request by default (250): under Chroma Cloud's limit of 300. */
export const DEFAULT_OPERATION_BATCH_SIZE: 250 = DEFAULT_MAX_BATCH_SIZE;

/** Options every compaction operation takes. */
export interface OperationOptions extends ObservabilityOptions {
  /** The collection to read and write (`words` or `lines`, as the operation requires). */
  readonly vectors: VectorCollection;
  /**
   * What `vectors` holds. By default it is read from the collection's name, as the Python
   * operations do (a name containing `words`, else `lines`); a collection named otherwise (a
   * Chroma Cloud collection called `receipt_text_prod`, say) needs it.
   * @default from `vectors.name`
   */
  readonly collectionKind?: 'lines' | 'words' | undefined;
  /** The receipts table, the source of truth the metadata is derived from. */
  readonly receipts: ReceiptStore;
  /**
   * The most records one `get` or `update` request carries; larger sets are split. The
   * default is {@link DEFAULT_OPERATION_BATCH_SIZE}.
   * @default 250
   */
  readonly maxBatchSize?: number | undefined;
  /**
   * The clock for the timestamps written into metadata (`last_label_update`, …), as
   * `pythonUtcNow` prints them (`2026-01-04T12:34:56.123456+00:00`). Inject a fixed clock to
   * make runs reproducible.
   * @default pythonUtcNow (from `@receipt-chroma/dynamo-stream`)
   */
  readonly now?: (() => string) | undefined;
}
