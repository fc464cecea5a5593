/**
 * Portable deltas for tests: valid records (real Chroma ids, deterministic vectors), a
 * workspace with a `FileSystemObjectStore` and an empty staging directory per test, and
 * tampering: unpack a `delta.tar.gz` written by `writeDelta`, change its entries, pack it
 * again (with or without a manifest that agrees with the new bytes).
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { extract as tarExtract } from 'tar-stream';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { FileSystemObjectStore } from '../../src/adapters/fs/FileSystemObjectStore.js';
import type { CollectionName } from '../../src/compaction/types.js';
import { type DeltaCheck, DeltaIntegrityError } from '../../src/deltas/errors.js';
import { type ReadDeltaOptions, readDelta } from '../../src/deltas/readDelta.js';
import type { DeltaRead, DeltaRecord, DeltaRecordBatch } from '../../src/deltas/types.js';
import { lineChromaId, wordChromaId } from '../../src/ids/chromaIds.js';
import type { ObjectStore } from '../../src/ports/objectStore.js';
import { type TarEntrySpec, tarGz } from './tarballs.js';

/** The image of the receipt every generated record belongs to. */
export const IMAGE_ID = '3f52804b-2fad-4e00-92c8-b593da3a8ed3';
/** The receipt every generated record belongs to. */
export const RECEIPT_ID = 7;

/** What {@link deltaRecords} builds. */
export interface DeltaRecordsOptions {
  readonly count: number;
  /** @default 4 */
  readonly dimension?: number;
  /** @default 'lines' */
  readonly collection?: CollectionName;
  /** @default {@link IMAGE_ID} */
  readonly imageId?: string;
  /** @default {@link RECEIPT_ID} */
  readonly receiptId?: number;
}

/**
 * A deterministic vector: values that are not float32 numbers (so a reader that returns
 * doubles, or a writer that keeps them, shows), different for every record and component.
 */
export const embeddingOf = (index: number, dimension: number): number[] =>
  Array.from(
    { length: dimension },
    (_, component) => Math.sin(index * 7.31 + component * 0.917) * (1 + (index % 3)),
  );

/** The id of record `index`: line `index + 1`, or word `index % 10 + 1` of line `index / 10 + 1`. */
export const recordId = (
  collection: CollectionName,
  index: number,
  imageId: string = IMAGE_ID,
  receiptId: number = RECEIPT_ID,
): string =>
  collection === 'lines'
    ? lineChromaId({ imageId, receiptId, lineId: index + 1 })
    : wordChromaId({
        imageId,
        receiptId,
        lineId: Math.floor(index / 10) + 1,
        wordId: (index % 10) + 1,
      });

/**
 * Valid records with every kind of metadata value Chroma stores (string, int, float, bool,
 * lists), a document on most records and none (or `null`) on some.
 */
export const deltaRecords = (options: DeltaRecordsOptions): DeltaRecord[] => {
  const { count, dimension = 4, collection = 'lines' } = options;
  const imageId = options.imageId ?? IMAGE_ID;
  const receiptId = options.receiptId ?? RECEIPT_ID;
  return Array.from({ length: count }, (_, index): DeltaRecord => {
    const id = recordId(collection, index, imageId, receiptId);
    const embedding = embeddingOf(index, dimension);
    if (index % 7 === 3) return { id, embedding };
    if (index % 7 === 5) return { id, embedding, document: null, metadata: null };
    return {
      id,
      embedding,
      document: `text ${index} – ünïcode "quoted"\nsecond line`,
      metadata: {
        text: `text ${index}`,
        line_id: index + 1,
        confidence: (index % 100) / 100 + 0.005,
        valid: index % 2 === 0,
        labels: ['TOTAL', 'AMOUNT'],
        positions: [index, index + 1],
      },
    };
  });
};

/** The records one at a time, from an async generator. */
export async function* asAsync<T>(items: Iterable<T>): AsyncGenerator<T, void, undefined> {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
}

/** The records the batches hold, flattened back into {@link DeltaRecord}s. */
export interface CollectedDelta {
  readonly batches: DeltaRecordBatch[];
  readonly records: DeltaRecord[];
}

/** Reads every batch of a delta (which removes its staged files). */
export const collectBatches = async (delta: DeltaRead): Promise<CollectedDelta> => {
  const batches: DeltaRecordBatch[] = [];
  for await (const batch of delta.batches) batches.push(batch);
  const records = batches.flatMap((batch) =>
    batch.ids.map(
      (id, row): DeltaRecord => ({
        id,
        embedding: Array.from(batch.embeddings[row] ?? []),
        document: batch.documents[row] ?? null,
        metadata: batch.metadatas[row] ?? null,
      }),
    ),
  );
  return { batches, records };
};

