import { VectorStoreError } from '../errors.js';
import type {
  DeleteRequest,
  Embedding,
  GetRequest,
  GetResponse,
  IncludeField,
  Metadata,
  MetadataPatch,
  MetadataValue,
  UpdateRequest,
  UpsertRequest,
  VectorCollection,
  Where,
} from '../ports/vectorCollection.js';
import type { VectorLimits } from '../vectors/limits.js';
import {
  idListProblem,
  updateRequestProblem,
  upsertRequestProblem,
} from '../vectors/vectorRequestChecks.js';
import { matchesWhere, whereProblem } from './chromaWhere.js';

/** The operations of a {@link VectorCollection}, as named in `VectorStoreError.operation`. */
export type VectorOperation = 'get' | 'upsert' | 'update' | 'delete' | 'count';

/** Options of {@link InMemoryVectorCollection}. */
export interface InMemoryVectorCollectionOptions {
  /**
   * The embedding dimension the collection accepts. By default the first write that carries
   * embeddings fixes it, as in Chroma (even an update of ids that do not exist), and it stays
   * fixed when every record is deleted.
   * @default fixed by the first write that carries embeddings
   */
  readonly dimension?: number | undefined;
  /**
   * Limits to hold writes to, as a Chroma deployment would (e.g. `CHROMA_CLOUD_LIMITS`): a
   * write over one is refused whole, and a request of more than `maxRecordsPerRequest`
   * records too. @default no limits
   */
  readonly limits?: VectorLimits | undefined;
}

interface StoredRecord {
  embedding: Float32Array;
  document: string | null;
  metadata: Metadata | null;
}

const DEFAULT_INCLUDE: readonly IncludeField[] = ['documents', 'metadatas'];
const INCLUDE_FIELDS = new Set<unknown>(['documents', 'metadatas', 'embeddings']);

/**
 * The shortest decimal that reads back as the same float32, which is how Chroma's server
 * writes stored embeddings (it keeps float32): `0.123456789` comes back as `0.12345679`.
 */
const float32ToNumber = (value: number): number => {
  if (Number.isInteger(value) && Math.abs(value) < 2 ** 24) return value;
  for (let precision = 1; precision < 9; precision += 1) {
    const candidate = Number(value.toPrecision(precision));
    if (Math.fround(candidate) === value) return candidate;
  }
  return Number(value.toPrecision(9));
};

const copyValue = (value: MetadataValue): MetadataValue =>
  Array.isArray(value) ? ([...value] as MetadataValue) : value;

const copyMetadata = (metadata: Metadata): Metadata =>
  Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key, copyValue(value)]));

/**
 * Chroma's metadata merge, used by both `update` and `upsert` of an existing record: keys of
 * the patch overwrite, `null` removes a key, keys left out stay. Metadata left without keys
 * is stored as `null` (Chroma returns `null`, not `{}`).
 */
const mergeMetadata = (
  stored: Metadata | null,
  patch: MetadataPatch | null | undefined,
): Metadata | null => {
  if (patch === null || patch === undefined) return stored;
  const merged = new Map<string, MetadataValue>(stored === null ? [] : Object.entries(stored));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) merged.delete(key);
    else merged.set(key, copyValue(value));
  }
  return merged.size === 0 ? null : Object.fromEntries(merged);
};

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0;

/**
 * An in-memory {@link VectorCollection} with the semantics of a Chroma 1.x collection, held to
 * the same contract tests as `chromaVectorCollection` against a real server:
 *
 * - `upsert` inserts new ids at the end and, for an id that exists, replaces the embedding and
 *   merges the metadata exactly like `update` (keys left out stay, `null` removes a key) and
 *   keeps the stored document when the new one is `null` or left out.
 * - `update` merges metadata key by key; ids that do not exist are ignored.
 * - `get` returns records in insertion order (an upsert of an existing id keeps its place; an
 *   id deleted and added again moves to the end), `include` defaults to documents and
 *   metadatas, `limit`/`offset` apply after filtering.
 * - `where` supports `$eq $ne $gt $gte $lt $lte $in $nin $contains $not_contains $and $or`
 *   with the server's type rules (see `chromaWhere.ts`).
 * - Requests Chroma refuses are refused with a `VectorStoreError` and change nothing:
 *   mismatched array lengths, empty or duplicate ids, embeddings of another dimension,
 *   non-finite numbers, metadata values Chroma cannot store, invalid filters.
 * - An empty `ids` list is a no-op for writes and matches nothing for `get`/`delete`.
 *
 * Results are copies: changing them does not change the stored records.
 *
 * @example
 * ```ts
 * import { InMemoryVectorCollection } from '@receipt-chroma/chroma-compaction/testing';
 *
 * const words = new InMemoryVectorCollection('words');
 * await words.upsert({ ids: ['a'], embeddings: [[0.1, 0.2]], metadatas: [{ label: 'TOTAL' }] });
 * await words.update({ ids: ['a'], metadatas: [{ label: null, valid: true }] });
 * const { metadatas } = await words.get({ ids: ['a'] }); // [{ valid: true }]
 * ```
 */
