import type { CollectionName } from '../../compaction/types.js';
import { DeltaIntegrityError } from '../../deltas/errors.js';
import type { DeltaRecord } from '../../deltas/types.js';
import { errorMessage, VectorStoreError } from '../../errors.js';
import { checkedInteger } from '../../options/checkedInteger.js';
import { type Logger, NOOP_LOGGER } from '../../ports/observability.js';
import type { PythonDeltaSource } from '../../ports/pythonDeltaSource.js';
import type { Metadata } from '../../ports/vectorCollection.js';
import { COLLECTIONS_PATH } from './chromaRoutes.js';
import type { LocalChromaStartError } from './errors.js';
import {
  type LocalChroma,
  type StartLocalChromaOptions,
  startLocalChroma,
} from './startLocalChroma.js';

/**
 * Options of {@link localChromaDeltaSource}: how to run the local Chroma server (those of
 * `startLocalChroma` but the persist directory, which is the delta's copy, and the port,
 * which is always a free one so deltas can be read side by side), plus a logger.
 */
export interface LocalChromaDeltaSourceOptions
  extends Omit<StartLocalChromaOptions, 'path' | 'port'> {
  /**
   * Receives one line per delta read (path, collection, records, milliseconds).
   * @default {@link NOOP_LOGGER} (nothing is logged)
   */
  readonly logger?: Logger | undefined;
}

// Python-era deltas: spec §11.1; their default embedding function: spec §4.
/**
 * Reads Python-era deltas (Chroma persist directories, as the Python producers wrote them)
 * through a local Chroma server: the `pythonDeltas` option of `readDelta` and
 * `createDeltaMerger`.
 *
 * Each `readRecords` call starts a server on the delta's private copy with
 * {@link startLocalChroma} (only once iteration begins), reads the collection page by page
 * with `get({ limit, offset })` until a short page, and stops the server when the pages are
 * done, when reading fails, and when the consumer stops early.
 *
 * The collection is opened by id, never through `getCollection`: the Python producers
 * created collections with Chroma's default embedding function, which the JS client would
 * try to load from `@chroma-core/default-embed` and warn about on the console when it is
 * missing. Reading needs no embedding function.
 *
 * @param options - How to run the server (e.g. `glibcShim: 'auto'` on an older glibc) and a logger.
 * @returns A {@link PythonDeltaSource}. Its pages reject with a {@link DeltaIntegrityError}
 *   (check `python-delta`) when the persist directory lacks the collection, a
 *   {@link LocalChromaStartError} when the server cannot start, a {@link VectorStoreError}
 *   when Chroma fails a request, and a `RangeError` when `pageSize` is not a positive
 *   integer.
 * @example
 * ```ts
 * import {
 *   type ObjectStore,
 *   readDelta,
 *   type VectorCollection,
 * } from '@receipt-chroma/chroma-compaction';
 * import { localChromaDeltaSource } from '@receipt-chroma/chroma-compaction/chroma';
 *
 * declare const store: ObjectStore;
 * declare const lines: VectorCollection;
 *
 * const delta = await readDelta(store, 'lines/delta/run-1/', {
 *   collection: 'lines',
 *   pythonDeltas: localChromaDeltaSource({ startupTimeoutMs: 60_000 }),
 * });
 * for await (const batch of delta.batches) await lines.upsert(batch);
 * ```
 */
export function localChromaDeltaSource(
  options: LocalChromaDeltaSourceOptions = {},
): PythonDeltaSource {
  const { logger = NOOP_LOGGER, ...serverOptions } = options;
  return {
    readRecords: (path, collection, pageSize) =>
      readCollection({ path, collection, pageSize, logger, serverOptions }),
  };
}

/** One `readRecords` call. */
interface ReadRequest {
  readonly path: string;
  readonly collection: CollectionName;
  readonly pageSize: number;
  readonly logger: Logger;
  readonly serverOptions: Omit<StartLocalChromaOptions, 'path' | 'port'>;
}

async function* readCollection(request: ReadRequest): AsyncGenerator<readonly DeltaRecord[]> {
  const { path, collection, pageSize, logger } = request;
  checkedInteger('pageSize', pageSize, 1);
  const started = Date.now();
  logger.debug('Starting local Chroma to read a Python-era delta', { path, collection });
  const chroma = await startLocalChroma({ ...request.serverOptions, path });
  let count = 0;
  try {
    const handle = chroma.client.collection(await collectionId(chroma, request));
    for (let offset = 0; ; offset += pageSize) {
      const page = await handle
        .get({ limit: pageSize, offset, include: ['embeddings', 'documents', 'metadatas'] })
        .catch((error: unknown) => {
          throw new VectorStoreError(
            `Chroma get on collection "${collection}" of the Python-era delta at ${path} failed (offset ${offset}): ${errorMessage(error)}`,
            { collection, operation: 'get', cause: error, context: { path, offset } },
          );
        });
      const records = page.ids.map(
        (id, index): DeltaRecord => ({
          id,
          // A missing vector becomes an empty one, which readDelta refuses (check `record`).
          embedding: page.embeddings[index] ?? [],
          document: page.documents[index] ?? null,
          // Chroma's metadata type is wider (sparse vectors); readDelta checks every value.
          metadata: (page.metadatas[index] ?? null) as Metadata | null,
        }),
      );
      count += records.length;
      if (records.length > 0) yield records;
      if (records.length < pageSize) break;
    }
    logger.info('Read Python-era delta', {
      path,
      collection,
      count,
      durationMs: Date.now() - started,
    });
  } finally {
    await chroma.stop();
  }
}

/**
 * The id of `collection` in the server's default database, looked up over HTTP because the
 * client's by-name lookups resolve the embedding function (see {@link localChromaDeltaSource}).
 * @throws {@link DeltaIntegrityError} (`python-delta`) when the collection does not exist
 */
const collectionId = async (chroma: LocalChroma, request: ReadRequest): Promise<string> => {
  const { path, collection } = request;
  const failed = (problem: string, cause?: unknown): VectorStoreError =>
    new VectorStoreError(
      `Could not open collection "${collection}" of the Python-era delta at ${path}: ${problem}`,
      { collection, operation: 'open', cause, context: { path } },
    );
  const response = await fetch(
    `${chroma.url}${COLLECTIONS_PATH}/${encodeURIComponent(collection)}`,
  ).catch((error: unknown) => {
    throw failed(errorMessage(error), error);
  });
  const body = await response.text();
  if (response.status === 404) {
    const present = await collectionNames(chroma);
    throw new DeltaIntegrityError(
      `The Python-era delta at ${path} is a Chroma persist directory without collection "${collection}" (it holds ${present}); was it written for the other collection?`,
      { prefix: path, check: 'python-delta', context: { collection } },
    );
  }
  if (!response.ok) throw failed(`HTTP ${response.status} ${body}`);
  let id: unknown;
  try {
    id = (JSON.parse(body) as { id?: unknown } | null)?.id;
  } catch (error) {
    throw failed(`the answer is not JSON: ${body}`, error);
  }
  if (typeof id !== 'string' || id === '') throw failed(`the answer has no id: ${body}`);
  return id;
};

/** The names of the collections the server holds, for an error message. */
const collectionNames = async (chroma: LocalChroma): Promise<string> => {
  try {
    const response = await fetch(`${chroma.url}${COLLECTIONS_PATH}`);
    const listed = (await response.json()) as { name?: unknown }[];
    const names = listed.map((entry) => JSON.stringify(entry.name));
    return names.length === 0 ? 'no collection' : `only ${names.join(', ')}`;
  } catch {
    return 'collections that could not be listed';
  }
};
