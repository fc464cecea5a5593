/**
 * Checks of `VectorCollection` write requests that both implementations run before touching
 * any record, so a bad request changes nothing. The in-memory double runs them to reject what
 * Chroma (client and server) rejects; the Chroma adapter runs them on the whole request
 * before it splits it into batches, so a bad record in batch 3 cannot leave batches 1 and 2
 * written, and so values the JS client would silently turn into something else (a `NaN`
 * metadata value becomes `null`, which deletes the key) are refused instead.
 * @internal
 * @packageDocumentation
 */

import type { Embedding, UpdateRequest, UpsertRequest } from '../ports/vectorCollection.js';
import { recordLimitProblem, type VectorLimits } from './limits.js';

/**
 * How Chroma stores a metadata value. JSON has one number type, but Chroma's server parses a
 * number written without fraction or exponent as an integer and anything else as a float,
 * and keeps the two apart in filters (an integer list and a float list are different types).
 * @internal
 */
export type MetadataKind = 'string' | 'int' | 'float' | 'bool';

const I64_LIMIT = 2 ** 63;

/**
 * The kind Chroma gives a JS number once it is written as JSON: an integer when JSON writes it
 * without fraction or exponent and it fits in an i64, otherwise a float.
 * @internal
 */
export const numberKind = (value: number): 'int' | 'float' =>
  Number.isInteger(value) && value >= -I64_LIMIT && value < I64_LIMIT && Math.abs(value) < 1e21
    ? 'int'
    : 'float';

/**
 * The kind of a scalar value, or `undefined` when the value is not one Chroma can store
 * (objects, `null`, non-finite numbers, …).
 * @internal
 */
export const scalarKind = (value: unknown): MetadataKind | undefined => {
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isFinite(value) ? numberKind(value) : undefined;
    default:
      return undefined;
  }
};

/** The kind of a stored list value: the kind of its items. */
export type MetadataListKind = `${MetadataKind}[]`;

/**
 * The kind of a list of scalars, or a description of why it cannot be stored. Every item
 * must have the same JS type; a number list is a float list as soon as one item is a float
 * (that is how the server parses it).
 * @internal
 */
export const listKind = (items: readonly unknown[]): MetadataListKind | { problem: string } => {
  let kind: MetadataKind | undefined;
  for (const item of items) {
    const itemKind = scalarKind(item);
    if (itemKind === undefined) {
      return {
        problem: 'is a list holding something other than finite numbers, strings or booleans',
      };
    }
    if (kind === undefined || kind === itemKind) kind = itemKind;
    else if (typeof item === 'number' && (kind === 'int' || kind === 'float')) kind = 'float';
    else return { problem: 'is a list mixing value types (Chroma lists hold one type)' };
  }
  return kind === undefined
    ? { problem: 'is an empty list (Chroma refuses empty list values)' }
    : `${kind}[]`;
};

/**
 * Why a metadata key cannot be stored, or `undefined` when it can. Chroma refuses empty keys
 * and keys starting with `#` or `$`; it silently drops or reinterprets keys starting with
 * `chroma:` (`chroma:document` overwrites the document), so those are refused as reserved.
 * @internal
 */
export const metadataKeyProblem = (key: string): string | undefined => {
  if (key === '') return 'an empty metadata key';
  if (key.startsWith('#') || key.startsWith('$')) {
    return `metadata key "${key}" (keys may not start with "#" or "$")`;
  }
  if (key.startsWith('chroma:')) {
    return `metadata key "${key}" (the "chroma:" prefix is reserved by Chroma)`;
  }
  return undefined;
};

/**
 * Why one metadata object (or patch) cannot be sent, or `undefined` when it can. `null`
 * values are allowed: they remove the key.
 * @internal
 */
export const metadataProblem = (metadata: unknown): string | undefined => {
  if (metadata === null || metadata === undefined) return undefined;
  if (typeof metadata !== 'object' || Array.isArray(metadata)) {
    return 'metadata that is not an object';
  }
  for (const [key, value] of Object.entries(metadata)) {
    const keyProblem = metadataKeyProblem(key);
    if (keyProblem !== undefined) return keyProblem;
    if (value === null) continue;
    if (Array.isArray(value)) {
      const kind = listKind(value);
      if (typeof kind === 'object') return `metadata value of "${key}" ${kind.problem}`;
      continue;
    }
    if (scalarKind(value) === undefined) {
      return `metadata value of "${key}" (expected a string, a finite number, a boolean or a list of one of those, got ${String(value)})`;
    }
  }
  return undefined;
};

const checkIds = (ids: readonly unknown[]): string | undefined => {
  const seen = new Set<string>();
  for (const [index, id] of ids.entries()) {
    if (typeof id !== 'string') return `id at index ${index} is not a string`;
    if (id === '') return `id at index ${index} is empty (ids need at least one character)`;
    if (seen.has(id)) return `id "${id}" appears more than once in one request`;
    seen.add(id);
  }
  return undefined;
};

