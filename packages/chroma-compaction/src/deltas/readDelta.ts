import type { Readable } from 'node:stream';
import { CompactionConfigurationError } from '../compaction/errors.js';
import type { CollectionName } from '../compaction/types.js';
import { ObjectNotFoundError } from '../errors.js';
import { checkedInteger } from '../options/checkedInteger.js';
import type { ObjectStore } from '../ports/objectStore.js';
import type { PythonDeltaSource } from '../ports/pythonDeltaSource.js';
import type { ReceiptRef } from '../ports/receiptStore.js';
import { DEFAULT_MAX_BATCH_SIZE } from '../vectors/writeBatches.js';
import { resolveDeltaPrefix } from './deltaPrefix.js';
import { DeltaIntegrityError, DeltaNotFoundError } from './errors.js';
import { DELTA_ARCHIVE, type DeltaManifest } from './manifest.js';
import { readPortableArchive } from './portableArchive.js';
import { type PythonDeltaLocation, stagePythonDelta } from './pythonDelta.js';
import { removeStagingDir, type StagedDelta, stagedBatches } from './staging.js';
import type { DeltaLayout, DeltaRead } from './types.js';

/** Options of {@link readDelta}. */
export interface ReadDeltaOptions {
  /**
   * The collection the delta must belong to. A delta of the other one fails (`collection`).
   * Required to read a Python-era delta, which does not say.
   */
  readonly collection?: CollectionName | undefined;
  /** The receipt every record must belong to; another receipt's record fails (`receipt`). */
  readonly receipt?: ReceiptRef | undefined;
  /** Records per batch. @default 250 */
  readonly batchSize?: number | undefined;
  /** Most bytes of data (uncompressed) a delta may hold. @default 4 GiB */
  readonly maxBytes?: number | undefined;
  /** Where the delta is staged while it is checked and read. @default `os.tmpdir()` */
  readonly tempDir?: string | undefined;
  /**
   * Reads Python-era deltas (Chroma persist directories): `localChromaDeltaSource()` of
   * `@receipt-chroma/chroma-compaction/chroma`. Without it such a delta fails with a
   * `CompactionConfigurationError`.
   */
  readonly pythonDeltas?: PythonDeltaSource | undefined;
}

/** Records per batch when not given: below Chroma Cloud's 300-record limit (spec §11.3). */
export const DEFAULT_DELTA_BATCH_SIZE: typeof DEFAULT_MAX_BATCH_SIZE = DEFAULT_MAX_BATCH_SIZE;
/** Data bytes a delta may hold when not given. */
export const DEFAULT_MAX_DELTA_BYTES: number = 4 * 1024 ** 3;

/**
 * Reads a delta: the portable `{prefix}/delta.tar.gz` (DESIGN §4) or a Python-era Chroma
 * persist directory (spec §11.1), packed as that tarball or stored as objects under the
 * prefix. The delta is staged to a temporary directory and checked while it streams in:
 * each entry's type, name, size and SHA-256, the manifest's count and dimension, every
 * record's id (a Chroma id of the collection, unique), metadata and vector. The promise
 * resolves only once every check has passed, so a caller that writes the batches never
 * writes part of a bad delta. Memory stays at one batch whatever the delta's size.
 *
 * The prefix gets exactly one trailing `/` (`run-1` never reads `run-10/`); an
 * `s3://<bucket>/<key>` prefix must name the store's own bucket.
 * @param store - The store holding the delta.
 * @param prefix - The delta's key prefix, e.g. `lines/delta/{run_id}/`.
 * @returns The manifest and the records in batches; iterate the batches once (or call
 *   `close`) so the staged files are removed.
 * @throws {@link DeltaIntegrityError} naming the failed check
 * @throws {@link DeltaNotFoundError} when nothing is stored under the prefix
 * @throws DeltaLocationError when the prefix is in another bucket
 * @throws CompactionConfigurationError for a Python-era delta without `pythonDeltas` (or
 *   without `collection`)
 * @throws RangeError when `batchSize` or `maxBytes` is not a positive integer
 * @example
 * ```ts
 * const delta = await readDelta(store, 'lines/delta/run-1/', { collection: 'lines' });
 * for await (const batch of delta.batches) await collection.upsert(batch);
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
    const listing = await store.list({ prefix: keyPrefix });
    const objects = listing.objects.filter((object) => !object.key.endsWith('/'));
    if (objects.length === 0) {
      throw new DeltaNotFoundError(`No delta at ${keyPrefix}: no ${DELTA_ARCHIVE} and no objects`, {
        prefix: keyPrefix,
      });
    }
    location = { layout: 'python-directory', objects };
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
