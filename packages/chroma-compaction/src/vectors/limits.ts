// Dropped keys: spec §14.
/**
 * What a Chroma deployment refuses to store, checked before a write is sent, so that a record
 * over a limit fails its own message with a reason instead of a whole request failing, or
 * keys being dropped on the way (the Python package's bulk sync drops metadata keys longer
 * than 36 UTF-8 bytes).
 * @packageDocumentation
 */

import { ChromaCompactionError } from '../errors.js';
import type {
  Embedding,
  Metadata,
  MetadataPatch,
  MetadataValue,
  VectorCollection,
} from '../ports/vectorCollection.js';

/**
 * The limits of a Chroma deployment on one record and one request. Each is optional: a limit
 * left out is not checked. Sizes are UTF-8 bytes.
 *
 * @example
 * ```ts
 * import { CHROMA_CLOUD_LIMITS, type VectorLimits } from '@receipt-chroma/chroma-compaction';
 *
 * // A Chroma Cloud database whose key limit was raised on request.
 * const limits: VectorLimits = { ...CHROMA_CLOUD_LIMITS, maxMetadataKeys: 64 };
 * ```
 */
export interface VectorLimits {
  /** The most records one write request may carry. @default no limit */
  readonly maxRecordsPerRequest?: number | undefined;
  /** The longest id. @default no limit */
  readonly maxIdBytes?: number | undefined;
  /** The longest document. @default no limit */
  readonly maxDocumentBytes?: number | undefined;
  /** The largest embedding dimension. @default no limit */
  readonly maxEmbeddingDimensions?: number | undefined;
  /** The most metadata keys one record may hold (after a patch is merged). @default no limit */
  readonly maxMetadataKeys?: number | undefined;
  /** The longest metadata key. @default no limit */
  readonly maxMetadataKeyBytes?: number | undefined;
  /** The largest metadata value (a list counts all its items). @default no limit */
  readonly maxMetadataValueBytes?: number | undefined;
}

/** One of the {@link VectorLimits}. */
export type VectorLimit = keyof VectorLimits;

/**
 * Chroma Cloud's published quotas on records and requests (docs.trychroma.com, "Quotas &
 * Limits"). Most can be raised on request: pass your own {@link VectorLimits} then.
 *
 * @example
 * ```ts
 * import { CHROMA_CLOUD_LIMITS } from '@receipt-chroma/chroma-compaction';
 * import { InMemoryVectorCollection } from '@receipt-chroma/chroma-compaction/testing';
 *
 * // A double that refuses what Chroma Cloud refuses.
 * const words = new InMemoryVectorCollection('words', { limits: CHROMA_CLOUD_LIMITS });
 * ```
 */
export const CHROMA_CLOUD_LIMITS: Readonly<Required<VectorLimits>> = Object.freeze({
  maxRecordsPerRequest: 300,
  maxIdBytes: 128,
  maxDocumentBytes: 16_384,
  maxEmbeddingDimensions: 4_096,
  maxMetadataKeys: 32,
  maxMetadataKeyBytes: 36,
  maxMetadataValueBytes: 4_096,
});

/** A record as written, for {@link recordLimitProblem}. */
export interface LimitedRecord {
  readonly id: string;
  readonly embedding?: Embedding | undefined;
  readonly document?: string | null | undefined;
  /** The metadata written, or the patch merged into `stored`. */
  readonly metadata?: Metadata | MetadataPatch | null | undefined;
  /** The record's stored metadata, when known: the key count is checked after the merge. */
  readonly stored?: Metadata | null | undefined;
}

/** Which limit a record exceeds, and how. */
export interface LimitProblem {
  /** The limit exceeded. */
  readonly limit: VectorLimit;
  /** The limit's value. */
  readonly allowed: number;
  /** The record's value (bytes, dimensions or key count). */
  readonly actual: number;
  /**
   * What is over the limit, naming the record, e.g.
   * `record "…": the id in UTF-8 bytes is 130, over the limit of 128 (maxIdBytes)`.
   */
  readonly message: string;
}

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Bytes of a metadata value: strings by their UTF-8 bytes, numbers 8, booleans 1. */
const valueBytes = (value: MetadataValue): number => {
  if (typeof value === 'string') return utf8Bytes(value);
  if (typeof value === 'number') return 8;
  if (typeof value === 'boolean') return 1;
  let total = 0;
  for (const item of value) total += valueBytes(item);
  return total;
};

