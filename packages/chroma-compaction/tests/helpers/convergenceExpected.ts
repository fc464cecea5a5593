import type {
  ReceiptLine,
  ReceiptPlace,
  ReceiptSection,
  ReceiptWord,
  ReceiptWordLabel,
} from '@receipt-chroma/dynamo-stream';
import type { CollectionName } from '../../src/compaction/types.js';
import { lineChromaId, wordChromaId } from '../../src/ids/chromaIds.js';
import { HISTORY_METADATA_KEYS } from '../../src/operations/historyKeys.js';
import { reconstructLabelMetadata } from '../../src/operations/labelMetadata.js';
import { placeMetadataPatch } from '../../src/operations/receiptPlace.js';
import {
  rowSectionFromMap,
  sectionsToLineMap,
} from '../../src/operations/recomputeSectionLabels.js';
import { rowLabelPatch } from '../../src/operations/updateLineRowLabels.js';
import type { ReceiptStore } from '../../src/ports/receiptStore.js';
import type {
  Metadata,
  MetadataPatch,
  MetadataValue,
  VectorCollection,
} from '../../src/ports/vectorCollection.js';

/**
 * The oracle of the convergence test: what the `words` and `lines` collections must hold
 * given the final table, derived with the exported pure derivations (which have their own
 * unit tests), never with the operations under test.
 *
 * The rule, record by record:
 * - Only receipts whose receipt item is in the final table have records. A receipt deleted
 *   and never created again has none, whatever its runs did (merged before the deletion,
 *   or skipped after it).
 * - `words`: one record per word the table has, `{image_id, receipt_id, line_id, word_id,
 *   text}` plus the non-null keys of `placeMetadataPatch(place)` and of
 *   `reconstructLabelMetadata(the word's labels)`. A word without labels has no label key;
 *   a receipt whose words were all deleted has no record. Words with line or word id 0 are
 *   ordinary words (they cannot carry labels: a label needs ids > 0).
 * - `lines`: one row per line the table has, `{image_id, receipt_id, line_id, row_line_ids:
 *   "[l]", text}` plus the place keys, the non-null keys of `rowLabelPatch(∅, [l], the
 *   receipt's labels)` (so every row has `label_status`, `unvalidated` without labels, and
 *   `label_{NAME}` only for core labels) and `section_label` when `rowSectionFromMap` gives
 *   one (absent on a tie, without sections, or when only INVALID sections or lines the
 *   receipt does not have are involved).
 * - A receipt deleted and created again holds only its current generation, with the text of
 *   that generation: a late delta of the old generation must neither bring back old words
 *   nor leave old text or old embeddings on ids the new generation reuses.
 * - Every change counts, however it was made: a place or a label inserted after the
 *   receipt's delta was merged must reach the records as surely as one that existed when
 *   the delta was built (the table is the source of truth, DESIGN §1).
 * - A receipt left without words (or lines), e.g. after deletions and a later run whose
 *   delta is empty, simply has no word records (or rows); it is not an error.
 * - The timestamp keys below depend on the history (when a change was applied), not on the
 *   table, and are left out of the comparison.
 */
export const HISTORY_DEPENDENT_KEYS: readonly string[] = HISTORY_METADATA_KEYS;

/** A patch without its `null` values: what a record holds after the patch is merged. */
const present = (patch: MetadataPatch): Record<string, MetadataValue> =>
  Object.fromEntries(
    Object.entries(patch).filter((entry): entry is [string, MetadataValue] => entry[1] !== null),
  );

/** The metadata of a word record given its receipt's place and the word's labels. */
export const wordMetadata = (
  word: ReceiptWord,
  place: ReceiptPlace | undefined,
  wordLabels: readonly ReceiptWordLabel[],
): Metadata => ({
  image_id: word.image_id,
  receipt_id: word.receipt_id,
  line_id: word.line_id,
  word_id: word.word_id,
  text: word.text,
  ...present(placeMetadataPatch(place)),
  ...present(reconstructLabelMetadata(wordLabels)),
});

