import type { Readable } from 'node:stream';
import { CompactionConfigurationError } from '../compaction/errors.js';
import type { CollectionName } from '../compaction/types.js';
import type { VectorStoreError } from '../errors.js';
import { ObjectNotFoundError } from '../errors.js';
import { checkedInteger } from '../options/checkedInteger.js';
import type { ObjectStore } from '../ports/objectStore.js';
import type { PythonDeltaSource } from '../ports/pythonDeltaSource.js';
import type { ReceiptRef } from '../ports/receiptStore.js';
import { DEFAULT_MAX_BATCH_SIZE } from '../vectors/writeBatches.js';
import { resolveDeltaPrefix } from './deltaPrefix.js';
import { DeltaIntegrityError, type DeltaNotFoundError } from './errors.js';
import { DELTA_ARCHIVE, type DeltaManifest } from './manifest.js';
import { readPortableArchive } from './portableArchive.js';
import { type PythonDeltaLocation, stagePythonDelta, storedDeltaObjects } from './pythonDelta.js';
import { removeStagingDir, type StagedDelta, stagedBatches } from './staging.js';
import type { DeltaLayout, DeltaRead } from './types.js';
import type { writeDelta } from './writeDelta.js';

/** Options of {@link readDelta}. */
export interface ReadDeltaOptions {
  /**
   * The collection the delta must belong to. A delta of the other one fails (check
   * `collection`). Required to read a Python-era delta, which does not say.
   * @default any collection (a portable delta names its own)
   */
  readonly collection?: CollectionName | undefined;
  /**
   * The receipt every record must belong to; another receipt's record fails (check
   * `receipt`).
   * @default no receipt check
   */
  readonly receipt?: ReceiptRef | undefined;
  /**
   * Records per batch of {@link DeltaRead.batches}.
   * @default 250 ({@link DEFAULT_DELTA_BATCH_SIZE})
   */
  readonly batchSize?: number | undefined;
  /**
   * Most bytes of data (uncompressed) a delta may hold; a larger one fails (check
   * `too-large`) before it fills the disk.
   * @default 4 GiB ({@link DEFAULT_MAX_DELTA_BYTES})
   */
  readonly maxBytes?: number | undefined;
  /**
   * Where the delta is staged while it is checked and read.
   * @default `os.tmpdir()`
   */
  readonly tempDir?: string | undefined;
  /**
   * Reads Python-era deltas (Chroma persist directories): `localChromaDeltaSource()` of
   * `@receipt-chroma/chroma-compaction/chroma`. Without it such a delta fails with a
   * `CompactionConfigurationError`.
   * @default none: only portable deltas can be read
   */
  readonly pythonDeltas?: PythonDeltaSource | undefined;
}

// Below Chroma Cloud's 300-record limit, as the Python compactor's batches (spec §11.3).
/**
 * Records per batch of {@link readDelta} when `batchSize` is not given: below Chroma Cloud's
 * 300-record limit.
 */
export const DEFAULT_DELTA_BATCH_SIZE: 250 = DEFAULT_MAX_BATCH_SIZE;
/** Data bytes (uncompressed) a delta may hold when {@link readDelta} is not given `maxBytes`. */
export const DEFAULT_MAX_DELTA_BYTES: number = 4 * 1024 ** 3;

