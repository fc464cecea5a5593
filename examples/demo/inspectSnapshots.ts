import { join } from 'node:path';
import {
  type CollectionName,
  downloadSnapshot,
  type ObjectStore,
} from '@receipt-chroma/chroma-compaction';
import { openSnapshot } from '@receipt-chroma/chroma-compaction/chroma';
import { embedText } from './embeddings.js';

/**
 * Reads the demo's results back the way a consumer would: downloads the latest published
 * version of a collection (verified against its manifest), serves it with a local Chroma,
 * and asks it questions through the `chromadb` client.
 */

/** One nearest neighbour of a query. */
export interface Neighbour {
  readonly id: string;
  readonly distance: number;
  readonly document: string | null;
  /** The row's `label_*` flags that are true (e.g. `GRAND_TOTAL`). */
  readonly validLabels: readonly string[];
}

/** What the latest version of one collection holds. */
export interface PublishedCollection {
  readonly collection: CollectionName;
  readonly version: string;
  /** Records counted by Chroma in the downloaded version. */
  readonly count: number;
  /** Records the version's manifest records. */
  readonly manifestCount: number | undefined;
  /** Of the ids asked about, those the version still holds. */
  readonly presentIds: readonly string[];
  /** `merchant_name` of the records of the receipt asked about, distinct values. */
  readonly merchantNames: readonly string[];
  /** The nearest records to the query text (empty when no query was asked). */
  readonly neighbours: readonly Neighbour[];
}

/** Options of {@link inspectCollection}. */
export interface InspectCollectionOptions {
  readonly store: ObjectStore;
  readonly collection: CollectionName;
  /** An empty directory to download into. */
  readonly dir: string;
  readonly command: readonly string[];
  /** Ids whose presence to check. */
  readonly ids: readonly string[];
  /** A receipt whose `merchant_name` metadata to read. */
  readonly receipt: { readonly imageId: string; readonly receiptId: number };
  /** Text to find the nearest records of, with how many to return. */
  readonly query?: { readonly text: string; readonly results: number } | undefined;
}

const trueLabels = (metadata: Record<string, unknown> | null | undefined): string[] =>
  Object.entries(metadata ?? {})
    .filter(([key, value]) => key.startsWith('label_') && value === true)
    .map(([key]) => key.slice('label_'.length))
    .concat(
      Array.isArray(metadata?.['valid_labels_array'])
        ? (metadata['valid_labels_array'] as string[])
        : [],
    );

/** Downloads the latest version of a collection, opens it, and answers the questions asked. */
export const inspectCollection = async (
  options: InspectCollectionOptions,
): Promise<PublishedCollection> => {
  const { collection } = options;
  const dest = join(options.dir, collection);
  const downloaded = await downloadSnapshot({ store: options.store, collection, dest });
  const opened = await openSnapshot(dest, { command: options.command, startupTimeoutMs: 60_000 });
  try {
    const chroma = await opened.client.getCollection({ name: collection });
    const count = await chroma.count();
    const present = await chroma.get({ ids: [...options.ids], include: [] });
    const receipt = await chroma.get({
      where: {
        $and: [
          { image_id: { $eq: options.receipt.imageId } },
          { receipt_id: { $eq: options.receipt.receiptId } },
        ],
      },
      include: ['metadatas'],
    });
    const merchantNames = new Set(
      receipt.metadatas.map((metadata) => String(metadata?.['merchant_name'] ?? '(none)')),
    );
    let neighbours: Neighbour[] = [];
    if (options.query !== undefined) {
      const result = await chroma.query({
        queryEmbeddings: [embedText(options.query.text)],
        nResults: options.query.results,
        include: ['distances', 'documents', 'metadatas'],
      });
      neighbours = (result.rows()[0] ?? []).map((row) => ({
        id: row.id,
        distance: row.distance ?? Number.NaN,
        document: row.document ?? null,
        validLabels: trueLabels(row.metadata),
      }));
    }
    return {
      collection,
      version: downloaded.version,
      count,
      manifestCount: downloaded.manifest?.recordCounts?.[collection],
      presentIds: present.ids,
      merchantNames: [...merchantNames].sort(),
      neighbours,
    };
  } finally {
    await opened.close();
  }
};
