import {
  type DeltaRecord,
  lineChromaId,
  type ObjectStore,
  wordChromaId,
  writeDelta,
} from '@receipt-chroma/chroma-compaction';
import { embedText } from './embeddings.js';
import { hashText, SeededRandom } from './random.js';
import type { SyntheticReceipt } from './syntheticReceipts.js';

/**
 * What the embedding step of the pipeline produces for one receipt: a delta per collection
 * under the prefixes its compaction run names, written with `writeDelta` (checked and
 * staged before the upload, so a bad record stores nothing).
 */

/** The noise of one stored occurrence, seeded by its id so reruns give the same vectors. */
const noiseFor = (id: string): SeededRandom => new SeededRandom(hashText(id));

const lineRecords = ({ lines }: SyntheticReceipt): DeltaRecord[] =>
  lines.map((line) => {
    const id = lineChromaId({
      imageId: line.image_id,
      receiptId: line.receipt_id,
      lineId: line.line_id,
    });
    return {
      id,
      embedding: embedText(line.text, noiseFor(id)),
      document: line.text,
      metadata: {
        text: line.text,
        image_id: line.image_id,
        receipt_id: line.receipt_id,
        line_id: line.line_id,
        confidence: line.confidence,
      },
    };
  });

const wordRecords = ({ words }: SyntheticReceipt): DeltaRecord[] =>
  words.map((word) => {
    const id = wordChromaId({
      imageId: word.image_id,
      receiptId: word.receipt_id,
      lineId: word.line_id,
      wordId: word.word_id,
    });
    return {
      id,
      embedding: embedText(word.text, noiseFor(id)),
      document: word.text,
      metadata: {
        text: word.text,
        image_id: word.image_id,
        receipt_id: word.receipt_id,
        line_id: word.line_id,
        word_id: word.word_id,
        confidence: word.confidence,
      },
    };
  });

/**
 * Writes the receipt's `lines` and `words` deltas to the prefixes of its compaction run.
 * @returns how many vectors each delta holds
 */
export const writeReceiptDeltas = async (
  store: ObjectStore,
  receipt: SyntheticReceipt,
  tempDir: string,
): Promise<{ lines: number; words: number }> => {
  const { run } = receipt;
  const common = {
    runId: run.run_id,
    imageId: run.image_id,
    receiptId: run.receipt_id,
    tempDir,
  };
  // One after the other, so a failure never leaves the other delta still being written.
  const lines = await writeDelta(store, run.lines_delta_prefix, {
    ...common,
    collection: 'lines',
    records: lineRecords(receipt),
  });
  const words = await writeDelta(store, run.words_delta_prefix, {
    ...common,
    collection: 'words',
    records: wordRecords(receipt),
  });
  return { lines: lines.count, words: words.count };
};
