/**
 * A quick look at a stored delta: its layout, its manifest and the first record ids, read
 * from the start of the archive only. Nothing is checked beyond parsing the manifest
 * (`readDelta` checks every byte); for operators (`receipt-chroma delta inspect`).
 * @internal
 * @packageDocumentation
 */
import type { TarEntry } from '../archives/tarGzEntries.js';
import type { ObjectInfo, ObjectStore } from '../ports/objectStore.js';
import { resolveDeltaPrefix } from './deltaPrefix.js';
import { DeltaIntegrityError } from './errors.js';
import {
  DELTA_ARCHIVE,
  type DeltaManifest,
  MANIFEST_ENTRY,
  MAX_MANIFEST_BYTES,
  parseDeltaManifest,
  RECORDS_ENTRY,
} from './manifest.js';
import { entryName, readDeltaArchive } from './portableArchive.js';
import { CHROMA_DATABASE, storedDeltaObjects } from './pythonDelta.js';
import type { DeltaLayout } from './types.js';

/** Entries of a non-portable archive looked at before giving up on finding `chroma.sqlite3`. */
const MAX_SCANNED_ENTRIES = 64;

/** Options of {@link peekDelta}. @internal */
export interface PeekDeltaOptions {
  /**
   * How many record ids to read from the start of `records.ndjson`.
   * @default 5
   */
  readonly ids?: number | undefined;
}

/** What {@link peekDelta} saw. @internal */
export interface DeltaPeek {
  /** The normalised key prefix (ends in `/`). */
  readonly prefix: string;
  /**
   * `portable` when the archive starts with `manifest.json`; a Python-era persist directory
   * as a tarball or as objects; `unknown` for an archive that is neither (as far as it was read).
   */
  readonly layout: DeltaLayout | 'unknown';
  /** The `delta.tar.gz` object, when there is one. */
  readonly archive: ObjectInfo | undefined;
  /** Without an archive: the objects under the prefix (a Python-era persist directory). */
  readonly objects: readonly ObjectInfo[];
  /** The manifest, when the archive starts with a valid one. */
  readonly manifest: DeltaManifest | undefined;
  /** Why the first entry, named `manifest.json`, is not a valid manifest. */
  readonly manifestProblem: string | undefined;
  /** The archive entries read, in order, with the sizes their headers declare. */
  readonly entries: readonly { readonly name: string; readonly size: number }[];
  /** The first record ids of `records.ndjson`, in delta order. */
  readonly sampleIds: readonly string[];
}

interface PeekState {
  readonly entries: { name: string; size: number }[];
  readonly sampleIds: string[];
  contentBytes: number;
  manifest: DeltaManifest | undefined;
  manifestProblem: string | undefined;
}

/** Reads a whole (small) entry, up to `limit` bytes. */
const readSmall = async (entry: TarEntry, state: PeekState, limit: number): Promise<string> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of entry as AsyncIterable<Buffer>) {
    state.contentBytes += chunk.length;
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
};

/** Reads record ids off the start of `records.ndjson` until `wanted` are found (or it ends). */
const readIds = async (entry: TarEntry, state: PeekState, wanted: number): Promise<void> => {
  let pending = '';
  for await (const chunk of entry as AsyncIterable<Buffer>) {
    state.contentBytes += chunk.length;
    const lines = (pending + chunk.toString('utf8')).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (state.sampleIds.length >= wanted) return;
      state.sampleIds.push(recordId(line));
    }
    if (state.sampleIds.length >= wanted) return;
  }
  if (pending !== '' && state.sampleIds.length < wanted) state.sampleIds.push(recordId(pending));
};

const recordId = (line: string): string => {
  try {
    const record: unknown = JSON.parse(line);
    const id = (record as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? id : '(no id)';
  } catch {
    return '(not JSON)';
  }
};

const drain = async (entry: TarEntry, state: PeekState): Promise<void> => {
  for await (const chunk of entry as AsyncIterable<Buffer>) state.contentBytes += chunk.length;
};

/** Walks the archive's first entries; returns the layout they show. */
const walkArchive = async (
  entries: AsyncIterable<TarEntry>,
  state: PeekState,
  wanted: number,
): Promise<DeltaPeek['layout']> => {
  for await (const entry of entries) {
    const name = entryName(entry.header.name);
    state.entries.push({ name, size: entry.header.size ?? 0 });
    const first = state.entries.length === 1;
    if (first && name === MANIFEST_ENTRY) {
      const parsed = parseDeltaManifest(await readSmall(entry, state, MAX_MANIFEST_BYTES));
      if (parsed.success) state.manifest = parsed.manifest;
      else state.manifestProblem = parsed.problem;
    } else if (state.manifest !== undefined || state.manifestProblem !== undefined) {
      if (name === RECORDS_ENTRY && wanted > 0) {
        await readIds(entry, state, wanted);
        return 'portable';
      }
      await drain(entry, state);
    } else {
      if (name === CHROMA_DATABASE) return 'python-tarball';
      if (state.entries.length >= MAX_SCANNED_ENTRIES) return 'unknown';
      await drain(entry, state);
    }
  }
  return state.manifest !== undefined || state.manifestProblem !== undefined
    ? 'portable'
    : 'unknown';
};

/**
 * Looks at the start of a stored delta: the portable archive's manifest, the sizes its entry
 * headers declare and the first record ids (reading stops there), or what else is stored
 * under the prefix. Unlike `readDelta`, it verifies nothing and stages nothing.
 * @param store - The store holding the delta.
 * @param prefix - The delta's key prefix (one trailing `/` is implied) or an `s3://` URI of
 *   the store's bucket.
 * @param options - How many record ids to read.
 * @throws DeltaNotFoundError when nothing is stored under the prefix
 * @throws DeltaLocationError when the prefix is in another bucket
 * @throws DeltaIntegrityError (`archive`) when the archive's start is not a gzip tar
 * @throws ObjectStoreError when the store fails
 * @internal
 */
export async function peekDelta(
  store: ObjectStore,
  prefix: string,
  options: PeekDeltaOptions = {},
): Promise<DeltaPeek> {
  const keyPrefix = resolveDeltaPrefix(store, prefix);
  const wanted = Math.max(0, Math.floor(options.ids ?? 5));
  const archive = await store.head(`${keyPrefix}${DELTA_ARCHIVE}`);
  const state: PeekState = {
    entries: [],
    sampleIds: [],
    contentBytes: 0,
    manifest: undefined,
    manifestProblem: undefined,
  };
  const result = (layout: DeltaPeek['layout'], objects: readonly ObjectInfo[]): DeltaPeek => ({
    prefix: keyPrefix,
    layout,
    archive,
    objects,
    manifest: state.manifest,
    manifestProblem: state.manifestProblem,
    entries: state.entries,
    sampleIds: state.sampleIds,
  });
  if (archive === undefined) {
    return result('python-directory', await storedDeltaObjects(store, keyPrefix));
  }
  const { body } = await store.get(`${keyPrefix}${DELTA_ARCHIVE}`);
  const reader = readDeltaArchive(body, keyPrefix, {
    contentBytes: () => state.contentBytes,
    entries: () => state.entries.length,
  });
  try {
    return result(await walkArchive(reader.entries, state, wanted), []);
  } catch (error) {
    if (error instanceof DeltaIntegrityError || reader.isSourceError(error)) throw error;
    throw new DeltaIntegrityError('Delta archive is not a valid gzip tar (truncated or corrupt)', {
      prefix: keyPrefix,
      check: 'archive',
      cause: error,
    });
  } finally {
    reader.close();
  }
}
