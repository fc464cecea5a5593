import type { CollectionName } from '../compaction/types.js';
import type { Metadata } from '../ports/vectorCollection.js';
import type { DeltaManifest } from './manifest.js';

/** One record of a delta, as a producer hands it to `writeDelta`. */
export interface DeltaRecord {
  /** The Chroma id (`IMAGE#…#RECEIPT#…#LINE#…`, plus `#WORD#…` for words). */
  readonly id: string;
  /** The vector; every record of a delta has the same length. Stored as float32. */
  readonly embedding: readonly number[] | Float32Array;
  readonly document?: string | null | undefined;
  readonly metadata?: Metadata | null | undefined;
}

/** Records in column form, ready for `VectorCollection.upsert`; the arrays are parallel. */
export interface DeltaRecordBatch {
  readonly ids: string[];
  /** The vectors' float32 values as plain numbers (what the Chroma client sends). */
  readonly embeddings: number[][];
  readonly documents: (string | null)[];
  readonly metadatas: (Metadata | null)[];
}

/** Options of `writeDelta`. */
export interface WriteDeltaOptions {
  /** The collection the records belong to; every id must be one of its ids. */
  readonly collection: CollectionName;
  /** The records, as an array or an async iterable (read once, never held whole). */
  readonly records: Iterable<DeltaRecord> | AsyncIterable<DeltaRecord>;
  /** The compaction run the delta belongs to (recorded in the manifest). */
  readonly runId?: string | undefined;
  /**
   * The receipt the delta holds. With both `imageId` and `receiptId`, every id must belong
   * to that receipt.
   */
  readonly imageId?: string | undefined;
  readonly receiptId?: number | undefined;
  /** Where records are staged before upload. @default `os.tmpdir()` */
  readonly tempDir?: string | undefined;
}

/** How the delta was stored: our portable tarball, or a Python-era Chroma persist directory. */
export type DeltaLayout = 'portable' | 'python-tarball' | 'python-directory';

/** What `readDelta` returns once every check has passed. */
export interface DeltaRead {
  /**
   * The manifest. For a Python-era delta it is built by the reader: run, image and receipt
   * ids are `null`, `producer` names the layout, and the entries describe the staged files.
   */
  readonly manifest: DeltaManifest;
  readonly layout: DeltaLayout;
  /** The normalised key prefix the delta was read from (ends in `/`). */
  readonly prefix: string;
  /**
   * The records in batches of at most `batchSize`, in delta order. Iterate once; iterating
   * to the end (or stopping early) removes the staged files.
   */
  readonly batches: AsyncIterable<DeltaRecordBatch>;
  /** Removes the staged files; safe to call more than once. */
  close(): Promise<void>;
}
