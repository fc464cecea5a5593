// Python-era deltas are described in spec §11.1.
/**
 * Python-era deltas: a Chroma persist directory, packed as `delta.tar.gz` or
 * stored as objects under the prefix. It is copied to a private directory (safely: the
 * rules of `unpackSnapshot`), read through a {@link PythonDeltaSource} page by page, and
 * staged under the same record checks as a portable delta, so the merge sees the same
 * checked batches whichever layout the producer used.
 * @internal
 * @packageDocumentation
 */
import { createWriteStream } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { formatPythonTimestamp } from '@receipt-chroma/dynamo-stream';
import { unpackSnapshot } from '../archives/unpackSnapshot.js';
import type { CollectionName } from '../compaction/types.js';
import type { ObjectInfo, ObjectStore } from '../ports/objectStore.js';
import type { PythonDeltaSource } from '../ports/pythonDeltaSource.js';
import type { ReceiptRef } from '../ports/receiptStore.js';
import { deltaEntryName, deltaErrorOfArchive } from './archiveChecks.js';
import { DeltaStager } from './DeltaStager.js';
import { DeltaIntegrityError, DeltaNotFoundError, RecordRejection } from './errors.js';
import { DELTA_ARCHIVE, type DeltaManifest } from './manifest.js';
import { makeStagingDir, removeStagingDir, type StagedDelta } from './staging.js';
import type { DeltaLayout } from './types.js';

/** Where the persist directory is. @internal */
export type PythonDeltaLocation =
  | { readonly layout: 'python-tarball'; readonly key: string }
  | { readonly layout: 'python-directory'; readonly objects: readonly ObjectInfo[] };

/** What reading one needs. @internal */
export interface PythonReadContext {
  readonly store: ObjectStore;
  readonly prefix: string;
  readonly source: PythonDeltaSource;
  readonly collection: CollectionName;
  readonly receipt?: ReceiptRef | undefined;
  readonly maxBytes: number;
  readonly pageSize: number;
  readonly tempDir?: string | undefined;
}

/** The file every Chroma persist directory has at its root. @internal */
export const CHROMA_DATABASE: string = 'chroma.sqlite3';

/**
 * The objects under a delta's prefix that has no `delta.tar.gz`: a Python-era persist
 * directory stored one object per file. @internal
 * @throws {@link DeltaNotFoundError} when nothing is stored under the prefix
 */
export const storedDeltaObjects = async (
  store: ObjectStore,
  keyPrefix: string,
): Promise<ObjectInfo[]> => {
  const { objects } = await store.list({ prefix: keyPrefix });
  const stored = objects.filter((object) => !object.key.endsWith('/'));
  if (stored.length === 0) {
    throw new DeltaNotFoundError(`No delta at ${keyPrefix}: no ${DELTA_ARCHIVE} and no objects`, {
      prefix: keyPrefix,
    });
  }
  return stored;
};

/**
 * Copies, opens, reads and stages a Python-era delta.
 * @throws {@link DeltaIntegrityError} for an unsafe copy, a directory that is not a Chroma
 *   persist directory, or a record that breaks the rules
 * @internal
 */
export async function stagePythonDelta(
  location: PythonDeltaLocation,
  context: PythonReadContext,
): Promise<{ manifest: DeltaManifest; staged: StagedDelta; layout: DeltaLayout }> {
  const { prefix } = context;
  const work = await makeStagingDir(context.tempDir);
  const persist = join(work, 'persist');
  let stager: DeltaStager | undefined;
  try {
    const lastModified = await copyPersistDirectory(location, persist, context);
    await access(join(persist, CHROMA_DATABASE)).catch(() => {
      throw new DeltaIntegrityError(
        `Delta at ${prefix} has no manifest.json and no ${CHROMA_DATABASE}: it is neither a portable delta nor a Chroma persist directory`,
        { prefix, check: 'python-delta' },
      );
    });
    stager = await DeltaStager.create(
      { collection: context.collection, receipt: context.receipt },
      context.tempDir,
    );
    for await (const page of context.source.readRecords(
      persist,
      context.collection,
      context.pageSize,
    )) {
      for (const record of page) await stager.add(record);
    }
    const staged = await stager.finish();
    const manifest: DeltaManifest = {
      format: 'chroma-delta',
      version: 1,
      collection: context.collection,
      count: staged.count,
      dimension: staged.dimension,
      dtype: 'float32-le',
      runId: null,
      imageId: null,
      receiptId: null,
      createdAt: formatPythonTimestamp((lastModified ?? new Date()).getTime() * 1000),
      producer: `chromadb persist directory (${location.layout})`,
      entries: staged.entries,
    };
    return { manifest, staged, layout: location.layout };
  } catch (error) {
    await stager?.discard();
    if (error instanceof RecordRejection) {
      throw new DeltaIntegrityError(`Python-era delta refused: ${error.message}`, {
        prefix,
        check: error.check,
      });
    }
    if (error instanceof DeltaIntegrityError && error.prefix !== prefix) {
      throw new DeltaIntegrityError(error.message, {
        prefix,
        check: error.check,
        entry: error.entry,
        cause: error,
      });
    }
    throw deltaErrorOfArchive(error, prefix);
  } finally {
    await removeStagingDir(work);
  }
}

/** Copies the persist directory to `dest`; returns when its newest object was written. */
const copyPersistDirectory = async (
  location: PythonDeltaLocation,
  dest: string,
  context: PythonReadContext,
): Promise<Date | undefined> => {
  const { store, prefix, maxBytes } = context;
  if (location.layout === 'python-tarball') {
    const { info, body } = await store.get(location.key);
    await unpackSnapshot(body, dest, { maxTotalBytes: maxBytes });
    return info.lastModified;
  }
  const total = location.objects.reduce((sum, object) => sum + object.size, 0);
  if (total > maxBytes) {
    throw new DeltaIntegrityError(`Delta holds ${total} bytes; the limit is ${maxBytes}`, {
      prefix,
      check: 'too-large',
    });
  }
  let newest: Date | undefined;
  for (const object of location.objects) {
    const relative = deltaEntryName(object.key.slice(prefix.length).replace(/^\/+/, ''), prefix);
    const target = join(dest, relative);
    await mkdir(dirname(target), { recursive: true });
    const { body } = await store.get(object.key);
    await pipeline(body, createWriteStream(target, { flags: 'wx', mode: 0o600 }));
    if (
      object.lastModified !== undefined &&
      (newest === undefined || object.lastModified > newest)
    ) {
      newest = object.lastModified;
    }
  }
  return newest;
};
