import type { CollectionName } from '../compaction/types.js';
import type { Metadata } from '../ports/vectorCollection.js';
import type { DeltaManifest } from './manifest.js';
import type { readDelta } from './readDelta.js';
import type { writeDelta } from './writeDelta.js';

/** One record of a delta, as a producer hands it to {@link writeDelta}. */
export interface DeltaRecord {
  /** The Chroma id (`IMAGE#…#RECEIPT#…#LINE#…`, plus `#WORD#…` for words). */
  readonly id: string;
  /** The vector; every record of a delta has the same length. Stored as float32. */
  readonly embedding: readonly number[] | Float32Array;
  /**
   * The text the vector was made from.
   * @default `null` (no document)
   */
  readonly document?: string | null | undefined;
  /**
   * Metadata Chroma can store: strings, finite numbers, booleans, or non-empty lists of one
   * of those.
   * @default `null` (no metadata)
   */
  readonly metadata?: Metadata | null | undefined;
}

/** Records in column form, ready for `VectorCollection.upsert`; the arrays are parallel. */
export interface DeltaRecordBatch {
  /** The Chroma ids, in delta order. */
  readonly ids: string[];
  /** The vectors' float32 values as plain numbers (what the Chroma client sends). */
  readonly embeddings: number[][];
  /** The documents; `null` where a record has none. */
  readonly documents: (string | null)[];
  /** The metadata; `null` where a record has none. */
  readonly metadatas: (Metadata | null)[];
}

/** Options of {@link writeDelta}: the records, and what the manifest says about them. */
export interface WriteDeltaOptions {
  /** The collection the records belong to; every id must be one of its ids. */
  readonly collection: CollectionName;
  /** The records, as an array or an async iterable (read once, never held whole). */
  readonly records: Iterable<DeltaRecord> | AsyncIterable<DeltaRecord>;
  /**
   * The compaction run the delta belongs to (recorded in the manifest and in the object's
   * `run_id` metadata).
   * @default `null` in the manifest
   */
  readonly runId?: string | undefined;
  /**
   * The image of the receipt the delta holds. With both `imageId` and `receiptId`, every id
   * must belong to that receipt.
   * @default `null` in the manifest, and no receipt check
   */
  readonly imageId?: string | undefined;
  /**
   * The receipt the delta holds, an integer `>= 0`; see `imageId`.
   * @default `null` in the manifest, and no receipt check
   */
  readonly receiptId?: number | undefined;
  /**
   * Where records are staged before upload.
   * @default `os.tmpdir()`
   */
  readonly tempDir?: string | undefined;
}

/** How the delta was stored: our portable tarball, or a Python-era Chroma persist directory. */
export type DeltaLayout = 'portable' | 'python-tarball' | 'python-directory';

/** A delta {@link readDelta} checked whole: its manifest, and its records to iterate once. */
export interface DeltaRead {
  /**
   * The manifest. For a Python-era delta it is built by the reader: run, image and receipt
   * ids are `null`, `producer` names the layout, and the entries describe the staged files.
   */
  readonly manifest: DeltaManifest;
  /** How the delta was stored. */
  readonly layout: DeltaLayout;
  /** The normalised key prefix the delta was read from (ends in `/`). */
  readonly prefix: string;
  /**
   * The records in batches of at most `batchSize`, in delta order. Iterate once; iterating
   * to the end (or stopping early) removes the staged files. A second iteration, or one
   * after `close`, throws an `Error`.
   */
  readonly batches: AsyncIterable<DeltaRecordBatch>;
  /** Removes the staged files; safe to call more than once. */
  close(): Promise<void>;
}
