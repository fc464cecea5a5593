import { formatPythonTimestamp } from '@receipt-chroma/dynamo-stream';
import type { CollectionName } from '../compaction/types.js';
import { PRODUCER } from '../packageVersion.js';
import type { ObjectStore } from '../ports/objectStore.js';
import { DeltaStager } from './DeltaStager.js';
import { resolveDeltaPrefix } from './deltaPrefix.js';
import { InvalidDeltaRecordError, RecordRejection } from './errors.js';
import { DELTA_ARCHIVE, type DeltaManifest } from './manifest.js';
import { packDelta } from './packDelta.js';
import type { readDelta } from './readDelta.js';
import { removeStagingDir } from './staging.js';
import type { WriteDeltaOptions } from './types.js';

const COLLECTIONS: readonly CollectionName[] = ['lines', 'words'];

// The portable layout is described in DESIGN §4.
/**
 * Writes a portable delta to `{prefix}delta.tar.gz`, checking every record before anything
 * is stored.
 *
 * The archive holds `manifest.json` first, then `records.ndjson` and `embeddings.f32`; the
 * manifest gives the size and SHA-256 of each, so {@link readDelta} can check every byte.
 * Every record is checked, and staged to a temporary directory, before anything is stored,
 * so a refused record stores nothing; the upload then streams from disk. Memory stays
 * bounded whatever the number of records (the ids are kept to find duplicates). An empty
 * delta is valid.
 *
 * Checks: every id is a Chroma id of `collection` (and of the receipt, when `imageId` and
 * `receiptId` are given) and appears once; every vector has the first one's length and only
 * finite float32 values; documents are strings; metadata values are what Chroma stores (a
 * string, a finite number, a boolean, or a non-empty list of one of those).
 * @param store - Where the delta goes (`S3ObjectStore`, `FileSystemObjectStore`, …).
 * @param prefix - The delta's key prefix, e.g. `lines/delta/{run_id}/`, or an `s3://` URI of
 *   the store's bucket; one trailing `/` is implied.
 * @param options - The collection, the records, and the run and receipt they belong to.
 * @returns The manifest stored.
 * @throws {@link InvalidDeltaRecordError} naming the first refused record (nothing stored)
 * @throws {@link DeltaLocationError} when the prefix is not in this store (another bucket, or
 *   no key)
 * @throws {@link ObjectStoreError} when the upload fails
 * @throws {TypeError} when `collection` is not `lines` or `words`, or `receiptId` is not an
 *   integer `>= 0`
 * @example
 * ```ts
 * import { lineChromaId, type ObjectStore, writeDelta } from '@receipt-chroma/chroma-compaction';
 *
 * declare const store: ObjectStore;
 * declare const imageId: string;
 * declare const embedding: number[];
 *
 * const runId = crypto.randomUUID();
 * const manifest = await writeDelta(store, `lines/delta/${runId}/`, {
 *   collection: 'lines',
 *   runId,
 *   imageId,
 *   receiptId: 1,
 *   records: [
 *     {
 *       id: lineChromaId({ imageId, receiptId: 1, lineId: 1 }),
 *       embedding,
 *       document: 'TOTAL 4.20',
 *     },
 *   ],
 * });
 * console.log(`${manifest.count} vectors written`);
 * ```
 */
export async function writeDelta(
  store: ObjectStore,
  prefix: string,
  options: WriteDeltaOptions,
): Promise<DeltaManifest> {
  const keyPrefix = resolveDeltaPrefix(store, prefix);
  const { collection, runId, imageId, receiptId } = options;
  if (!COLLECTIONS.includes(collection)) {
    throw new TypeError(`collection must be "lines" or "words", got ${JSON.stringify(collection)}`);
  }
  if (receiptId !== undefined && (!Number.isSafeInteger(receiptId) || receiptId < 0)) {
    throw new TypeError(`receiptId must be an integer >= 0, got ${String(receiptId)}`);
  }
  const receipt =
    imageId !== undefined && receiptId !== undefined ? { imageId, receiptId } : undefined;
  const stager = await DeltaStager.create({ collection, receipt }, options.tempDir);
  try {
    for await (const record of options.records) await stager.add(record);
    const staged = await stager.finish();
    const manifest: DeltaManifest = {
      format: 'chroma-delta',
      version: 1,
      collection,
      count: staged.count,
      dimension: staged.dimension,
      dtype: 'float32-le',
      runId: runId ?? null,
      imageId: imageId ?? null,
      receiptId: receiptId ?? null,
      createdAt: formatPythonTimestamp(Date.now() * 1000),
      producer: PRODUCER,
      entries: staged.entries,
    };
    const key = `${keyPrefix}${DELTA_ARCHIVE}`;
    await store.put(key, packDelta(manifest, staged.dir), {
      contentType: 'application/gzip',
      metadata: runId === undefined ? { delta_key: key } : { delta_key: key, run_id: runId },
    });
    return manifest;
  } catch (error) {
    await stager.discard();
    if (error instanceof RecordRejection) {
      throw new InvalidDeltaRecordError(`Delta record refused, nothing stored: ${error.message}`, {
        prefix: keyPrefix,
        index: error.index,
        id: error.id,
        context: { check: error.check },
      });
    }
    throw error;
  } finally {
    await removeStagingDir(stager.dir);
  }
}
