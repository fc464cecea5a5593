import { CHROMADB_RELEVANT_FIELDS } from '../changes/relevantFields.js';
import { EntityType, TargetQueue } from '../constants.js';
import { imageIdFromPk } from '../entities/keys.js';
import { RECEIPT_ITEM_PARSER, type Receipt } from '../entities/receipt.js';
import { RECEIPT_LINE_ITEM_PARSER, type ReceiptLine } from '../entities/receiptLine.js';
import { RECEIPT_PLACE_ITEM_PARSER, type ReceiptPlace } from '../entities/receiptPlace.js';
import { RECEIPT_SECTION_ITEM_PARSER, type ReceiptSection } from '../entities/receiptSection.js';
import {
  RECEIPT_SUMMARY_RECORD_ITEM_PARSER,
  type ReceiptSummaryRecord,
} from '../entities/receiptSummaryRecord.js';
import { RECEIPT_WORD_ITEM_PARSER, type ReceiptWord } from '../entities/receiptWord.js';
import {
  RECEIPT_WORD_LABEL_ITEM_PARSER,
  type ReceiptWordLabel,
} from '../entities/receiptWordLabel.js';
import { isValidUuid, parsePythonInt } from '../entities/validators.js';
import {
  defineEntity,
  type EntityDefinition,
  type EntityExtraction,
  type EntityRegistry,
} from './registry.js';

/** The relevant fields of a type. A declaration marked side-effect free, so esbuild can drop unused definitions. */
/* @__NO_SIDE_EFFECTS__ */
function fields(entityType: string): readonly string[] {
  return CHROMADB_RELEVANT_FIELDS[entityType] ?? [];
}

/** A word sort key with exactly six segments: `RECEIPT#…#LINE#…#WORD#…`. */
const WORD_SK = /^RECEIPT#[^#]*#LINE#[^#]*#WORD#[^#]*$/;
/** A line sort key with exactly four segments: `RECEIPT#…#LINE#…`. */
const LINE_SK = /^RECEIPT#[^#]*#LINE#[^#]*$/;

/**
 * The image id of `pk` and the positive ids at the odd `#`-segments of `sk`
 * (`RECEIPT#<rid>#LINE#<lid>#WORD#<wid>` → `[rid, lid, wid]`), or `undefined` when the
 * image id is not a UUID or an id is not a positive integer (the entity rules).
 */
const idsFromKeys = (
  keys: { readonly pk: string; readonly sk: string },
  count: number,
): { imageId: string; ids: number[] } | undefined => {
  const imageId = imageIdFromPk(keys.pk);
  if (!isValidUuid(imageId) || keys.pk.length !== 'IMAGE#'.length + imageId.length) {
    return undefined;
  }
  const parts = keys.sk.split('#');
  const ids: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const id = parsePythonInt(parts[2 * index + 1] ?? '');
    if (id === undefined || id <= 0) return undefined;
    ids.push(id);
  }
  return { imageId, ids };
};

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

/**
 * Word labels: `…#WORD#<id>#LABEL#<LABEL>`. Checked before places so a label whose name
 * starts with `PLACE` is still a label (a Python quirk, fixed). An INSERT is sent too (Python
 * sent none), so a label added after the receipt's embeddings were merged reaches them.
 */
export const ReceiptWordLabelDefinition: EntityDefinition = defineEntity<ReceiptWordLabel>({
  entityType: 'RECEIPT_WORD_LABEL',
  matchesSortKey: (sk) => sk.includes('#LABEL#'),
  itemSchema: RECEIPT_WORD_LABEL_ITEM_PARSER,
  relevantFields: fields('RECEIPT_WORD_LABEL'),
  syncOnInsert: true,
  extract: (label) => ({
    entityData: {
      entity_type: EntityType.RECEIPT_WORD_LABEL,
      image_id: label.image_id,
      receipt_id: label.receipt_id,
      line_id: label.line_id,
      word_id: label.word_id,
      label: label.label,
    },
    targets: TO_LABEL_CONSUMERS,
  }),
});

/**
 * Places: the sort key ends with `#PLACE` (Python matched the substring, so `#PLACES` did
 * too). An INSERT is sent too (Python sent none), so a place added after the receipt's
 * embeddings were merged reaches them.
 */
export const ReceiptPlaceDefinition: EntityDefinition = defineEntity<ReceiptPlace>({
  entityType: 'RECEIPT_PLACE',
  matchesSortKey: (sk) => sk.endsWith('#PLACE'),
  itemSchema: RECEIPT_PLACE_ITEM_PARSER,
  relevantFields: fields('RECEIPT_PLACE'),
  syncOnInsert: true,
  extract: (place) => ({
    entityData: {
      entity_type: EntityType.RECEIPT_PLACE,
      image_id: place.image_id,
      receipt_id: place.receipt_id,
    },
    targets: TO_PLACE_CONSUMERS,
  }),
});

