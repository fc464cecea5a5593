import { randomUUID } from 'node:crypto';
import { wordChromaId } from '../../src/ids/chromaIds.js';
import type { WordRef } from '../../src/ports/receiptStore.js';
import type { GetResponse, VectorCollection } from '../../src/ports/vectorCollection.js';
import { type CompactionFixture, seedWords } from './compactionFixture.js';
import { makeLine, makeReceipt, makeWord } from './factories.js';

/** A seeded image: two receipts of 2 lines of 2 words each. */
export interface WordsWorld {
  readonly imageId: string;
  /** The Chroma id of a word of the image. */
  id(receiptId: number, lineId: number, wordId: number): string;
  /** The reference of a word of the image. */
  word(receiptId: number, lineId: number, wordId: number): WordRef;
}

/**
 * Seeds a new image with two receipts of 4 words each (2 lines of 2): the receipts, their
 * words and lines in the receipts table, word embeddings in the fixture's `words` collection.
 */
export const seedWordsWorld = async (fixture: CompactionFixture): Promise<WordsWorld> => {
  const imageId = randomUUID();
  const word = (receiptId: number, lineId: number, wordId: number): WordRef => ({
    imageId,
    receiptId,
    lineId,
    wordId,
  });
  const all = [1, 2].flatMap((receiptId) =>
    [1, 2].flatMap((lineId) => [1, 2].map((wordId) => word(receiptId, lineId, wordId))),
  );
  await fixture.putWords(
    ...all.map((ref) => makeWord(imageId, ref.receiptId, ref.lineId, ref.wordId)),
  );
  await fixture.putLines(
    ...[1, 2].flatMap((receiptId) => [1, 2].map((lineId) => makeLine(imageId, receiptId, lineId))),
  );
  await fixture.putReceipts(makeReceipt(imageId, 1), makeReceipt(imageId, 2));
  await seedWords(fixture.words, all);
  return {
    imageId,
    id: (receiptId, lineId, wordId) => wordChromaId(word(receiptId, lineId, wordId)),
    word,
  };
};

/** recordId → status of a result's outcomes. */
export const statuses = (result: {
  readonly outcomes: readonly { readonly recordId: string; readonly status: string }[];
}): Record<string, string> =>
  Object.fromEntries(result.outcomes.map(({ recordId, status }) => [recordId, status]));

/** Every record of a collection with its metadata, document and embedding. */
export const snapshot = (collection: VectorCollection): Promise<GetResponse> =>
  collection.get({ include: ['metadatas', 'documents', 'embeddings'] });

/** The ids a collection holds, sorted (backends need not agree on their order). */
export const storedIds = async (collection: VectorCollection): Promise<string[]> =>
  (await collection.get({ include: [] })).ids.toSorted();
