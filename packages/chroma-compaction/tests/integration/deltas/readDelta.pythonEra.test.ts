import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localChromaDeltaSource } from '../../../src/adapters/chroma/localChromaDeltaSource.js';
import { FileSystemObjectStore } from '../../../src/adapters/fs/FileSystemObjectStore.js';
import { S3ObjectStore } from '../../../src/adapters/s3/S3ObjectStore.js';
import { CompactionConfigurationError } from '../../../src/compaction/errors.js';
import { DeltaIntegrityError } from '../../../src/deltas/errors.js';
import { readDelta } from '../../../src/deltas/readDelta.js';
import type { DeltaRecordBatch } from '../../../src/deltas/types.js';
import { lineChromaId, wordChromaId } from '../../../src/ids/chromaIds.js';
import type { ObjectStore } from '../../../src/ports/objectStore.js';
import type { PythonDeltaSource } from '../../../src/ports/pythonDeltaSource.js';
import { tarGz } from '../../helpers/tarballs.js';
import { chromaCommand } from '../helpers/localChroma.js';
import { createBucket, deleteBucket, motoS3Client } from '../helpers/motoS3.js';
import {
  type PythonEraRecord,
  persistDirectoryFiles,
  putPythonDirectory,
  putPythonTarball,
  writePersistDirectory,
} from '../helpers/pythonEraDeltas.js';

/**
 * `readDelta` on Python-era deltas (spec §11.1, §11.2): Chroma persist directories written by
 * a real Chroma server, stored as `delta.tar.gz` and as one object per file, read back through
 * `localChromaDeltaSource` from moto's S3 and from the file system.
 */

const IMAGE_ID = '3f52804b-2fad-4e00-92c8-b593da3a8ed3';
/** Seven lines: with batches of 3 the records come in 3 pages, the last one short. */
const LINES: PythonEraRecord[] = Array.from({ length: 7 }, (_, index) => ({
  id: lineChromaId({ imageId: IMAGE_ID, receiptId: 1, lineId: index + 1 }),
  // 0.1 and friends are not float32 values: the delta holds their float32 roundings.
  embedding: [0.1 * (index + 1), -0.2, 0.3 + index / 7, 1 / 3],
  document: `LINE ${index + 1}`,
  metadata: { text: `LINE ${index + 1}`, line_id: index + 1, confidence: 0.93, valid: true },
}));
const WORDS: PythonEraRecord[] = [
  {
    id: wordChromaId({ imageId: IMAGE_ID, receiptId: 1, lineId: 1, wordId: 1 }),
    embedding: [0.5, 0.25],
    document: 'TOTAL',
    metadata: { text: 'TOTAL' },
  },
];
const LAYOUTS = ['python-tarball', 'python-directory'] as const;
type PythonLayout = (typeof LAYOUTS)[number];

/** The deltas stored in one store, by layout, plus the ones that must fail. */
interface StoredDeltas {
  readonly store: ObjectStore;
  readonly lines: Readonly<Record<PythonLayout, string>>;
  /** A persist directory holding `words` only, read as `lines`. */
  readonly wordsOnly: Readonly<Record<PythonLayout, string>>;
  /** A `delta.tar.gz` with neither `manifest.json` nor `chroma.sqlite3`. */
  readonly neither: string;
}

const STORES = ['S3ObjectStore on moto', 'FileSystemObjectStore'] as const;
const stored = new Map<string, StoredDeltas>();
let workRoot: string;
let s3: S3Client;
let bucket: string;
let pythonDeltas: PythonDeltaSource;

const storeDeltas = async (
  store: ObjectStore,
  linesDir: string,
  wordsDir: string,
): Promise<StoredDeltas> => {
  await putPythonTarball(store, 'lines/delta/run-tarball/', linesDir);
  await putPythonTarball(store, 'lines/delta/run-words-tarball/', wordsDir);
  await store.put(
    'lines/delta/run-neither/delta.tar.gz',
    await tarGz([
      { name: './', type: 'directory' },
      { name: './notes.txt', content: 'neither a portable delta nor a persist directory' },
    ]),
  );
  return {
    store,
    lines: {
      'python-tarball': 'lines/delta/run-tarball/',
      'python-directory': await putPythonDirectory(store, 'lines/delta/run-directory/', linesDir),
    },
    wordsOnly: {
      'python-tarball': 'lines/delta/run-words-tarball/',
      'python-directory': await putPythonDirectory(store, 'lines/delta/run-words/', wordsDir),
    },
    neither: 'lines/delta/run-neither/',
  };
};

beforeAll(async () => {
  workRoot = await mkdtemp(join(tmpdir(), 'python-era-delta-'));
  const linesDir = join(workRoot, 'lines-persist');
  const wordsDir = join(workRoot, 'words-persist');
  await writePersistDirectory(linesDir, { collection: 'lines', records: LINES });
  await writePersistDirectory(wordsDir, { collection: 'words', records: WORDS });
  pythonDeltas = localChromaDeltaSource({ command: chromaCommand() });
  s3 = motoS3Client().client;
  bucket = await createBucket(s3, 'python-era-delta');
  const s3Store = new S3ObjectStore({ client: s3, bucket });
  const fsStore = new FileSystemObjectStore({ root: join(workRoot, 'store') });
  stored.set(STORES[0], await storeDeltas(s3Store, linesDir, wordsDir));
  stored.set(STORES[1], await storeDeltas(fsStore, linesDir, wordsDir));
});

afterAll(async () => {
  await deleteBucket(s3, bucket);
  s3.destroy();
  await rm(workRoot, { recursive: true, force: true });
});

