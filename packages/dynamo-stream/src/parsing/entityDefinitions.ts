import { CHROMADB_RELEVANT_FIELDS } from '../changes/relevantFields.js';
import { TargetQueue } from '../constants.js';
import { RECEIPT } from '../entities/receipt.js';
import { RECEIPT_LINE } from '../entities/receiptLine.js';
import { RECEIPT_PLACE } from '../entities/receiptPlace.js';
import { RECEIPT_SECTION } from '../entities/receiptSection.js';
import { RECEIPT_SUMMARY_RECORD } from '../entities/receiptSummaryRecord.js';
import { RECEIPT_WORD } from '../entities/receiptWord.js';
import { RECEIPT_WORD_LABEL } from '../entities/receiptWordLabel.js';
import {
  LINE_SORT_KEY,
  matchesReceiptSortKey,
  RECEIPT_SORT_KEY,
  WORD_SORT_KEY,
} from '../keys/receiptKeys.js';
import { defineEntity, type EntityDefinition } from './registry.js';
import type { BuiltInEntityType } from './types.js';

/** The relevant fields of a type. A declaration marked side-effect free, so esbuild can drop unused definitions. */
/* @__NO_SIDE_EFFECTS__ */
function fields(entityType: string): readonly string[] {
  return CHROMADB_RELEVANT_FIELDS[entityType] ?? [];
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

// spec §8.5
/** Exactly ITEMS; the legacy ITEMS_VALUE / ITEMS_DESCRIPTION do not qualify. */
const sectionTargets = (section: { readonly section_type: string }): readonly TargetQueue[] =>
  section.section_type.toUpperCase() === 'ITEMS' ? TO_LINES_AND_LINE_ITEMS : TO_LINES;

/**
 * Word labels: `…#WORD#<id>#LABEL#<LABEL>`. Checked before places so a label whose name
 * starts with `PLACE` is still a label (a Python quirk, fixed). An INSERT is sent too (Python
 * sent none), so a label added after the receipt's embeddings were merged reaches them.
 */
export const ReceiptWordLabelDefinition: EntityDefinition<unknown, 'RECEIPT_WORD_LABEL'> =
  defineEntity({
    entityType: 'RECEIPT_WORD_LABEL',
    matchesSortKey: (sk) => sk.includes('#LABEL#'),
    declaration: RECEIPT_WORD_LABEL,
    relevantFields: fields('RECEIPT_WORD_LABEL'),
    syncOnInsert: true,
    targets: TO_LABEL_CONSUMERS,
  });

/**
 * Places: the sort key ends with `#PLACE` (Python matched the substring, so `#PLACES` did
 * too). An INSERT is sent too (Python sent none), so a place added after the receipt's
 * embeddings were merged reaches them.
 */
export const ReceiptPlaceDefinition: EntityDefinition<unknown, 'RECEIPT_PLACE'> = defineEntity({
  entityType: 'RECEIPT_PLACE',
  matchesSortKey: (sk) => sk.endsWith('#PLACE'),
  declaration: RECEIPT_PLACE,
  relevantFields: fields('RECEIPT_PLACE'),
  syncOnInsert: true,
  targets: TO_PLACE_CONSUMERS,
});

/**
 * Sections: `…#SECTION#<type>`, checked before summaries because of `SECTION#SUMMARY`. A
 * parsed section names the type of its `section_type` attribute (Python's rule); one built
 * from the keys alone, that of its SK.
 */
export const ReceiptSectionDefinition: EntityDefinition<unknown, 'RECEIPT_SECTION'> = defineEntity({
  entityType: 'RECEIPT_SECTION',
  matchesSortKey: (sk) => sk.includes('#SECTION#'),
  declaration: RECEIPT_SECTION,
  relevantFields: fields('RECEIPT_SECTION'),
  syncOnInsert: true,
  targets: sectionTargets,
});

/** Receipt summaries: `RECEIPT#<id>#SUMMARY`. */
export const ReceiptSummaryDefinition: EntityDefinition<unknown, 'RECEIPT_SUMMARY'> = defineEntity({
  entityType: 'RECEIPT_SUMMARY',
  matchesSortKey: (sk) => sk.endsWith('#SUMMARY'),
  declaration: RECEIPT_SUMMARY_RECORD,
  relevantFields: fields('RECEIPT_SUMMARY'),
  syncOnInsert: true,
  targets: TO_LINE_ITEMS,
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
export const ReceiptWordDefinition: EntityDefinition<unknown, 'RECEIPT_WORD'> = defineEntity({
  entityType: 'RECEIPT_WORD',
  matchesSortKey: (sk) => matchesReceiptSortKey(WORD_SORT_KEY, sk),
  declaration: RECEIPT_WORD,
  relevantFields: fields('RECEIPT_WORD'),
  targets: TO_WORDS,
});

/** Lines: exactly `RECEIPT#…#LINE#…`. */
export const ReceiptLineDefinition: EntityDefinition<unknown, 'RECEIPT_LINE'> = defineEntity({
  entityType: 'RECEIPT_LINE',
  matchesSortKey: (sk) => matchesReceiptSortKey(LINE_SORT_KEY, sk),
  declaration: RECEIPT_LINE,
  relevantFields: fields('RECEIPT_LINE'),
  targets: TO_LINES,
});

/** Receipts: `RECEIPT#<id>` with no further segment. */
export const ReceiptDefinition: EntityDefinition<unknown, 'RECEIPT'> = defineEntity({
  entityType: 'RECEIPT',
  matchesSortKey: (sk) => matchesReceiptSortKey(RECEIPT_SORT_KEY, sk),
  declaration: RECEIPT,
  relevantFields: fields('RECEIPT'),
  targets: TO_LINES_AND_WORDS,
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