/** Sections: `…#SECTION#<type>`, checked before summaries because of `SECTION#SUMMARY`. */
export const ReceiptSectionDefinition: EntityDefinition = defineEntity<ReceiptSection>({
  entityType: 'RECEIPT_SECTION',
  matchesSortKey: (sk) => sk.includes('#SECTION#'),
  itemSchema: RECEIPT_SECTION_ITEM_PARSER,
  relevantFields: fields('RECEIPT_SECTION'),
  syncOnInsert: true,
  extract: (section) => ({
    entityData: {
      entity_type: EntityType.RECEIPT_SECTION,
      image_id: section.image_id,
      receipt_id: section.receipt_id,
      section_type: section.section_type,
    },
    targets: section.section_type.toUpperCase() === 'ITEMS' ? TO_LINES_AND_LINE_ITEMS : TO_LINES,
  }),
});

/** Receipt summaries: `RECEIPT#<id>#SUMMARY`. */
export const ReceiptSummaryDefinition: EntityDefinition = defineEntity<ReceiptSummaryRecord>({
  entityType: 'RECEIPT_SUMMARY',
  matchesSortKey: (sk) => sk.endsWith('#SUMMARY'),
  itemSchema: RECEIPT_SUMMARY_RECORD_ITEM_PARSER,
  relevantFields: fields('RECEIPT_SUMMARY'),
  syncOnInsert: true,
  extract: (summary) => ({
    entityData: {
      entity_type: EntityType.RECEIPT_SUMMARY,
      image_id: summary.image_id,
      receipt_id: summary.receipt_id,
    },
    targets: TO_LINE_ITEMS,
  }),
});

/**
 * Compaction runs: `…#COMPACTION_RUN#<run_id>`. Their INSERTs take the delta-merge fast
 * path; they have no entity parser here, so MODIFY and REMOVE produce nothing.
 */
export const CompactionRunDefinition: EntityDefinition = defineEntity({
  entityType: 'COMPACTION_RUN',
  matchesSortKey: (sk) => sk.includes('#COMPACTION_RUN#'),
  relevantFields: fields('COMPACTION_RUN'),
});

/**
 * Words: exactly `RECEIPT#…#LINE#…#WORD#…`. Letters and spatial analyses below a word are
 * not words, so their REMOVE never deletes a word embedding (fixed from Python).
 */
export const ReceiptWordDefinition: EntityDefinition = defineEntity<ReceiptWord>({
  entityType: 'RECEIPT_WORD',
  matchesSortKey: (sk) => WORD_SK.test(sk),
  itemSchema: RECEIPT_WORD_ITEM_PARSER,
  relevantFields: fields('RECEIPT_WORD'),
  extract: wordMessage,
  extractFromKeys: (keys) => {
    const found = idsFromKeys(keys, 3);
    if (found === undefined) return undefined;
    const [receiptId = 0, lineId = 0, wordId = 0] = found.ids;
    return wordMessage({
      image_id: found.imageId,
      receipt_id: receiptId,
      line_id: lineId,
      word_id: wordId,
    });
  },
});

/** Lines: exactly `RECEIPT#…#LINE#…`. */
export const ReceiptLineDefinition: EntityDefinition = defineEntity<ReceiptLine>({
  entityType: 'RECEIPT_LINE',
  matchesSortKey: (sk) => LINE_SK.test(sk),
  itemSchema: RECEIPT_LINE_ITEM_PARSER,
  relevantFields: fields('RECEIPT_LINE'),
  extract: lineMessage,
  extractFromKeys: (keys) => {
    const found = idsFromKeys(keys, 2);
    if (found === undefined) return undefined;
    const [receiptId = 0, lineId = 0] = found.ids;
    return lineMessage({ image_id: found.imageId, receipt_id: receiptId, line_id: lineId });
  },
});

/** Receipts: `RECEIPT#<id>` with no further segment. */
export const ReceiptDefinition: EntityDefinition = defineEntity<Receipt>({
  entityType: 'RECEIPT',
  matchesSortKey: (sk) => sk.startsWith('RECEIPT#') && sk.indexOf('#', 8) === -1,
  itemSchema: RECEIPT_ITEM_PARSER,
  relevantFields: fields('RECEIPT'),
  extract: receiptMessage,
  extractFromKeys: (keys) => {
    const found = idsFromKeys(keys, 1);
    if (found === undefined) return undefined;
    const [receiptId = 0] = found.ids;
    return receiptMessage({ image_id: found.imageId, receipt_id: receiptId });
  },
});

/**
 * The built-in entity types in matching order. Prepend your own definitions to give them
 * precedence: `[myDefinition, ...DEFAULT_ENTITY_REGISTRY]`.
 */
export const DEFAULT_ENTITY_REGISTRY: EntityRegistry = [
  ReceiptWordLabelDefinition,
  ReceiptPlaceDefinition,
  ReceiptSectionDefinition,
  ReceiptSummaryDefinition,
  CompactionRunDefinition,
  ReceiptWordDefinition,
  ReceiptLineDefinition,
  ReceiptDefinition,
];