/** The metadata of a `lines` row (one line per row) given its receipt's place, labels and sections. */
export const lineMetadata = (
  line: ReceiptLine,
  place: ReceiptPlace | undefined,
  receiptLabels: readonly ReceiptWordLabel[],
  sections: readonly ReceiptSection[],
): Metadata => {
  const section = rowSectionFromMap([line.line_id], sectionsToLineMap(sections));
  return {
    image_id: line.image_id,
    receipt_id: line.receipt_id,
    line_id: line.line_id,
    row_line_ids: `[${line.line_id}]`,
    text: line.text,
    ...present(placeMetadataPatch(place)),
    ...present(rowLabelPatch(null, [line.line_id], receiptLabels)),
    ...(section === null ? {} : { section_label: section }),
  };
};

/** The labels of one word among a receipt's labels. */
export const labelsOfWord = (
  labels: readonly ReceiptWordLabel[],
  word: { readonly line_id: number; readonly word_id: number },
): ReceiptWordLabel[] =>
  labels.filter((label) => label.line_id === word.line_id && label.word_id === word.word_id);

/**
 * What a collection must hold, id → metadata, read from the final table.
 * @param table - the table (without injected failures)
 * @param imageId - the image of every receipt
 * @param receiptIds - every receipt id the history used
 * @param collection - `words` or `lines`
 */
export async function expectedRecords(
  table: ReceiptStore,
  imageId: string,
  receiptIds: readonly number[],
  collection: CollectionName,
): Promise<Map<string, Metadata>> {
  const expected = new Map<string, Metadata>();
  for (const receiptId of receiptIds) {
    const ref = { imageId, receiptId };
    if ((await table.getReceipt(ref)) === undefined) continue;
    const place = await table.getReceiptPlace(ref);
    const labels = await table.listReceiptWordLabels(ref);
    if (collection === 'words') {
      for (const word of await table.listReceiptWords(ref)) {
        const id = wordChromaId({ ...ref, lineId: word.line_id, wordId: word.word_id });
        expected.set(id, wordMetadata(word, place, labelsOfWord(labels, word)));
      }
      continue;
    }
    const sections = await table.listReceiptSections(ref);
    for (const line of await table.listReceiptLines(ref)) {
      const id = lineChromaId({ ...ref, lineId: line.line_id });
      expected.set(id, lineMetadata(line, place, labels, sections));
    }
  }
  return expected;
}

/** What a collection holds, id → metadata without the history-dependent keys. */
export async function actualRecords(vectors: VectorCollection): Promise<Map<string, Metadata>> {
  const { ids, metadatas } = await vectors.get({ include: ['metadatas'] });
  const ignored = new Set(HISTORY_DEPENDENT_KEYS);
  return new Map(
    ids.map((id, index) => [
      id,
      Object.fromEntries(
        Object.entries(metadatas?.[index] ?? {}).filter(([key]) => !ignored.has(key)),
      ),
    ]),
  );
}

/** A Chroma id without the image: `r1 l2 w0`. */
const shortId = (id: string): string =>
  id
    .replace(/^IMAGE#[^#]+#/, '')
    .replace(/RECEIPT#0*(\d)/, 'r$1')
    .replace(/#LINE#0*(\d)/, ' l$1')
    .replace(/#WORD#0*(\d)/, ' w$1');

const show = (value: MetadataValue | undefined): string =>
  value === undefined ? '(absent)' : JSON.stringify(value);

/**
 * The differences between what a collection must hold and what it holds, one line each
 * (missing and unexpected records, then keys that differ); empty when they agree.
 */
export function diffRecords(
  expected: ReadonlyMap<string, Metadata>,
  actual: ReadonlyMap<string, Metadata>,
): string[] {
  const lines: string[] = [];
  for (const id of [...new Set([...expected.keys(), ...actual.keys()])].sort()) {
    const want = expected.get(id);
    const got = actual.get(id);
    if (got === undefined) {
      lines.push(`missing ${shortId(id)}: ${JSON.stringify(want)}`);
      continue;
    }
    if (want === undefined) {
      lines.push(`unexpected ${shortId(id)}: ${JSON.stringify(got)}`);
      continue;
    }
    for (const key of [...new Set([...Object.keys(want), ...Object.keys(got)])].sort()) {
      if (JSON.stringify(want[key]) !== JSON.stringify(got[key])) {
        lines.push(`${shortId(id)} ${key}: expected ${show(want[key])}, got ${show(got[key])}`);
      }
    }
  }
  return lines;
}
