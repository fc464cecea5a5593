import { describe, expect, it } from 'vitest';
import { writeDelta } from '../../../src/deltas/writeDelta.js';
import { PACKAGE_VERSION } from '../../../src/packageVersion.js';
import {
  contentOf,
  deltaRecords,
  IMAGE_ID,
  manifestOf,
  RECEIPT_ID,
  readObject,
  sha256Hex,
  unpackEntries,
  useDeltaWorkspace,
} from '../../helpers/deltaArchives.js';

/** Python's `datetime.isoformat()` of an aware UTC time with microseconds. */
const PYTHON_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;

describe('Function: writeDelta', () => {
  const workspace = useDeltaWorkspace();

  describe('the archive as stored', () => {
    it('holds manifest.json, records.ndjson and embeddings.f32, in that order, as files', async () => {
      // Prepare
      const records = deltaRecords({ count: 12, dimension: 6 });

      // Act
      await writeDelta(workspace.store, 'lines/delta/run-1', {
        collection: 'lines',
        records,
        tempDir: workspace.tempDir,
      });

      // Assess
      const stored = await readObject(workspace.store, 'lines/delta/run-1/delta.tar.gz');
      expect(stored.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
      const entries = await unpackEntries(stored);
      expect(entries.map(({ name, type }) => ({ name, type }))).toEqual([
        { name: 'manifest.json', type: 'file' },
        { name: 'records.ndjson', type: 'file' },
        { name: 'embeddings.f32', type: 'file' },
      ]);
    });

    it('lists the size and SHA-256 of each data entry, count and dimension', async () => {
      // Prepare
      const records = deltaRecords({ count: 12, dimension: 6 });

      // Act
      const returned = await writeDelta(workspace.store, 'lines/delta/run-1/', {
        collection: 'lines',
        records,
        tempDir: workspace.tempDir,
      });

      // Assess
      const entries = await unpackEntries(
        await readObject(workspace.store, 'lines/delta/run-1/delta.tar.gz'),
      );
      const manifest = manifestOf(entries);
      for (const name of ['records.ndjson', 'embeddings.f32']) {
        const content = contentOf(entries, name);
        expect(manifest.entries[name]).toEqual({
          size: content.length,
          sha256: sha256Hex(content),
        });
      }
      expect(Object.keys(manifest.entries).sort()).toEqual(['embeddings.f32', 'records.ndjson']);
      expect(manifest).toMatchObject({ count: 12, dimension: 6 });
      expect(returned.entries).toEqual(manifest.entries);
      expect(contentOf(entries, 'embeddings.f32').length).toBe(12 * 6 * 4);
    });

    it('writes one {id, document, metadata} line per record and little-endian float32 rows', async () => {
      // Prepare
      const records = deltaRecords({ count: 9, dimension: 3 });

      // Act
      await writeDelta(workspace.store, 'lines/delta/run-1', {
        collection: 'lines',
        records,
        tempDir: workspace.tempDir,
      });

      // Assess
      const entries = await unpackEntries(
        await readObject(workspace.store, 'lines/delta/run-1/delta.tar.gz'),
      );
      const text = contentOf(entries, 'records.ndjson').toString('utf8');
      expect(text.at(-1)).toBe('\n');
      expect(
        text
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line)),
      ).toEqual(
        records.map((record) => ({
          id: record.id,
          document: record.document ?? null,
          metadata: record.metadata ?? null,
        })),
      );
      const vectors = contentOf(entries, 'embeddings.f32');
      records.forEach((record, row) => {
        record.embedding.forEach((value, column) => {
          expect(vectors.readFloatLE((row * 3 + column) * 4)).toBe(Math.fround(value));
        });
      });
    });

    it('records format, version, dtype, run, image and receipt ids and a Python timestamp', async () => {
      // Prepare
      const before = Date.now();

      // Act
      const returned = await writeDelta(workspace.store, 'lines/delta/run-7', {
        collection: 'lines',
        records: deltaRecords({ count: 2 }),
        runId: 'run-7',
        imageId: IMAGE_ID,
        receiptId: RECEIPT_ID,
        tempDir: workspace.tempDir,
      });

      // Assess
      const manifest = manifestOf(
        await unpackEntries(await readObject(workspace.store, 'lines/delta/run-7/delta.tar.gz')),
      );
      expect(manifest).toMatchObject({
        format: 'chroma-delta',
        version: 1,
        collection: 'lines',
        dtype: 'float32-le',
        run_id: 'run-7',
        image_id: IMAGE_ID,
        receipt_id: RECEIPT_ID,
        producer: `@receipt-chroma/chroma-compaction@${PACKAGE_VERSION}`,
      });
      expect(manifest.created_at).toMatch(PYTHON_TIMESTAMP);
      const createdAt = Date.parse(manifest.created_at as string);
      expect(createdAt).toBeGreaterThanOrEqual(before - 1);
      expect(createdAt).toBeLessThanOrEqual(Date.now());
      expect(returned).toMatchObject({
        runId: 'run-7',
        imageId: IMAGE_ID,
        receiptId: RECEIPT_ID,
        createdAt: manifest.created_at,
      });
    });

    it('writes null run, image and receipt ids when the producer names none', async () => {
      // Act
      await writeDelta(workspace.store, 'lines/delta/anonymous', {
        collection: 'lines',
        records: [],
        tempDir: workspace.tempDir,
      });

      // Assess
      const entries = await unpackEntries(
        await readObject(workspace.store, 'lines/delta/anonymous/delta.tar.gz'),
      );
      expect(manifestOf(entries)).toMatchObject({
        count: 0,
        dimension: 0,
        run_id: null,
        image_id: null,
        receipt_id: null,
        entries: {
          'records.ndjson': { size: 0, sha256: sha256Hex('') },
          'embeddings.f32': { size: 0, sha256: sha256Hex('') },
        },
      });
    });

    it('stores the archive with a gzip content type and the run id as metadata', async () => {
      // Act
      await writeDelta(workspace.store, 'lines/delta/run-3', {
        collection: 'lines',
        records: deltaRecords({ count: 1 }),
        runId: 'run-3',
        tempDir: workspace.tempDir,
      });

      // Assess
      const info = await workspace.store.head('lines/delta/run-3/delta.tar.gz');
      expect(info?.contentType).toBe('application/gzip');
      expect(info?.metadata).toEqual({
        delta_key: 'lines/delta/run-3/delta.tar.gz',
        run_id: 'run-3',
      });
    });
  });
});
