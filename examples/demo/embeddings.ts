import { hashText, SeededRandom } from './random.js';

/**
 * Deterministic stand-in embeddings, so the demo needs no model and no network: a text is
 * split into tokens, each token has a fixed random unit vector seeded by its hash, and the
 * text's vector is their weighted sum, normalised. Equal texts therefore get equal vectors
 * (plus the small noise of one occurrence), texts sharing words are near each other, and
 * numbers weigh little, so `TOTAL 12.34` lies close to `TOTAL`.
 */

/** The length of every vector. */
export const EMBEDDING_DIMENSION = 64;

/** Tokens that are amounts, dates or times all map to this one token. */
const NUMBER_TOKEN = '<number>';
const NUMBER_WEIGHT = 0.3;
/** Standard deviation of each component's noise per occurrence. */
const NOISE = 0.01;

const isNumeric = (token: string): boolean => /^[$-]?\d[\d.,:/-]*$/.test(token);

/** The text's tokens: lower-cased words, every numeric one replaced by one shared token. */
export const tokensOf = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/\s+/)
    .filter((token) => token !== '')
    .map((token) => (isNumeric(token) ? NUMBER_TOKEN : token));

const normalised = (vector: number[]): number[] => {
  const norm = Math.hypot(...vector);
  return norm === 0 ? vector : vector.map((value) => value / norm);
};

const baseVectors = new Map<string, number[]>();

/** The fixed unit vector of one token. */
const baseVector = (token: string): number[] => {
  let vector = baseVectors.get(token);
  if (vector === undefined) {
    const random = new SeededRandom(hashText(token));
    vector = normalised(Array.from({ length: EMBEDDING_DIMENSION }, () => random.gaussian()));
    baseVectors.set(token, vector);
  }
  return vector;
};

/**
 * The embedding of `text`: a unit vector of {@link EMBEDDING_DIMENSION} values.
 * @param text - any text; an empty one gets the vector of the empty token
 * @param noise - the random source of this occurrence's noise; without it, no noise (queries)
 */
export const embedText = (text: string, noise?: SeededRandom): number[] => {
  const tokens = tokensOf(text);
  const sum = new Array<number>(EMBEDDING_DIMENSION).fill(0);
  for (const token of tokens.length === 0 ? [''] : tokens) {
    const weight = token === NUMBER_TOKEN ? NUMBER_WEIGHT : 1;
    baseVector(token).forEach((value, index) => {
      sum[index] = (sum[index] ?? 0) + weight * value;
    });
  }
  if (noise !== undefined) {
    for (let index = 0; index < sum.length; index += 1) {
      sum[index] = (sum[index] ?? 0) + NOISE * noise.gaussian();
    }
  }
  return normalised(sum);
};
