import { join } from 'node:path';
import { type DeltaCheck, RecordRejection } from './errors.js';
import { HashedFile } from './HashedFile.js';
import { IdFingerprints } from './IdFingerprints.js';
import { EMBEDDINGS_ENTRY, RECORDS_ENTRY } from './manifest.js';
import {
  type DeltaRecordRules,
  deltaIdProblem,
  deltaPayloadProblem,
  firstNonFinite,
} from './recordChecks.js';
import { idsAt } from './stagedChecks.js';
import { makeStagingDir, removeStagingDir, type StagedDelta } from './staging.js';
import type { DeltaRecord } from './types.js';

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
