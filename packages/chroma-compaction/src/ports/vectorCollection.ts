/**
 * The subset of a Chroma collection the compactor calls. Adapters: `chromaVectorCollection`
 * (`@receipt-chroma/chroma-compaction/chroma`) and `InMemoryVectorCollection` (`./testing`),
 * held to one contract test suite.
 */

import type { VectorLimits } from '../vectors/limits.js';

/** A scalar metadata value. */
export type MetadataScalar = string | number | boolean;

/** A stored metadata value: a scalar or an array of one scalar type (Chroma ≥ 1.3). */
export type MetadataValue =
  | MetadataScalar
  | readonly string[]
  | readonly number[]
  | readonly boolean[];

/** Metadata as stored on a record. */
export type Metadata = Readonly<Record<string, MetadataValue>>;

/**
 * Metadata sent with `update`: merged into the stored metadata key by key; a key whose
 * value is `null` is removed; a key left out keeps its stored value.
 */
export type MetadataPatch = Readonly<Record<string, MetadataValue | null>>;

/** A condition on one metadata field: a bare value means `$eq`. */
export type FieldCondition =
  | MetadataScalar
  | {
      /** The field equals this value. */
      readonly $eq: MetadataScalar;
    }
  | {
      /** The field does not equal this value. */
      readonly $ne: MetadataScalar;
    }
  | {
      /** The field is a number greater than this. */
      readonly $gt: number;
    }
  | {
      /** The field is a number greater than or equal to this. */
      readonly $gte: number;
    }
  | {
      /** The field is a number less than this. */
      readonly $lt: number;
    }
  | {
      /** The field is a number less than or equal to this. */
      readonly $lte: number;
    }
  | {
      /** The field equals one of these values. */
      readonly $in: readonly MetadataScalar[];
    }
  | {
      /** The field equals none of these values. */
      readonly $nin: readonly MetadataScalar[];
    }
  | {
      /** The field is an array holding this value. */
      readonly $contains: MetadataScalar;
    }
  | {
      /** The field is an array not holding this value. */
      readonly $not_contains: MetadataScalar;
    };

/** A metadata filter, Chroma's `where`: field conditions, or `$and` / `$or` of filters. */
export type Where =
  | {
      /** Every one of these filters matches. */
      readonly $and: readonly Where[];
    }
  | {
      /** At least one of these filters matches. */
      readonly $or: readonly Where[];
    }
  | { readonly [field: string]: FieldCondition };

/**
 * One vector as written: plain numbers, or float32 values (as a delta holds them; Chroma
 * stores float32 either way).
 */
export type Embedding = readonly number[] | Float32Array;

/** Fields `get` can return besides ids. */
export type IncludeField = 'documents' | 'metadatas' | 'embeddings';

/** What to read: by ids, by filter, or both (a record must match both). */
export interface GetRequest {
  /** Read only these ids. @default every id */
  readonly ids?: readonly string[] | undefined;
  /** Read only the records whose metadata matches. @default no filter */
  readonly where?: Where | undefined;
  /** The fields to return besides ids. @default ['documents', 'metadatas'] (Chroma's default) */
  readonly include?: readonly IncludeField[] | undefined;
  /** Return at most this many records, a non-negative integer. @default no limit */
  readonly limit?: number | undefined;
  /** Skip this many matching records first, a non-negative integer. @default 0 */
  readonly offset?: number | undefined;
}

/**
 * The records found, in insertion order; the arrays are parallel to `ids`. A field is
 * present exactly when it was included; a record without a document or metadata has `null`.
 */
export interface GetResponse {
  /** The ids of the records found. */
  readonly ids: string[];
  /** Each record's document, when `documents` was included. */
  readonly documents?: (string | null)[];
  /** Each record's metadata, when `metadatas` was included. */
  readonly metadatas?: (Metadata | null)[];
  /** Each record's embedding (float32 values as plain numbers), when `embeddings` was included. */
  readonly embeddings?: number[][];
}

/**
 * Records to insert, or to change where the id exists; every array is parallel to `ids`.
 * Chroma does not replace an existing record: its embedding is replaced, its metadata is
 * merged as in {@link UpdateRequest} (a key left out keeps its stored value), and a `null`
 * or missing document keeps the stored document.
 */
export interface UpsertRequest {
  /** The records' ids, distinct and non-empty. */
  readonly ids: readonly string[];
  /** One embedding per id, all of the collection's dimension. */
  readonly embeddings: readonly Embedding[];
  /**
   * One document per id; `null` keeps a stored record's document.
   * @default none (a new record has no document, a stored one keeps its own)
   */
  readonly documents?: readonly (string | null)[] | undefined;
  /**
   * One metadata object per id, merged into a stored record's.
   * @default none (a new record has no metadata, a stored one keeps its own)
   */
  readonly metadatas?: readonly (Metadata | null)[] | undefined;
}

/** Changes to existing records; metadata is merged (see {@link MetadataPatch}). */
export interface UpdateRequest {
  /** The records to change; ids that do not exist are ignored. */
  readonly ids: readonly string[];
  /** One new embedding per id. @default embeddings unchanged */
  readonly embeddings?: readonly Embedding[] | undefined;
  /**
   * New documents; they need `embeddings` in the same request (nothing re-embeds them).
   * @default documents unchanged
   */
  readonly documents?: readonly string[] | undefined;
  /** One metadata patch per id, merged key by key. @default metadata unchanged */
  readonly metadatas?: readonly MetadataPatch[] | undefined;
}

/** Which records to delete: by ids, by filter, or both. At least one is required. */
export interface DeleteRequest {
  /** Delete only these ids. @default every id (then `where` is required) */
  readonly ids?: readonly string[] | undefined;
  /** Delete only the records whose metadata matches. @default no filter (then `ids` is required) */
  readonly where?: Where | undefined;
}

/**
 * A Chroma collection as the compactor uses it. Every method rejects with a
 * `VectorStoreError` naming the collection and operation; none reports a failure as an
 * empty result. Updating an id that does not exist is not an error (Chroma ignores it).
 * An empty `ids` list is a no-op for writes and matches nothing for `get` and `delete`.
 */
export interface VectorCollection {
  /** The collection's name, e.g. `words`. */
  readonly name: string;
  /**
   * What the collection refuses to store (e.g. `CHROMA_CLOUD_LIMITS`). The operations check
   * each record against them before writing, so a record over a limit fails only its own
   * message. @default no limits
   */
  readonly limits?: VectorLimits | undefined;
  /**
   * Reads records by ids, by filter, or both.
   * @param request - what to read and which fields to return; by default every record
   * @throws {VectorStoreError} when the store refuses the request or fails
   */
  get(request?: GetRequest): Promise<GetResponse>;
  /**
   * Inserts records, or changes the ones whose id exists (see {@link UpsertRequest}).
   * @param request - the records to write
   * @throws {VectorStoreError} when the store refuses the request or fails
   */
  upsert(request: UpsertRequest): Promise<void>;
  /**
   * Changes existing records: embeddings, documents, metadata merged key by key.
   * @param request - the records to change
   * @throws {VectorStoreError} when the store refuses the request or fails
   */
  update(request: UpdateRequest): Promise<void>;
  /**
   * Deletes records by ids, by filter, or both.
   * @param request - which records to delete
   * @throws {VectorStoreError} when the store refuses the request or fails
   */
  delete(request: DeleteRequest): Promise<void>;
  /**
   * How many records the collection holds.
   * @throws {VectorStoreError} when the store fails
   */
  count(): Promise<number>;
}
