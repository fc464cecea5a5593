import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileSystemObjectStore } from '../../../src/adapters/fs/FileSystemObjectStore.js';
import { DeltaIntegrityError } from '../../../src/deltas/errors.js';
import {
  type DeltaEntryInfo,
  type DeltaManifest,
  EMBEDDINGS_ENTRY,
  RECORDS_ENTRY,
} from '../../../src/deltas/manifest.js';
import { packDelta } from '../../../src/deltas/packDelta.js';
import { readDelta } from '../../../src/deltas/readDelta.js';
import type { DeltaRecord, DeltaRecordBatch } from '../../../src/deltas/types.js';
import { writeDelta } from '../../../src/deltas/writeDelta.js';
import { lineChromaId } from '../../../src/ids/chromaIds.js';

/** When `on`, every id gets the same fingerprint, so each is compared with all before it. */
const collide = vi.hoisted(() => ({ on: false }));
vi.mock('../../../src/deltas/idFingerprints.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../src/deltas/IdFingerprints.js')>();
  class MaybeColliding extends original.IdFingerprints {
    constructor() {
      super((id) => (collide.on ? 7 : original.idFingerprint(id)));
    }
  }
  return { ...original, IdFingerprints: MaybeColliding };
});

const IMAGE = '3f52804b-2fad-4e00-92c8-b593da3a8ed3';
const id = (lineId: number): string => lineChromaId({ imageId: IMAGE, receiptId: 1, lineId });

/** Records whose values are float32 already, so they read back exactly. */
const lines = (count: number, dimension: number): DeltaRecord[] =>
  Array.from({ length: count }, (_, lineId) => ({
    id: id(lineId),
    embedding: Array.from({ length: dimension }, (_, k) => Math.fround((lineId + k) / 7)),
    document: `line ${lineId}`,
    metadata: { line_id: lineId },
  }));

/** Files this process holds open under `dir`, from Linux's `/proc/self/fd` (none elsewhere). */
const openFilesUnder = async (dir: string): Promise<string[]> => {
  const fds = await readdir('/proc/self/fd').catch((): string[] => []);
  const targets = await Promise.all(
    fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')),
  );
  return targets.filter((target) => target.startsWith(`${dir}/`));
};

const readAll = async (
  store: FileSystemObjectStore,
  prefix: string,
  options: { batchSize?: number; tempDir?: string } = {},
) => {
  const delta = await readDelta(store, prefix, { collection: 'lines', ...options });
  const batches: DeltaRecordBatch[] = [];
  for await (const batch of delta.batches) batches.push(batch);
  return batches;
};

describe('Function: readDelta', () => {
  let root: string;
  let store: FileSystemObjectStore;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'read-delta-'));
    store = new FileSystemObjectStore({ root: join(root, 'objects') });
    collide.on = false;
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Packs entries the writer would refuse (a repeated id), with a matching manifest. */
  const forge = async (prefix: string, ids: readonly string[]): Promise<void> => {
    const dir = await mkdtemp(join(root, 'forged-'));
    const records = Buffer.from(
      ids
        .map((recordId) => `${JSON.stringify({ id: recordId, document: null, metadata: null })}\n`)
        .join(''),
    );
    const embeddings = Buffer.from(new Float32Array(ids.flatMap((_, k) => [k, k / 2])).buffer);
    await writeFile(join(dir, RECORDS_ENTRY), records);
    await writeFile(join(dir, EMBEDDINGS_ENTRY), embeddings);
    const info = (bytes: Buffer): DeltaEntryInfo => ({
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    const manifest: DeltaManifest = {
      format: 'chroma-delta',
      version: 1,
      collection: 'lines',
      count: ids.length,
      dimension: 2,
      dtype: 'float32-le',
      runId: null,
      imageId: null,
      receiptId: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      producer: 'test',
      entries: { [RECORDS_ENTRY]: info(records), [EMBEDDINGS_ENTRY]: info(embeddings) },
    };
    await store.put(`${prefix}delta.tar.gz`, packDelta(manifest, dir));
  };

  it('hands out every record as written, in batches of batchSize', async () => {
    // Prepare: 1,100 x 300 float32 values is 1.3 MB, more than one staging chunk (1 MiB).
    const records = lines(1100, 300);
    await writeDelta(store, 'lines/delta/run-1/', { collection: 'lines', records });

    // Act
    const batches = await readAll(store, 'lines/delta/run-1/', { batchSize: 250 });

    // Assess
    expect(batches.map((batch) => batch.ids.length)).toEqual([250, 250, 250, 250, 100]);
    expect(batches.flatMap((batch) => batch.ids)).toEqual(records.map((record) => record.id));
    expect(batches.flatMap((batch) => batch.embeddings.map((row) => Array.from(row)))).toEqual(
      records.map((record) => record.embedding),
    );
    expect(batches.flatMap((batch) => batch.documents)).toEqual(
      records.map((record) => record.document),
    );
    expect(batches[4]?.metadatas[99]).toEqual({ line_id: 1099 });
    expect(batches[0]?.embeddings[0]).toBeInstanceOf(Array);
  });

  it('fails a delta that repeats an id, naming the line of the repeat', async () => {
    // Prepare
    await forge('lines/delta/run-1/', [id(1), id(2), id(3), id(2)]);

    // Act
    const reading = readAll(store, 'lines/delta/run-1/');

    // Assess
    await expect(reading).rejects.toThrow(DeltaIntegrityError);
    await expect(reading).rejects.toMatchObject({
      check: 'duplicate-id',
      message: expect.stringContaining(`records.ndjson line 4: id "${id(2)}" appears twice`),
    });
  });

  it('tells different ids with the same fingerprint apart, closing every file it reads again', async () => {
    // Prepare
    collide.on = true;
    const staging = await mkdtemp(join(root, 'staging-'));
    await writeDelta(store, 'lines/delta/run-1/', { collection: 'lines', records: lines(30, 2) });

    // Act
    const batches = await readAll(store, 'lines/delta/run-1/', { tempDir: staging });

    // Assess
    expect(batches.flatMap((batch) => batch.ids)).toEqual(lines(30, 2).map((record) => record.id));
    // Each comparison reads the staged records again and stops early.
    await vi.waitFor(async () => expect(await openFilesUnder(staging)).toEqual([]), {
      timeout: 1000,
    });
  });

  it('finds a repeated id among ids that share a fingerprint', async () => {
    // Prepare
    collide.on = true;
    await forge('lines/delta/run-2/', [id(1), id(2), id(3), id(4), id(3)]);

    // Act
    const reading = readAll(store, 'lines/delta/run-2/');

    // Assess
    await expect(reading).rejects.toMatchObject({
      check: 'duplicate-id',
      message: expect.stringContaining(`records.ndjson line 5: id "${id(3)}" appears twice`),
    });
  });
});
