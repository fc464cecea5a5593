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
  | { readonly $eq: MetadataScalar }
  | { readonly $ne: MetadataScalar }
  | { readonly $gt: number }
  | { readonly $gte: number }
  | { readonly $lt: number }
  | { readonly $lte: number }
  | { readonly $in: readonly MetadataScalar[] }
  | { readonly $nin: readonly MetadataScalar[] }
  | { readonly $contains: MetadataScalar }
  | { readonly $not_contains: MetadataScalar };

/** A metadata filter, Chroma's `where`: field conditions, or `$and` / `$or` of filters. */
export type Where =
  | { readonly $and: readonly Where[] }
  | { readonly $or: readonly Where[] }
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
  readonly ids?: readonly string[] | undefined;
  readonly where?: Where | undefined;
  /** @default ['documents', 'metadatas'] (Chroma's default) */
  readonly include?: readonly IncludeField[] | undefined;
  readonly limit?: number | undefined;
  readonly offset?: number | undefined;
}

/**
 * The records found, in insertion order; the arrays are parallel to `ids`. A field is
 * present exactly when it was included; a record without a document or metadata has `null`.
 */
export interface GetResponse {
  readonly ids: string[];
  readonly documents?: (string | null)[];
  readonly metadatas?: (Metadata | null)[];
  readonly embeddings?: number[][];
}

/**
 * Records to insert, or to change where the id exists; every array is parallel to `ids`.
 * Chroma does not replace an existing record: its embedding is replaced, its metadata is
 * merged as in {@link UpdateRequest} (a key left out keeps its stored value), and a `null`
 * or missing document keeps the stored document.
 */
export interface UpsertRequest {
  readonly ids: readonly string[];
  readonly embeddings: readonly Embedding[];
  readonly documents?: readonly (string | null)[] | undefined;
  readonly metadatas?: readonly (Metadata | null)[] | undefined;
}

/** Changes to existing records; metadata is merged (see {@link MetadataPatch}). */
export interface UpdateRequest {
  readonly ids: readonly string[];
  readonly embeddings?: readonly Embedding[] | undefined;
  /** New documents; they need `embeddings` in the same request (nothing re-embeds them). */
  readonly documents?: readonly string[] | undefined;
  readonly metadatas?: readonly MetadataPatch[] | undefined;
}

/** Which records to delete: by ids, by filter, or both. At least one is required. */
export interface DeleteRequest {
  readonly ids?: readonly string[] | undefined;
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
  get(request?: GetRequest): Promise<GetResponse>;
  upsert(request: UpsertRequest): Promise<void>;
  update(request: UpdateRequest): Promise<void>;
  delete(request: DeleteRequest): Promise<void>;
  count(): Promise<number>;
}
