import { ChromaDBCollection, EntityType } from '@receipt-chroma/dynamo-stream';
import { toError } from '../errors.js';
import { readReceiptRef } from '../operations/operationSupport.js';
import type { ReceiptRef } from '../ports/receiptStore.js';
import { InvalidStreamMessageError } from './errors.js';
import type { OutcomeTracker } from './OutcomeTracker.js';
import type { CollectionName, CollectionUpdateInput, DeltaMergeRequest } from './types.js';

// The update phases of spec §3.1.
/**
 * Sorting a batch into the update phases (deltas, places, labels, sections, removals) and
 * checking what each phase needs from a message. Messages that cannot be applied get their
 * outcome here.
 * @internal
 */

/** A place message with its receipt. @internal */
export interface PlaceInput {
  readonly input: CollectionUpdateInput;
  readonly receipt: ReceiptRef;
}

/** A delta message ready for the merger. @internal */
export interface DeltaInput {
  readonly input: CollectionUpdateInput;
  readonly request: DeltaMergeRequest;
}

/** A receipt, line or word removal. @internal */
export interface DeletionInput {
  readonly input: CollectionUpdateInput;
  readonly entityType: 'RECEIPT' | 'RECEIPT_LINE' | 'RECEIPT_WORD';
  readonly receipt: ReceiptRef;
}

/** The batch by phase, in application order. @internal */
export interface CollectionUpdatePlan {
  readonly deltas: DeltaInput[];
  readonly places: PlaceInput[];
  readonly labels: CollectionUpdateInput[];
  readonly sections: CollectionUpdateInput[];
  readonly deletions: DeletionInput[];
}

const DELETION_TYPES = new Set<string>([
  EntityType.RECEIPT,
  EntityType.RECEIPT_LINE,
  EntityType.RECEIPT_WORD,
]);

const invalid = (message: string, recordId: string): InvalidStreamMessageError =>
  new InvalidStreamMessageError(message, { context: { recordId } });

/** The receipt a message names, or the error saying why it names none. */
function receiptOf(input: CollectionUpdateInput): ReceiptRef | Error {
  try {
    return readReceiptRef(input.message.entityData);
  } catch (error) {
    return toError(error);
  }
}

function deltaRequest(
  input: CollectionUpdateInput,
  receipt: ReceiptRef,
): DeltaMergeRequest | Error | undefined {
  const data = input.message.entityData;
  const prefix = data.delta_s3_prefix;
  if (prefix === undefined || prefix === null || prefix === '') return undefined;
  if (typeof prefix !== 'string') {
    return invalid('entity_data.delta_s3_prefix must be a string', input.recordId);
  }
  const runId = data.run_id;
  if (typeof runId !== 'string' || runId === '') {
    return invalid('A compaction run message needs a non-empty entity_data.run_id', input.recordId);
  }
  return {
    recordId: input.recordId,
    runId,
    imageId: receipt.imageId,
    receiptId: receipt.receiptId,
    deltaPrefix: prefix,
    message: input.message,
  };
}

/**
 * Sorts the (already ordered and deduplicated) inputs into phases. Inputs that cannot be
 * applied get their outcome on `tracker`: `skipped` for messages this collection has no
 * use for, `failed` for messages routed elsewhere or missing what their phase needs.
 * @internal
 */
export function planCollectionUpdates(
  inputs: readonly CollectionUpdateInput[],
  collection: CollectionName,
  tracker: OutcomeTracker,
): CollectionUpdatePlan {
  const deltas: DeltaInput[] = [];
  const places: PlaceInput[] = [];
  const labels: CollectionUpdateInput[] = [];
  const sections: CollectionUpdateInput[] = [];
  const deletions: DeletionInput[] = [];
  const fail = (input: CollectionUpdateInput, reason: string, error: Error): void =>
    tracker.set({ recordId: input.recordId, status: 'failed', reason, error });
  const skip = (input: CollectionUpdateInput, reason: string): void =>
    tracker.set({ recordId: input.recordId, status: 'skipped', reason });

  for (const input of inputs) {
    const { entityType, eventName } = input.message;
    if (input.collection !== undefined && input.collection !== collection) {
      fail(
        input,
        `routed to the ${input.collection} collection`,
        invalid(
          `Message routed to "${input.collection}" cannot be applied to "${collection}"`,
          input.recordId,
        ),
      );
      continue;
    }
    const isDeletion = DELETION_TYPES.has(entityType) && eventName === 'REMOVE';
    const known =
      entityType === EntityType.COMPACTION_RUN ||
      entityType === EntityType.RECEIPT_PLACE ||
      entityType === EntityType.RECEIPT_WORD_LABEL ||
      entityType === EntityType.RECEIPT_SECTION ||
      isDeletion;
    if (!known) {
      skip(
        input,
        `${entityType} ${eventName} messages change nothing in the ${collection} collection`,
      );
      continue;
    }
    if (entityType === EntityType.RECEIPT_WORD_LABEL) {
      labels.push(input);
      continue;
    }
    if (entityType === EntityType.RECEIPT_SECTION) {
      if (collection === ChromaDBCollection.LINES) sections.push(input);
      else skip(input, 'section labels are kept on the lines collection only');
      continue;
    }
    const receipt = receiptOf(input);
    if (receipt instanceof Error) {
      fail(input, 'invalid receipt ids', receipt);
      continue;
    }
    if (entityType === EntityType.RECEIPT_PLACE) {
      places.push({ input, receipt });
    } else if (entityType === EntityType.COMPACTION_RUN) {
      const request = deltaRequest(input, receipt);
      if (request === undefined) skip(input, 'the compaction run has no delta for this collection');
      else if (request instanceof Error) fail(input, 'invalid compaction run', request);
      else deltas.push({ input, request });
    } else {
      deletions.push({ input, entityType: entityType as DeletionInput['entityType'], receipt });
    }
  }

  return { deltas, places, labels, sections, deletions };
}