const checkLength = (
  field: string,
  values: readonly unknown[] | undefined,
  count: number,
): string | undefined =>
  values !== undefined && values.length !== count
    ? `${field} has ${values.length} entries but ids has ${count}`
    : undefined;

/**
 * Why a list of embeddings cannot be sent, or `undefined`. Every embedding must be a
 * non-empty list of finite numbers and all must have the same dimension.
 */
const checkEmbeddings = (embeddings: readonly Embedding[]): string | undefined => {
  // Indexed loops: this runs over every value of every vector (30 M for 20,000 x 1536), and
  // iterators make it several times slower.
  const dimension = embeddings[0]?.length;
  for (let index = 0; index < embeddings.length; index += 1) {
    const embedding = embeddings[index];
    if (
      !(Array.isArray(embedding) || embedding instanceof Float32Array) ||
      embedding.length === 0
    ) {
      return `embedding at index ${index} is not a non-empty list of numbers`;
    }
    if (embedding.length !== dimension) {
      return `embedding at index ${index} has dimension ${embedding.length}, the first has ${dimension}`;
    }
    for (let axis = 0; axis < embedding.length; axis += 1) {
      const value = embedding[axis];
      // typeof + isFinite in one test: NaN, ±Infinity and non-numbers all fail.
      if (!(typeof value === 'number' && value - value === 0)) {
        return `embedding at index ${index} holds a value that is not a finite number`;
      }
    }
  }
  return undefined;
};

const checkDocuments = (documents: readonly unknown[], allowNull: boolean): string | undefined => {
  for (const [index, document] of documents.entries()) {
    if (typeof document === 'string' || (allowNull && document === null)) continue;
    return `document at index ${index} is not a string${allowNull ? ' or null' : ''}`;
  }
  return undefined;
};

const checkMetadatas = (metadatas: readonly unknown[]): string | undefined => {
  for (const [index, metadata] of metadatas.entries()) {
    const problem = metadataProblem(metadata);
    if (problem !== undefined) return `metadata at index ${index} has ${problem}`;
  }
  return undefined;
};

/** The first record of a request over one of `limits`, as a problem. */
const checkLimits = (
  limits: VectorLimits | undefined,
  request: UpsertRequest | UpdateRequest,
): string | undefined => {
  if (limits === undefined) return undefined;
  const { ids, embeddings, documents, metadatas } = request;
  for (let index = 0; index < ids.length; index += 1) {
    const problem = recordLimitProblem(limits, {
      id: ids[index] as string,
      embedding: embeddings?.[index],
      document: documents?.[index],
      metadata: metadatas?.[index],
    });
    if (problem !== undefined) return `the ${problem.message}`;
  }
  return undefined;
};

/**
 * Why an upsert cannot be applied, or `undefined` when it can.
 * @internal
 */
export const upsertRequestProblem = (
  request: UpsertRequest,
  limits?: VectorLimits,
): string | undefined => {
  if (!Array.isArray(request.ids)) return 'ids is not a list';
  const count = request.ids.length;
  if (!Array.isArray(request.embeddings)) return 'embeddings is required for upsert';
  return (
    checkLength('embeddings', request.embeddings, count) ??
    checkLength('documents', request.documents, count) ??
    checkLength('metadatas', request.metadatas, count) ??
    checkIds(request.ids) ??
    checkEmbeddings(request.embeddings) ??
    (request.documents === undefined ? undefined : checkDocuments(request.documents, true)) ??
    (request.metadatas === undefined ? undefined : checkMetadatas(request.metadatas)) ??
    checkLimits(limits, request)
  );
};

/**
 * Why an update cannot be applied, or `undefined` when it can.
 * @internal
 */
export const updateRequestProblem = (
  request: UpdateRequest,
  limits?: VectorLimits,
): string | undefined => {
  if (!Array.isArray(request.ids)) return 'ids is not a list';
  const count = request.ids.length;
  if (request.documents !== undefined && request.embeddings === undefined) {
    // The chromadb client would compute embeddings for the new documents with the
    // collection's embedding function; the compactor never re-embeds, so both sides refuse.
    return 'documents need embeddings in the same update (send the new embeddings with them)';
  }
  return (
    checkLength('embeddings', request.embeddings, count) ??
    checkLength('documents', request.documents, count) ??
    checkLength('metadatas', request.metadatas, count) ??
    checkIds(request.ids) ??
    (request.embeddings === undefined ? undefined : checkEmbeddings(request.embeddings)) ??
    (request.documents === undefined ? undefined : checkDocuments(request.documents, false)) ??
    (request.metadatas === undefined ? undefined : checkMetadatas(request.metadatas)) ??
    checkLimits(limits, request)
  );
};

/**
 * Why a list of ids (for `get` or `delete`) cannot be sent, or `undefined`.
 * @internal
 */
export const idListProblem = (ids: readonly string[]): string | undefined =>
  Array.isArray(ids) ? checkIds(ids) : 'ids is not a list';