export class InMemoryVectorCollection implements VectorCollection {
  /** The collection's name, used in errors. */
  readonly name: string;
  /** What the collection refuses to store, when given. */
  readonly limits: VectorLimits | undefined;
  readonly #records = new Map<string, StoredRecord>();
  readonly #failures = new Map<VectorOperation, unknown[]>();
  #dimension: number | undefined;

  /**
   * Creates an empty collection.
   * @param name - The collection's name, e.g. `words`.
   * @param options - See {@link InMemoryVectorCollectionOptions}.
   */
  constructor(name: string, options: InMemoryVectorCollectionOptions = {}) {
    this.name = name;
    this.limits = options.limits;
    this.#dimension = options.dimension;
  }

  /**
   * Makes the next call of `operation` reject with a `VectorStoreError` (with `cause` as its
   * cause) without changing anything, to test how callers handle a failing Chroma. Calls
   * queue: two calls fail the next two.
   * @param operation - the operation to fail
   * @param cause - the failure's cause; by default `new Error('injected failure')`
   */
  failNext(operation: VectorOperation, cause: unknown = new Error('injected failure')): void {
    const queue = this.#failures.get(operation) ?? [];
    queue.push(cause);
    this.#failures.set(operation, queue);
  }

  /**
   * Reads records by ids, by filter, or both, in insertion order.
   * @param request - what to read and which fields to return; by default every record
   * @throws {VectorStoreError} when the request is invalid (nothing is read) or a failure was
   *   injected
   */
  async get(request: GetRequest = {}): Promise<GetResponse> {
    this.#begin('get');
    const include = request.include ?? DEFAULT_INCLUDE;
    const problem =
      (request.ids === undefined ? undefined : idListProblem(request.ids)) ??
      (request.where === undefined ? undefined : whereProblem(request.where)) ??
      (include.every((field) => INCLUDE_FIELDS.has(field))
        ? undefined
        : `include may hold only documents, metadatas and embeddings, got ${include.join(', ')}`) ??
      (request.limit === undefined || isCount(request.limit)
        ? undefined
        : `limit must be a non-negative integer, got ${request.limit}`) ??
      (request.offset === undefined || isCount(request.offset)
        ? undefined
        : `offset must be a non-negative integer, got ${request.offset}`);
    if (problem !== undefined) throw this.#refuse('get', problem);

    const offset = request.offset ?? 0;
    const end = request.limit === undefined ? Number.POSITIVE_INFINITY : offset + request.limit;
    const found = this.#select(request.ids, request.where).slice(offset, end);

    const response: {
      ids: string[];
      documents?: (string | null)[];
      metadatas?: (Metadata | null)[];
      embeddings?: number[][];
    } = { ids: found.map(([id]) => id) };
    if (include.includes('documents')) response.documents = found.map(([, r]) => r.document);
    if (include.includes('metadatas')) {
      response.metadatas = found.map(([, r]) =>
        r.metadata === null ? null : copyMetadata(r.metadata),
      );
    }
    if (include.includes('embeddings')) {
      response.embeddings = found.map(([, r]) => Array.from(r.embedding, float32ToNumber));
    }
    return response;
  }

  /**
   * Inserts new records at the end; for an id that exists, replaces the embedding, merges
   * the metadata and keeps the stored document unless a new one is given.
   * @param request - the records to write
   * @throws {VectorStoreError} when the request is invalid or over the limits (nothing is
   *   written), or a failure was injected
   */
  async upsert(request: UpsertRequest): Promise<void> {
    this.#begin('upsert');
    const problem =
      upsertRequestProblem(request, this.limits) ??
      this.#requestSizeProblem(request.ids) ??
      this.#dimensionProblem(request.embeddings);
    if (problem !== undefined) throw this.#refuse('upsert', problem);
    this.#fixDimension(request.embeddings);
    for (const [index, id] of request.ids.entries()) {
      const embedding = Float32Array.from(request.embeddings[index] ?? []);
      const document = request.documents?.[index] ?? null;
      const metadata = request.metadatas?.[index];
      const stored = this.#records.get(id);
      if (stored === undefined) {
        this.#records.set(id, { embedding, document, metadata: mergeMetadata(null, metadata) });
      } else {
        stored.embedding = embedding;
        stored.document = document ?? stored.document;
        stored.metadata = mergeMetadata(stored.metadata, metadata);
      }
    }
  }

