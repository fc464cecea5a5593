import { EntityType } from '../constants.js';

/**
 * For each entity type, the fields whose change must reach Chroma or a downstream
 * updater, in the order changes are reported. Types not listed (receipts, lines, words,
 * compaction runs) have none, so a MODIFY of them never produces a message.
 */
export const CHROMADB_RELEVANT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  [EntityType.RECEIPT_PLACE]: [
    'merchant_name',
    'merchant_category',
    'formatted_address',
    'phone_number',
    'place_id',
  ],
  [EntityType.RECEIPT_WORD_LABEL]: [
    'label',
    'reasoning',
    'validation_status',
    'label_proposed_by',
    'label_consolidated_from',
  ],
  [EntityType.RECEIPT_SUMMARY]: ['timestamp_computed'],
  [EntityType.RECEIPT_SECTION]: ['section_type', 'line_ids', 'confidence', 'validation_status'],
  [EntityType.RECEIPT]: [],
  [EntityType.RECEIPT_LINE]: [],
  [EntityType.RECEIPT_WORD]: [],
  [EntityType.COMPACTION_RUN]: [],
};