/** A new, empty directory for `readDelta`'s `tempDir`. */
const stagingDir = async (): Promise<string> => {
  const parent = join(workRoot, 'staging');
  await mkdir(parent, { recursive: true });
  return mkdtemp(join(parent, 'run-'));
};

const catchError = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

/** The records as the delta must hand them back: vectors rounded to float32. */
const expectedBatches = (records: readonly PythonEraRecord[], size: number): DeltaRecordBatch[] => {
  const batches: DeltaRecordBatch[] = [];
  for (let start = 0; start < records.length; start += size) {
    const slice = records.slice(start, start + size);
    batches.push({
      ids: slice.map((record) => record.id),
      embeddings: slice.map((record) => Array.from(Float32Array.from(record.embedding))),
      documents: slice.map((record) => record.document),
      metadatas: slice.map((record) => record.metadata),
    });
  }
  return batches;
};

it('builds the fixtures like Python does: chroma.sqlite3 and a segment folder', async () => {
  // Act
  const files = await persistDirectoryFiles(join(workRoot, 'lines-persist'));

  // Assess
  expect(files).toContain('chroma.sqlite3');
  expect(files).toContainEqual(expect.stringMatching(/^[0-9a-f-]{36}\/header\.bin$/));
  expect(stored.get(STORES[0])?.lines['python-directory']).toMatch(
    /^lines\/delta\/run-directory\/[0-9a-f]{32}\/$/,
  );
});

describe.each(STORES)('Function: readDelta, Python-era deltas (%s)', (storeName) => {
  const deltas = (): StoredDeltas => {
    const found = stored.get(storeName);
    if (found === undefined) throw new Error(`No deltas stored in ${storeName}`);
    return found;
  };

  it.each(LAYOUTS)('reads every record the producer wrote (%s)', async (layout) => {
    // Prepare
    const { store, lines } = deltas();
    const tempDir = await stagingDir();

    // Act
    const delta = await readDelta(store, lines[layout], {
      collection: 'lines',
      pythonDeltas,
      batchSize: 3,
      tempDir,
    });
    const batches: DeltaRecordBatch[] = [];
    for await (const batch of delta.batches) batches.push(batch);

    // Assess
    expect(delta.layout).toBe(layout);
    expect(delta.prefix).toBe(lines[layout]);
    expect(delta.manifest).toMatchObject({
      collection: 'lines',
      count: LINES.length,
      dimension: 4,
      runId: null,
      producer: `chromadb persist directory (${layout})`,
    });
    expect(batches).toEqual(expectedBatches(LINES, 3));
    await expect(readdir(tempDir)).resolves.toEqual([]);
  });

  it.each(LAYOUTS)(
    'fails check python-delta when the persist directory lacks the collection (%s)',
    async (layout) => {
      // Prepare
      const { store, wordsOnly } = deltas();
      const tempDir = await stagingDir();

      // Act
      const error = await catchError(
        readDelta(store, wordsOnly[layout], { collection: 'lines', pythonDeltas, tempDir }),
      );

      // Assess
      expect(error).toBeInstanceOf(DeltaIntegrityError);
      expect(error).toMatchObject({ check: 'python-delta', prefix: wordsOnly[layout] });
      expect((error as Error).message).toMatch(
        /without collection "lines" \(it holds only "words"\)/,
      );
      await expect(readdir(tempDir)).resolves.toEqual([]);
    },
  );

  it.each(LAYOUTS)('fails check receipt for records of another receipt (%s)', async (layout) => {
    // Prepare
    const { store, lines } = deltas();
    const tempDir = await stagingDir();

    // Act
    const error = await catchError(
      readDelta(store, lines[layout], {
        collection: 'lines',
        receipt: { imageId: IMAGE_ID, receiptId: 2 },
        pythonDeltas,
        tempDir,
      }),
    );

    // Assess
    expect(error).toBeInstanceOf(DeltaIntegrityError);
    expect(error).toMatchObject({ check: 'receipt', prefix: lines[layout] });
    await expect(readdir(tempDir)).resolves.toEqual([]);
  });

  it.each(LAYOUTS)('needs the pythonDeltas option (%s)', async (layout) => {
    // Prepare
    const { store, lines } = deltas();
    const tempDir = await stagingDir();

    // Act
    const error = await catchError(
      readDelta(store, lines[layout], { collection: 'lines', tempDir }),
    );

    // Assess
    expect(error).toBeInstanceOf(CompactionConfigurationError);
    expect((error as Error).message).toContain('pythonDeltas');
    expect(error).toMatchObject({ context: { layout, prefix: lines[layout] } });
    await expect(readdir(tempDir)).resolves.toEqual([]);
  });

  it('fails check manifest-missing for a tarball that is no delta, without pythonDeltas', async () => {
    // Prepare
    const { store, neither } = deltas();
    const tempDir = await stagingDir();

    // Act
    const error = await catchError(readDelta(store, neither, { collection: 'lines', tempDir }));

    // Assess
    expect(error).toBeInstanceOf(DeltaIntegrityError);
    expect(error).toMatchObject({ check: 'manifest-missing', prefix: neither });
    await expect(readdir(tempDir)).resolves.toEqual([]);
  });

  it('fails check python-delta for a tarball that is no delta, with pythonDeltas', async () => {
    // Prepare
    const { store, neither } = deltas();
    const tempDir = await stagingDir();

    // Act
    const error = await catchError(
      readDelta(store, neither, { collection: 'lines', pythonDeltas, tempDir }),
    );

    // Assess
    expect(error).toBeInstanceOf(DeltaIntegrityError);
    expect(error).toMatchObject({ check: 'python-delta', prefix: neither });
    expect((error as Error).message).toContain('no manifest.json and no chroma.sqlite3');
    await expect(readdir(tempDir)).resolves.toEqual([]);
  });
});