/** What a record reads back as: vectors rounded to float32, a missing document or metadata `null`. */
export const asRead = (record: DeltaRecord): DeltaRecord => ({
  id: record.id,
  embedding: Array.from(record.embedding, (value) => Math.fround(value)),
  document: record.document ?? null,
  metadata: record.metadata ?? null,
});

/** A temp directory per test: a store under `root/store`, staging under `root/tmp`. */
export interface DeltaWorkspace {
  readonly root: string;
  readonly store: FileSystemObjectStore;
  /** The `tempDir` to hand `writeDelta` and `readDelta`. */
  readonly tempDir: string;
  /** Names in `tempDir` (staging directories left behind). */
  staged(): Promise<string[]>;
  /** Keys in the store. */
  storedKeys(): Promise<string[]>;
}

/** Registers hooks creating and removing a {@link DeltaWorkspace} around each test. */
export const useDeltaWorkspace = (): DeltaWorkspace => {
  let root = '';
  let store: FileSystemObjectStore | undefined;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'delta-test-'));
    await mkdir(join(root, 'tmp'));
    store = new FileSystemObjectStore({ root: join(root, 'store'), fsync: false });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });
  return {
    get root() {
      return root;
    },
    get store() {
      if (store === undefined) throw new Error('The workspace exists only inside a test');
      return store;
    },
    get tempDir() {
      return join(root, 'tmp');
    },
    staged: () => readdir(join(root, 'tmp')),
    storedKeys: async () => {
      const listing = await (store as FileSystemObjectStore).list();
      return listing.objects.map((object) => object.key);
    },
  };
};

/** Files this process holds open under `dir`, from Linux's `/proc/self/fd` (none elsewhere). */
export const openFilesUnder = async (dir: string): Promise<string[]> => {
  const fds = await readdir('/proc/self/fd').catch((): string[] => []);
  const targets = await Promise.all(
    fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')),
  );
  return targets.filter((target) => target.startsWith(`${dir}/`));
};

/**
 * Expects every file under `dir` to be closed within a second (a destroyed stream closes its
 * file asynchronously; a leaked one never does).
 */
export const expectFilesClosed = async (dir: string): Promise<void> => {
  await vi.waitFor(async () => expect(await openFilesUnder(dir)).toEqual([]), {
    timeout: 1000,
  });
};

/** Resolves to what the promise rejects with, or `undefined` when it resolves. */
export const catchError = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

/**
 * Reads the delta, expects a `DeltaIntegrityError` with `check`, and that nothing stays in
 * the workspace's staging directory, not even an open file.
 */
export const expectIntegrityFailure = async (
  workspace: DeltaWorkspace,
  prefix: string,
  check: DeltaCheck,
  options: ReadDeltaOptions = {},
): Promise<DeltaIntegrityError> => {
  const error = await catchError(
    readDelta(workspace.store, prefix, { tempDir: workspace.tempDir, ...options }),
  );
  expect(error).toBeInstanceOf(DeltaIntegrityError);
  expect((error as DeltaIntegrityError).check).toBe(check);
  expect(await workspace.staged()).toEqual([]);
  await expectFilesClosed(workspace.tempDir);
  return error as DeltaIntegrityError;
};

/**
 * Makes the store's next `get` answer `body` for `key`: a stream the reader pulls (a bomb
 * or a slow network), never stored whole.
 */
export const serveStream = (store: ObjectStore, key: string, body: Readable): void => {
  vi.spyOn(store, 'get').mockResolvedValueOnce({
    info: { key, size: 0, etag: '"served"' },
    body,
  });
};

/** Lower-case hex SHA-256 of the bytes. */
export const sha256Hex = (bytes: Buffer | string): string =>
  createHash('sha256').update(bytes).digest('hex');

/** The stored bytes of an object. */
export const readObject = async (store: ObjectStore, key: string): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of (await store.get(key)).body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** One entry of an unpacked archive, in archive order (as `tarGz` packs it). */
export interface ArchiveEntry extends TarEntrySpec {
  /** The header's type, as the archive has it. */
  readonly type: NonNullable<TarEntrySpec['type']>;
  readonly content: Buffer;
}