  /**
   * Changes existing records, merging metadata key by key; ids that do not exist are ignored.
   * @param request - the records to change
   * @throws {VectorStoreError} when the request is invalid or over the limits (nothing is
   *   written), or a failure was injected
   */
  async update(request: UpdateRequest): Promise<void> {
    this.#begin('update');
    const problem =
      updateRequestProblem(request, this.limits) ??
      this.#requestSizeProblem(request.ids) ??
      (request.embeddings === undefined ? undefined : this.#dimensionProblem(request.embeddings));
    if (problem !== undefined) throw this.#refuse('update', problem);
    if (request.embeddings !== undefined) this.#fixDimension(request.embeddings);
    for (const [index, id] of request.ids.entries()) {
      const stored = this.#records.get(id);
      if (stored === undefined) continue;
      const embedding = request.embeddings?.[index];
      if (embedding !== undefined) stored.embedding = Float32Array.from(embedding);
      const document = request.documents?.[index];
      if (document !== undefined) stored.document = document;
      stored.metadata = mergeMetadata(stored.metadata, request.metadatas?.[index]);
    }
  }

  /**
   * Deletes the records matching `ids` and `where` (both, when both are given).
   * @param request - which records to delete; needs `ids`, `where` or both
   * @throws {VectorStoreError} when the request is invalid (nothing is deleted) or a failure
   *   was injected
   */
  async delete(request: DeleteRequest): Promise<void> {
    this.#begin('delete');
    const problem =
      (request.ids === undefined && request.where === undefined
        ? 'delete needs ids, a where filter, or both'
        : undefined) ??
      (request.ids === undefined ? undefined : idListProblem(request.ids)) ??
      (request.where === undefined ? undefined : whereProblem(request.where));
    if (problem !== undefined) throw this.#refuse('delete', problem);
    for (const [id] of this.#select(request.ids, request.where)) this.#records.delete(id);
  }

  /**
   * How many records the collection holds.
   * @throws {VectorStoreError} when a failure was injected
   */
  async count(): Promise<number> {
    this.#begin('count');
    return this.#records.size;
  }

  /** The stored records matching both `ids` (when given) and `where` (when given), in order. */
  #select(ids: readonly string[] | undefined, where: Where | undefined): [string, StoredRecord][] {
    const wanted = ids === undefined ? undefined : new Set(ids);
    const found: [string, StoredRecord][] = [];
    for (const entry of this.#records) {
      const [id, record] = entry;
      if (wanted !== undefined && !wanted.has(id)) continue;
      if (where !== undefined && !matchesWhere(where, record.metadata)) continue;
      found.push(entry);
    }
    return found;
  }

  #requestSizeProblem(ids: readonly string[]): string | undefined {
    const most = this.limits?.maxRecordsPerRequest;
    return most !== undefined && ids.length > most
      ? `the request carries ${ids.length} records, over the limit of ${most} (maxRecordsPerRequest)`
      : undefined;
  }

  #dimensionProblem(embeddings: readonly Embedding[]): string | undefined {
    const [first] = embeddings;
    if (first === undefined || this.#dimension === undefined) return undefined;
    return first.length === this.#dimension
      ? undefined
      : `the collection expects embeddings of dimension ${this.#dimension}, got ${first.length}`;
  }

  #fixDimension(embeddings: readonly Embedding[]): void {
    this.#dimension ??= embeddings[0]?.length;
  }

  /** Throws the failure queued by {@link InMemoryVectorCollection.failNext} for this operation, if any. */
  #begin(operation: VectorOperation): void {
    const queue = this.#failures.get(operation);
    if (queue === undefined || queue.length === 0) return;
    const cause = queue.shift();
    throw new VectorStoreError(
      `Chroma ${operation} on collection "${this.name}" failed: injected failure`,
      { collection: this.name, operation, cause },
    );
  }

  #refuse(operation: VectorOperation, problem: string): VectorStoreError {
    return new VectorStoreError(
      `Chroma ${operation} on collection "${this.name}" was refused: ${problem}`,
      { collection: this.name, operation },
    );
  }
}
