import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSystemObjectStore } from '../../../src/adapters/fs/FileSystemObjectStore.js';
import { CompactionConfigurationError } from '../../../src/compaction/errors.js';
import { DeltaIntegrityError } from '../../../src/deltas/errors.js';
import { readDelta } from '../../../src/deltas/readDelta.js';
import { type TarEntrySpec, tarGz } from '../../helpers/tarballs.js';

/**
 * How `readDelta` tells a Python-era `delta.tar.gz` (spec §11.1: `tar w:gz`, `arcname="."`,
 * so `./` comes first) from an archive that is no delta at all when it has no `pythonDeltas`
 * to read one with: it reads on past the first entry looking for `chroma.sqlite3`.
 */

let root: string;
let tempDir: string;
let store: FileSystemObjectStore;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'python-era-detection-'));
  tempDir = join(root, 'staging');
  await mkdir(tempDir);
  store = new FileSystemObjectStore({ root: join(root, 'store') });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const catchError = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

/** Python's entry order for a persist directory with one segment folder. */
const PERSIST_DIRECTORY: TarEntrySpec[] = [
  { name: './', type: 'directory' },
  { name: './0f2e7c9a-4f55-4a43-9a26-1b0c4c3b7e11/', type: 'directory' },
  { name: './0f2e7c9a-4f55-4a43-9a26-1b0c4c3b7e11/header.bin', content: 'header' },
  { name: './chroma.sqlite3', content: 'SQLite format 3\u0000' },
];

describe('Function: readDelta, Python-era tarballs without pythonDeltas', () => {
  it('refuses a persist directory with CompactionConfigurationError', async () => {
    // Prepare
    await store.put('lines/delta/run-1/delta.tar.gz', await tarGz(PERSIST_DIRECTORY));

    // Act
    const error = await catchError(
      readDelta(store, 'lines/delta/run-1/', { collection: 'lines', tempDir }),
    );

    // Assess
    expect(error).toBeInstanceOf(CompactionConfigurationError);
    expect(error).toMatchObject({ context: { layout: 'python-tarball' } });
    await expect(readdir(tempDir)).resolves.toEqual([]);
  });

  it('fails check manifest-missing for an archive without chroma.sqlite3', async () => {
    // Prepare
    const entries = PERSIST_DIRECTORY.filter((entry) => entry.name !== './chroma.sqlite3');
    await store.put('lines/delta/run-1/delta.tar.gz', await tarGz(entries));

    // Act
    const error = await catchError(
      readDelta(store, 'lines/delta/run-1/', { collection: 'lines', tempDir }),
    );

    // Assess
    expect(error).toBeInstanceOf(DeltaIntegrityError);
    expect(error).toMatchObject({ check: 'manifest-missing', prefix: 'lines/delta/run-1/' });
    await expect(readdir(tempDir)).resolves.toEqual([]);
  });
});
