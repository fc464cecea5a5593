import type { VectorCollection } from '../../../src/ports/vectorCollection.js';

/** One record as compared between collections. */
export interface StoredRecord {
  readonly id: string;
  readonly embedding: number[] | undefined;
  readonly document: string | null | undefined;
  readonly metadata: unknown;
}

/**
 * Every record of a collection (ids, embeddings, documents, metadata), sorted by id, read in
 * pages (a server caps one `get`).
 */
export const collectionContents = async (collection: VectorCollection): Promise<StoredRecord[]> => {
  const records: StoredRecord[] = [];
  const total = await collection.count();
  for (let offset = 0; offset < total; offset += 1_000) {
    const page = await collection.get({
      limit: 1_000,
      offset,
      include: ['embeddings', 'documents', 'metadatas'],
    });
    page.ids.forEach((id, index) => {
      records.push({
        id,
        embedding: page.embeddings?.[index],
        document: page.documents?.[index],
        metadata: page.metadatas?.[index],
      });
    });
  }
  return records.sort((a, b) => a.id.localeCompare(b.id));
};
