import { CHROMADB_RELEVANT_FIELDS } from '../changes/relevantFields.js';
import { EntityType, TargetQueue } from '../constants.js';
import { RECEIPT, type Receipt } from '../entities/receipt.js';
import { RECEIPT_LINE, type ReceiptLine } from '../entities/receiptLine.js';
import { RECEIPT_PLACE, type ReceiptPlace } from '../entities/receiptPlace.js';
import { RECEIPT_SECTION, type ReceiptSection } from '../entities/receiptSection.js';
import {
  RECEIPT_SUMMARY_RECORD,
  type ReceiptSummaryRecord,
} from '../entities/receiptSummaryRecord.js';
import { RECEIPT_WORD, type ReceiptWord } from '../entities/receiptWord.js';
import { RECEIPT_WORD_LABEL, type ReceiptWordLabel } from '../entities/receiptWordLabel.js';
import type { KeyIdentityReader } from '../keys/receiptKeyReaders.js';
import {
  LINE_SORT_KEY,
  matchesReceiptSortKey,
  RECEIPT_SORT_KEY,
  WORD_SORT_KEY,
} from '../keys/receiptKeys.js';
import type { EntityKeys } from './parseEntity.js';
import { defineEntity, type EntityDefinition, type EntityExtraction } from './registry.js';
import type { BuiltInEntityType } from './types.js';

/** The relevant fields of a type. A declaration marked side-effect free, so esbuild can drop unused definitions. */
/* @__NO_SIDE_EFFECTS__ */
function fields(entityType: string): readonly string[] {
  return CHROMADB_RELEVANT_FIELDS[entityType] ?? [];
}

/**
 * A REMOVE's message from the record's keys alone: the identity `read` finds (with the
 * entity's rules) turned into a message, or `undefined` when the keys break those rules.
 * A declaration marked side-effect free, so esbuild can drop unused definitions.
 */
/* @__NO_SIDE_EFFECTS__ */
function fromKeys<Identity>(
  read: KeyIdentityReader<Identity>,
  message: (identity: Identity) => EntityExtraction,
): (keys: EntityKeys) => EntityExtraction | undefined {
  return (keys) => {
    const identity = read(keys);
    return identity === undefined ? undefined : message(identity);
  };
}

/** Target lists, shared by every message of a type (messages hold them read-only). */
const TO_LINES_AND_WORDS: readonly TargetQueue[] = Object.freeze([
  TargetQueue.LINES,
  TargetQueue.WORDS,
]);
const TO_LINES: readonly TargetQueue[] = Object.freeze([TargetQueue.LINES]);
const TO_WORDS: readonly TargetQueue[] = Object.freeze([TargetQueue.WORDS]);
const TO_LABEL_CONSUMERS: readonly TargetQueue[] = Object.freeze([
  TargetQueue.WORDS,
  TargetQueue.LINES,
  TargetQueue.RECEIPT_SUMMARY,
]);
const TO_PLACE_CONSUMERS: readonly TargetQueue[] = Object.freeze([
  TargetQueue.LINES,
  TargetQueue.WORDS,
  TargetQueue.RECEIPT_SUMMARY,
]);
const TO_LINES_AND_LINE_ITEMS: readonly TargetQueue[] = Object.freeze([
  TargetQueue.LINES,
  TargetQueue.LINE_ITEMS,
]);
const TO_LINE_ITEMS: readonly TargetQueue[] = Object.freeze([TargetQueue.LINE_ITEMS]);

interface ReceiptIds {
  readonly image_id: string;
  readonly receipt_id: number;
}
interface LineIds extends ReceiptIds {
  readonly line_id: number;
}
interface WordIds extends LineIds {
  readonly word_id: number;
}
interface LabelIds extends WordIds {
  readonly label: string;
}
interface SectionIds extends ReceiptIds {
  readonly section_type: string;
}

// Message builders: each takes only the identifiers its message carries, so a REMOVE can
// build the same message from the keys as from the parsed old image (spec §8.5 key order).

const receiptMessage = (receipt: ReceiptIds): EntityExtraction => ({
  entityData: {
    entity_type: EntityType.RECEIPT,
    image_id: receipt.image_id,
    receipt_id: receipt.receipt_id,
  },
  targets: TO_LINES_AND_WORDS,
});

