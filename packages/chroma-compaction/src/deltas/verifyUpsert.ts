import type { VectorCollection } from '../ports/vectorCollection.js';

/**
 * The ids the collection does not return, read in batches of `batchSize` with nothing but
 * ids (spec §11.3). A batch whose read fails counts as missing whole.
 * @internal
 */
export const findMissingIds = async (
  vectors: VectorCollection,
  ids: readonly string[],
  batchSize: number,
): Promise<string[]> => {
  const missing: string[] = [];
  for (let start = 0; start < ids.length; start += batchSize) {
    const batch = ids.slice(start, start + batchSize);
    try {
      const found = new Set((await vectors.get({ ids: batch, include: [] })).ids);
      for (const id of batch) if (!found.has(id)) missing.push(id);
    } catch {
      missing.push(...batch);
    }
  }
  return missing;
};
