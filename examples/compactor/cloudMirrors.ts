import {
  CHROMA_CLOUD_LIMITS,
  type CollectionName,
  type VectorCollection,
  VectorStoreError,
} from '@receipt-chroma/chroma-compaction';
import { chromaVectorCollection } from '@receipt-chroma/chroma-compaction/chroma';
import type { ChromaClient } from 'chromadb';

/**
 * The Chroma Cloud collection `name`, held to Cloud's limits, opened on its first use and
 * again after a failed open: a Cloud outage at start-up then fails the mirror's writes (so the
 * mirror is marked stale) instead of the whole invocation.
 */
const cloudCollection = (client: ChromaClient, name: CollectionName): VectorCollection => {
  let opened: Promise<VectorCollection> | undefined;
  const collection = async (): Promise<VectorCollection> => {
    opened ??= client
      .getOrCreateCollection({ name, embeddingFunction: null })
      .then((found) => chromaVectorCollection(found, { limits: CHROMA_CLOUD_LIMITS }))
      .catch((error: unknown) => {
        opened = undefined;
        throw new VectorStoreError(`Chroma Cloud collection "${name}" could not be opened`, {
          collection: name,
          operation: 'open',
          cause: error,
        });
      });
    return opened;
  };
  return {
    name,
    limits: CHROMA_CLOUD_LIMITS,
    get: async (request) => (await collection()).get(request),
    upsert: async (request) => (await collection()).upsert(request),
    update: async (request) => (await collection()).update(request),
    delete: async (request) => (await collection()).delete(request),
    count: async () => (await collection()).count(),
  };
};

/**
 * The compactor's mirrors when Chroma Cloud is configured: the collection of the same name
 * on `client` (a `CloudClient`), as the Python compactor dual-writes.
 */
export const cloudMirrors = (
  client: ChromaClient,
): ((collection: CollectionName) => VectorCollection[]) => {
  const mirrors = new Map<CollectionName, VectorCollection>();
  return (collection) => {
    const mirror = mirrors.get(collection) ?? cloudCollection(client, collection);
    mirrors.set(collection, mirror);
    return [mirror];
  };
};
