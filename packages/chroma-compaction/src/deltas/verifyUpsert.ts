import type { VectorCollection } from '../ports/vectorCollection.js';
import { chunk } from '../vectors/writeBatches.js';

// The Python compactor's verification read (spec §11.3).
/**
 * The ids the collection does not return, read in batches of `batchSize` with nothing but
 * ids. A batch whose read fails counts as missing whole.
 * @internal
 */
export const findMissingIds = async (
  vectors: VectorCollection,
  ids: readonly string[],
  batchSize: number,
): Promise<string[]> => {
  const missing: string[] = [];
  for (const batch of chunk(ids, batchSize)) {
    try {
      const found = new Set((await vectors.get({ ids: batch, include: [] })).ids);
      for (const id of batch) if (!found.has(id)) missing.push(id);
    } catch {
      missing.push(...batch);
    }
  }
  return missing;
};
