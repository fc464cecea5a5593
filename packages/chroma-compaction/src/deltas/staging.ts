/**
 * Delta records staged on local disk as the two data entries of the portable format
 * (`records.ndjson`, `embeddings.f32`), so that a whole delta can be checked before any of
 * it is stored or merged, in memory bounded by one batch whatever the delta's size: the
 * staging directory, and reading staged records back. `DeltaStager` writes them.
 * @internal
 * @packageDocumentation
 */

import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Metadata } from '../ports/vectorCollection.js';
import { embeddingNumbers } from '../vectors/embeddings.js';
import {
  type DeltaEntryInfo,
  type DeltaEntryName,
  EMBEDDINGS_ENTRY,
  RECORDS_ENTRY,
} from './manifest.js';
import type { DeltaRecordBatch } from './types.js';

/** A delta's data entries on disk. @internal */
export interface StagedDelta {
  /** The temporary directory holding both files; removing it removes the delta. */
  readonly dir: string;
  readonly count: number;
  /** Vector length; 0 when empty. */
  readonly dimension: number;
  readonly entries: Readonly<Record<DeltaEntryName, DeltaEntryInfo>>;
}

/** Creates a temporary directory for one delta under `tempDir` (default `os.tmpdir()`). @internal */
export const makeStagingDir = (tempDir: string | undefined): Promise<string> => {
  if (endianness() !== 'LE') {
    throw new Error('embeddings.f32 is little-endian; this host is big-endian');
  }
  return mkdtemp(join(tempDir ?? tmpdir(), 'chroma-delta-'));
};

/** Removes a staging directory; never throws. @internal */
export const removeStagingDir = (dir: string): Promise<void> =>
  rm(dir, { recursive: true, force: true }).catch(() => undefined);

/** The shape of one `records.ndjson` line. */
interface RecordLine {
  readonly id: string;
  readonly document: string | null;
  readonly metadata: Metadata | null;
}

/**
 * Reads staged (and already checked) entries back in batches of at most `batchSize`.
 * Memory: one batch of records and vectors.
 * @internal
 */
export async function* stagedBatches(
  staged: Pick<StagedDelta, 'dir' | 'count' | 'dimension'>,
  batchSize: number,
): AsyncGenerator<DeltaRecordBatch> {
  if (staged.count === 0) return;
  const { dimension } = staged;
  const rowBytes = dimension * 4;
  const vectors = await open(join(staged.dir, EMBEDDINGS_ENTRY), 'r');
  // Closing the interface leaves its input open: the stream is destroyed too, in `finally`.
  const input = createReadStream(join(staged.dir, RECORDS_ENTRY));
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let position = 0;
  let batch: RecordLine[] = [];
  // One buffer for every batch: the values are copied out into plain arrays.
  let bytes = new Uint8Array(Math.min(batchSize, staged.count) * rowBytes);
  const toBatch = async (rows: RecordLine[]): Promise<DeltaRecordBatch> => {
    const length = rows.length * rowBytes;
    if (length > bytes.length) bytes = new Uint8Array(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await vectors.read(bytes, read, length - read, position + read);
      if (bytesRead === 0) throw new Error(`${EMBEDDINGS_ENTRY} ended early while staged`);
      read += bytesRead;
    }
    position += length;
    const values = new Float32Array(bytes.buffer, 0, length / 4);
    return {
      ids: rows.map((row) => row.id),
      embeddings: rows.map((_, row) =>
        embeddingNumbers(values.subarray(row * dimension, (row + 1) * dimension)),
      ),
      documents: rows.map((row) => row.document),
      metadatas: rows.map((row) => row.metadata),
    };
  };
  try {
    for await (const line of lines) {
      if (line === '') continue;
      batch.push(JSON.parse(line) as RecordLine);
      if (batch.length === batchSize) {
        const rows = batch;
        batch = [];
        yield await toBatch(rows);
      }
    }
    if (batch.length > 0) yield await toBatch(batch);
  } finally {
    lines.close();
    input.destroy();
    await vectors.close();
  }
}
