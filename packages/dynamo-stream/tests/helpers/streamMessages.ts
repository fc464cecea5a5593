import type { TargetQueue } from '../../src/constants.js';
import type { EntityData, FieldChanges, StreamMessage } from '../../src/messages/types.js';

/** The image id of the spec §9 example. */
export const WIRE_IMAGE_ID = '7e2bd911-7afb-4e0a-84de-57f51ce4daff';

/** The StreamMessage behind the spec §9 example body (a RECEIPT_PLACE merchant rename). */
export const placeMessage = (): StreamMessage => ({
  entityType: 'RECEIPT_PLACE',
  entityData: { entity_type: 'RECEIPT_PLACE', image_id: WIRE_IMAGE_ID, receipt_id: 1 },
  changes: {
    merchant_name: { old: '30740 Russell Ranch Rd (Westlake Village)', new: 'Target' },
  },
  eventName: 'MODIFY',
  collections: ['lines', 'words', 'receipt_summary'],
  context: {
    source: 'dynamodb_stream',
    timestamp: '2026-01-04T12:34:56.123456+00:00',
    recordId: '16a9dd5e2f0213450b6df980241160f0',
    awsRegion: 'us-east-1',
  },
  recordSnapshot: { merchant_name: 'Target' },
});

/** The spec §9 example body, written out by hand in Python's `json.dumps` layout. */
export const PLACE_MESSAGE_BODY: string =
  '{"source": "dynamodb_stream", "entity_type": "RECEIPT_PLACE", ' +
  `"entity_data": {"entity_type": "RECEIPT_PLACE", "image_id": "${WIRE_IMAGE_ID}", "receipt_id": 1}, ` +
  '"changes": {"merchant_name": {"old": "30740 Russell Ranch Rd (Westlake Village)", "new": "Target"}}, ' +
  '"event_name": "MODIFY", "timestamp": "2026-01-04T12:34:56.123456+00:00", ' +
  '"stream_record_id": "16a9dd5e2f0213450b6df980241160f0", "aws_region": "us-east-1"}';

/** Options of {@link wordLabelMessage}. */
export interface WordLabelMessageOptions {
  readonly receiptId?: number;
  readonly wordId?: number;
  readonly label?: string;
  readonly eventName?: string;
  readonly collections?: readonly TargetQueue[];
  readonly changes?: FieldChanges;
  readonly entityData?: Partial<EntityData>;
}

/** A RECEIPT_WORD_LABEL message, numbered by `wordId`, routed to `words` by default. */
export const wordLabelMessage = ({
  receiptId = 1,
  wordId = 1,
  label = 'TOTAL',
  eventName = 'MODIFY',
  collections = ['words'],
  changes = { validation_status: { old: 'PENDING', new: 'VALID' } },
  entityData = {},
}: WordLabelMessageOptions = {}): StreamMessage => ({
  entityType: 'RECEIPT_WORD_LABEL',
  entityData: {
    entity_type: 'RECEIPT_WORD_LABEL',
    image_id: WIRE_IMAGE_ID,
    receipt_id: receiptId,
    line_id: 2,
    word_id: wordId,
    label,
    ...entityData,
  },
  changes,
  eventName,
  collections,
  context: {
    source: 'dynamodb_stream',
    timestamp: `2026-01-04T12:34:56.${String(wordId).padStart(6, '0')}+00:00`,
    recordId: `event-${wordId}`,
    awsRegion: 'us-east-1',
  },
});