const lineMessage = (line: LineIds): EntityExtraction => ({
  entityData: {
    entity_type: EntityType.RECEIPT_LINE,
    image_id: line.image_id,
    receipt_id: line.receipt_id,
    line_id: line.line_id,
  },
  targets: TO_LINES,
});

const wordMessage = (word: WordIds): EntityExtraction => ({
  entityData: {
    entity_type: EntityType.RECEIPT_WORD,
    image_id: word.image_id,
    receipt_id: word.receipt_id,
    line_id: word.line_id,
    word_id: word.word_id,
  },
  targets: TO_WORDS,
});

const labelMessage = (label: LabelIds): EntityExtraction => ({
  entityData: {
    entity_type: EntityType.RECEIPT_WORD_LABEL,
    image_id: label.image_id,
    receipt_id: label.receipt_id,
    line_id: label.line_id,
    word_id: label.word_id,
    label: label.label,
  },
  targets: TO_LABEL_CONSUMERS,
});

const placeMessage = (place: ReceiptIds): EntityExtraction => ({
  entityData: {
    entity_type: EntityType.RECEIPT_PLACE,
    image_id: place.image_id,
    receipt_id: place.receipt_id,
  },
  targets: TO_PLACE_CONSUMERS,
});

const sectionMessage = (section: SectionIds): EntityExtraction => ({
  entityData: {
    entity_type: EntityType.RECEIPT_SECTION,
    image_id: section.image_id,
    receipt_id: section.receipt_id,
    section_type: section.section_type,
  },
  // Exactly ITEMS; the legacy ITEMS_VALUE / ITEMS_DESCRIPTION do not qualify (spec §8.5).
  targets: section.section_type.toUpperCase() === 'ITEMS' ? TO_LINES_AND_LINE_ITEMS : TO_LINES,
});

const summaryMessage = (summary: ReceiptIds): EntityExtraction => ({
  entityData: {
    entity_type: EntityType.RECEIPT_SUMMARY,
    image_id: summary.image_id,
    receipt_id: summary.receipt_id,
  },
  targets: TO_LINE_ITEMS,
});

/**
 * Word labels: `…#WORD#<id>#LABEL#<LABEL>`. Checked before places so a label whose name
 * starts with `PLACE` is still a label (a Python quirk, fixed). An INSERT is sent too (Python
 * sent none), so a label added after the receipt's embeddings were merged reaches them.
 */
export const ReceiptWordLabelDefinition: EntityDefinition<unknown, 'RECEIPT_WORD_LABEL'> =
  defineEntity<ReceiptWordLabel, 'RECEIPT_WORD_LABEL'>({
    entityType: 'RECEIPT_WORD_LABEL',
    matchesSortKey: (sk) => sk.includes('#LABEL#'),
    itemSchema: RECEIPT_WORD_LABEL.itemParser,
    relevantFields: fields('RECEIPT_WORD_LABEL'),
    syncOnInsert: true,
    extract: labelMessage,
    extractFromKeys: fromKeys(RECEIPT_WORD_LABEL.keyReader, labelMessage),
  });

/**
 * Places: the sort key ends with `#PLACE` (Python matched the substring, so `#PLACES` did
 * too). An INSERT is sent too (Python sent none), so a place added after the receipt's
 * embeddings were merged reaches them.
 */
export const ReceiptPlaceDefinition: EntityDefinition<unknown, 'RECEIPT_PLACE'> = defineEntity<
  ReceiptPlace,
  'RECEIPT_PLACE'
>({
  entityType: 'RECEIPT_PLACE',
  matchesSortKey: (sk) => sk.endsWith('#PLACE'),
  itemSchema: RECEIPT_PLACE.itemParser,
  relevantFields: fields('RECEIPT_PLACE'),
  syncOnInsert: true,
  extract: placeMessage,
  extractFromKeys: fromKeys(RECEIPT_PLACE.keyReader, placeMessage),
});

/**
 * Sections: `…#SECTION#<type>`, checked before summaries because of `SECTION#SUMMARY`. A
 * parsed section names the type of its `section_type` attribute (Python's rule); one built
 * from the keys alone, that of its SK.
 */
export const ReceiptSectionDefinition: EntityDefinition<unknown, 'RECEIPT_SECTION'> = defineEntity<
  ReceiptSection,
  'RECEIPT_SECTION'
