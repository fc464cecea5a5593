import type { CollectionName } from '../compaction/types.js';
import type { DeltaRecord } from '../deltas/types.js';

// A Python-era delta is a Chroma persist directory (spec §11.1).

/**
 * Opens a delta written by the Python package: a Chroma persist directory on local disk,
 * read through a Chroma server. Adapter: `localChromaDeltaSource`
 * (`@receipt-chroma/chroma-compaction/chroma`), which starts one with `startLocalChroma`.
 */
export interface PythonDeltaSource {
  /**
   * Every record of `collection` in the persist directory at `path`, page by page, with
   * embeddings, documents and metadata. The directory is a private copy: the source may
   * change it. A server that cannot start rejects with its own error.
   * @param path - the persist directory (a private copy)
   * @param collection - the collection to read
   * @param pageSize - records per page
   * @throws {DeltaIntegrityError} when the directory holds no such collection (its `check` is
   *   `python-delta`)
   */
  readRecords(
    path: string,
    collection: CollectionName,
    pageSize: number,
  ): AsyncIterable<readonly DeltaRecord[]>;
}
