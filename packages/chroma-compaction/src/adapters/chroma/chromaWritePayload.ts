/**
 * Turns the documents and metadatas of a `VectorCollection` write into what the chromadb JS
 * client (3.x) will send unchanged.
 *
 * Why this exists: Chroma's server removes a metadata key whose value is JSON `null` (in
 * `update`, and in `upsert` of an existing id), and keeps the stored document when the new
 * one is `null`. The JS client gets in the way of both: `serializeMetadata` drops every
 * `null`/`undefined` value before sending (so `{ label: null }` is sent as `{}` and the key
 * stays), its validation refuses `null` and `''` documents and refuses metadata `{}`.
 *
 * The fix keeps using the client's public `upsert`/`update` (its validation, batching check,
 * base64 embeddings, auth headers and error mapping all stay): values are replaced by small
 * objects that pass the client's checks and that `JSON.stringify` writes as the intended JSON,
 * through `toJSON`. The client builds the request body with `JSON.stringify`, so the server
 * receives exactly `null` or `""`. The markers fail loudly if a future client stops passing
 * values through by reference: a copied removal marker is written as `[null]` and a copied
 * document marker as `{}`, both of which the server refuses (HTTP 422) rather than storing
 * a wrong value. The integration contract test "removes a key sent as null" pins the
 * behaviour against a real server.
 * @internal
 * @packageDocumentation
 */

import type { Metadata as ChromaMetadata } from 'chromadb';
import type { Embedding, Metadata, MetadataPatch } from '../../ports/vectorCollection.js';
import { embeddingNumbers } from '../../vectors/embeddings.js';

/** A metadata value the client accepts (a non-empty number list) and JSON writes as `null`. */
const REMOVE_KEY: readonly number[] = Object.freeze(
  Object.assign([Number.POSITIVE_INFINITY], { toJSON: (): null => null }),
);

/** A document the client accepts (a truthy non-string) and JSON writes as `null`. */
const NULL_DOCUMENT: object = Object.freeze({ toJSON: (): null => null });

/** A document the client accepts (it refuses `''`) and JSON writes as `""`. */
const EMPTY_DOCUMENT: object = Object.freeze({ toJSON: (): string => '' });

/**
 * The documents to send, or `undefined` to leave them out (every one `null`: same effect).
 * @internal
 */
export const toChromaDocuments = (
  documents: readonly (string | null)[] | undefined,
): string[] | undefined => {
  if (documents === undefined) return undefined;
  let needsMarkers = false;
  let allNull = true;
  for (const document of documents) {
    if (document !== null) allNull = false;
    if (document === null || document === '') needsMarkers = true;
  }
  if (allNull) return undefined;
  if (!needsMarkers) return documents as string[];
  return documents.map((document) => {
    if (document === null) return NULL_DOCUMENT as unknown as string;
    if (document === '') return EMPTY_DOCUMENT as unknown as string;
    return document;
  });
};

/** One metadata object as the client must receive it (see the module comment). */
const toChromaMetadata = (
  metadata: Metadata | MetadataPatch | null | undefined,
): ChromaMetadata | null => {
  if (metadata === null || metadata === undefined) return null;
  let size = 0;
  let hasNull = false;
  for (const key in metadata) {
    if (!Object.hasOwn(metadata, key)) continue;
    size += 1;
    if (metadata[key] === null) hasNull = true;
  }
  // `{}` changes nothing on the server, like `null`, but the client refuses `{}`.
  if (size === 0) return null;
  if (!hasNull) return metadata as ChromaMetadata;
  return Object.fromEntries(
    Object.entries(metadata).map(([key, value]) => [key, value === null ? REMOVE_KEY : value]),
  ) as ChromaMetadata;
};

/**
 * The metadatas to send, or `undefined` to leave them out (every one `null` or `{}`).
 * @internal
 */
export const toChromaMetadatas = (
  metadatas: readonly (Metadata | MetadataPatch | null)[] | undefined,
): (ChromaMetadata | null)[] | undefined => {
  if (metadatas === undefined) return undefined;
  const converted = metadatas.map(toChromaMetadata);
  return converted.every((metadata) => metadata === null) ? undefined : converted;
};

/**
 * Embeddings as the client takes them: lists of numbers (float32 rows are copied; the client
 * would write a typed array as a JSON object to a server without base64 embeddings).
 */
export const toChromaEmbeddings = (embeddings: readonly Embedding[]): number[][] =>
  embeddings.map(embeddingNumbers) as number[][];
