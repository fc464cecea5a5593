/**
 * Delta records staged on local disk as the two data entries of the portable format
 * (`records.ndjson`, `embeddings.f32`), so that a whole delta can be checked before any of
 * it is stored or merged, in memory bounded by one batch whatever the delta's size.
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
import { type DeltaCheck, RecordRejection } from './errors.js';
import { HashedFile } from './hashedFile.js';
import { IdFingerprints } from './idFingerprints.js';
import {
  type DeltaEntryInfo,
  type DeltaEntryName,
  EMBEDDINGS_ENTRY,
  RECORDS_ENTRY,
} from './manifest.js';
import {
  type DeltaRecordRules,
  deltaIdProblem,
  deltaPayloadProblem,
  firstNonFinite,
} from './recordChecks.js';
import { idsAt } from './stagedChecks.js';
import type { DeltaRecord, DeltaRecordBatch } from './types.js';

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

/**
 * Checks records one by one and appends them to the staged files. Rejections throw
 * {@link RecordRejection}; the caller then calls {@link DeltaStager.discard}.
 * @internal
 */
export class DeltaStager {
  readonly dir: string;
  readonly #rules: DeltaRecordRules;
  readonly #records: HashedFile;
  readonly #embeddings: HashedFile;
  /** Fingerprints of the ids so far: 24-48 bytes a record, where a `Set` of ids takes ~300. */
  readonly #ids = new IdFingerprints();
  #count = 0;
  #dimension = 0;

  private constructor(
    dir: string,
    rules: DeltaRecordRules,
    records: HashedFile,
    embeddings: HashedFile,
  ) {
    this.dir = dir;
    this.#rules = rules;
    this.#records = records;
    this.#embeddings = embeddings;
  }

  /** Opens both files in a new staging directory. */
  static async create(rules: DeltaRecordRules, tempDir: string | undefined): Promise<DeltaStager> {
    const dir = await makeStagingDir(tempDir);
    try {
      const records = await HashedFile.create(join(dir, RECORDS_ENTRY));
      const embeddings = await HashedFile.create(join(dir, EMBEDDINGS_ENTRY));
      return new DeltaStager(dir, rules, records, embeddings);
    } catch (error) {
      await removeStagingDir(dir);
      throw error;
    }
  }

  /** Records staged so far. */
  get count(): number {
    return this.#count;
  }

  /** Checks one record and appends it. */
  async add(record: DeltaRecord): Promise<void> {
    const index = this.#count;
    const id: unknown = record?.id;
    const reject = (check: DeltaCheck, problem: string): never => {
      throw new RecordRejection(check, problem, index, id);
    };
    if (typeof record !== 'object' || record === null) reject('record', 'is not an object');
    const idProblem = deltaIdProblem(id, this.#rules);
    if (idProblem !== undefined) reject(idProblem.check, idProblem.problem);
    const sameFingerprint = this.#ids.add(id as string, index);
    if (sameFingerprint.length > 0) {
      await this.#records.flush();
      if ((await idsAt(this.#records.path, sameFingerprint)).includes(id as string)) {
        reject('duplicate-id', `id "${String(id)}" appears twice`);
      }
    }
    const payloadProblem = deltaPayloadProblem(record.document, record.metadata);
    if (payloadProblem !== undefined) reject('record', payloadProblem);
    const vector = toFloat32(record.embedding);
    if (vector === undefined) reject('record', 'embedding is not an array of numbers');
    const values = vector as Float32Array;
    if (values.length === 0) reject('record', 'embedding is empty');
    if (this.#dimension === 0) this.#dimension = values.length;
    if (values.length !== this.#dimension) {
      reject(
        'dimension',
        `embedding has ${values.length} values; the delta's first has ${this.#dimension}`,
      );
    }
    const bad = firstNonFinite(values);
    if (bad >= 0) {
      reject('record', `embedding value ${bad} is not a finite float32 (${record.embedding[bad]})`);
    }
    this.#count += 1;
    const line = JSON.stringify({
      id,
      document: record.document ?? null,
      metadata: record.metadata ?? null,
    });
    await this.#records.write(Buffer.from(`${line}\n`));
    await this.#embeddings.write(
      new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    );
  }

  /** Closes both files and describes them. */
  async finish(): Promise<StagedDelta> {
    const records = await this.#records.close();
    const embeddings = await this.#embeddings.close();
    return {
      dir: this.dir,
      count: this.#count,
      dimension: this.#dimension,
      entries: { [RECORDS_ENTRY]: records, [EMBEDDINGS_ENTRY]: embeddings },
    };
  }

  /** Closes both files and removes the directory. */
  async discard(): Promise<void> {
    await this.#records.abandon();
    await this.#embeddings.abandon();
    await removeStagingDir(this.dir);
  }
}

/** The vector as float32 values, or `undefined` when it is not an array of numbers. */
const toFloat32 = (embedding: unknown): Float32Array | undefined => {
  if (embedding instanceof Float32Array) return embedding;
  if (!Array.isArray(embedding)) return undefined;
  for (const value of embedding) if (typeof value !== 'number') return undefined;
  return Float32Array.from(embedding as number[]);
};

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