// The portable layout is described in DESIGN §4, the Python-era one in spec §11.1.
/**
 * Reads a delta and checks it whole before handing over any record.
 *
 * The delta is the portable `{prefix}delta.tar.gz` that {@link writeDelta} writes, or a
 * Python-era Chroma persist directory, packed as that tarball or stored as objects under the
 * prefix (reading one needs the `pythonDeltas` and `collection` options). It is staged to a
 * temporary directory and checked while it streams in: each entry's type, name, size and
 * SHA-256, the manifest's count and dimension, every record's id (a Chroma id of the
 * collection, unique), metadata and vector. The promise resolves only once every check has
 * passed, so a caller that writes the batches never writes part of a bad delta. Memory stays
 * at one batch whatever the delta's size.
 *
 * The prefix gets exactly one trailing `/` (`run-1` never reads `run-10/`); an
 * `s3://<bucket>/<key>` prefix must name the store's own bucket. A prefix with nothing stored
 * under it is a {@link DeltaNotFoundError}.
 * @param store - The store holding the delta.
 * @param prefix - The delta's key prefix, e.g. `lines/delta/{run_id}/`, or an `s3://` URI of
 *   the store's bucket.
 * @param options - The collection and receipt to check against, batch size, byte limit,
 *   staging directory and Python-era reader.
 * @returns The manifest and the records in batches; iterate the batches once (or call
 *   `close`) so the staged files are removed.
 * @throws {@link DeltaIntegrityError} naming the failed check (`check`) when the delta is
 *   incomplete, corrupt, too large, or belongs to another collection or receipt
 * @throws {@link DeltaNotFoundError} when nothing is stored under the prefix
 * @throws {@link DeltaLocationError} when the prefix is in another bucket or holds no key
 * @throws {@link CompactionConfigurationError} for a Python-era delta without `pythonDeltas`
 *   (or without `collection`)
 * @throws {@link ObjectStoreError} when the store fails
 * @throws {RangeError} when `batchSize` or `maxBytes` is not a positive integer
 * @throws whatever `pythonDeltas` rejects with while a Python-era delta is read (with
 *   `localChromaDeltaSource`: `LocalChromaStartError` when Chroma cannot start,
 *   {@link VectorStoreError} when it fails a request)
 * @example
 * ```ts
 * import {
 *   type ObjectStore,
 *   readDelta,
 *   type VectorCollection,
 * } from '@receipt-chroma/chroma-compaction';
 *
 * declare const store: ObjectStore;
 * declare const lines: VectorCollection;
 *
 * const delta = await readDelta(store, 'lines/delta/run-1/', { collection: 'lines' });
 * console.log(`${delta.manifest.count} vectors of ${delta.manifest.dimension}`);
 * for await (const batch of delta.batches) await lines.upsert(batch);
 * ```
 */
export async function readDelta(
  store: ObjectStore,
  prefix: string,
  options: ReadDeltaOptions = {},
): Promise<DeltaRead> {
  const batchSize = checkedInteger('batchSize', options.batchSize ?? DEFAULT_DELTA_BATCH_SIZE, 1);
  const maxBytes = checkedInteger('maxBytes', options.maxBytes ?? DEFAULT_MAX_DELTA_BYTES, 1);
  const keyPrefix = resolveDeltaPrefix(store, prefix);
  const { collection, receipt, tempDir, pythonDeltas } = options;
  const archiveKey = `${keyPrefix}${DELTA_ARCHIVE}`;
  const archive = await getIfPresent(store, archiveKey);
  let location: PythonDeltaLocation;
  if (archive !== undefined) {
    const result = await readPortableArchive(archive, {
      prefix: keyPrefix,
      collection,
      receipt,
      maxBytes,
      tempDir,
      foreign: pythonDeltas === undefined ? 'scan' : 'stop',
    });
    if (result.kind === 'portable') {
      return deltaRead(result.manifest, 'portable', keyPrefix, result.staged, batchSize);
    }
    if (result.persistDirectory === false) {
      throw new DeltaIntegrityError(
        `${archiveKey} does not start with manifest.json and is not a Chroma persist directory`,
        { prefix: keyPrefix, check: 'manifest-missing' },
      );
    }
    location = { layout: 'python-tarball', key: archiveKey };
  } else {
    location = { layout: 'python-directory', objects: await storedDeltaObjects(store, keyPrefix) };
  }
  if (pythonDeltas === undefined || collection === undefined) {
    throw new CompactionConfigurationError(
      `${keyPrefix} holds a Python-era delta (a Chroma persist directory); reading it needs the ${pythonDeltas === undefined ? 'pythonDeltas option (localChromaDeltaSource() of @receipt-chroma/chroma-compaction/chroma)' : 'collection option'}`,
      { context: { prefix: keyPrefix, layout: location.layout } },
    );
  }
  const { manifest, staged, layout } = await stagePythonDelta(location, {
    store,
    prefix: keyPrefix,
    source: pythonDeltas,
    collection,
    receipt,
    maxBytes,
    pageSize: batchSize,
    tempDir,
  });
  return deltaRead(manifest, layout, keyPrefix, staged, batchSize);
}

const getIfPresent = async (store: ObjectStore, key: string): Promise<Readable | undefined> => {
  try {
    return (await store.get(key)).body;
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return undefined;
    throw error;
  }
};

const deltaRead = (
  manifest: DeltaManifest,
  layout: DeltaLayout,
  prefix: string,
  staged: StagedDelta,
  batchSize: number,
): DeltaRead => {
  let closed = false;
  // Set when an iteration starts, so a second one fails even while the first is under way.
  let iterated = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await removeStagingDir(staged.dir);
  };
  const batches = {
    async *[Symbol.asyncIterator]() {
      if (closed || iterated) {
        throw new Error(`The delta at ${prefix} was already read or closed; iterate it once`);
      }
      iterated = true;
      try {
        yield* stagedBatches(staged, batchSize);
      } finally {
        await close();
      }
    },
  };
  return { manifest, layout, prefix, batches, close };
};