>({
  entityType: 'RECEIPT_SECTION',
  matchesSortKey: (sk) => sk.includes('#SECTION#'),
  itemSchema: RECEIPT_SECTION.itemParser,
  relevantFields: fields('RECEIPT_SECTION'),
  syncOnInsert: true,
  extract: sectionMessage,
  extractFromKeys: fromKeys(RECEIPT_SECTION.keyReader, sectionMessage),
});

/** Receipt summaries: `RECEIPT#<id>#SUMMARY`. */
export const ReceiptSummaryDefinition: EntityDefinition<unknown, 'RECEIPT_SUMMARY'> = defineEntity<
  ReceiptSummaryRecord,
  'RECEIPT_SUMMARY'
>({
  entityType: 'RECEIPT_SUMMARY',
  matchesSortKey: (sk) => sk.endsWith('#SUMMARY'),
  itemSchema: RECEIPT_SUMMARY_RECORD.itemParser,
  relevantFields: fields('RECEIPT_SUMMARY'),
  syncOnInsert: true,
  extract: summaryMessage,
  extractFromKeys: fromKeys(RECEIPT_SUMMARY_RECORD.keyReader, summaryMessage),
});

/**
 * Compaction runs: `…#COMPACTION_RUN#<run_id>`. Their INSERTs take the delta-merge fast
 * path; they have no entity parser here, so MODIFY and REMOVE produce nothing.
 */
export const CompactionRunDefinition: EntityDefinition<unknown, 'COMPACTION_RUN'> = defineEntity({
  entityType: 'COMPACTION_RUN',
  matchesSortKey: (sk) => sk.includes('#COMPACTION_RUN#'),
  relevantFields: fields('COMPACTION_RUN'),
});

/**
 * Words: exactly `RECEIPT#…#LINE#…#WORD#…`. Letters and spatial analyses below a word are
 * not words, so their REMOVE never deletes a word embedding (fixed from Python).
 */
export const ReceiptWordDefinition: EntityDefinition<unknown, 'RECEIPT_WORD'> = defineEntity<
  ReceiptWord,
  'RECEIPT_WORD'
>({
  entityType: 'RECEIPT_WORD',
  matchesSortKey: (sk) => matchesReceiptSortKey(WORD_SORT_KEY, sk),
  itemSchema: RECEIPT_WORD.itemParser,
  relevantFields: fields('RECEIPT_WORD'),
  extract: wordMessage,
  extractFromKeys: fromKeys(RECEIPT_WORD.keyReader, wordMessage),
});

/** Lines: exactly `RECEIPT#…#LINE#…`. */
export const ReceiptLineDefinition: EntityDefinition<unknown, 'RECEIPT_LINE'> = defineEntity<
  ReceiptLine,
  'RECEIPT_LINE'
>({
  entityType: 'RECEIPT_LINE',
  matchesSortKey: (sk) => matchesReceiptSortKey(LINE_SORT_KEY, sk),
  itemSchema: RECEIPT_LINE.itemParser,
  relevantFields: fields('RECEIPT_LINE'),
  extract: lineMessage,
  extractFromKeys: fromKeys(RECEIPT_LINE.keyReader, lineMessage),
});

/** Receipts: `RECEIPT#<id>` with no further segment. */
export const ReceiptDefinition: EntityDefinition<unknown, 'RECEIPT'> = defineEntity<
  Receipt,
  'RECEIPT'
>({
  entityType: 'RECEIPT',
  matchesSortKey: (sk) => matchesReceiptSortKey(RECEIPT_SORT_KEY, sk),
  itemSchema: RECEIPT.itemParser,
  relevantFields: fields('RECEIPT'),
  extract: receiptMessage,
  extractFromKeys: fromKeys(RECEIPT.keyReader, receiptMessage),
});

/**
 * The built-in entity types in matching order. Prepend your own definitions to give them
 * precedence: `[myDefinition, ...DEFAULT_ENTITY_REGISTRY]`.
 */
export const DEFAULT_ENTITY_REGISTRY: readonly EntityDefinition<unknown, BuiltInEntityType>[] = [
  ReceiptWordLabelDefinition,
  ReceiptPlaceDefinition,
  ReceiptSectionDefinition,
  ReceiptSummaryDefinition,
  CompactionRunDefinition,
  ReceiptWordDefinition,
  ReceiptLineDefinition,
  ReceiptDefinition,
];