/** The entries of a `.tar.gz`, in order, with their content. */
export const unpackEntries = async (archive: Buffer): Promise<ArchiveEntry[]> => {
  const entries: ArchiveEntry[] = [];
  const extract = tarExtract();
  Readable.from([gunzipSync(archive)]).pipe(extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry as AsyncIterable<Buffer>) chunks.push(chunk);
    const { name, type, linkname } = entry.header;
    entries.push({
      name,
      type: type ?? 'file',
      content: Buffer.concat(chunks),
      ...(linkname ? { linkname } : {}),
    });
  }
  return entries;
};

/** The content of the entry named `name`. */
export const contentOf = (entries: readonly ArchiveEntry[], name: string): Buffer =>
  entryNamed(entries, name).content;

/** The entries with `name`'s content replaced. */
export const replaceContent = (
  entries: readonly ArchiveEntry[],
  name: string,
  content: Buffer | string,
): ArchiveEntry[] =>
  entries.map((entry) =>
    entry.name === name ? { ...entry, content: Buffer.from(content) } : entry,
  );

/** The entries with fields of the one named `name` replaced (it keeps its place). */
export const swapEntry = (
  entries: readonly ArchiveEntry[],
  name: string,
  replacement: Partial<ArchiveEntry>,
): ArchiveEntry[] =>
  entries.map((entry) => (entry.name === name ? { ...entry, ...replacement } : entry));

/** The entry named `name`. */
export const entryNamed = (entries: readonly ArchiveEntry[], name: string): ArchiveEntry => {
  const entry = entries.find((candidate) => candidate.name === name);
  if (entry === undefined) throw new Error(`No entry ${name} in the archive`);
  return entry;
};

/** Flips every bit of the byte at `offset` (from the end when negative) of `name`. */
export const flipByte = (
  entries: readonly ArchiveEntry[],
  name: string,
  offset: number,
): ArchiveEntry[] => {
  const bytes = Buffer.from(contentOf(entries, name));
  const at = offset < 0 ? bytes.length + offset : offset;
  bytes[at] = (bytes[at] as number) ^ 0xff;
  return replaceContent(entries, name, bytes);
};

/** `manifest.json` as stored (snake_case); extra fields are allowed. */
export interface ManifestWire {
  format: unknown;
  version: unknown;
  collection: unknown;
  count: unknown;
  dimension: unknown;
  dtype: unknown;
  run_id: unknown;
  image_id: unknown;
  receipt_id: unknown;
  created_at: unknown;
  producer: unknown;
  entries: Record<string, { size: number; sha256: string }>;
  [field: string]: unknown;
}

/** The parsed `manifest.json` of the entries. */
export const manifestOf = (entries: readonly ArchiveEntry[]): ManifestWire =>
  JSON.parse(contentOf(entries, 'manifest.json').toString('utf8')) as ManifestWire;

/** The entries with the manifest edited in place by `edit` (on a copy). */
export const editManifest = (
  entries: readonly ArchiveEntry[],
  edit: (manifest: ManifestWire) => void,
): ArchiveEntry[] => {
  const manifest = structuredClone(manifestOf(entries));
  edit(manifest);
  return replaceContent(entries, 'manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
};

/**
 * The entries with the manifest's size and SHA-256 of each data entry recomputed from the
 * entries as they are now, so only the other checks can catch what was changed.
 */
export const rehashManifest = (entries: readonly ArchiveEntry[]): ArchiveEntry[] =>
  editManifest(entries, (manifest) => {
    for (const name of Object.keys(manifest.entries)) {
      const entry = entries.find((candidate) => candidate.name === name);
      if (entry === undefined) continue;
      manifest.entries[name] = { size: entry.content.length, sha256: sha256Hex(entry.content) };
    }
  });

/** How {@link tamperDelta} changes a stored delta. */
export interface TamperOptions {
  /** Recompute the manifest's sizes and SHA-256s after the change. @default false */
  readonly rehash?: boolean;
}

/**
 * Replaces `{prefix}delta.tar.gz` in the store with its entries changed by `change` and
 * packed again; returns the new archive.
 */
export const tamperDelta = async (
  store: ObjectStore,
  prefix: string,
  change: (entries: ArchiveEntry[]) => ArchiveEntry[],
  options: TamperOptions = {},
): Promise<Buffer> => {
  const key = `${prefix}delta.tar.gz`;
  let entries = change(await unpackEntries(await readObject(store, key)));
  if (options.rehash === true) entries = rehashManifest(entries);
  const archive = await tarGz(entries);
  await store.put(key, archive);
  return archive;
};