/** Keys the record holds once `patch` is merged into `stored`. */
const mergedKeyCount = (
  patch: Metadata | MetadataPatch,
  stored: Metadata | null | undefined,
): number => {
  const keys = new Set(stored === null || stored === undefined ? [] : Object.keys(stored));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) keys.delete(key);
    else keys.add(key);
  }
  return keys.size;
};

/**
 * The first limit `record` exceeds, or `undefined` when it fits.
 * @internal
 */
export function recordLimitProblem(
  limits: VectorLimits,
  record: LimitedRecord,
): LimitProblem | undefined {
  const over = (limit: VectorLimit, actual: number, what: string): LimitProblem | undefined => {
    const allowed = limits[limit];
    if (allowed === undefined || actual <= allowed) return undefined;
    return {
      limit,
      allowed,
      actual,
      message: `record "${record.id}": ${what} is ${actual}, over the limit of ${allowed} (${limit})`,
    };
  };
  const { metadata } = record;
  let problem =
    over('maxIdBytes', utf8Bytes(record.id), 'the id in UTF-8 bytes') ??
    (record.embedding === undefined
      ? undefined
      : over('maxEmbeddingDimensions', record.embedding.length, 'the embedding dimension')) ??
    (typeof record.document === 'string'
      ? over('maxDocumentBytes', utf8Bytes(record.document), 'the document in UTF-8 bytes')
      : undefined);
  if (problem !== undefined || metadata === null || metadata === undefined) return problem;
  for (const [key, value] of Object.entries(metadata)) {
    problem =
      over('maxMetadataKeyBytes', utf8Bytes(key), `metadata key "${key}" in UTF-8 bytes`) ??
      (value === null
        ? undefined
        : over('maxMetadataValueBytes', valueBytes(value), `the value of "${key}" in bytes`));
    if (problem !== undefined) return problem;
  }
  return over(
    'maxMetadataKeys',
    mergedKeyCount(metadata, record.stored),
    'the number of metadata keys',
  );
}

/**
 * A record exceeds a limit of the collection it was to be written to (see
 * {@link VectorLimits}); nothing of the write it belongs to was sent. Not retryable: the
 * record must change, or the limit be raised.
 */
export class VectorLimitError extends ChromaCompactionError {
  /** The record over the limit. */
  readonly recordId: string;
  /** The limit exceeded. */
  readonly limit: VectorLimit;
  /** The limit's value. */
  readonly allowed: number;
  /** The record's value (bytes, dimensions or key count). */
  readonly actual: number;

  /**
   * Creates the error; the message names the collection, the record and the limit.
   * @param collection - the collection the record was to be written to
   * @param recordId - the record's id
   * @param problem - which limit it exceeds, and how
   */
  constructor(collection: string, recordId: string, problem: LimitProblem) {
    super(`Collection "${collection}" cannot store ${problem.message}`, {
      context: {
        collection,
        recordId,
        limit: problem.limit,
        allowed: problem.allowed,
        actual: problem.actual,
      },
    });
    this.recordId = recordId;
    this.limit = problem.limit;
    this.allowed = problem.allowed;
    this.actual = problem.actual;
  }
}

/**
 * The error for a record over one of the limits of `vectors` (`VectorCollection.limits`), or
 * `undefined` when it fits or the collection has none.
 * @internal
 */
export function recordLimitError(
  vectors: Pick<VectorCollection, 'name' | 'limits'>,
  record: LimitedRecord,
): VectorLimitError | undefined {
  if (vectors.limits === undefined) return undefined;
  const problem = recordLimitProblem(vectors.limits, record);
  return problem === undefined ? undefined : new VectorLimitError(vectors.name, record.id, problem);
}
