import type { Embedding } from '../ports/vectorCollection.js';

/**
 * The vector as plain numbers: itself when it already is an array, else a copy made with a
 * counted loop (`Array.from` on a typed array goes through the iterator protocol and is about
 * 20x slower: 40 ms against 2 ms for 250 x 1,536 values).
 * @internal
 */
export const embeddingNumbers = (embedding: Embedding): number[] => {
  if (Array.isArray(embedding)) return embedding as number[];
  const values = embedding as Float32Array;
  const numbers = new Array<number>(values.length);
  for (let index = 0; index < values.length; index += 1) numbers[index] = values[index] as number;
  return numbers;
};
