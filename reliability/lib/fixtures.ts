/**
 * The real things the archive scenarios start from: delta records with valid Chroma ids, a
 * small persist-directory-shaped tree, a store in a temporary directory, and the bytes of
 * stored objects.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  type DeltaRecord,
  type DeltaRecordBatch,
  lineChromaId,
  type ObjectStore,
} from '@receipt-chroma/chroma-compaction';
import { seededRandom } from './random.js';

/** The receipt every delta record belongs to. */
export const RECEIPT = { imageId: '9b1f6a52-4c1e-4b0a-8f0e-2d7c3a9e5b11', receiptId: 3 } as const;

/** `count` line records of `dimension` float32-exact values, with documents and metadata. */
export const lineRecords = (count: number, dimension: number): DeltaRecord[] =>
  Array.from({ length: count }, (_, index) => ({
    id: lineChromaId({ ...RECEIPT, lineId: index + 1 }),
    // Multiples of 1/64 below 8 are exact in float32, so the read-back equals the input.
    embedding: Array.from({ length: dimension }, (_, at) => ((index * 31 + at * 7) % 512) / 64 - 4),
    document: index % 5 === 0 ? null : `line ${index + 1}: TOTAL ${(index * 1.25).toFixed(2)}`,
    metadata:
      index % 4 === 0
        ? null
        : { text: `line ${index + 1}`, line_id: index + 1, valid: index % 2 === 0 },
  }));

/** The records of batches, one plain object per record, in order. */
export const recordsOf = (batches: readonly DeltaRecordBatch[]): DeltaRecord[] =>
  batches.flatMap((batch) =>
    batch.ids.map((id, row) => ({
      id,
      embedding: batch.embeddings[row] ?? [],
      document: batch.documents[row] ?? null,
      metadata: batch.metadatas[row] ?? null,
    })),
  );

/**
 * A small tree shaped like a Chroma persist directory: a sqlite-like file, a segment folder
 * of binary files (seeded, barely compressible), nested and empty folders, an empty file.
 */
export const writePersistTree = async (root: string, seed: number): Promise<void> => {
  const random = seededRandom(seed);
  const noise = (length: number): Buffer =>
    Buffer.from(Array.from({ length }, () => random.int(0, 255)));
  const files: Record<string, Buffer> = {
    'chroma.sqlite3': Buffer.from('SQLite format 3\0'.padEnd(48_000, 'page;')),
    'seg-0001/data_level0.bin': noise(60_000),
    'seg-0001/header.bin': noise(100),
    'seg-0001/length.bin': Buffer.alloc(4_000, 7),
    'seg-0001/link_lists.bin': Buffer.alloc(0),
    'seg-0002/nested/index_metadata.pickle': noise(20_000),
  };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  await mkdir(join(root, 'empty-segment'), { recursive: true });
};

/** Every file under `root` with its SHA-256, and every directory, sorted by path. */
export const treeDigest = async (root: string, relative = ''): Promise<string[]> => {
  const lines: string[] = [];
  for (const dirent of await readdir(join(root, relative), { withFileTypes: true })) {
    const path = relative === '' ? dirent.name : `${relative}/${dirent.name}`;
    if (dirent.isDirectory()) {
      lines.push(`${path}/`, ...(await treeDigest(root, path)));
    } else {
      lines.push(`${path} ${sha256Hex(await readFile(join(root, path)))}`);
    }
  }
  return lines.sort();
};

/** Lower-case hex SHA-256. */
export const sha256Hex = (bytes: Buffer | string): string =>
  createHash('sha256').update(bytes).digest('hex');

/** Lower-case hex MD5. */
export const md5Hex = (bytes: Buffer | string): string =>
  createHash('md5').update(bytes).digest('hex');

/** The stored bytes of an object. */
export const objectBytes = async (store: ObjectStore, key: string): Promise<Buffer> =>
  Buffer.concat(await (await store.get(key)).body.toArray());

/** What a promise rejects with, or `undefined` when it resolves. */
export const rejectionOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );
