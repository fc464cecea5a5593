import type { CollectionName } from '../compaction/types.js';
import type { DeltaRecord } from '../deltas/types.js';

/**
 * Opens a Python-era delta: a Chroma persist directory (spec §11.1) on local disk, read
 * through a Chroma server. Adapter: `localChromaDeltaSource`
 * (`@receipt-chroma/chroma-compaction/chroma`), which starts one with `startLocalChroma`.
 */
export interface PythonDeltaSource {
  /**
   * Every record of `collection` in the persist directory at `path`, page by page, with
   * embeddings, documents and metadata. The directory is a private copy: the source may
   * change it. A missing collection rejects with a `DeltaIntegrityError` (check
   * `python-delta`); a server that cannot start rejects with its own error.
   */
  readRecords(
    path: string,
    collection: CollectionName,
    pageSize: number,
  ): AsyncIterable<readonly DeltaRecord[]>;
}
